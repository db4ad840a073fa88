"""A small writer of Compound File Binary files (MS-CFB, version 3): the container of a VBA
project (``xl/vbaProject.bin``).

Only what a VBA project needs: storages and streams in a tree, written once. Streams under 4,096
bytes go to the mini stream, as the format requires; the directory's red-black trees are written
as balanced binary trees with every node black, which MS-CFB (§2.6.4) allows.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
NOSTREAM = 0xFFFFFFFF
_PER_FAT = SECTOR // 4
_STORAGE, _STREAM, _ROOT = 1, 2, 5


@dataclass
class Storage:
    """A folder of the compound file: named streams (bytes) and storages."""

    name: str
    entries: dict[str, Storage | bytes] = field(default_factory=dict)

    def add(self, name: str, item: Storage | bytes) -> Storage | bytes:
        if len(name) > 31:
            raise ValueError(f"compound file names have at most 31 characters: {name!r}")
        self.entries[name] = item
        return item


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    start: int = ENDOFCHAIN
    size: int = 0


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB §2.6.4: shorter names first, then by the upper-cased name.
    return len(name), name.upper()


def _flatten(root: Storage) -> list[_Entry]:
    entries = [_Entry("Root Entry", _ROOT)]

    def add_children(parent: int, storage: Storage) -> None:
        ids = []
        for name, item in sorted(storage.entries.items(), key=lambda kv: _sort_key(kv[0])):
            ids.append(len(entries))
            if isinstance(item, Storage):
                entries.append(_Entry(name, _STORAGE, start=0))  # MS-CFB: zero for storages
                add_children(ids[-1], item)
            else:
                entries.append(_Entry(name, _STREAM, bytes(item), size=len(item)))
        entries[parent].child = _balance(entries, ids)

    add_children(0, root)
    return entries


def _balance(entries: list[_Entry], ids: list[int]) -> int:
    if not ids:
        return NOSTREAM
    mid = len(ids) // 2
    node = entries[ids[mid]]
    node.left = _balance(entries, ids[:mid])
    node.right = _balance(entries, ids[mid + 1:])
    return ids[mid]


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(first, first + count):
        fat[i] = i + 1 if i + 1 < first + count else ENDOFCHAIN


def _pad(data: bytes, unit: int) -> bytes:
    return data + b"\0" * (-len(data) % unit)


def build(root: Storage) -> bytes:
    """The compound file holding ``root``'s tree, as bytes."""
    entries = _flatten(root)
    small = [e for e in entries if e.kind == _STREAM and e.size < MINI_CUTOFF]
    large = [e for e in entries if e.kind == _STREAM and e.size >= MINI_CUTOFF]

    mini = bytearray()
    minifat: list[int] = []
    for e in small:
        if not e.size:
            continue  # an empty stream has no sectors (start stays ENDOFCHAIN)
        e.start = len(minifat)
        n = -(-e.size // MINI_SECTOR)
        minifat.extend([0] * n)
        _chain(minifat, e.start, n)
        mini += _pad(e.data, MINI_SECTOR)

    body = bytearray()  # every sector after the header, in order
    fat: list[int] = []

    def place(data: bytes) -> int:
        first = len(fat)
        n = -(-len(data) // SECTOR)
        fat.extend([0] * n)
        _chain(fat, first, n)
        body.extend(_pad(data, SECTOR))
        return first if n else ENDOFCHAIN

    for e in large:
        e.start = place(e.data)
    entries[0].start = place(bytes(mini))
    entries[0].size = len(mini)
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    first_minifat = place(_pad(minifat_bytes, SECTOR)) if minifat else ENDOFCHAIN
    n_minifat = -(-len(minifat_bytes) // SECTOR)
    directory = b"".join(_dir_entry(e) for e in entries)
    directory += _empty_entry() * (-len(entries) % (SECTOR // 128))
    first_dir = place(directory)

    n_fat = 1
    while n_fat * _PER_FAT < len(fat) + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("compound file too large for a header-only DIFAT")
    fat_start = len(fat)
    fat.extend([FATSECT] * n_fat)
    fat.extend([FREESECT] * (n_fat * _PER_FAT - len(fat)))
    body += b"".join(struct.pack("<I", v) for v in fat)

    difat = list(range(fat_start, fat_start + n_fat)) + [FREESECT] * (109 - n_fat)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16, 0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, n_fat, first_dir, 0, MINI_CUTOFF, first_minifat, n_minifat, ENDOFCHAIN, 0,
    ) + struct.pack("<109I", *difat)
    assert len(header) == SECTOR
    return header + bytes(body)


def _dir_entry(e: _Entry) -> bytes:
    name = (e.name + "\0").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), e.kind, 1, e.left, e.right,
                       e.child, b"\0" * 16, 0, 0, 0, e.start, e.size)


def _empty_entry() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM,
                       b"\0" * 16, 0, 0, 0, 0, 0)
