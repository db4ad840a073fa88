"""The roll-up workbook's skeletons, built with openpyxl once per tier and scheme.

A skeleton is everything of the roll-up workbook that does not depend on the figures: the form
of the roll-up unit's tier (its unit and period strings are tokens), the titles and header rows
of the sheets for people, the hidden table's header, the ``kind = rollup`` marker, and one
palette row per data sheet (see :mod:`kh_excel.forms.sheetxml`). They are committed in
``kh_excel/data/rollup/`` (``scripts/regen_templates.py`` rewrites them, a test keeps them
current) so that a roll-up never imports openpyxl; :mod:`.workbook` fills them.
"""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..forms import layout as L
from ..forms import styles as st
from ..forms.package import token, workbook_bytes
from ..forms.sheetxml import style_marker
from ..forms.texts import FormTexts
from ..forms.writer import FormSpec, _build
from ..outputs import write_atomic
from .workbook import (FIRST_ROW, HEADER_ROW, KINDS, PER_UNIT_FIXED, PER_UNIT_TAIL, PREVIOUS_SHEET,
                       per_unit_codes, skeleton_name)

SEVERITY_FILLS = {"loi": "FFC7CE", "canh_bao": "FFEB9C", "thong_tin": "DDEBF7"}


def _header(ws: Worksheet, headers: list[str], widths: list[float]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths), 1):
        cell = st.put_text(ws.cell(HEADER_ROW, col), text, st.BOLD)
        cell.fill, cell.alignment, cell.border = st.HEADER_FILL, st.CENTER, st.BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 1)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _title(ws: Worksheet, text: str) -> None:
    st.put_text(ws.cell(1, 1), text, st.TITLE)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _palette(ws: Worksheet, row: int, styles: dict[str, dict]) -> None:
    """One cell per named style, holding its marker; removed when the skeleton is filled."""
    for col, (name, style) in enumerate(styles.items(), 1):
        cell = ws.cell(row, col, style_marker(name))
        for attr, value in style.items():
            setattr(cell, attr, value)


TEXT = {"font": st.FONT}
PLAIN = {}
COUNT = {"number_format": st.COUNT_FORMAT}


def _per_unit_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.PER_UNIT_SHEET)
    _title(ws, f"CHI TIẾT THEO ĐƠN VỊ — {token('association')}, {token('period_label')}")
    codes = per_unit_codes()
    headers = [*PER_UNIT_FIXED, *(f"{i.label} ({i.unit})" for i in codes), *PER_UNIT_TAIL]
    _header(ws, headers, [5, 8, 24, 12, 10] + [14] * len(codes) + [40, 20])
    _palette(ws, FIRST_ROW, {"text": TEXT, "num": PLAIN, "count": COUNT,
                             "bold": {"font": st.BOLD},
                             "bold_count": {"font": st.BOLD, "number_format": st.COUNT_FORMAT}})


def _findings_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.FINDINGS_SHEET)
    _title(ws, f"KẾT QUẢ KIỂM TRA — {token('association')}, {token('period_label')}")
    _header(ws, ["Mức độ", "Đơn vị", "Tệp", "Trang", "Ô", "Nội dung", "Quy tắc"],
            [10, 20, 30, 14, 6, 90, 24])
    wrap = {"font": st.FONT, "alignment": st.WRAP}
    styles = {"text": TEXT, "wrap": wrap}
    styles.update({name: {**wrap, "fill": st.PatternFill("solid", fgColor=color)}
                   for name, color in SEVERITY_FILLS.items()})
    _palette(ws, FIRST_ROW, styles)


def _missing_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.MISSING_SHEET)
    _title(ws, f"ĐƠN VỊ CHƯA NỘP BIỂU HỢP LỆ — {token('received')}/{token('expected')} đơn vị "
               "đã nộp")
    _header(ws, ["STT", "Mã", "Đơn vị", "Lý do"], [5, 8, 30, 60])
    _palette(ws, FIRST_ROW, {"text": TEXT})


def _previous_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(PREVIOUS_SHEET)
    _title(ws, f"SO SÁNH VỚI {token('previous_label')}")
    _header(ws, ["Chỉ tiêu", "Đơn vị tính", "Cấp", token("previous_period"), token("period"),
                 "Chênh lệch"], [50, 12, 12, 18, 18, 18])
    pct = {"number_format": st.PCT_FORMAT}
    _palette(ws, FIRST_ROW, {"text": TEXT, "count": COUNT, "pct": pct,
                             "count_f": {**TEXT, **COUNT}, "pct_f": {**TEXT, **pct}})


def _data_sheet(wb: Workbook) -> None:
    ws = wb.create_sheet(L.ROLLUP_DATA_SHEET)
    for col, text in enumerate(("kind", "key", "sub", "value"), 1):
        st.put_text(ws.cell(1, col), text)
    _palette(ws, 2, {"text": TEXT, "num": PLAIN})
    ws.sheet_state = "hidden"


def build_skeleton(tier: str, scheme: str) -> Workbook:
    """The roll-up skeleton of a ``tier`` unit in ``scheme`` (openpyxl, not saved)."""
    has_parent = tier != "tw"
    texts = FormTexts(
        tier=tier, scheme=scheme, unit_given=True, unit_code=token("unit_code"),
        unit_name=token("unit_name"), association=token("association"),
        parent_code=token("parent_code") if has_parent else "",
        parent_name=token("parent_name") if has_parent else "",
        period_given=True, period=token("period"), period_label=token("period_label"))
    wb = _build(FormSpec(tier, scheme), texts)
    _per_unit_sheet(wb)
    _findings_sheet(wb)
    _missing_sheet(wb)
    _data_sheet(wb)
    _previous_sheet(wb)
    meta = wb[L.META_SHEET]
    row = meta.max_row + 1
    st.put_text(meta.cell(row, L.META_KEY_COL), "kind")
    st.put_text(meta.cell(row, L.META_VALUE_COL), "rollup")
    wb.custom_doc_props.append(StringProperty(name="kind", value="rollup"))
    return wb


def write_skeletons(out_dir: str | os.PathLike) -> list[Path]:
    """Every skeleton into ``out_dir``, overwriting older ones; returns the paths."""
    out = []
    for tier, scheme in KINDS:
        data = workbook_bytes(build_skeleton(tier, scheme), keep_tokens=True)
        out.append(write_atomic(Path(out_dir) / skeleton_name(tier, scheme),
                                lambda tmp, data=data: tmp.write_bytes(data), force=True))
    return out
