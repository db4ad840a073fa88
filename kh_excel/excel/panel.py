"""The panel workbook (``.xlsm``): input cells, four buttons bound to VBA macros that call Python
through xlwings' ``RunPython``, the result sheets and the ``xlwings.conf`` sheet.

The workbook is laid out with xlsxwriter (its form-control buttons are bound to macros in the
sheet's VML drawing); the VBA project is built by :mod:`.vba` from xlwings' own open-source VBA
module (``xlwings.bas``, BSD 3-clause, read from the installed xlwings so that its version
matches the Python package) and the panel's module of four macros.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from ..errors import UsageError
from ..outputs import write_atomic
from . import layout as L
from . import vba

_NEED_EXTRA = ('Cài thêm phần Excel của kh-excel: pip install "kh-excel[excel]" ({what} chưa có).',
               'Install the Excel part of kh-excel: pip install "kh-excel[excel]" ({what} is '
               'missing).')
_CODE_NAMES = ("Sheet1", "Sheet2", "Sheet3", "Sheet4", "Sheet5")


def macro_module() -> str:
    """The VBA of the panel's buttons: one macro per button, each one ``RunPython`` call."""
    lines = ["Option Explicit",
             "' kh-excel: the buttons of the panel. Each macro calls Python through xlwings.",
             "' Python must have kh-excel[excel] installed; its path is in the xlwings.conf sheet.",
             ""]
    for b in L.BUTTONS:
        lines += [f"Sub {b.macro}()",
                  f'    RunPython "import kh_excel.excel; kh_excel.excel.{b.function}()"',
                  "End Sub", ""]
    return "\n".join(lines)


