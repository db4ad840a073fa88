"""Annotated return copies: the unit's own file with problem cells marked and explained.

The copy is made with openpyxl, which drops newer Excel extensions (x14 validation and
conditional formats) — acceptable for a copy sent back for correction, never for the original,
which is not touched.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .model import CheckReport, FileResult, Finding, Severity
from .outputs import write_atomic

FILLS = {
    Severity.LOI: PatternFill("solid", fgColor="FFC7CE"),
    Severity.CANH_BAO: PatternFill("solid", fgColor="FFEB9C"),
    Severity.THONG_TIN: PatternFill("solid", fgColor="DDEBF7"),
}
REPORT_SHEET = "Kết quả kiểm tra"
ANNOTATABLE = (".xlsx", ".xlsm")


def annotated_name(path: str | Path) -> str:
    p = Path(path)
    return f"{p.stem}_kiem-tra{p.suffix.lower()}"


def _text(ws, row: int, col: int, value: object) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


def annotate_file(result: FileResult, out_dir: str | Path, force: bool = False) -> Path | None:
    """Write an annotated copy of one checked file; None when there is nothing to annotate."""
    if not result.findings or result.submission is None:
        return None
    src = Path(result.path)
    if src.suffix.lower() not in ANNOTATABLE:
        return None
    wb = load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            by_cell[(f.sheet, f.cell)].append(f)
    order = [Severity.LOI, Severity.CANH_BAO, Severity.THONG_TIN]
    for (sheet, ref), findings in by_cell.items():
        worst = min((f.severity for f in findings), key=order.index)
        cell = wb[sheet][ref]
        cell.fill = FILLS[worst]
        text = "\n".join(f"{f.severity.label}: {f.message}" for f in findings)
        comment = Comment(text, "kh-excel")
        comment.width, comment.height = 360, 40 + 18 * (len(text) // 50 + len(findings))
        cell.comment = comment
    ws = wb.create_sheet(REPORT_SHEET, 0)
    for col, header in enumerate(("Mức độ", "Trang", "Ô", "Nội dung", "Mã quy tắc"), 1):
        _text(ws, 1, col, header)
        ws.cell(row=1, column=col).font = Font(bold=True)
    for n, f in enumerate(sorted(result.findings, key=lambda f: order.index(f.severity)), 2):
        for col, value in enumerate((f.severity.label, f.sheet or "", f.cell or "", f.message, f.rule), 1):
            _text(ws, n, col, value)
        ws.cell(row=n, column=1).fill = FILLS[f.severity]
    for col, width in zip("ABCDE", (11, 16, 7, 100, 28)):
        ws.column_dimensions[col].width = width
    wb.active = 0
    target = Path(out_dir) / annotated_name(src)
    return write_atomic(target, lambda tmp: wb.save(tmp), force=force)


def annotate_report(report: CheckReport, out_dir: str | Path, force: bool = False) -> list[Path]:
    """Annotated copies for every file of the report that has findings."""
    written = []
    for result in report.files:
        path = annotate_file(result, out_dir, force=force)
        if path:
            written.append(path)
    return written
