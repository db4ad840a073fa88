"""A source-only VBA project (MS-OVBA) in a compound file: ``xl/vbaProject.bin`` of the panel.

The project holds the modules' source text only: its ``_VBA_PROJECT`` stream has version
0xFFFF and no performance cache, so Excel compiles the modules from source when it opens the
workbook (MS-OVBA §2.3.4.1), as it does for xlwings' own quickstart workbooks, whose projects are
built the same way. Module source is code page 1252 (the VBA editor's), so it must be ASCII or
Western European: the Vietnamese captions live in the workbook, not in the VBA.
"""
from __future__ import annotations

import random
import struct
import uuid
from dataclasses import dataclass

from . import cfb

CODEPAGE = 1252
_ENCODING = "cp1252"
# The type library GUIDs of Excel's Workbook and Worksheet objects (the base of document modules).
WORKBOOK_BASE = "{00020819-0000-0000-C000-000000000046}"
WORKSHEET_BASE = "{00020820-0000-0000-C000-000000000046}"
_STDOLE = ("*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#"
           "C:\\Windows\\System32\\stdole2.tlb#OLE Automation")


@dataclass(frozen=True)
class Module:
    """A VBA module: a standard module (``.bas``) or the document module of a sheet or the
    workbook (``base`` is the GUID of the object it extends)."""

    name: str
    source: str
    base: str | None = None

    @property
    def is_document(self) -> bool:
        return self.base is not None

    def text(self) -> bytes:
        """The module's source with its attribute lines, CRLF, code page 1252."""
        lines = self.source.replace("\r\n", "\n").split("\n")
        body = [ln for ln in lines if not ln.startswith("Attribute VB_Name")]
        head = [f'Attribute VB_Name = "{self.name}"']
        if self.is_document:
            head += [f'Attribute VB_Base = "0{self.base}"', "Attribute VB_GlobalNameSpace = False",
                     "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = True",
                     "Attribute VB_Exposed = True", "Attribute VB_TemplateDerived = False",
                     "Attribute VB_Customizable = True"]
        text = "\r\n".join(head + body).rstrip("\r\n") + "\r\n"
        return text.encode(_ENCODING)


def document_module(name: str, base: str, source: str = "") -> Module:
    return Module(name, source, base)


def build_project(modules: list[Module], project_id: str | None = None,
                  seed: int | None = None) -> bytes:
    """The bytes of ``vbaProject.bin`` holding ``modules`` (source only)."""
    project_id = project_id or "{" + str(uuid.uuid4()).upper() + "}"
    rng = random.Random(seed)
    vba = cfb.Storage("VBA")
    for m in modules:
        vba.add(m.name, compress(m.text()))  # no performance cache: the source starts at 0
    vba.add("dir", compress(_dir_stream(modules)))
    # Reserved1 0x61CC, Version 0xFFFF (no cache: compile from source), Reserved2, Reserved3.
    vba.add("_VBA_PROJECT", struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 0x0100))
    root = cfb.Storage("Root Entry")
    root.add("VBA", vba)
    root.add("PROJECT", _project_stream(modules, project_id, rng))
    return cfb.build(root)


# --- the dir stream (MS-OVBA §2.3.4.2) -------------------------------------------------------

def _rec(rid: int, data: bytes) -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _name(rid: int, uid: int, text: str) -> bytes:
    return _rec(rid, text.encode(_ENCODING)) + _rec(uid, text.encode("utf-16-le"))


def _dir_stream(modules: list[Module]) -> bytes:
    out = bytearray()
    out += _rec(0x0001, struct.pack("<I", 3))            # SysKind: 64-bit Windows, as xlwings
    out += _rec(0x0002, struct.pack("<I", 0x0409))       # LCID
    out += _rec(0x0014, struct.pack("<I", 0x0409))       # LCID invoke
    out += _rec(0x0003, struct.pack("<H", CODEPAGE))
    out += _rec(0x0004, b"VBAProject")
    out += _name(0x0005, 0x0040, "")                     # doc string
    out += _name(0x0006, 0x003D, "")                     # help file
    out += _rec(0x0007, struct.pack("<I", 0))            # help context
    out += _rec(0x0008, struct.pack("<I", 0))            # lib flags
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)         # version: Size 4, then 6 bytes
    out += _name(0x000C, 0x003C, "")                     # constants
    # One reference, to OLE Automation (stdole), as a new Excel workbook has.
    out += _name(0x0016, 0x003E, "stdole")
    libid = _STDOLE.encode(_ENCODING)
    registered = struct.pack("<I", len(libid)) + libid + struct.pack("<IH", 0, 0)
    out += _rec(0x000D, registered)
    out += _rec(0x000F, struct.pack("<H", len(modules)))
    out += _rec(0x0013, struct.pack("<H", 0xFFFF))       # project cookie
    for m in modules:
        out += _name(0x0019, 0x0047, m.name)
        out += _name(0x001A, 0x0032, m.name)             # stream name
        out += _name(0x001C, 0x0048, "")                 # doc string
        out += _rec(0x0031, struct.pack("<I", 0))        # source offset: no p-code before it
        out += _rec(0x001E, struct.pack("<I", 0))        # help context
        out += _rec(0x002C, struct.pack("<H", 0xFFFF))   # cookie
        out += _rec(0x0022 if m.is_document else 0x0021, b"")
        out += struct.pack("<HI", 0x002B, 0)             # module terminator
    out += struct.pack("<HI", 0x0010, 0)                 # dir terminator
    return bytes(out)


