"""The bad-input corpus, as generators: each function makes one hostile file from a good form.

Nothing hostile is committed: the tests build every file from scratch in a temporary folder.
Each generator takes the form to start from and the path to write, and returns that path.
"""
from __future__ import annotations

import io
import re
import struct
import zipfile
from pathlib import Path

from kh_excel.forms.layout import DATA_SHEET, INFO_SHEET, META_SHEET, ROLLUP_DATA_SHEET

from formfiles import rezip, sheet_part


def read_part(path: Path, part: str) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read(part)


def with_sheet(src: Path, dst: Path, edit, sheet: str = DATA_SHEET) -> Path:
    """A copy whose sheet XML is changed by ``edit(bytes) -> bytes``."""
    part = sheet_part(src, sheet)
    return rezip(src, dst, {part: edit(read_part(src, part))})


# --- §1 Far-away and impossible cell references -----------------------------------------------

def far_cell(src: Path, dst: Path, ref: str = "XFD1048576", sheet: str = DATA_SHEET,
             value: str = "5") -> Path:
    """A number typed far away (the Ctrl+End, Ctrl+↓ accident): a last row holding one cell."""
    row = re.sub(r"^[A-Z]+", "", ref)

    def edit(xml: bytes) -> bytes:
        cell = f'<row r="{row}"><c r="{ref}" t="n"><v>{value}</v></c></row>'.encode()
        return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)
    return with_sheet(src, dst, edit, sheet)


def far_row_without_cell_refs(src: Path, dst: Path, row: int = 1048576) -> Path:
    """A row far away whose cells carry no reference (placed by their order, column A…)."""
    def edit(xml: bytes) -> bytes:
        cells = f'<row r="{row}"><c t="n"><v>7</v></c></row>'.encode()
        return xml.replace(b"</sheetData>", cells + b"</sheetData>", 1)
    return with_sheet(src, dst, edit)


def odd_syntax_far_cell(src: Path, dst: Path) -> Path:
    """The far cell with single quotes, blanks around '=' and a lower-case reference: XML the
    spreadsheet parser accepts although no application writes it."""
    def edit(xml: bytes) -> bytes:
        cell = b"<row r = '1048576'><c r = 'xfd1048576' t='n'><v>5</v></c></row>"
        return xml.replace(b"</sheetData>", cell + b"</sheetData>", 1)
    return with_sheet(src, dst, edit)


def dimension(src: Path, dst: Path, ref: str, sheet: str = DATA_SHEET) -> Path:
    """A sheet whose ``<dimension ref=…>`` is ``ref`` (``AAAAAAAA1``, ``A99999999999999999999``)."""
    def edit(xml: bytes) -> bytes:
        out, n = re.subn(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{ref}"/>'.encode(), xml)
        assert n == 1
        return out
    return with_sheet(src, dst, edit, sheet)


def impossible_cell(src: Path, dst: Path, ref: str = "A99999999999",
                    sheet: str = DATA_SHEET) -> Path:
    """A cell whose reference cannot be a cell of any spreadsheet."""
    return far_cell(src, dst, ref, sheet)


# --- §2 Numbers that are not numbers ----------------------------------------------------------

def cell_xml(src: Path, dst: Path, cells: dict[str, str]) -> Path:
    """A copy with the XML of some data-sheet cells replaced (``{"D8": '<v>NaN</v>'}``); the
    attributes given with the content (``t="e"``) go into the cell's tag."""
    def edit(xml: bytes) -> bytes:
        for ref, inner in cells.items():
            attrs, _, body = inner.partition("|") if "|" in inner else ("", "", inner)
            new = f'<c r="{ref}"{" " + attrs if attrs else ""}>{body}</c>'.encode()
            xml, n = re.subn(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)',
                             lambda _m: new, xml, count=1, flags=re.S)
            assert n == 1, ref
        return xml
    return with_sheet(src, dst, edit)


# --- §7 Other inputs --------------------------------------------------------------------------

