"""Annotated return copies: the unit's own file with problem cells marked and explained.

The copy is made with openpyxl, which drops newer Excel extensions (x14 validation and
conditional formats) — acceptable for a copy sent back for correction, never for the original,
which is not touched.
"""
from __future__ import annotations

import errno
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill

from .errors import KhError, OutputExists, OutputNotWritable
from .freetext import CELL_MAX, cell_text, cut
from .model import CheckReport, FileResult, Finding, Severity
from .outputs import NAME_MAX, cannot_write, saved_bytes, write_atomic

FILLS = {
    Severity.LOI: PatternFill("solid", fgColor="FFC7CE"),
    Severity.CANH_BAO: PatternFill("solid", fgColor="FFEB9C"),
    Severity.THONG_TIN: PatternFill("solid", fgColor="DDEBF7"),
}
REPORT_SHEET = "Kết quả kiểm tra"
ANNOTATABLE = (".xlsx", ".xlsm")
_ORDER = [Severity.LOI, Severity.CANH_BAO, Severity.THONG_TIN]


@dataclass
class Annotated:
    """What ``annotate_report`` did: copies written, and files it could not annotate (why)."""

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason in Vietnamese)


def annotated_name(path: str | Path, n: int = 1) -> str:
    """``VanVu_kiem-tra.xlsx`` (``VanVu_kiem-tra-2.xlsx`` for the second of that name), the
    input's name cut if needed so that the copy's name fits the file system."""
    p = Path(path)
    tail = "_kiem-tra" + (f"-{n}" if n > 1 else "") + p.suffix.lower()
    room = NAME_MAX - len(tail.encode("utf-8"))
    return p.stem.encode("utf-8", "surrogateescape")[:room].decode("utf-8", "ignore") + tail


def _text(ws, row: int, col: int, value: object) -> None:
    if isinstance(value, str):
        value = cell_text(value)  # no control character, at most 32,767 characters
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the text starts with


def _cut_long_texts(wb) -> None:
    """Texts over Excel's 32,767 characters in the unit's own cells, cut with "…": Excel
    would have to repair the copy."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and len(cell.value) > CELL_MAX:
                    cell.value = cut(cell.value)


def wants_copy(result: FileResult) -> bool:
    """True for a readable .xlsx/.xlsm file with findings."""
    return bool(result.findings) and result.submission is not None \
        and Path(result.path).suffix.lower() in ANNOTATABLE


def annotate_file(result: FileResult, out_dir: str | Path, force: bool = False,
                  name: str | None = None) -> Path | None:
    """Write an annotated copy of one checked file; None when there is nothing to annotate."""
    if not wants_copy(result):
        return None
    src = Path(result.path)
    wb = load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm")
    _cut_long_texts(wb)
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in result.findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            by_cell[(f.sheet, f.cell)].append(f)
    for (sheet, ref), findings in by_cell.items():
        worst = min((f.severity for f in findings), key=_ORDER.index)
        cell = wb[sheet][ref]
        cell.fill = FILLS[worst]
        text = cell_text("\n".join(f"{f.severity.label}: {f.message}" for f in findings))
        comment = Comment(text, "kh-excel")
        comment.width, comment.height = 360, 40 + 18 * (len(text) // 50 + len(findings))
        cell.comment = comment
    if REPORT_SHEET in wb.sheetnames:  # a copy annotated before, checked again
        wb.remove(wb[REPORT_SHEET])
    ws = wb.create_sheet(REPORT_SHEET, 0)
    for col, header in enumerate(("Mức độ", "Trang", "Ô", "Nội dung", "Mã quy tắc"), 1):
        _text(ws, 1, col, header)
        ws.cell(row=1, column=col).font = Font(bold=True)
    for n, f in enumerate(sorted(result.findings, key=lambda f: _ORDER.index(f.severity)), 2):
        for col, value in enumerate((f.severity.label, f.sheet or "", f.cell or "", f.message,
                                     f.rule), 1):
            _text(ws, n, col, value)
        ws.cell(row=n, column=1).fill = FILLS[f.severity]
    for col, width in zip("ABCDE", (11, 16, 7, 100, 28)):
        ws.column_dimensions[col].width = width
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = 0
    ws.sheet_view.tabSelected = True
    target = Path(out_dir) / (name or annotated_name(src))
    data = saved_bytes(wb.save)
    return write_atomic(target, lambda tmp: tmp.write_bytes(data), force=force)


def plan_copies(report: CheckReport, out_dir: str | Path, force: bool = False
                ) -> list[tuple[FileResult, Path]]:
    """The copy to write for each file with findings; raises before anything is written if any
    target exists (without ``force``) or the folder cannot be written to."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise OutputNotWritable(path=out, detail="đây là một tệp, không phải thư mục.",
                                detail_en="it is a file, not a folder.")
    plan, taken = [], set()
    for result in report.files:
        if not wants_copy(result):
            continue
        name, n = annotated_name(result.path), 2
        while name in taken:  # two files of the same name in different folders
            name, n = annotated_name(result.path, n), n + 1
        taken.add(name)
        plan.append((result, out / name))
    if not force:
        for _, target in plan:
            if target.exists():
                raise OutputExists(path=target)
    if plan:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # read-only, no permission, a file in the way: say which
            raise cannot_write(out, exc, _nearest_folder(out)) from None
        if not os.access(out, os.W_OK | os.X_OK):
            raise cannot_write(out, PermissionError(errno.EACCES, "permission denied"), out)
    return plan


def _nearest_folder(path: Path) -> Path:
    return next((p for p in path.parents if p.is_dir()), Path("."))


def annotate_report(report: CheckReport, out_dir: str | Path, force: bool = False) -> Annotated:
    """Annotated copies for every file of the report that has findings, all targets checked
    before the first is written; a file openpyxl cannot load is skipped with the reason."""
    done = Annotated()
    for result in report.files:
        if result.findings and result.submission is not None and not wants_copy(result):
            done.skipped.append((result.path, "tệp Excel 97–2003 (.xls) không ghi chú được; hãy "
                                              "lưu thành .xlsx rồi kiểm tra lại."))
    for result, target in plan_copies(report, out_dir, force):
        try:
            done.written.append(annotate_file(result, target.parent, force=force,
                                              name=target.name))
        except KhError:  # an existing copy, a full or read-only disk: stop, say why
            raise
        except Exception as exc:  # a workbook openpyxl cannot load or save: skip, say why
            done.skipped.append((result.path, f"không tạo được bản sao ({type(exc).__name__})."))
    return done
