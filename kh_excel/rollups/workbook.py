"""The roll-up workbook: a filled form of the parent's tier (the next tier's input) plus sheets
for people (per unit, findings, missing units, last period) and a hidden table for programs.

It is written by filling a skeleton built beforehand with openpyxl (:mod:`.skeleton`) at the
XML level (:mod:`kh_excel.forms.sheetxml`): a roll-up never imports openpyxl.
"""
from __future__ import annotations

import os
from datetime import date
from functools import cache
from pathlib import Path

from ..catalogue import load_catalogue
from ..forms import layout as L
from ..forms.cached import form_results
from ..forms.sheetxml import Formula, Skeleton, Value
from ..model import Number, Severity
from ..outputs import check_writable, write_atomic
from ..packaged import packaged
from ..periods import SCHEMES, TWO_TIER
from ..tiers import LEVEL_HEADERS
from .model import STATUS_LABELS, RollupResult

# Rows of the sheets for people: title in row 1, headers in row 3, data from row 4.
HEADER_ROW = 3
FIRST_ROW = 4
PREVIOUS_SHEET = "So sánh kỳ trước"   # the last sheet, dropped when there is no previous period
PER_UNIT_FIXED = ("STT", "Mã", "Đơn vị", "Tình trạng", "Đã nộp/tổng số xã")
PER_UNIT_TAIL = ("Tệp nguồn", "Mã băm SHA-256")
SEVERITY_STYLES = {Severity.LOI: "loi", Severity.CANH_BAO: "canh_bao",
                   Severity.THONG_TIN: "thong_tin"}
# Roll-up units: a district (legacy), a province, the nation; one skeleton each.
KINDS = tuple((tier, scheme) for scheme in SCHEMES for tier in ("huyen", "tinh", "tw")
              if not (tier == "huyen" and scheme == TWO_TIER))
SKELETON_DIR = "data/rollup"


def skeleton_name(tier: str, scheme: str) -> str:
    """``kh-rollup-tinh-two-tier-2025.xlsx``."""
    return f"kh-rollup-{tier}-{scheme}.xlsx"


def per_unit_codes():
    """The indicators of the per-unit sheet, one column each."""
    return [i for i in load_catalogue() if not i.derived and i.agg != "none"]


@cache
def skeleton_bytes(tier: str, scheme: str) -> bytes:
    """The committed skeleton; built with openpyxl if it is missing (a development checkout)."""
    committed = packaged(SKELETON_DIR, skeleton_name(tier, scheme))
    if committed.is_file():
        return committed.read_bytes()
    from ..forms.package import workbook_bytes
    from .skeleton import build_skeleton
    return workbook_bytes(build_skeleton(tier, scheme), keep_tokens=True)


def _number(v: Number) -> int | float:
    return int(v) if v == int(v) else float(v)


def _tokens(result: RollupResult) -> dict[str, str]:
    unit, parent, previous = result.unit, result.parent, result.previous_period
    return {"unit_code": unit.code, "unit_name": unit.name, "association": unit.association_name,
            "parent_code": parent.code if parent else "",
            "parent_name": parent.name if parent else "",
            "period": str(result.period), "period_label": result.period.label(),
            "received": str(result.received), "expected": str(result.expected),
            "previous_period": str(previous or ""),
            "previous_label": previous.label().upper() if previous else ""}


def _fill_form(book: Skeleton, result: RollupResult) -> None:
    layout = L.form_layout(result.unit.tier, result.scheme)
    typed = {}
    for vc in layout.cells:
        if vc.role == "input" and (vc.code, vc.level) in result.values:
            typed[(vc.code, vc.level)] = result.values[(vc.code, vc.level)]
            book.set_named(vc.name, _number(typed[(vc.code, vc.level)]))
    # Totals and ratios readable by viewers that do not calculate (previews, pandas, calamine).
    book.cache(L.DATA_SHEET, form_results(layout, load_catalogue(), typed))
    for code, text in result.own_texts.items():
        book.set_named(L.text_name(code), text)
    book.set_named(L.info_name("nguoi_lap"), "Tổng hợp bằng kh-excel")
    book.set_named(L.info_name("ngay_lap"), date.today().strftime("%d/%m/%Y"))


