"""A saved workbook as bytes: reproducible (no timestamps) and cheap to patch for each unit.

Building a form with openpyxl costs far more than zipping it, so the forms of many units are
made by building one form whose unit strings are placeholder tokens, then replacing the tokens
in the XML parts for each unit.
"""
from __future__ import annotations

import re
import struct
import zlib
from collections.abc import Iterable
from io import BytesIO
from typing import TYPE_CHECKING
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from ..freetext import cell_text

if TYPE_CHECKING:
    from openpyxl import Workbook

# Zip entries get a fixed date so that the same form gives the same bytes.
FIXED_DATE = (1980, 1, 1, 0, 0, 0)
_CORE_DATES = re.compile(rb"<dcterms:(created|modified)\b[^>]*>[^<]*</dcterms:\1>")
TOKEN_PREFIX = "@@KH:"
# openpyxl's ILLEGAL_CHARACTERS_RE, without importing openpyxl on the roll-up path.
ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as XML entities (as xml.sax.saxutils.escape, whose import pulls in
    urllib and http.client: 20 ms of every run)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def token(key: str) -> str:
    """The placeholder written instead of a unit string: ``@@KH:unit_code@@``."""
    return f"{TOKEN_PREFIX}{key}@@"


def patchable(value: str) -> bool:
    """A value a token can be replaced with in place (else the form is built in full)."""
    return value == value.strip() and not ILLEGAL_CHARACTERS.search(value)


def replace_tokens(name: str, data: bytes, values: dict[str, str], strict: bool = True) -> bytes:
    """The part ``name`` with every ``token(key)`` replaced by ``values[key]`` (as XML text);
    ``strict``: a token left over is an error."""
    if name == "docProps/core.xml":
        data = _CORE_DATES.sub(b"", data)
    if TOKEN_PREFIX.encode() not in data:
        return data
    for key, value in values.items():
        data = data.replace(token(key).encode(), escape(cell_text(value)).encode("utf-8"))
    if strict and TOKEN_PREFIX.encode() in data:
        raise ValueError(f"unreplaced placeholder in {name}")
    return data


def zip_parts(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """The xlsx bytes of ``parts`` (name, data), in that order, with fixed dates."""
    out = BytesIO()
    with ZipFile(out, "w", ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in parts:
            info = ZipInfo(name, FIXED_DATE)
            info.compress_type = ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return out.getvalue()


Deflated = tuple[int, int, bytes]  # CRC-32, size, the data deflated


def deflate(data: bytes) -> Deflated:
    """``data`` compressed as :func:`zip_parts` does (same level, same bytes)."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -15)
    return zlib.crc32(data), len(data), packer.compress(data) + packer.flush()


def zip_deflated(parts: Iterable[tuple[str, Deflated]]) -> bytes:
    """The same bytes as :func:`zip_parts` from parts already deflated, so that the parts that
    every form of many units shares are compressed once (compressing was 70% of writing the
    forms of 168 communes)."""
    out, central = [], []
    offset = 0
    date = (FIXED_DATE[0] - 1980) << 9 | FIXED_DATE[1] << 5 | FIXED_DATE[2]
    for name, (crc, size, data) in parts:
        raw = name.encode("ascii")
        fields = (20, 0, 8, 0, date, crc, len(data), size, len(raw))
        out += [struct.pack("<4s5H3L2H", b"PK\x03\x04", *fields, 0), raw, data]
        central += [struct.pack("<4s2B5H3L5H2L", b"PK\x01\x02", 20, 3, *fields, 0, 0, 0, 0,
                                0o644 << 16, offset), raw]
        offset += 30 + len(raw) + len(data)
    directory = b"".join(central)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central) // 2, len(central) // 2,
                      len(directory), offset, 0)
    return b"".join(out) + directory + end


class Package:
    """The parts of a saved workbook, written again by :meth:`render` with tokens replaced."""

    def __init__(self, data: bytes) -> None:
        with ZipFile(BytesIO(data)) as zf:
            self.parts = [(info.filename, zf.read(info.filename)) for info in zf.infolist()]
        self._fixed: dict[str, Deflated] | None = None

    @classmethod
    def of(cls, wb: Workbook) -> Package:
        buffer = BytesIO()
        wb.save(buffer)
        return cls(buffer.getvalue())

    def render(self, values: dict[str, str] | None = None, strict: bool = True) -> bytes:
        """The xlsx bytes with every ``token(key)`` replaced by ``values[key]`` (as XML text)."""
        if self._fixed is None:  # the parts without a token, compressed once
            self._fixed = {name: deflate(replace_tokens(name, data, {}))
                           for name, data in self.parts if TOKEN_PREFIX.encode() not in data}
        fixed = self._fixed
        return zip_deflated(
            (name, fixed[name] if name in fixed else
             deflate(replace_tokens(name, data, values or {}, strict)))
            for name, data in self.parts)


def workbook_bytes(wb: Workbook, keep_tokens: bool = False) -> bytes:
    """The bytes of ``wb`` as an xlsx file, without timestamps (tokens only if ``keep_tokens``)."""
    return Package.of(wb).render(strict=not keep_tokens)