# --- the PROJECT stream (MS-OVBA §2.3.1) -----------------------------------------------------

def _project_stream(modules: list[Module], project_id: str, rng: random.Random) -> bytes:
    cmg, dpb, gc = (encrypt(data, project_id, rng) for data in (struct.pack("<I", 0), b"\0", b"\xff"))
    lines = [f'ID="{project_id}"']
    for m in modules:
        lines.append(f"Document={m.name}/&H00000000" if m.is_document else f"Module={m.name}")
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              # Not protected, no password, visible (MS-OVBA §2.3.1.15–17).
              f'CMG="{cmg}"', f'DPB="{dpb}"', f'GC="{gc}"',
              "", "[Host Extender Info]",
              "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(_ENCODING)


def _project_key(project_id: str) -> int:
    return sum(project_id.encode(_ENCODING)) & 0xFF


def encrypt(data: bytes, project_id: str, rng: random.Random | None = None) -> str:
    """MS-OVBA §2.4.3.2 data encryption, as the hex text of the PROJECT stream."""
    rng = rng or random.Random()
    seed = rng.randrange(256)
    version, key = 2, _project_key(project_id)
    out = bytearray([seed, seed ^ version, seed ^ key])
    unencrypted1, encrypted1, encrypted2 = key, seed ^ key, seed ^ version
    plain = bytes(rng.randrange(256) for _ in range((seed & 6) // 2))
    plain += struct.pack("<I", len(data)) + data
    for byte in plain:
        enc = byte ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(enc)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, bytes]:
    """The project key and the data of an encrypted PROJECT value (MS-OVBA §2.4.3.3)."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    key = seed ^ key_enc
    if seed ^ version_enc != 2:
        raise ValueError("not MS-OVBA data encryption version 2")
    unencrypted1, encrypted1, encrypted2 = key, key_enc, version_enc
    plain = bytearray()
    for enc in raw[3:]:
        byte = enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        plain.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack("<I", plain[ignored:ignored + 4])[0]
    return key, bytes(plain[ignored + 4:ignored + 4 + length])


# --- compression (MS-OVBA §2.4.1) ------------------------------------------------------------

_CHUNK = 4096


def compress(data: bytes) -> bytes:
    """A CompressedContainer of ``data``."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        out += _compress_chunk(data[start:start + _CHUNK])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    heads: dict[bytes, list[int]] = {}  # 3-byte prefix → positions seen, for finding matches
    pos = 0
    while pos < len(chunk):
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= len(chunk):
                break
            offset, length = _match(chunk, pos, heads)
            if length >= 3:
                bit_count = max((pos - 1).bit_length(), 4)
                token = ((offset - 1) << (16 - bit_count)) | (length - 3)
                body += struct.pack("<H", token)
                flags |= 1 << bit
                for p in range(pos, pos + length):
                    heads.setdefault(chunk[p:p + 3], []).append(p)
                pos += length
            else:
                body.append(chunk[pos])
                heads.setdefault(chunk[pos:pos + 3], []).append(pos)
                pos += 1
        body[flag_at] = flags
    if len(body) > _CHUNK:  # incompressible: a raw chunk of exactly 4,096 bytes
        return struct.pack("<H", 0x3FFF) + chunk + b"\0" * (_CHUNK - len(chunk))
    return struct.pack("<H", 0xB000 | (len(body) - 1)) + bytes(body)


def _match(chunk: bytes, pos: int, heads: dict[bytes, list[int]]) -> tuple[int, int]:
    """The longest earlier copy of the bytes at ``pos`` that a copy token can express."""
    if pos == 0:
        return 0, 0
    bit_count = max((pos - 1).bit_length(), 4)
    max_length = (0xFFFF >> bit_count) + 3
    limit = min(max_length, len(chunk) - pos)
    best_len, best_off = 0, 0
    for cand in reversed(heads.get(chunk[pos:pos + 3], [])[-64:]):
        n = 0
        while n < limit and chunk[cand + n] == chunk[pos + n]:  # may overlap pos: allowed
            n += 1
        if n > best_len:
            best_len, best_off = n, pos - cand
            if n == limit:
                break
    return best_off, best_len
