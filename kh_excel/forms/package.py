"""A saved workbook as bytes: reproducible (no timestamps) and cheap to patch for each unit.

Building a form with openpyxl costs far more than zipping it, so the forms of many units are
made by building one form whose unit strings are placeholder tokens, then replacing the tokens
in the XML parts for each unit.
"""
from __future__ import annotations

import re
from io import BytesIO
from xml.sax.saxutils import escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

# Zip entries get a fixed date so that the same form gives the same bytes.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
TOKEN_PREFIX = "@@KH:"


def token(key: str) -> str:
    """The placeholder written instead of a unit string: ``@@KH:unit_code@@``."""
    return f"{TOKEN_PREFIX}{key}@@"


def patchable(value: str) -> bool:
    """A value a token can be replaced with in place (else the form is built in full)."""
    return value == value.strip() and not ILLEGAL_CHARACTERS_RE.search(value)


class Package:
    """The parts of a saved workbook, written again by :meth:`render` with tokens replaced."""

    def __init__(self, data: bytes) -> None:
        with ZipFile(BytesIO(data)) as zf:
            self.parts = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]

    @classmethod
    def of(cls, wb: Workbook) -> Package:
        buffer = BytesIO()
        wb.save(buffer)
        return cls(buffer.getvalue())

    def render(self, values: dict[str, str] | None = None) -> bytes:
        """The xlsx bytes with every ``token(key)`` replaced by ``values[key]`` (as XML text)."""
        subs = [(token(k).encode(), escape(v).encode("utf-8")) for k, v in (values or {}).items()]
        out = BytesIO()
        with ZipFile(out, "w", ZIP_DEFLATED, compresslevel=6) as zf:
            for name, data in self.parts:
                if name == "docProps/core.xml":
                    data = _CORE_DATES.sub(b"", data)
                if TOKEN_PREFIX.encode() in data:
                    for old, new in subs:
                        data = data.replace(old, new)
                    if TOKEN_PREFIX.encode() in data:
                        raise ValueError(f"unreplaced placeholder in {name}")
                info = ZipInfo(name, FIXED_DATE)
                info.compress_type = ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        return out.getvalue()


def workbook_bytes(wb: Workbook) -> bytes:
    """The bytes of ``wb`` as an xlsx file, without timestamps."""
    return Package.of(wb).render()
