"""Cell styles of the forms, and the two ways a value is written: as text or as a formula."""
from __future__ import annotations

import textwrap

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

FONT_NAME = "Times New Roman"
FONT = Font(name=FONT_NAME, size=12)
BOLD = Font(name=FONT_NAME, size=12, bold=True)
ITALIC = Font(name=FONT_NAME, size=11, italic=True)
TITLE = Font(name=FONT_NAME, size=14, bold=True)
SUBTITLE = Font(name=FONT_NAME, size=13, bold=True)
SMALL = Font(name=FONT_NAME, size=10, color="595959")

# Colours a user learns from the sheet "Hướng dẫn": yellow = type here, green = total (formula,
# may be overwritten), blue = computed, grey = not applicable.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TOTAL_FILL = PatternFill("solid", fgColor="E2EFDA")
DERIVED_FILL = PatternFill("solid", fgColor="DDEBF7")
NA_FILL = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="BDD7EE")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")

_THIN = Side(style="thin", color="808080")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

UNLOCKED = Protection(locked=False)
LOCKED = Protection(locked=True)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="center", wrap_text=True)
WRAP_TOP = Alignment(vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="center")

COUNT_FORMAT = "#,##0"
PCT_FORMAT = "0.00"
TEXT_FORMAT = "@"

# Red "Sai", orange "Thiếu", green "Đúng" in the check column.
BAD_FONT = Font(name=FONT_NAME, size=12, bold=True, color="C00000")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
WARN_FONT = Font(name=FONT_NAME, size=12, bold=True, color="9C5700")
WARN_FILL = PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C")
GOOD_FONT = Font(name=FONT_NAME, size=12, color="006100")


def put_text(cell: Cell, value: object, font: Font = FONT) -> Cell:
    """Write ``value`` as text, never as a formula (a unit name ``=1+1`` stays text)."""
    cell.value = "" if value is None else str(value)
    cell.data_type = "s"
    cell.font = font
    return cell


def put_formula(cell: Cell, formula: str, font: Font = FONT) -> Cell:
    """Write a formula built by the generator (never from user or registry data)."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    cell.value = formula
    cell.font = font
    return cell


def row_height(text: str, width: float, line: float = 16.5, min_lines: int = 1) -> float:
    """A row height that shows ``text`` wrapped in a column ``width`` characters wide."""
    # About one character of Times New Roman 12 per unit of Excel column width.
    lines = len(textwrap.wrap(text, max(int(width), 1))) if text else 1
    return max(min_lines, lines) * line
