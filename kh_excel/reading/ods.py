"""An OpenDocument spreadsheet (``.ods``, as LibreOffice saves a form): its sheets, the form's
defined names, its metadata, and its extent checked before python-calamine reads it.

calamine reads the values; what it does not give (named ranges, document properties) is read
here from ``content.xml`` and ``meta.xml``. A cell repeated far away (``number-columns-repeated``
over a whole row, ``number-rows-repeated`` to the last row) would make calamine fill the grid up
to it, so the farthest cell holding something is found first.
"""
from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from ..forms.layout import get_column_letter
from .extent import MAX_CELLS, extent

NS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
NS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
NS_META = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
NS_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
# $'Biểu số liệu'.$D$8 (or without quotes) → the sheet and the cell
_XMLNS = re.compile(r'xmlns:([\w.-]+)="([^"]*)"')
_ADDRESS = re.compile(r"^\$?(?:'((?:[^']|'')+)'|([^.]+))\.\$?([A-Z]{1,3})\$?(\d+)$")


class FarCell(Exception):
    """A cell holding something beyond its sheet's extent (or too large a grid)."""

    def __init__(self, sheet: str, ref: str) -> None:
        super().__init__(sheet, ref)
        self.sheet, self.ref = sheet, ref


def read_content(root, stray: dict[str, list[str]]) -> tuple[
        list[tuple[str, str]], dict[str, str], dict[tuple[str, str], str]]:
    """Sheets (name, state), the ``KH_`` named ranges as Excel references, and the cells showing
    an error value ((sheet, "D8") → "#REF!", which calamine reads as blank) of content.xml.

    Cells holding something beyond their sheet's extent are emptied in ``root`` and named in
    ``stray``; :class:`FarCell` if a sheet is too large a grid even within its extent."""
    sheets, names, errors = [], {}, {}
    for table in root.iter(f"{NS_TABLE}table"):
        name = table.get(f"{NS_TABLE}name", "")
        sheets.append((name, "visible"))
        _scan(table, name, errors, stray)
    for rng in root.iter(f"{NS_TABLE}named-range"):
        name = rng.get(f"{NS_TABLE}name", "")
        m = _ADDRESS.match(rng.get(f"{NS_TABLE}cell-range-address", ""))
        if name.startswith("KH_") and m:
            sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
            names[name] = "'" + sheet.replace("'", "''") + f"'!${m.group(3)}${m.group(4)}"
    return sheets, names, errors


def read_meta(root) -> dict[str, str]:
    """The user-defined document properties of meta.xml."""
    return {p.get(f"{NS_META}name", ""): (p.text or "")
            for p in root.iter(f"{NS_META}user-defined")}


def _scan(table, sheet: str, errors: dict[tuple[str, str], str],
          stray: dict[str, list[str]]) -> None:
    max_row, max_col = extent(sheet)
    row = far_row = far_col = 0
    for el in table.iter(f"{NS_TABLE}table-row"):
        repeat = _repeat(el, "rows")
        col = last = 0
        for cell in el:
            if not cell.tag.endswith(("}table-cell", "}covered-table-cell")):
                continue
            span = _repeat(cell, "columns")
            if cell.get(f"{NS_OFFICE}value-type") is not None or len(cell):
                if row + repeat > max_row or col + span > max_col:
                    # left out: the cell is emptied where it is, so that no other one moves
                    stray.setdefault(sheet, []).append(
                        f"{get_column_letter(min(col + span, 16384))}{min(row + repeat, 1048576)}")
                    _empty(cell)
                else:
                    last = col + span
            if cell.get(f"{NS_CALCEXT}value-type") == "error" and span * repeat <= 100:
                text = "".join(cell.itertext()).strip()[:20] or "#N/A"
                for r in range(row + 1, row + repeat + 1):
                    for c in range(col + 1, col + span + 1):
                        errors[(sheet, f"{get_column_letter(c)}{r}")] = text
            col += span
        if last:
            far_row, far_col = max(far_row, row + repeat), max(far_col, last)
        row += repeat
    if far_row * far_col > MAX_CELLS:
        raise FarCell(sheet, f"{far_row}x{far_col}")


def _empty(cell) -> None:
    for key in list(cell.attrib):
        if key.startswith((NS_OFFICE, NS_CALCEXT)) or key == f"{NS_TABLE}formula":
            del cell.attrib[key]
    for child in list(cell):
        cell.remove(child)


def serialize(root, original: bytes) -> bytes:
    """content.xml again, after stray cells were emptied, with the original's prefixes (the
    parser knows elements by their prefixed names)."""
    head = original[:original.find(b">", original.find(b"<office:document-content")) + 1]
    for prefix, uri in _XMLNS.findall(head.decode("utf-8", "replace")):
        ET.register_namespace(prefix, uri)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _repeat(el, what: str) -> int:
    try:
        return max(1, int(el.get(f"{NS_TABLE}number-{what}-repeated", "1")))
    except ValueError:
        return 1
