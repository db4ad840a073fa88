"""Filling a workbook kh-excel built beforehand, at the XML level, without openpyxl.

Importing openpyxl and building a workbook costs about 0.3 s, more than a whole roll-up of a
hundred forms. The roll-up workbook is therefore built once with openpyxl as a *skeleton*
(committed, like the blank templates): unit strings are placeholder tokens, the data sheets have
their title and header rows, and one *palette* row per sheet whose cells hold style markers
(``@@KS:name@@``) so that the cell styles openpyxl assigned can be found by name. At run time the
tokens are replaced, values are put into existing cells and rows are appended as SpreadsheetML,
with strings inline, as openpyxl writes them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from io import BytesIO
from zipfile import ZipFile

from ..freetext import cell_text
from .layout import get_column_letter
from .package import escape, replace_tokens, zip_parts

STYLE_PREFIX = "@@KS:"
_MARKER = re.compile(r'<c r="[A-Z]+(\d+)"(?: s="(\d+)")? t="inlineStr"><is><t>'
                     + re.escape(STYLE_PREFIX) + r'(\w+)@@</t></is></c>')
_SHEET = re.compile(r'<sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]*)"[^>]*/>')
_REL = re.compile(r'<Relationship\b[^>]*?\bId="([^"]*)"[^>]*?\bTarget="([^"]*)"[^>]*/>|'
                  r'<Relationship\b[^>]*?\bTarget="([^"]*)"[^>]*?\bId="([^"]*)"[^>]*/>')
# A formula cell as openpyxl writes it: <c r="F8" s="12"><f>…</f><v></v></c> (or <v/>, or none).
_FORMULA_CELL = re.compile(r'<c r="([A-Z]+\d+)"([^>]*)>(<f>[^<]*</f>)(?:<v>[^<]*</v>|<v/>)?</c>')
_DEFINED = re.compile(r"<definedName name=\"([^\"]+)\">'?([^'!<]+)'?!\$([A-Z]+)\$(\d+)</definedName>")


def style_marker(name: str) -> str:
    """The text a palette cell holds in a skeleton: ``@@KS:count@@``."""
    return f"{STYLE_PREFIX}{name}@@"


class Formula(str):
    """A formula built by kh-excel (never from user data), written without the leading ``=``,
    with the result it computes when kh-excel knows it (``cached``), for viewers that do not
    calculate."""

    cached: int | float | str | None = None

    def __new__(cls, text: str, cached: int | float | str | None = None) -> Formula:
        formula = super().__new__(cls, text)
        formula.cached = cached
        return formula


Value = int | float | str | Formula | None


def cell_xml(ref: str, value: Value, style: str = "0") -> str:
    """One ``<c>`` element: a number, an inline string (never a formula) or a Formula."""
    s = "" if style == "0" else f' s="{style}"'
    if value is None:
        return f'<c r="{ref}"{s}/>'
    if isinstance(value, Formula):
        return f'<c r="{ref}"{s}{_result_type(value.cached)}><f>{escape(value)}</f>' \
               f'{_result(value.cached)}</c>'
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"not a finite number: {value!r}")
        return f'<c r="{ref}"{s}><v>{value!r}</v></c>'
    text = cell_text(str(value))  # no control character (XML 1.0 cannot hold them), ≤ 32,767
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _result_type(cached: int | float | str | None) -> str:
    return ' t="str"' if isinstance(cached, str) else ""


def _result(cached: int | float | str | None) -> str:
    """The ``<v>`` of a formula: its cached result, empty when unknown."""
    if cached is None:
        return "<v></v>"
    if isinstance(cached, str):
        return f"<v>{escape(cell_text(cached))}</v>"
    if isinstance(cached, float) and not math.isfinite(cached):
        raise ValueError(f"not a finite number: {cached!r}")
    return f"<v>{cached!r}</v>"


class SheetXml:
    """One worksheet part: its palette styles, cells to set and rows to append."""

    def __init__(self, data: bytes) -> None:
        text = data.decode("utf-8")
        self.styles: dict[str, str] = {}
        palette_rows = set()
        for m in _MARKER.finditer(text):
            palette_rows.add(m.group(1))
            self.styles[m.group(3)] = m.group(2) or "0"
        for r in palette_rows:
            text = re.sub(rf'<row r="{r}"[^>]*>.*?</row>', "", text, count=1, flags=re.S)
        self.text = text
        self.rows: list[str] = []
        self.last_row = max((int(r) for r in re.findall(r'<row r="(\d+)"', text)), default=0)
        self.last_col = 1

    def set(self, ref: str, value: Value) -> None:
        """Put ``value`` into the existing cell ``ref``, keeping its style."""
        m = re.search(rf'<c r="{ref}"(?: s="(\d+)")?[^>]*?(?:/>|>.*?</c>)', self.text, re.S)
        if m is None:
            raise KeyError(f"the skeleton has no cell {ref}")
        self.text = self.text[:m.start()] + cell_xml(ref, value, m.group(1) or "0") + \
            self.text[m.end():]

    def cache(self, results: dict[str, int | float | str]) -> None:
        """Write the result of the formula cells ``results`` names (reference → value) as their
        cached value, keeping formula and style; cells that hold no formula are left alone."""
        def fill(m: re.Match) -> str:
            ref, attrs, formula = m.group(1), m.group(2), m.group(3)
            if ref not in results:
                return m.group(0)
            attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
            value = results[ref]
            return f'<c r="{ref}"{attrs}{_result_type(value)}>{formula}{_result(value)}</c>'

        self.text = _FORMULA_CELL.sub(fill, self.text)

    def append(self, row: int, cells: Iterable[tuple[int, Value, str]]) -> None:
        """A new row below the existing ones: (column, value, style name) per cell."""
        if row <= self.last_row:
            raise ValueError(f"row {row} is not below row {self.last_row}")
        parts = []
        for col, value, style in cells:
            parts.append(cell_xml(f"{get_column_letter(col)}{row}", value, self.styles[style]))
            self.last_col = max(self.last_col, col)
        self.rows.append(f'<row r="{row}">{"".join(parts)}</row>')
        self.last_row = row

    def to_bytes(self) -> bytes:
        text = self.text
        if self.rows:
            rows = "".join(self.rows)
            if "<sheetData/>" in text:
                text = text.replace("<sheetData/>", f"<sheetData>{rows}</sheetData>", 1)
            else:
                text = text.replace("</sheetData>", f"{rows}</sheetData>", 1)
        text = _set_dimension(text, self.last_row, self.last_col)
        return text.encode("utf-8")


def _set_dimension(text: str, last_row: int, last_col: int) -> str:
    m = re.search(r'<dimension ref="[A-Z]+\d+(?::([A-Z]+)(\d+))?"/>', text)
    if m is None or last_row == 0:
        return text
    old_col = _column_number(m.group(1)) if m.group(1) else 1
    old_row = int(m.group(2)) if m.group(2) else 1
    col, row = max(old_col, last_col), max(old_row, last_row)
    ref = "A1" if (col, row) == (1, 1) else f"A1:{get_column_letter(col)}{row}"
    return text[:m.start()] + f'<dimension ref="{ref}"/>' + text[m.end():]


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


class Skeleton:
    """A skeleton workbook's parts, its sheets by name and its single-cell defined names."""

    def __init__(self, data: bytes) -> None:
        with ZipFile(BytesIO(data)) as zf:
            self.parts = {info.filename: zf.read(info.filename) for info in zf.infolist()}
        workbook = self.parts["xl/workbook.xml"].decode("utf-8")
        rels = self.parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        targets = {}
        for m in _REL.finditer(rels):
            rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
            targets[rid] = target.lstrip("/").removeprefix("xl/")
        self.sheet_parts = {m.group(1): "xl/" + targets[m.group(2)]
                            for m in _SHEET.finditer(workbook)}
        self.names = {m.group(1): (m.group(2), f"{m.group(3)}{m.group(4)}")
                      for m in _DEFINED.finditer(workbook)}
        self._sheets: dict[str, SheetXml] = {}

    def replace_tokens(self, values: dict[str, str]) -> None:
        """Replace every ``token(key)`` with ``values[key]``; before any sheet is edited."""
        if self._sheets:
            raise RuntimeError("tokens are replaced before the sheets are edited")
        self.parts = {name: replace_tokens(name, data, values) for name, data in self.parts.items()}

    def sheet(self, name: str) -> SheetXml:
        if name not in self._sheets:
            self._sheets[name] = SheetXml(self.parts[self.sheet_parts[name]])
        return self._sheets[name]

    def cache(self, sheet: str, results: dict[str, int | float | str]) -> None:
        """Cached results for the formula cells of ``sheet`` (see :meth:`SheetXml.cache`)."""
        self.sheet(sheet).cache(results)

    def set_named(self, name: str, value: Value) -> None:
        """Put ``value`` into the cell of a defined name (KeyError if the skeleton has none)."""
        sheet, ref = self.names[name]
        self.sheet(sheet).set(ref, value)

    def drop_last_sheet(self, name: str) -> None:
        """Remove the sheet ``name``, which must be the last one (no sheet index shifts)."""
        workbook = self.parts["xl/workbook.xml"].decode("utf-8")
        sheets = list(_SHEET.finditer(workbook))
        last = sheets[-1]
        if last.group(1) != name:
            raise ValueError(f"{name!r} is not the last sheet")
        index = len(sheets) - 1
        workbook = workbook[:last.start()] + workbook[last.end():]
        workbook = re.sub(rf'<definedName [^>]*localSheetId="{index}"[^>]*>[^<]*</definedName>',
                          "", workbook)
        workbook = workbook.replace("<definedNames></definedNames>", "")
        part = self.sheet_parts.pop(name)
        rid = last.group(2)
        rels = self.parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        rels = re.sub(rf'<Relationship\b[^>]*\bId="{rid}"[^>]*/>', "", rels)
        types = self.parts["[Content_Types].xml"].decode("utf-8")
        types = re.sub(rf'<Override PartName="/{re.escape(part)}"[^>]*/>', "", types)
        self.parts["xl/workbook.xml"] = workbook.encode("utf-8")
        self.parts["xl/_rels/workbook.xml.rels"] = rels.encode("utf-8")
        self.parts["[Content_Types].xml"] = types.encode("utf-8")
        del self.parts[part]
        self._sheets.pop(name, None)

    def to_bytes(self) -> bytes:
        parts = dict(self.parts)
        for name, sheet in self._sheets.items():
            parts[self.sheet_parts[name]] = sheet.to_bytes()
        return zip_parts(parts.items())

