"""Uploaded files: streamed from a multipart request straight into the session's folder.

Nothing is held in memory beyond one chunk, so that a national upload (3,321 forms, sent by the
page in batches) works. A name sent by the browser is never used as a path: it is cut into
plain components (no ``..``, no drive, no control characters) and the file is written under the
session's folder, renamed ``name (2).xlsx`` if the name is taken. Zip archives are unpacked
with limits on the count and the size of their members.
"""
from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from python_multipart.multipart import MultipartParser, parse_options_header

MAX_FILE = 50 * 2**20          # one file (a zip of a whole district's forms fits)
MAX_REQUEST = 256 * 2**20      # one request; the page sends larger uploads in batches
MAX_SESSION = 4 * 2**30        # everything one session keeps
MAX_ZIP_MEMBERS = 20_000       # more than the country's communes
MAX_ZIP_TOTAL = 2 * 2**30
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_SKIPPED = ("~$", ".")         # Excel's lock files and hidden files, as the CLI skips them


class UploadRefused(Exception):
    """A request the limits refuse: ``code`` names the text shown, ``params`` fill it."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Stored:
    """What one upload request left in the session's folder."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str, dict]] = field(default_factory=list)  # (name, code, params)
    size: int = 0


def safe_parts(name: str) -> list[str]:
    """The components of a name sent by a browser, each safe as one file name."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/"))
    parts = []
    for part in PurePosixPath(name).parts:
        part = _UNSAFE.sub("_", part).strip().strip(".")
        if part and part != "/":
            parts.append(part[:120])
    return parts[-6:]  # folder structure kept, a few levels deep at most


def place(root: Path, name: str) -> Path | None:
    """A fresh path under ``root`` for a file the browser called ``name`` (None: skip it)."""
    parts = safe_parts(name)
    last = name.replace("\\", "/").rsplit("/", 1)[-1]
    if not parts or last.startswith(_SKIPPED) or "__MACOSX" in parts:
        return None
    target = root.joinpath(*parts)
    stem, suffix = target.stem, target.suffix
    n = 1
    while target.exists():
        n += 1
        target = target.with_name(f"{stem} ({n}){suffix}")
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.resolve().is_relative_to(root.resolve()):
        return None
    return target


def _name_of(disposition: bytes) -> str | None:
    _kind, options = parse_options_header(disposition)
    raw = options.get(b"filename")
    if raw is None:
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return unquote(text)  # the page sends names percent-encoded


class _Writer:
    """Callbacks of the multipart parser: each file part goes to its own file under ``root``."""

    def __init__(self, root: Path, room: int) -> None:
        self.root = root
        self.room = room  # bytes the session may still take
        self.out = Stored()
        self.headers: dict[bytes, bytes] = {}
        self.field = b""
        self.value = b""
        self.name = ""
        self.path: Path | None = None
        self.handle = None
        self.written = 0
        self.too_big = False

    def on_part_begin(self) -> None:
        self.headers, self.field, self.value = {}, b"", b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.field.lower()] = self.value
        self.field, self.value = b"", b""

    def on_headers_finished(self) -> None:
        self.name = _name_of(self.headers.get(b"content-disposition", b"")) or ""
        self.path = place(self.root, self.name) if self.name else None
        self.handle = self.path.open("xb") if self.path else None
        self.written = 0
        self.too_big = False

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.handle is None:
            return
        n = end - start
        self.written += n
        self.out.size += n
        if self.out.size > self.room:
            raise UploadRefused("session_full", limit=MAX_SESSION // 2**30)
        if self.written > MAX_FILE:
            self._drop()
            self.too_big = True
            return
        self.handle.write(data[start:end])

    def on_part_end(self) -> None:
        if self.too_big:
            self.out.refused.append((self.name, "file_too_big", {"limit": MAX_FILE // 2**20}))
        elif self.handle is not None:
            self.handle.close()
            self.out.files.append(self.path)
        self.handle = self.path = None

    def _drop(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.path.unlink(missing_ok=True)
        self.handle = self.path = None

    def abort(self) -> None:
        """Remove what this request wrote: a refused request leaves nothing behind."""
        self._drop()
        for path in self.out.files:
            path.unlink(missing_ok=True)


async def store_upload(request, root: Path, used: int) -> Stored:
    """Stream the files of a multipart request into ``root``; ``used``: bytes already kept."""
    kind, options = parse_options_header(request.headers.get("content-type", "").encode("latin-1"))
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise UploadRefused("not_multipart")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_REQUEST:
        raise UploadRefused("request_too_big", limit=MAX_REQUEST // 2**20)
    writer = _Writer(root, MAX_SESSION - used)
    parser = MultipartParser(boundary, {
        "on_part_begin": writer.on_part_begin, "on_header_field": writer.on_header_field,
        "on_header_value": writer.on_header_value, "on_header_end": writer.on_header_end,
        "on_headers_finished": writer.on_headers_finished, "on_part_data": writer.on_part_data,
        "on_part_end": writer.on_part_end})
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > MAX_REQUEST:
                raise UploadRefused("request_too_big", limit=MAX_REQUEST // 2**20)
            parser.write(chunk)
        parser.finalize()
        if writer.handle is not None:  # the body stopped inside a file
            raise UploadRefused("bad_request")
    except UploadRefused:
        writer.abort()
        raise
    except Exception:  # a broken or cut-off body: nothing of it is kept
        writer.abort()
        raise UploadRefused("bad_request") from None
    return writer.out


def unpack_zips(stored: Stored, root: Path) -> Stored:
    """Replace each uploaded ``.zip`` by the files inside it (an .xlsx is not unpacked)."""
    out = Stored(refused=list(stored.refused), size=stored.size)
    for path in stored.files:
        if path.suffix.lower() != ".zip":
            out.files.append(path)
            continue
        shown = str(path.relative_to(root))
        try:
            out.files.extend(_unpack(path, root))
        except UploadRefused as exc:
            out.refused.append((shown, exc.code, exc.params))
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, RuntimeError):
            out.refused.append((shown, "bad_zip", {}))
        finally:
            path.unlink(missing_ok=True)
    return out


def _unpack(path: Path, root: Path) -> list[Path]:
    with zipfile.ZipFile(path) as zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise UploadRefused("zip_too_many", limit=MAX_ZIP_MEMBERS)
        if sum(m.file_size for m in members) > MAX_ZIP_TOTAL or \
                any(m.file_size > MAX_FILE for m in members):
            raise UploadRefused("zip_too_big", limit=MAX_FILE // 2**20)
        base = path.with_suffix("").name
        written: list[Path] = []
        try:
            for member in members:
                target = place(root, f"{base}/{member.filename}")
                if target is None:
                    continue
                written.append(target)
                with zf.open(member) as src, target.open("xb") as dst:
                    # The declared size can lie: copy at most the limit, refuse beyond it.
                    if _copy_at_most(src, dst, MAX_FILE) > MAX_FILE:
                        raise UploadRefused("zip_too_big", limit=MAX_FILE // 2**20)
        except BaseException:
            for done in written:
                done.unlink(missing_ok=True)
            raise
        return written


def _copy_at_most(src, dst, limit: int) -> int:
    copied = 0
    while chunk := src.read(1 << 16):
        copied += len(chunk)
        if copied > limit:
            return copied
        dst.write(chunk)
    return copied