def _per_unit_rows(book: Skeleton, result: RollupResult) -> None:
    sheet = book.sheet(L.PER_UNIT_SHEET)
    codes = per_unit_codes()
    first_value = len(PER_UNIT_FIXED) + 1
    row = FIRST_ROW - 1
    for n, child in enumerate(result.children, 1):
        row = FIRST_ROW + n - 1
        cover = f"{child.received or 0}/{child.expected}" if child.expected else ""
        cells: list[tuple[int, Value, str]] = [
            (1, n, "num"), (2, child.unit.code, "text"), (3, child.unit.name, "text"),
            (4, STATUS_LABELS[child.status] + _version_mark(child.version), "text"),
            (5, cover, "text")]
        for k, ind in enumerate(codes):
            v = child.total(ind.code)
            if v is not None:
                cells.append((first_value + k, _number(v), "count"))
        tail = first_value + len(codes)
        cells += [(tail, child.path or "", "text"), (tail + 1, child.sha256 or "", "text")]
        sheet.append(row, cells)
    # A live formula, so that an auditor can trace each number back to the rows above.
    total = [(3, "Cộng các đơn vị", "bold")]
    for k, ind in enumerate(codes):
        col = L.get_column_letter(first_value + k)
        column = [v for c in result.children if (v := c.total(ind.code)) is not None]
        total.append((first_value + k, Formula(f"SUM({col}{FIRST_ROW}:{col}{row})",
                                               _number(sum(column)) if column else 0),
                      "bold_count"))
    sheet.append(row + 1, total)


def _version_mark(version: int | None) -> str:
    """Which version of a resubmitted form was used (from the history store)."""
    return f" (lần {version})" if version and version > 1 else ""


def _stated_rows(book: Skeleton, result: RollupResult) -> None:
    """Below the per-unit total: what the own form states in its Tổng cộng column (never
    ignored, issue 11 §5), the total rolled up, and the difference."""
    if not result.stated:
        return
    sheet = book.sheet(L.PER_UNIT_SHEET)
    codes = per_unit_codes()
    first_value = len(PER_UNIT_FIXED) + 1
    tail = first_value + len(codes)
    row = FIRST_ROW + len(result.children) + 2  # a blank row after the SUM row
    own = next((f for f in result.files if f.path == result.own_path), None)
    computed = {c: result.values.get((c, "tong")) for c in result.stated}
    lines = [
        ("Số liệu đơn vị tự ghi (cột Tổng cộng của biểu đơn vị)", result.stated,
         [(tail, result.own_path or "", "text"),
          (tail + 1, own.submission.sha256 if own and own.submission else "", "text")]),
        ("Tổng cộng tính được (các đơn vị trực thuộc và cấp của đơn vị)", computed, []),
        ("Chênh lệch (tự ghi − tính được)",
         {c: v - computed[c] for c, v in result.stated.items() if computed[c] is not None}, []),
    ]
    for n, (label, values, extra) in enumerate(lines):
        cells: list[tuple[int, Value, str]] = [(3, label, "bold")]
        for k, ind in enumerate(codes):
            v = values.get(ind.code)
            if v is not None:
                cells.append((first_value + k, _number(v), "count"))
        sheet.append(row + n, cells + extra)


def _findings_rows(book: Skeleton, result: RollupResult) -> None:
    sheet = book.sheet(L.FINDINGS_SHEET)
    order = [Severity.LOI, Severity.CANH_BAO, Severity.THONG_TIN]
    rows = sorted(result.findings, key=lambda f: order.index(f.severity))
    for n, f in enumerate(rows, FIRST_ROW):
        values = [f.unit_name or f.unit or "", f.file or "", f.sheet or "", f.cell or "",
                  f.message, f.rule]
        sheet.append(n, [(1, f.severity.label, SEVERITY_STYLES[f.severity]),
                         *((col, v, "wrap") for col, v in enumerate(values, 2))])
    if not rows:
        sheet.append(FIRST_ROW, [(1, "Không phát hiện vấn đề nào.", "text")])


