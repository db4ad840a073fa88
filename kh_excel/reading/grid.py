"""The cell values of a workbook's sheets, read through python-calamine from checked parts."""
from __future__ import annotations

import io
import re

import python_calamine as calamine

from ..errors import FormUnreadable
from ..forms import layout as L
from .container import Container, _Recent
from .extent import BadReference, vet_sheet

# Parts python-calamine reads when it opens a workbook, besides the sheets.
_OPENING_PARTS = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                  "xl/sharedStrings.xml")
# The sheets a form is read from, checked before calamine opens the workbook; any other sheet
# is checked when it is first asked for.
_FORM_SHEETS = (L.DATA_SHEET, L.INFO_SHEET, L.META_SHEET)
_TRIMMED = _Recent()  # workbook.xml, styles.xml → what calamine is given of them
_ERROR_TYPE = re.compile(rb'\st="e"')
_VALUE = re.compile(rb"<v>([^<]+)</v>")


class _SameBytes:
    """What checking a sheet found, remembered for the very bytes object checked.

    A part shared by several forms is inflated once (container.py), so its bytes are the same
    object each time: looking it up by identity costs nothing, where hashing a sheet's bytes
    (as ``_Recent`` does) costs a quarter of checking it, for a data sheet that no other form
    shares. Each entry holds its bytes, so their id cannot be reused while it is remembered."""

    def __init__(self, size: int = 64) -> None:
        self.size, self.items = size, {}

    def get(self, data: bytes, compute, sheet: str):
        key = (id(data), sheet)
        entry = self.items.pop(key, None)  # put back last
        if entry is None or entry[0] is not data:
            entry = (data, compute())
        self.items[key] = entry
        if len(self.items) > self.size:
            del self.items[next(iter(self.items))]
        return entry[1]


_VETTED = _SameBytes()  # a sheet's bytes object (and name) → what checking it found


def _without_names(workbook: bytes) -> bytes:
    """workbook.xml without its defined names: they are read from the original (container.py),
    and calamine, which would parse every one of them (a fifth of its time opening a form),
    has no use for them."""
    start, end = workbook.find(b"<definedNames>"), workbook.find(b"</definedNames>")
    if start < 0 or end < start:
        return workbook
    return workbook[:start] + workbook[end + len(b"</definedNames>"):]


# What calamine needs of styles.xml is which cells hold dates: the number formats and the
# cell formats that use them. The rest (fonts, fills, borders, …) it would parse for nothing.
_UNUSED_STYLES = (b"fonts", b"fills", b"borders", b"cellStyleXfs", b"cellStyles", b"dxfs",
                  b"colors", b"extLst")


def _formats_only(styles: bytes) -> bytes:
    """styles.xml without what calamine has no use for (the original is kept for the legacy
    fonts, see legacy.py)."""
    for tag in _UNUSED_STYLES:
        start = styles.find(b"<" + tag + b" ")
        if start < 0:
            start = styles.find(b"<" + tag + b">")
        end = styles.find(b"</" + tag + b">")
        if 0 <= start < end:
            styles = styles[:start] + styles[end + len(tag) + 3:]
    return styles


