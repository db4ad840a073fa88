"""A sheet's cell references, checked before python-calamine sees the sheet.

calamine allocates the whole grid up to the farthest cell of a sheet: one value typed at
XFD1048576 (Ctrl+End, Ctrl+↓, then a keystroke) costs gigabytes, and an absurd reference aborts
the process, which no ``try`` catches. So every sheet is checked first: cells beyond the sheet's
extent are left out (the reader warns about them, naming each), and a reference that cannot be a
cell at all makes the file unreadable.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..forms import layout as L

MAX_ROW, MAX_COL = 1_048_576, 16_384  # Excel's last cell, XFD1048576

# The form's own sheets hold 62 rows and at most 10 columns: room is left for rows a user
# inserts and notes beside the table, and anything farther is a stray cell.
FORM_EXTENT = (1000, 52)
FORM_SHEETS = frozenset({L.DATA_SHEET, L.INFO_SHEET, L.META_SHEET, L.GUIDE_SHEET})
# Other sheets (a roll-up's per-unit table, its findings, its hidden table) grow with the data:
# a national roll-up has tens of thousands of rows. Their grid is bounded by its size, about
# 100 MB once calamine and Python hold it.
OTHER_EXTENT = (200_000, 256)
MAX_CELLS = 2_000_000

# A cell as every spreadsheet application writes it (`<c r="D8"`) has a short reference: one
# letter and three digits at most. Any other cell (a far reference, no reference, another
# quoting or blank) makes every reference be checked one by one; a form's sheets have none,
# so the common case is one search that finds nothing. Rows need no search of their own: a
# cell with a reference is placed by it, whatever its row says, and one without is suspect.
_SUSPECT = re.compile(rb'<c(?: (?!r="[A-Z]?[1-9][0-9]{0,2}")|[>/\t\n\r])')
# A cell with a namespace prefix (`<x:c …>`), which the parser takes for a cell too.
_PREFIXED = re.compile(rb':c[\s/>]')
_DIMENSION_REF = re.compile(rb'[^>]*?\sref\s*=\s*(["\'])(.*?)\1', re.S)
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>')
_CELL_END = re.compile(rb'</(?:\w+:)?c\s*>')
_R_ATTR = re.compile(rb'''(?:^|\s)r\s*=\s*(["'])(.*?)\1''', re.S)
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class BadReference(Exception):
    """A reference in a sheet that cannot be a cell (``AAAAAAAA1``, ``A99999999999``)."""

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


@dataclass
class Vetted:
    """What checking a sheet found: its cells beyond the extent, and the part to give calamine
    instead of the original one (None when the original is fine)."""

    stray: list[str] = field(default_factory=list)  # references of stray cells holding something
    patched: bytes | None = None


def extent(sheet: str) -> tuple[int, int]:
    """The last row and column a sheet's cells may use."""
    return FORM_EXTENT if sheet in FORM_SHEETS else OTHER_EXTENT


@lru_cache(maxsize=4096)
def cell(ref: str) -> tuple[int, int]:
    """``XFD1048576`` → (1048576, 16384); :class:`BadReference` if it cannot be a cell."""
    m = _CELL.match(ref)
    if not m:
        raise BadReference(ref)
    col = 0
    for ch in m.group(1).upper():
        col = col * 26 + ord(ch) - 64
    row = int(m.group(2))
    if not (1 <= row <= MAX_ROW and col <= MAX_COL):
        raise BadReference(ref)
    return row, col


def vet_sheet(data: bytes, sheet: str, full: bool = False) -> Vetted:
    """Check a worksheet part; raise :class:`BadReference` for a reference that is no cell.
    ``full`` checks every reference even when the quick search finds none suspect (tests)."""
    max_row, max_col = extent(sheet)
    out = Vetted()
    cuts: list[tuple[int, int]] = []
    pos = data.find(b"dimension")
    while pos >= 0:  # the range the sheet claims to use
        m = _DIMENSION_REF.match(data, pos + 9)
        if m and data[pos - 1:pos] in (b"<", b":"):
            far = False
            for ref in _text(m.group(2)).split(":"):
                row, col = cell(ref.strip())
                far = far or row > max_row or col > max_col
            if far:  # calamine sizes the sheet from its cells when the dimension is gone
                cuts.append((data.rfind(b"<", 0, pos), data.find(b">", m.end()) + 1))
        pos = data.find(b"dimension", pos + 9)
    # Cells are read only inside <sheetData>: the rest of the sheet (views, validation, page
    # setup) need not be searched.
    start, end = data.find(b"sheetData"), data.rfind(b"sheetData")
    if not full and not cuts and (start < 0 or (_SUSPECT.search(data, start, end) is None
                                                and _PREFIXED.search(data, start, end) is None)):
        return out  # the common case
    far_row = far_col = 0
    row = col = 0
    for tag in _TAG.finditer(data):
        name, attrs, closed = tag.groups()
        m = _R_ATTR.search(attrs)
        if name == b"row":
            row = _row_number(_text(m.group(2))) if m else row + 1
            col = 0
            continue
        if m:
            r, col = cell(_text(m.group(2)).strip())
        else:
            r, col = row, col + 1
            if col > MAX_COL:
                raise BadReference(f"{row}:{col}")
        end = tag.end() if closed else _cell_end(data, tag.end())
        if r > max_row or col > max_col:
            cuts.append((tag.start(), end))
            if not closed and re.search(rb"<(?:\w+:)?(?:v|t|f)\b", data[tag.end():end]):
                out.stray.append(f"{_letters(col)}{r}")
        else:
            far_row, far_col = max(far_row, r), max(far_col, col)
    if far_row * far_col > MAX_CELLS:  # within the extent, but too large a grid to hold
        raise BadReference(f"{_letters(far_col)}{far_row}")
    if cuts:
        cuts.sort()
        pieces, pos = [], 0
        for start, end in cuts:
            pieces.append(data[pos:start])
            pos = end
        pieces.append(data[pos:])
        out.patched = b"".join(pieces)
    return out


def _row_number(text: str) -> int:
    text = text.strip()
    if not text.isdigit() or len(text) > 7 or not 1 <= int(text) <= MAX_ROW:
        raise BadReference(text)
    return int(text)


def _cell_end(data: bytes, pos: int) -> int:
    m = _CELL_END.search(data, pos)
    if m is None:
        raise BadReference("</c>")
    return m.end()


def _text(value: bytes) -> str:
    return value.decode("utf-8", "replace")


def _letters(col: int) -> str:
    return L.get_column_letter(col)
