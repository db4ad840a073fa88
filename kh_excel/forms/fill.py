"""Filling a generated form programmatically, by defined name (for tests and the examples)."""
from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook, load_workbook

from ..outputs import check_writable, saved_bytes, write_atomic
from .layout import info_name, text_name, value_name

Value = int | float | str | None


def fill_form(src: str | os.PathLike, dst: str | os.PathLike,
              values: dict[tuple[str, str], Value],
              info: dict[str, str] | None = None, texts: dict[str, str] | None = None,
              force: bool = False) -> Path:
    """Copy the form ``src`` to ``dst`` with values written into the cells of their defined names.

    ``values`` maps ``(indicator, level)`` to a number, a text (written as text, never as a
    formula) or None (clears the cell, formulas included); ``info`` and ``texts`` fill the sheet
    "Thông tin chung". Everything else in the workbook is kept. Raises KeyError for a name the
    form does not have.
    """
    dst = check_writable(dst, force)
    wb = load_workbook(src)
    cells = {value_name(code, level): value for (code, level), value in values.items()}
    cells.update({info_name(key): value for key, value in (info or {}).items()})
    cells.update({text_name(code): value for code, value in (texts or {}).items()})
    for name, value in cells.items():
        set_named(wb, name, value)
    data = saved_bytes(wb.save)  # in memory: a full disk cannot leave openpyxl's zip open
    return write_atomic(dst, lambda tmp: tmp.write_bytes(data), force=force)


def set_named(wb: Workbook, name: str, value: Value) -> None:
    """Write ``value`` into the single cell a workbook-scope defined name points to."""
    if name not in wb.defined_names:
        raise KeyError(f"the form has no defined name {name!r}")
    (sheet, ref), = wb.defined_names[name].destinations
    cell = wb[sheet][ref.replace("$", "")]
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