class Grid:
    """Cell values of a workbook's sheets, loaded on demand through python-calamine.

    calamine is given a copy of the package in which every part it reads was checked here
    first: against its CRC (calamine does not check the CRC of a large part) and, for a
    sheet, against far-away and impossible cell references (see ``extent.py``). The checked
    parts are stored uncompressed in that copy, so that calamine does not inflate them again.
    """

    def __init__(self, container: Container) -> None:
        self.c = container
        self.path = container.path
        self.stray: dict[str, list[str]] = {}  # sheet → stray cells left out (with something)
        self._parts: dict[str, bytes] = {}     # part → the bytes calamine is given
        self._rows: dict[str, list[list]] = {}
        self._vetted: set[str] = set()
        if container.kind == "xlsx":
            for part in _OPENING_PARTS:
                data = container.part(part)
                if data is not None:
                    self._parts[part] = data
            book = self._parts.get("xl/workbook.xml")
            if book is not None:
                self._parts["xl/workbook.xml"] = _TRIMMED.get(book, lambda: _without_names(book))
            styles = self._parts.get("xl/styles.xml")
            if styles is not None:
                self._parts["xl/styles.xml"] = _TRIMMED.get(styles, lambda: _formats_only(styles))
            names = {name for name, _state in container.sheets}
            for sheet in _FORM_SHEETS:
                if sheet in names:
                    self._vet(sheet)
        elif container.kind == "ods" and container.ods_content is not None:
            self._parts["content.xml"] = container.ods_content
            self.stray.update(container.ods_stray)
        self.wb = self._open()
        self.names = list(self.wb.sheet_names)
        self.name_set = set(self.names)

    def _open(self) -> calamine.CalamineWorkbook:
        c = self.c
        stream = io.BytesIO(c.repacked(self._parts)) if self._parts else c.stream()
        try:
            return calamine.CalamineWorkbook.from_filelike(stream)
        except calamine.PasswordError:
            raise FormUnreadable(
                path=c.path, detail="tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi gửi lại.",
                detail_en="the workbook is password-protected.") from None
        except Exception as exc:  # calamine reports corrupt files with several exception types
            raise FormUnreadable(
                path=c.path, detail="tệp bị hỏng hoặc không phải biểu mẫu Excel hợp lệ. "
                "Hãy mở tệp trong Excel, lưu lại và gửi lại.",
                detail_en=f"corrupt or invalid workbook ({type(exc).__name__}).") from None

    def _vet(self, sheet: str) -> bool:
        """Check a sheet's part before calamine reads it; True if it was not checked before."""
        self._vetted.add(sheet)
        part = self.c.sheet_part(sheet)
        if part is not None and part in self._parts:
            return False
        data = self.c.part(part) if part is not None else None
        if data is None:
            # calamine may resolve a relationship we do not: then every sheet-like part is
            # checked, so that none reaches it unchecked.
            return any([self._vet_part(name, sheet) for name in self.c.part_names()
                        if name.lower().endswith(".xml") and name not in self._parts])
        return self._vet_part(part, sheet, data)

    def _vet_part(self, part: str, sheet: str, data: bytes | None = None) -> bool:
        if data is None:
            data = self.c.part(part)
            if data is None or b"sheetData" not in data:
                return False
        try:
            # Forms made from one template often share a sheet byte for byte (the info sheet
            # and _kh_meta of forms saved by LibreOffice): checked once.
            vetted = _VETTED.get(data, lambda: vet_sheet(data, sheet), sheet)
        except BadReference as bad:
            raise FormUnreadable(
                path=self.path, detail=f"trang '{sheet}' ghi địa chỉ ô '{bad.ref[:40]}' không thể "
                "có trong Excel (tệp bị hỏng hoặc bị sửa bằng công cụ khác). Hãy mở tệp trong "
                "Excel, lưu lại và gửi lại.",
                detail_en=f"sheet '{sheet}' refers to '{bad.ref[:40]}', which cannot be a cell.") \
                from None
        if vetted.stray:
            self.stray[sheet] = vetted.stray
        self._parts[part] = data if vetted.patched is None else vetted.patched
        return True

    def rows(self, sheet: str) -> list[list]:
        rows = self._rows.get(sheet)
        if rows is None:
            if self.c.kind == "xlsx" and sheet not in self._vetted and self._vet(sheet):
                self.wb = self._open()  # a sheet no one expected to read: calamine gets it checked
            try:
                rows = self.wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception as exc:
                raise FormUnreadable(
                    path=self.path, detail=f"trang '{sheet}' bị hỏng, không đọc được. Hãy mở tệp "
                    "trong Excel, lưu lại và gửi lại.",
                    detail_en=f"sheet '{sheet}' is corrupt ({type(exc).__name__}).") from None
            self._rows[sheet] = rows
        return rows

    _hidden: set[str] | None = None  # sheets not shown, looked up on first use

    def is_hidden(self, sheet: str) -> bool:
        """A sheet the user does not see (hidden or very hidden)."""
        if self._hidden is None:
            self._hidden = {m.name for m in self.wb.sheets_metadata
                            if m.visible != calamine.SheetVisibleEnum.Visible}
        return sheet in self._hidden

    def blank_cause(self, sheet: str, ref: str) -> str | None:
        """Why a cell read as blank is not simply empty: the Excel error it shows (``#REF!``),
        ``"formula"`` for a formula never calculated, or None."""
        if self.c.kind == "ods":
            return self.c.ods_errors.get((sheet, ref))
        part = self.c.sheet_part(sheet) if self.c.kind == "xlsx" else None
        data = self._parts.get(part) if part else None
        if not data:
            return None
        start = data.find(b'<c r="' + ref.encode() + b'"')
        if start < 0:
            return None
        tag_end = data.find(b">", start)
        if tag_end < 0 or data[tag_end - 1:tag_end] == b"/":
            return None
        end = data.find(b"</c>", tag_end)
        tag, body = data[start:tag_end], data[tag_end + 1:end if end >= 0 else None]
        if _ERROR_TYPE.search(tag):
            m = _VALUE.search(body)
            return (m.group(1).decode("utf-8", "replace").strip() or "#N/A")[:20] if m \
                else "#N/A"
        if b"<f" in body and not _VALUE.search(body) and b't="str"' not in tag:
            return "formula"  # an empty text result was calculated: t="str" with <v></v>
        return None

    def get(self, sheet: str, row: int, col: int):
        rows = self._rows.get(sheet)
        if rows is None:
            rows = self.rows(sheet)
        if 0 < row <= len(rows):
            line = rows[row - 1]
            if 0 < col <= len(line):
                return line[col - 1]
        return None