def xlwings_bas() -> str:
    """The standalone xlwings VBA module shipped inside the installed xlwings package."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")  # finds the package without importing it
    path = Path(spec.origin).parent / "xlwings.bas" if spec and spec.origin else None
    if path is None or not path.is_file():
        raise UsageError(detail=_NEED_EXTRA[0].format(what="xlwings"),
                         detail_en=_NEED_EXTRA[1].format(what="xlwings"))
    return path.read_text("cp1252")


def vba_project(seed: int | None = None) -> bytes:
    """``xl/vbaProject.bin``: the workbook's and sheets' document modules, xlwings, the macros."""
    modules = [vba.document_module("ThisWorkbook", vba.WORKBOOK_BASE)]
    modules += [vba.document_module(name, vba.WORKSHEET_BASE) for name in _CODE_NAMES]
    modules += [vba.Module("xlwings", xlwings_bas()), vba.Module(L.VBA_MODULE, macro_module())]
    return vba.build_project(modules, seed=seed)


def default_interpreter() -> str:
    """The Python that runs the buttons: this one (``pythonw.exe`` on Windows, no console)."""
    exe = Path(sys.executable)
    quiet = exe.with_name("pythonw.exe")
    return str(quiet if os.name == "nt" and quiet.is_file() else exe)


def write_panel(path: str | os.PathLike, *, interpreter: str | None = None,
                force: bool = False) -> Path:
    """Write the panel workbook to ``path`` (``.xlsm``) atomically; returns its path."""
    path = Path(path)
    if path.suffix.lower() != ".xlsm":
        raise UsageError(detail=f"Tệp {path} phải có đuôi .xlsm (sổ tính có macro), ví dụ "
                                "BangDieuKhien.xlsm.",
                         detail_en=f"{path} must end in .xlsm (a macro-enabled workbook), e.g. "
                                   "BangDieuKhien.xlsm.")
    data = panel_bytes(interpreter or default_interpreter())
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), force=force)


def panel_bytes(interpreter: str, seed: int | None = None) -> bytes:
    """The panel workbook as bytes."""
    try:
        import xlsxwriter
    except ModuleNotFoundError:
        raise UsageError(detail=_NEED_EXTRA[0].format(what="xlsxwriter"),
                         detail_en=_NEED_EXTRA[1].format(what="xlsxwriter")) from None
    project = vba_project(seed)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.add_vba_project(io.BytesIO(project), is_stream=True)
    wb.set_vba_name("ThisWorkbook")
    wb.set_properties({"title": "Bảng điều khiển kh-excel", "author": "kh-excel"})
    _panel_sheet(wb)
    for n, (name, header) in enumerate(L.RESULT_SHEETS.items(), start=2):
        _result_sheet(wb, name, header, _CODE_NAMES[n - 1])
    _conf_sheet(wb, interpreter)
    wb.close()
    return buf.getvalue()


def _rgb(rgb: tuple[int, int, int]) -> str:
    return "#%02X%02X%02X" % rgb


def _panel_sheet(wb) -> None:
    ws = wb.add_worksheet(L.PANEL)
    ws.set_vba_name(_CODE_NAMES[0])
    font = {"font_name": "Times New Roman", "font_size": 12, "valign": "vcenter"}
    title = wb.add_format({**font, "bold": True, "font_size": 16, "font_color": "#1F4E79"})
    head = wb.add_format({**font, "bold": True, "font_color": "#1F4E79"})
    label = wb.add_format({**font, "bold": True})
    hint = wb.add_format({**font, "italic": True, "font_color": "#595959", "font_size": 10,
                          "text_wrap": True})
    note = wb.add_format({**font, "italic": True, "font_color": "#595959"})
    entry = wb.add_format({**font, "locked": False, "bg_color": _rgb(L.INPUT_RGB), "border": 1,
                           "border_color": "#BFBFBF", "num_format": "@"})
    output = wb.add_format({**font, "locked": False, "bg_color": _rgb(L.OUTPUT_RGB),
                            "text_wrap": True})
    text = wb.add_format({**font, "text_wrap": True})

    ws.set_column("A:A", 2)
    ws.set_column("B:B", 24)
    ws.set_column("C:C", 50)
    ws.set_column("D:D", 46)
    ws.set_column("E:E", 2)
    ws.set_column("F:F", 24)
    ws.set_default_row(20)
    ws.write_string("B1", "BẢNG ĐIỀU KHIỂN KH-EXCEL", title)
    ws.write_string("B2", "Biểu mẫu, kiểm tra, tổng hợp và báo cáo số liệu khuyến học, "
                          "khuyến tài — chạy trên máy tính của anh/chị.", note)
    ws.write_string("B4", "Thông tin đầu vào", head)
    ws.write_string(L.DETAILS_HEADING, "Thông tin văn bản báo cáo", head)
    for f in L.INPUTS:
        row = int(f.cell[1:]) - 1
        ws.set_row(row, 26)
        ws.write_string(row, 1, f.label, label)
        ws.write_string(f.cell, f.example if f.key == "ghi_de" else "", entry)
        ws.write_string(row, 3, f.hint + (f" Ví dụ: {f.example}" if f.example and
                                          f.key != "ghi_de" else ""), hint)
    ghi_de = L.FIELDS["ghi_de"].cell
    ws.data_validation(ghi_de, {"validate": "list", "source": [L.YES, L.NO],
                                "error_title": "Ghi đè tệp đã có",
                                "error_message": "Chọn Có hoặc Không."})
    for b in L.BUTTONS:
        ws.insert_button(b.cell, {"macro": b.macro, "caption": b.caption, "width": 150,
                                  "height": 30})
    ws.write_string(L.STATUS_LABEL, "Kết quả", label)
    ws.write_string(L.STATUS_CELL, "Chưa chạy lần nào.", output)
    ws.set_row(int(L.STATUS_CELL[1:]) - 1, 36)
    ws.write_string(L.FILES_LABEL, "Tệp đã ghi", label)
    for cell in L.FILE_CELLS:
        ws.write_blank(cell, None, output)
    for n, line in enumerate(L.HOWTO):
        ws.merge_range(L.HOWTO_ROW - 1 + n, 1, L.HOWTO_ROW - 1 + n, 3, line,
                       head if n == 0 else text)
        ws.set_row(L.HOWTO_ROW - 1 + n, 22)
    # The buttons write, colour and link the unlocked result cells: Excel refuses formatting
    # and new hyperlinks on a protected sheet, even in unlocked cells, unless these are allowed.
    # Locked cells stay read-only; the buttons (objects) cannot be moved or edited.
    ws.protect("", {"format_cells": True, "format_columns": True, "insert_hyperlinks": True})
    ws.activate()
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


def _result_sheet(wb, name: str, header: tuple[str, ...], code_name: str) -> None:
    ws = wb.add_worksheet(name)
    ws.set_vba_name(code_name)
    bold = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    ws.write_row(0, 0, header, bold)
    ws.freeze_panes(1, 0)
    widths = {L.FINDINGS: (34, 22, 14, 8, 10, 90), L.STATUS: (12, 28, 16, 60),
              L.TOTALS: (22, 60, 12, 18, 18, 18, 18)}[name]
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def _conf_sheet(wb, interpreter: str) -> None:
    ws = wb.add_worksheet(L.CONF)
    ws.set_vba_name(_CODE_NAMES[4])
    key = "Interpreter_Mac" if sys.platform == "darwin" else "Interpreter_Win"
    # xlwings reads column A (key) and B (value) from A1 down to the first empty cell.
    ws.write_string("A1", key)
    ws.write_string("B1", interpreter)
    ws.write_string("A2", "Show Console")
    ws.write_string("B2", "False")
    ws.write_string("D1", "Trang này do kh-excel excel-panel ghi: đường dẫn Python chạy các nút "
                          "(Interpreter_Win). Đổi Python thì sửa ô B1 hoặc tạo lại bảng.")
    ws.set_column("A:A", 18)
    ws.set_column("B:B", 60)
    ws.set_column("D:D", 60)
