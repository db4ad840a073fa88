"""The collection overview as an xlsx for the office wall (one row per child unit)."""
from __future__ import annotations

import os
from pathlib import Path

from ..outputs import check_writable, write_atomic

HEADERS = ("STT", "Mã", "Đơn vị", "Đã gửi", "Ngày gửi", "Lần gửi", "Lỗi", "Cảnh báo",
           "Thay đổi sau lần tổng hợp", "Gửi muộn")


def write_wall(overview, path: str | os.PathLike, force: bool = False) -> Path:
    """Write the overview atomically; refuses an existing file without ``force``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    check_writable(path, force)
    wb = Workbook()
    ws = wb.active
    ws.title = "Tình hình nộp biểu"
    ws.append([f"Tình hình nộp biểu {overview.period.label()} — {overview.unit.name}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([overview.summary()])
    ws.append(list(HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "D4"
    red = PatternFill("solid", fgColor="FFC7CE")
    green = PatternFill("solid", fgColor="C6EFCE")
    for n, c in enumerate(overview.children, 1):
        s = c.stored
        changed = "" if c.changed_since_rollup is None else ("Có" if c.changed_since_rollup
                                                             else "Không")
        ws.append([n, c.unit.code, c.unit.name, "Đã gửi" if s else "Chưa gửi",
                   c.received_day.strftime("%d/%m/%Y") if s else "",
                   s.version if s else None, s.errors if s else None, s.warnings if s else None,
                   changed, "Muộn" if c.late else ""])
        for cell in ws[ws.max_row][:4]:
            cell.fill = green if s and not s.errors else red
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # names are text, never formulas
    for col, width in zip("ABCDEFGHIJ", (5, 8, 28, 10, 12, 8, 6, 9, 14, 9)):
        ws.column_dimensions[col].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True  # one page wide, as many pages down as needed
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "3:3"
    return write_atomic(path, lambda tmp: wb.save(tmp), force=force)