def recompressed(src: Path, dst: Path, method: int = zipfile.ZIP_BZIP2,
                 part: str | None = None) -> Path:
    """A copy whose data sheet (or ``part``) is compressed with another method (bzip2, LZMA)."""
    target = part or sheet_part(src)
    out = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename),
                          compress_type=method if info.filename == target else zipfile.ZIP_DEFLATED)
    dst.write_bytes(out.getvalue())
    return dst


def bad_crc(src: Path, dst: Path, part: str) -> Path:
    """A copy whose ``part`` has a wrong CRC in its local header and its central directory entry
    (the bytes themselves intact)."""
    data = bytearray(src.read_bytes())
    with zipfile.ZipFile(src) as z:
        info = z.getinfo(part)
    central = data.index(part.encode(), info.header_offset + 30 + len(part)) - 46
    assert data[central:central + 4] == b"PK\x01\x02"
    for at in (info.header_offset + 14, central + 16):
        struct.pack_into("<I", data, at, info.CRC ^ 0x5A5A)
    dst.write_bytes(bytes(data))
    return dst


def edited_rollup_table(src: Path, dst: Path, value_xml: str | None = None,
                        broken: bool = False) -> Path:
    """A roll-up workbook whose hidden ``_kh_rollup`` table was edited: the value of its first
    row set to ``value_xml`` (``<v>inf</v>``), or the sheet's XML cut in the middle."""
    def edit(xml: bytes) -> bytes:
        if broken:
            return xml[: len(xml) // 2]
        out, n = re.subn(rb'(<c r="D2"[^>]*?)(?: t="\w+")?(?:/>|>.*?</c>)',
                         lambda m: m.group(1) + b">" + value_xml.encode() + b"</c>", xml,
                         count=1, flags=re.S)
        assert n == 1
        return out
    return with_sheet(src, dst, edit, ROLLUP_DATA_SHEET)


def annotated_mark_sheet() -> str:
    from kh_excel.annotation import REPORT_SHEET
    return REPORT_SHEET


SHEETS = (DATA_SHEET, INFO_SHEET, META_SHEET)

# The files of §1 that must never take a batch down: name → generator(src, dst).
BATCH_CORPUS = {
    "xa-xfd1048576": lambda s, d: far_cell(s, d),
    "xa-bz1048576": lambda s, d: far_cell(s, d, "BZ1048576"),
    "meta-xfd1048576": lambda s, d: far_cell(s, d, "XFD1048576", META_SHEET),
    "info-xfd1048576": lambda s, d: far_cell(s, d, "XFD1048576", INFO_SHEET),
    "hang-xa-khong-dia-chi": lambda s, d: far_row_without_cell_refs(s, d),
    "cu-phap-la": lambda s, d: odd_syntax_far_cell(s, d),
    "dimension-aaaaaaaa1": lambda s, d: dimension(s, d, "AAAAAAAA1"),
    "dimension-a999": lambda s, d: dimension(s, d, "A99999999999999999999"),
    "meta-dimension": lambda s, d: dimension(s, d, "A1:AAAAAAAA1", META_SHEET),
    "o-khong-the-co": lambda s, d: impossible_cell(s, d),
}
# Which of them are read (from their real cells, with a warning) and which are refused.
REFUSED = {"dimension-aaaaaaaa1", "dimension-a999", "meta-dimension", "o-khong-the-co"}


def ods_far_cell(src: Path, dst: Path, rows: int = 1_000_000) -> Path:
    """An .ods form with a number typed ``rows`` rows below the end of its first sheet's table
    (before the empty rows LibreOffice writes to the last row, which it shortens to fit)."""
    out = io.BytesIO()
    far = (f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/>'
           '</table:table-row><table:table-row><table:table-cell office:value-type="float" '
           'office:value="5"><text:p>5</text:p></table:table-cell></table:table-row>').encode()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "content.xml":
                tail = re.search(rb'<table:table-row[^>]*number-rows-repeated="(\d{6,})"', data)
                data = (data[:tail.start()] + far + data[tail.start():tail.start(1)]
                        + str(int(tail.group(1)) - rows - 1).encode() + data[tail.end(1):])
            method = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(info.filename, data, compress_type=method)
    dst.write_bytes(out.getvalue())
    return dst