def _missing_rows(book: Skeleton, result: RollupResult) -> None:
    sheet = book.sheet(L.MISSING_SHEET)
    missing = [c for c in result.children if c.unit in result.missing]
    for n, child in enumerate(missing, 1):
        sheet.append(FIRST_ROW + n - 1, [
            (col, value, "text") for col, value in
            enumerate([str(n), child.unit.code, child.unit.name, STATUS_LABELS[child.status]], 1)])


def _previous_rows(book: Skeleton, result: RollupResult) -> None:
    sheet = book.sheet(PREVIOUS_SHEET)
    row = FIRST_ROW
    for ind in load_catalogue():
        for level in result.levels:
            now, before = result.values.get((ind.code, level)), result.previous.get((ind.code, level))
            if now is None and before is None:
                continue
            fmt = "pct" if ind.derived else "count"
            cells: list[tuple[int, Value, str]] = [
                (1, ind.label, "text"), (2, ind.unit, "text"), (3, LEVEL_HEADERS[level], "text")]
            cells += [(col, _number(v), fmt) for col, v in ((4, before), (5, now)) if v is not None]
            if now is not None and before is not None:
                cells.append((6, Formula(f"E{row}-D{row}", _number(now) - _number(before)),
                              f"{fmt}_f"))
            sheet.append(row, cells)
            row += 1
    if result.previous_source:
        sheet.append(row + 1, [(1, f"Số liệu kỳ trước lấy từ {result.previous_source}", "text")])


def _data_rows(book: Skeleton, result: RollupResult) -> None:
    """The hidden table of the roll-up contract (layout.ROLLUP_DATA_SHEET)."""
    sheet = book.sheet(L.ROLLUP_DATA_SHEET)
    errors = sum(f.severity is Severity.LOI for f in result.findings)
    warnings = sum(f.severity is Severity.CANH_BAO for f in result.findings)
    child_tier = result.children[0].unit.tier if result.children else ""
    rows: list[tuple[str, str, str, object]] = [
        ("meta", "children_expected", "", result.expected),
        ("meta", "children_received", "", result.received),
        ("meta", "child_tier", "", child_tier),
        ("meta", "communes_expected", "", result.leaf_expected),
        ("meta", "communes_received", "", result.leaf_received),
        ("meta", "errors", "", errors), ("meta", "warnings", "", warnings),
        ("meta", "previous_period", "", str(result.previous_period or ""))]
    if result.previous_source:  # last period from the history store: say which roll-up
        rows.append(("meta", "previous_source", "", result.previous_source))
    rows += [("previous", c, lv, _number(v)) for (c, lv), v in sorted(result.previous.items())]
    rows += [("text", code, unit_name, text) for code, unit_name, text in result.texts]
    rows += [("missing", u.code, u.name, "") for u in result.missing]
    rows += [("count", code, "", f"{x}/{y}") for code, (x, y) in result.counts.items()]
    for r, row in enumerate(rows, 2):
        sheet.append(r, [(c, v, "text" if isinstance(v, str) else "num")
                         for c, v in enumerate(row, 1)])


def rollup_workbook_bytes(result: RollupResult) -> bytes:
    """The roll-up workbook as xlsx bytes."""
    book = Skeleton(skeleton_bytes(result.unit.tier, result.scheme))
    book.replace_tokens(_tokens(result))
    _fill_form(book, result)
    _per_unit_rows(book, result)
    _stated_rows(book, result)
    _findings_rows(book, result)
    _missing_rows(book, result)
    _data_rows(book, result)
    if result.previous_period:
        _previous_rows(book, result)
    else:
        book.drop_last_sheet(PREVIOUS_SHEET)
    return book.to_bytes()


def write_rollup_workbook(result: RollupResult, path: str | os.PathLike, force: bool = False) -> Path:
    """Write the roll-up workbook atomically; refuses an existing file without ``force``."""
    check_writable(path, force)
    data = rollup_workbook_bytes(result)
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), force=force)
