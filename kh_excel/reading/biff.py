"""An Excel 97–2003 workbook (``.xls``): where its cells are, checked before python-calamine
reads it.

A value at IV65536 makes calamine fill a 65536 × 256 grid (over a gigabyte once Python holds
it). The file's records are walked here first (about 0,2 ms for a form): a sheet with a cell
beyond its extent makes the file unreadable, naming the cell (rewriting the file without it is
not worth it for a format that Excel itself saves no more).
"""
from __future__ import annotations

import struct

from ..forms.layout import get_column_letter
from .extent import extent

# Records that put a value in a cell: row and column are their first two 16-bit fields.
_CELLS = {0x0203, 0x027E, 0x00FD, 0x0204, 0x0205, 0x0006, 0x00D6}
_MULRK, _BOF, _EOF, _BOUNDSHEET = 0x00BD, 0x0809, 0x000A, 0x0085


class FarCell(Exception):
    """A value beyond its sheet's extent."""

    def __init__(self, sheet: str, ref: str) -> None:
        super().__init__(sheet, ref)
        self.sheet, self.ref = sheet, ref


def workbook_stream(data: bytes) -> bytes | None:
    """The Workbook stream of an OLE2 file (None if there is none)."""
    import olefile  # only .xls files need it

    with olefile.OleFileIO(data) as ole:
        for name in ("Workbook", "Book"):
            if ole.exists(name):
                return ole.openstream(name).read()
    return None


def check_cells(stream: bytes) -> None:
    """Raise :class:`FarCell` for the first value beyond its sheet's extent."""
    sheets = {}  # offset of the sheet's BOF → its name
    pos = 0
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind == _BOUNDSHEET and size >= 8:
            offset, = struct.unpack_from("<I", stream, pos + 4)
            sheets[offset] = _sheet_name(stream[pos + 10:pos + 4 + size])
        elif kind == _EOF:
            break
        pos += 4 + size
    for offset, name in sheets.items():
        _check_sheet(stream, offset, name)


def _check_sheet(stream: bytes, pos: int, sheet: str) -> None:
    max_row, max_col = extent(sheet)
    while pos + 4 <= len(stream):
        kind, size = struct.unpack_from("<HH", stream, pos)
        if kind in _CELLS and size >= 4 or kind == _MULRK and size >= 6:
            row, col = struct.unpack_from("<HH", stream, pos + 4)
            if kind == _MULRK:
                col, = struct.unpack_from("<H", stream, pos + 4 + size - 2)
            if row + 1 > max_row or col + 1 > max_col:
                raise FarCell(sheet, f"{get_column_letter(min(col + 1, 16384))}{row + 1}")
        elif kind == _EOF:
            return
        pos += 4 + size


def _sheet_name(body: bytes) -> str:
    """The name in a BOUNDSHEET record (BIFF8: length, then Latin-1 or UTF-16 characters)."""
    if len(body) < 2:
        return ""
    count, wide = body[0], body[1] & 1
    raw = body[2:2 + count * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", "replace")
