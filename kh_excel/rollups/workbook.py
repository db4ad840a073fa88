"""The roll-up workbook: a filled form of the parent's tier (the next tier's input) plus sheets
for people (per unit, findings, missing units, last period) and a hidden table for programs."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import load_catalogue
from ..forms import layout as L
from ..forms import styles as st
from ..forms.fill import set_named
from ..forms.writer import FormSpec, build_form
from ..model import Number, Severity
from ..outputs import check_writable, write_atomic
from ..tiers import LEVEL_HEADERS
from .model import STATUS_LABELS, RollupResult

SEVERITY_FILLS = {Severity.LOI: "FFC7CE", Severity.CANH_BAO: "FFEB9C", Severity.THONG_TIN: "DDEBF7"}


def _number(v: Number) -> int | float:
    return int(v) if v == int(v) else float(v)


def _header(ws: Worksheet, row: int, headers: list[str], widths: list[float]) -> None:
    for col, (text, width) in enumerate(zip(headers, widths), 1):
        cell = st.put_text(ws.cell(row, col), text, st.BOLD)
        cell.fill, cell.alignment, cell.border = st.HEADER_FILL, st.CENTER, st.BORDER
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = ws.cell(row + 1, 1)
    ws.print_title_rows = f"{row}:{row}"


def _title(ws: Worksheet, text: str) -> None:
    st.put_text(ws.cell(1, 1), text, st.TITLE)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _fill_form(wb, result: RollupResult) -> None:
    layout = L.form_layout(result.unit.tier, result.scheme)
    for vc in layout.cells:
        if vc.role == "input" and (vc.code, vc.level) in result.values:
            set_named(wb, vc.name, _number(result.values[(vc.code, vc.level)]))
    for code, text in result.own_texts.items():
        set_named(wb, L.text_name(code), text)
    set_named(wb, L.info_name("nguoi_lap"), "Tổng hợp bằng kh-excel")
    set_named(wb, L.info_name("ngay_lap"), date.today().strftime("%d/%m/%Y"))


def _per_unit_sheet(wb, result: RollupResult) -> None:
    ws = wb.create_sheet(L.PER_UNIT_SHEET)
    _title(ws, f"CHI TIẾT THEO ĐƠN VỊ — {result.unit.association_name}, {result.period.label()}")
    codes = [i for i in load_catalogue() if not i.derived and i.agg != "none"]
    fixed = ["STT", "Mã", "Đơn vị", "Tình trạng", "Đã nộp/tổng số xã"]
    tail = ["Tệp nguồn", "Mã băm SHA-256"]
    headers = fixed + [f"{i.label} ({i.unit})" for i in codes] + tail
    widths = [5, 8, 24, 12, 10] + [14] * len(codes) + [40, 20]
    _header(ws, 3, headers, widths)
    first = 4
    for n, child in enumerate(result.children, 1):
        row = first + n - 1
        cover = f"{child.received}/{child.expected}" if child.expected else ""
        for col, value in enumerate([n, child.unit.code, child.unit.name,
                                     STATUS_LABELS[child.status], cover], 1):
            if isinstance(value, str):
                st.put_text(ws.cell(row, col), value)
            else:
                ws.cell(row, col, value)
        for k, ind in enumerate(codes):
            v = child.total(ind.code)
            if v is not None:
                cell = ws.cell(row, len(fixed) + 1 + k, _number(v))
                cell.number_format = st.COUNT_FORMAT
        st.put_text(ws.cell(row, len(fixed) + len(codes) + 1), child.path or "")
        st.put_text(ws.cell(row, len(fixed) + len(codes) + 2), child.sha256 or "")
    last = first + len(result.children) - 1
    total_row = last + 1
    st.put_text(ws.cell(total_row, 3), "Cộng các đơn vị", st.BOLD)
    for k in range(len(codes)):
        col = get_column_letter(len(fixed) + 1 + k)
        # A live formula, so that an auditor can trace each number back to the rows above.
        cell = st.put_formula(ws.cell(total_row, len(fixed) + 1 + k),
                              f"=SUM({col}{first}:{col}{last})", st.BOLD)
        cell.number_format = st.COUNT_FORMAT


def _findings_sheet(wb, result: RollupResult) -> None:
    ws = wb.create_sheet(L.FINDINGS_SHEET)
    _title(ws, f"KẾT QUẢ KIỂM TRA — {result.unit.association_name}, {result.period.label()}")
    _header(ws, 3, ["Mức độ", "Đơn vị", "Tệp", "Trang", "Ô", "Nội dung", "Quy tắc"],
            [10, 20, 30, 14, 6, 90, 24])
    order = [Severity.LOI, Severity.CANH_BAO, Severity.THONG_TIN]
    rows = sorted(result.findings, key=lambda f: order.index(f.severity))
    for n, f in enumerate(rows, 4):
        values = [f.severity.label, f.unit_name or f.unit or "", f.file or "", f.sheet or "",
                  f.cell or "", f.message, f.rule]
        for col, value in enumerate(values, 1):
            cell = st.put_text(ws.cell(n, col), value)
            cell.alignment = st.WRAP
        ws.cell(n, 1).fill = st.PatternFill("solid", fgColor=SEVERITY_FILLS[f.severity])
    if not rows:
        st.put_text(ws.cell(4, 1), "Không phát hiện vấn đề nào.")


def _missing_sheet(wb, result: RollupResult) -> None:
    ws = wb.create_sheet(L.MISSING_SHEET)
    _title(ws, f"ĐƠN VỊ CHƯA NỘP BIỂU HỢP LỆ — {result.received}/{result.expected} đơn vị đã nộp")
    _header(ws, 3, ["STT", "Mã", "Đơn vị", "Lý do"], [5, 8, 30, 60])
    for n, child in enumerate((c for c in result.children if c.unit in result.missing), 1):
        reason = STATUS_LABELS[child.status]
        for col, value in enumerate([str(n), child.unit.code, child.unit.name, reason], 1):
            st.put_text(ws.cell(3 + n, col), value)


def _previous_sheet(wb, result: RollupResult) -> None:
    if not result.previous_period:
        return
    ws = wb.create_sheet("So sánh kỳ trước")
    _title(ws, f"SO SÁNH VỚI {result.previous_period.label().upper()}")
    _header(ws, 3, ["Chỉ tiêu", "Đơn vị tính", "Cấp", str(result.previous_period), str(result.period),
                    "Chênh lệch"], [50, 12, 12, 18, 18, 18])
    row = 4
    for ind in load_catalogue():
        for level in result.levels:
            now, before = result.values.get((ind.code, level)), result.previous.get((ind.code, level))
            if now is None and before is None:
                continue
            st.put_text(ws.cell(row, 1), ind.label)
            st.put_text(ws.cell(row, 2), ind.unit)
            st.put_text(ws.cell(row, 3), LEVEL_HEADERS[level])
            fmt = st.PCT_FORMAT if ind.derived else st.COUNT_FORMAT
            for col, v in ((4, before), (5, now)):
                if v is not None:
                    ws.cell(row, col, _number(v)).number_format = fmt
            if now is not None and before is not None:
                st.put_formula(ws.cell(row, 6), f"=E{row}-D{row}").number_format = fmt
            row += 1


def _data_sheet(wb, result: RollupResult) -> None:
    """The hidden table of the roll-up contract (layout.ROLLUP_DATA_SHEET)."""
    ws = wb.create_sheet(L.ROLLUP_DATA_SHEET)
    rows: list[tuple[str, str, str, object]] = [("kind", "key", "sub", "value")]
    errors = sum(f.severity is Severity.LOI for f in result.findings)
    warnings = sum(f.severity is Severity.CANH_BAO for f in result.findings)
    child_tier = result.children[0].unit.tier if result.children else ""
    rows += [("meta", "children_expected", "", result.expected),
             ("meta", "children_received", "", result.received),
             ("meta", "child_tier", "", child_tier),
             ("meta", "communes_expected", "", result.leaf_expected),
             ("meta", "communes_received", "", result.leaf_received),
             ("meta", "errors", "", errors), ("meta", "warnings", "", warnings),
             ("meta", "previous_period", "", str(result.previous_period or ""))]
    rows += [("previous", c, lv, _number(v)) for (c, lv), v in sorted(result.previous.items())]
    rows += [("text", code, unit_name, text) for code, unit_name, text in result.texts]
    rows += [("missing", u.code, u.name, "") for u in result.missing]
    rows += [("count", code, "", f"{x}/{y}") for code, (x, y) in result.counts.items()]
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if isinstance(value, str):
                st.put_text(ws.cell(r, c), value)
            else:
                ws.cell(r, c, value)
    ws.sheet_state = "hidden"


def _meta(wb) -> None:
    ws = wb[L.META_SHEET]
    row = ws.max_row + 1
    st.put_text(ws.cell(row, L.META_KEY_COL), "kind")
    st.put_text(ws.cell(row, L.META_VALUE_COL), "rollup")
    wb.custom_doc_props.append(StringProperty(name="kind", value="rollup"))


def build_rollup_workbook(result: RollupResult):
    """The roll-up workbook (openpyxl, not saved)."""
    wb = build_form(FormSpec(result.unit.tier, result.scheme, result.period, result.unit,
                             result.parent))
    _fill_form(wb, result)
    _per_unit_sheet(wb, result)
    _findings_sheet(wb, result)
    _missing_sheet(wb, result)
    _previous_sheet(wb, result)
    _data_sheet(wb, result)
    _meta(wb)
    return wb


def write_rollup_workbook(result: RollupResult, path: str | os.PathLike, force: bool = False) -> Path:
    """Write the roll-up workbook atomically; refuses an existing file without ``force``."""
    check_writable(path, force)
    wb = build_rollup_workbook(result)
    return write_atomic(path, wb.save, force=force)
