"""Opening an untrusted workbook file safely: what it is, size limits, zip and XML bombs."""
from __future__ import annotations

import codecs
import errno
import hashlib
import io
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from pathlib import Path
from typing import TypeVar
from xml.etree import ElementTree as ET

from ..errors import FormUnreadable
from . import biff, ods

MAX_FILE_BYTES = 20 * 2**20        # a filled form is ~30 KB; 20 MB is far beyond any real one
MAX_UNZIPPED_BYTES = 100 * 2**20   # all parts together, decompressed
MAX_PART_BYTES = 20 * 2**20        # one XML part we parse ourselves
MAX_RATIO = 100                    # compression ratio beyond which a large part is a zip bomb
DEFLATE_MAX_RATIO = 1032           # the most one byte of deflate data can expand to
MAX_PARTS = 10_000                 # a form has 13 parts

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_LEGACY_FONT = re.compile(rb"""name\s+val\s*=\s*["'](\.vn[^"']*|vni[^"']*)["']""")
_CHUNK = 16384
T = TypeVar("T")

# errno → (vi, en) reason a file cannot be opened; others fall back to a generic message.
_OS_ERRORS = {
    errno.ENOENT: ("không tìm thấy tệp (có thể đã bị xoá hoặc đổi tên).", "file not found."),
    errno.EACCES: ("không có quyền đọc tệp. Nếu tệp đang mở trong Excel, hãy đóng lại rồi thử "
                   "lại; nếu không, hãy kiểm tra quyền truy cập.", "permission denied."),
    errno.EPERM: ("không có quyền đọc tệp. Hãy kiểm tra quyền truy cập.", "permission denied."),
    errno.EBUSY: ("tệp đang được chương trình khác sử dụng. Hãy đóng tệp rồi thử lại.",
                  "the file is in use by another program."),
    errno.ENAMETOOLONG: ("tên hoặc đường dẫn tệp quá dài. Hãy chép tệp vào thư mục ngắn hơn.",
                         "the file name or path is too long."),
    errno.EIO: ("lỗi đọc ổ đĩa. Hãy chép tệp sang ổ khác rồi thử lại.", "disk read error."),
}


class _Forbidden(Exception):
    """An XML part declares a DTD (entities): refused before any parser can expand it."""


class Container:
    """A workbook file read into memory and vetted; the small XML parts we need, parsed."""

    def __init__(self, path: Path, data: bytes, kind: str, sha256: str) -> None:
        self.path, self.data, self.kind, self.sha256 = path, data, kind, sha256
        self.sheets: list[tuple[str, str]] = []      # (name, state) in order
        self.sheet_rids: dict[str, str] = {}         # name → relationship id (xlsx)
        self.defined_names: dict[str, str] = {}      # workbook-scope name → reference
        self.legacy_fonts = False                     # styles mention .VnTime / VNI fonts
        self.ods_errors: dict[tuple[str, str], str] = {}  # .ods: (sheet, cell) → "#REF!"
        self.ods_stray: dict[str, list[str]] = {}          # .ods: sheet → far cells left out
        self.ods_content: bytes | None = None              # .ods: content.xml without them
        self._zip: zipfile.ZipFile | None = None
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._checked: dict[str, bytes] = {}          # parts read, checked against their CRC

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)

    def part(self, name: str) -> bytes | None:
        """The bytes of a zip part (None if absent); the file was vetted, so reads are bounded."""
        info = self._infos.get(name)
        if info is None or self._zip is None:
            return None
        try:
            out = self._checked[name] = _read(self.data, self._zip, info)
            return out
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error):
            raise _corrupt(self.path) from None

    def part_names(self) -> list[str]:
        return list(self._infos)

    def repacked(self, parts: dict[str, bytes]) -> bytes:
        """The package with ``parts`` stored uncompressed, as given, and every other part copied
        as it is: what python-calamine is given, so that it reads the parts checked here."""
        head, central, pos = [], [], 0
        for name, info in self._infos.items():
            body = parts.get(name)
            if body is None:
                method, body, crc, size = info.compress_type, _raw(self.data, info), info.CRC, \
                    info.file_size
            else:  # a part read through part() was checked against its CRC: no need to redo it
                method, size = zipfile.ZIP_STORED, len(body)
                crc = info.CRC if self._checked.get(name) is body else zlib.crc32(body)
            encoded = name.encode("utf-8")
            flags = 0 if encoded.isascii() else 0x800  # UTF-8 name
            head += (struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, flags, method, 0, 0x21,
                                 crc, len(body), size, len(encoded), 0), encoded, body)
            central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, flags,
                                       method, 0, 0x21, crc, len(body), size, len(encoded), 0, 0,
                                       0, 0, 0, pos) + encoded)
            pos += 30 + len(encoded) + len(body)
        directory = b"".join(central)
        end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central),
                          len(directory), pos, 0)
        return b"".join([*head, directory, end])

    @cached_property
    def custom_props(self) -> dict[str, str]:
        """Custom document properties (the form's metadata is kept there too)."""
        if self.kind == "ods":
            meta = self.part("meta.xml")
            return ods.read_meta(self._parse(meta)) if meta else {}
        data = self.part("docProps/custom.xml")
        if data is None:
            return {}
        props = {}
        for prop in self._parse(data):
            value = next(iter(prop), None)
            props[prop.get("name", "")] = (value.text or "") if value is not None else ""
        return props

    def sheet_part(self, sheet: str) -> str | None:
        """The zip part of a worksheet (``xl/worksheets/sheet1.xml``), from the relationships."""
        rid = self.sheet_rids.get(sheet)
        data = self.part("xl/_rels/workbook.xml.rels") if rid else None
        if data is None:
            return None
        targets = _RELATIONSHIPS.get(data, lambda: {rel.get("Id"): rel.get("Target", "")
                                                    for rel in self._parse(data)})
        target = targets.get(rid)
        if target is None:
            return None
        return target.lstrip("/") if target.startswith("/") else "xl/" + target

    def _parse(self, data: bytes):
        try:
            return parse_xml(data)
        except _Forbidden:
            raise _forbidden(self.path) from None
        except ET.ParseError:
            raise _corrupt(self.path) from None


def parse_xml(data: bytes):
    """Parse an XML part that must not declare a DTD, so no entity can expand or be fetched.

    An ASCII-compatible part (UTF-8, every real xlsx) is searched for a DTD and then parsed by
    the fast C parser; any other encoding goes through defusedxml with DTDs forbidden.
    """
    head = data[3:5] if data.startswith(codecs.BOM_UTF8) else data[:2]
    if head[:1] == b"<" and head[1:2] not in (b"", b"\x00"):
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            raise _Forbidden
        return ET.fromstring(data)
    # Imported here: no real xlsx needs it, and it costs 1.5 ms of every run.
    from defusedxml import DefusedXmlException
    from defusedxml import ElementTree as SafeET
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise _Forbidden from None


def _unreadable(path: Path, vi: str, en: str) -> FormUnreadable:
    return FormUnreadable(path=path, detail=vi, detail_en=en)


def _corrupt(path: Path) -> FormUnreadable:
    return _unreadable(path, "tệp bị hỏng (một phần nội dung không đọc được). Hãy mở tệp trong "
                             "Excel, lưu lại và gửi lại.", "the file is corrupt.")


def _forbidden(path: Path) -> FormUnreadable:
    return _unreadable(path, "tệp chứa khai báo XML nguy hiểm (DOCTYPE/ENTITY), đã từ chối đọc. "
                             "Hãy mở tệp trong Excel, lưu lại và gửi lại.",
                       "the file contains XML DOCTYPE/ENTITY declarations; refused.")


def _bomb(path: Path) -> FormUnreadable:
    return _unreadable(path, "tệp có cấu trúc nén bất thường (nghi là 'bom nén'), đã từ chối đọc.",
                       "abnormal compression (suspected zip bomb); refused.")


def open_container(path: str | Path) -> Container:
    """Read and vet a workbook file; raise :class:`FormUnreadable` with the reason if unusable."""
    path = Path(path)
    data = _read_bytes(path)
    sha = hashlib.sha256(data).hexdigest()
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        container = Container(path, data, "xlsx", sha)
        _read_zip_parts(container)
        return container
    if data.startswith(OLE2_MAGIC):
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise _unreadable(
                path, "tệp được đặt mật khẩu. Hãy mở tệp, bỏ mật khẩu (Tệp > Thông tin > Bảo vệ "
                      "sổ làm việc) rồi lưu và gửi lại.",
                "the workbook is password-protected; remove the password and save it again.")
        _check_xls(path, data)
        return Container(path, data, "xls", sha)
    raise _unreadable(path, _what_is_it(data), "this is not an Excel workbook (.xlsx or .xls).")


def _check_xls(path: Path, data: bytes) -> None:
    """Refuse an .xls file with a value far outside the form, before calamine fills the grid."""
    try:
        stream = biff.workbook_stream(data)
        if stream is not None:
            biff.check_cells(stream)
    except biff.FarCell as far:
        raise _unreadable(
            path, f"trang '{far.sheet}' có nội dung ở ô {far.ref}, nằm xa ngoài biểu (thường do "
                  "gõ nhầm). Hãy xoá nội dung ô đó rồi lưu lại (tốt nhất là lưu thành .xlsx).",
            f"sheet '{far.sheet}' has content in {far.ref}, far outside the form; delete it.") \
            from None
    except Exception:  # olefile reports a damaged file with several exception types
        raise _corrupt(path) from None


def _read_bytes(path: Path) -> bytes:
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(st.st_mode):
            # A device (/dev/zero, /dev/urandom) never ends and a pipe may never be written to:
            # only a regular file has a size to check before reading.
            raise _unreadable(
                path, "đây không phải là tệp thông thường (thiết bị, ống dẫn hoặc socket). Hãy "
                      "chỉ định tệp biểu mẫu .xlsx đã lưu trên ổ đĩa.",
                "not a regular file (a device, pipe or socket); name a saved .xlsx file.")
        size = st.st_size
        if size > MAX_FILE_BYTES:
            raise _unreadable(
                path, f"tệp quá lớn ({size / 2**20:.1f} MB; biểu mẫu chỉ khoảng vài chục KB). "
                      "Hãy kiểm tra lại có đúng tệp biểu mẫu không.",
                f"the file is too large ({size / 2**20:.1f} MB).")
        return path.read_bytes()
    except FormUnreadable:
        raise
    except IsADirectoryError:
        raise _unreadable(path, "đây là thư mục, không phải tệp.", "this is a folder.") from None
    except OSError as exc:
        vi, en = _OS_ERRORS.get(exc.errno, (
            f"không mở được tệp (mã lỗi {exc.errno}). Hãy chép tệp sang thư mục khác rồi thử lại.",
            f"cannot open the file ({exc.strerror or exc})."))
        raise _unreadable(path, vi, en) from None


def _what_is_it(data: bytes) -> str:
    head = data[:8]
    if not data:
        return "tệp rỗng (0 byte). Hãy gửi lại tệp biểu mẫu."
    if head.startswith(b"%PDF"):
        return "đây là tệp PDF, không phải tệp Excel. Hãy gửi tệp biểu mẫu .xlsx đã điền."
    if head.startswith(b"\xff\xd8") or head.startswith(b"\x89PNG"):
        return "đây là tệp ảnh, không phải tệp Excel. Hãy gửi tệp biểu mẫu .xlsx đã điền."
    return "không phải tệp Excel (.xlsx hoặc .xls). Hãy gửi tệp biểu mẫu .xlsx đã điền."


def _read_zip_parts(c: Container) -> None:
    try:
        zf = c._zip = zipfile.ZipFile(c.stream())
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
        raise _unreadable(c.path, "tệp bị hỏng (không giải nén được). Hãy lưu lại tệp trong Excel "
                                  "và gửi lại.", "the file is corrupt (not a valid zip).") from None
    c._infos = {i.filename: i for i in infos}
    names = c._infos
    is_ods = "content.xml" in names and "mimetype" in names and "xl/workbook.xml" not in names
    if "xl/workbook.xml" not in names and not is_ods:
        what = "tệp Word" if "word/document.xml" in names else "tệp nén không phải Excel"
        raise _unreadable(c.path, f"đây là {what}, không phải tệp Excel.", "not an Excel workbook.")
    if len(infos) > MAX_PARTS:
        raise _bomb(c.path)
    if any(i.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) for i in infos):
        # Excel and LibreOffice only ever store or deflate; any other method (bzip2, LZMA,
        # Deflate64, …) is a file made by some other tool, and not every reader supports it.
        raise _unreadable(c.path, "tệp nén theo cách Excel không dùng (không phải stored/deflate). "
                                  "Hãy mở tệp trong Excel hoặc LibreOffice, lưu lại và gửi lại.",
                          "the zip package uses a compression method other than stored or "
                          "deflate; open and save it in Excel.")
    if any(i.flag_bits & 0x1 for i in infos):
        raise _unreadable(c.path, "tệp nén được đặt mật khẩu. Hãy gửi tệp Excel không mật khẩu.",
                          "the zip package is encrypted.")
    try:
        _check_sizes(c, zf, infos)
        for info in infos:
            if info.filename.endswith((".xml", ".rels", ".vml")) \
                    and _declares_dtd(c.data, zf, info):
                raise _forbidden(c.path)
        if is_ods:
            if c.part("mimetype").strip() != ods.MIMETYPE:  # a text document, a presentation
                raise _unreadable(c.path, "đây là tệp OpenDocument nhưng không phải bảng tính.",
                                  "an OpenDocument file that is not a spreadsheet.")
            c.kind = "ods"
            content = c.part("content.xml")
            root = c._parse(content)
            try:
                c.sheets, c.defined_names, c.ods_errors = ods.read_content(root, c.ods_stray)
            except ods.FarCell as far:
                raise _unreadable(
                    c.path, f"trang '{far.sheet}' quá lớn ({far.ref} ô), không đọc được. Hãy "
                    "xoá các ô thừa, lưu lại rồi gửi lại.",
                    f"sheet '{far.sheet}' is too large ({far.ref} cells).") from None
            if c.ods_stray:  # what calamine reads: the same without the stray cells
                c.ods_content = ods.serialize(root, content)
            return
        c.sheets, c.sheet_rids, c.defined_names = _workbook(
            c, _read(c.data, zf, names["xl/workbook.xml"]))
        if "xl/styles.xml" in names:
            styles = c.part("xl/styles.xml")
            c.legacy_fonts = _FONT_SCANS.get(styles, lambda: _mentions_legacy_fonts(styles))
    except FormUnreadable:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, struct.error):
        raise _corrupt(c.path) from None


def _workbook(c: Container, data: bytes) -> tuple[list, dict, dict]:
    """Sheets (name, state), their relationship ids and the workbook-scope defined names."""
    sheets, rids, names = _WORKBOOKS.get(data, lambda: _parse_workbook(c, data))
    return list(sheets), dict(rids), dict(names)


def _parse_workbook(c: Container, data: bytes) -> tuple[list, dict, dict]:
    workbook = c._parse(data)
    sheets, rids, names = [], {}, {}
    sheets_el = workbook.find(f"{NS_MAIN}sheets")
    for sheet in sheets_el if sheets_el is not None else ():
        name = sheet.get("name", "")
        sheets.append((name, sheet.get("state", "visible")))
        rids[name] = sheet.get(f"{NS_REL}id", "")
    names_el = workbook.find(f"{NS_MAIN}definedNames")
    for dn in names_el if names_el is not None else ():
        if dn.get("localSheetId") is None and dn.text:
            names[dn.get("name", "")] = dn.text
    return sheets, rids, names


# Forms made from one template share most of their parts byte for byte, so what is worked out
# from a part is remembered, keyed by the part's bytes: for parts up to this size (a real form's
# are 40 KB at most), the 64 most recently used of each kind, a few MB in all.
_SHARED_PART_BYTES = 128 * 1024


class _Recent:
    """What was last worked out from small parts, by their content; the least recently used
    is forgotten first."""

    def __init__(self, size: int = 64) -> None:
        self.size, self.items = size, {}

    def get(self, content: bytes | memoryview, compute: Callable[[], T], *key) -> T:
        """``compute()``, or what it gave for the same ``content`` (and ``key``) lately."""
        if len(content) > _SHARED_PART_BYTES:
            return compute()
        key = (*key, bytes(content))
        value = self.items.pop(key, _Recent)  # put back last
        if value is _Recent:
            value = compute()
        self.items[key] = value
        if len(self.items) > self.size:
            del self.items[next(iter(self.items))]
        return value


_INFLATED = _Recent()       # compressed bytes → inflated part
_DTD_SCANS = _Recent()      # compressed bytes → whether the part declares a DTD
_WORKBOOKS = _Recent()      # workbook.xml → sheets, their ids, defined names
_RELATIONSHIPS = _Recent()  # workbook.xml.rels → id → target
_FONT_SCANS = _Recent()     # styles.xml → whether it names a legacy Vietnamese font


def _mentions_legacy_fonts(styles: bytes) -> bool:
    styles = styles.lower()
    return (b".vn" in styles or b"vni" in styles) and bool(_LEGACY_FONT.search(styles))


def _read(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A whole part, checked against its CRC and size limit.

    A small part read a moment ago from another form is not inflated again, and the very same
    bytes object comes back, so that the caches keyed by a part's content hash it only once.
    """
    if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raw = _raw(data, info)
        if info.file_size > _SHARED_PART_BYTES:  # inflated each time: only small parts are kept
            return _inflate(info, raw)
        return _INFLATED.get(raw, lambda: _inflate(info, raw), info.compress_type, info.CRC,
                             info.file_size)
    with zf.open(info) as part:
        out = part.read(MAX_PART_BYTES + 1)
    if len(out) > MAX_PART_BYTES:
        raise ValueError(f"{info.filename} too large")
    return out


def _inflate(info: zipfile.ZipInfo, raw: bytes | memoryview) -> bytes:
    """The part's bytes from its compressed ones, checked against its declared size and CRC."""
    if info.compress_type == zipfile.ZIP_STORED:
        out = bytes(raw)
    else:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        out = inflate.decompress(raw, MAX_PART_BYTES + 1)
        if not inflate.eof and len(out) <= MAX_PART_BYTES:
            raise zipfile.BadZipFile(f"{info.filename}: truncated")
    if len(out) > MAX_PART_BYTES:
        raise ValueError(f"{info.filename} too large")
    if len(out) != info.file_size or zlib.crc32(out) != info.CRC:
        raise zipfile.BadZipFile(f"{info.filename}: size or CRC mismatch")
    return out


def _raw(data: bytes, info: zipfile.ZipInfo) -> memoryview:
    """The compressed bytes of a part, found through its local header in the file in memory."""
    off = info.header_offset
    if data[off:off + 4] != b"PK\x03\x04":
        raise zipfile.BadZipFile(info.filename)
    name_len, extra_len = struct.unpack_from("<HH", data, off + 26)
    start = off + 30 + name_len + extra_len
    raw = memoryview(data)[start:start + info.compress_size]
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile(info.filename)
    return raw


def _check_sizes(c: Container, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a zip bomb: by the sizes the package declares, and where they could lie, by the
    sizes it really inflates to (streamed, never held in memory)."""
    total = sum(i.file_size for i in infos)
    if total > MAX_UNZIPPED_BYTES or any(
            i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1)
            for i in infos):
        raise _bomb(c.path)
    # A part can inflate to at most DEFLATE_MAX_RATIO times its compressed size, whatever size
    # it declares: only when that bound is too large are the real sizes measured.
    def bound(i: zipfile.ZipInfo) -> int:
        if i.compress_type == zipfile.ZIP_STORED:
            return i.compress_size
        return DEFLATE_MAX_RATIO * i.compress_size if i.compress_type == zipfile.ZIP_DEFLATED \
            else MAX_UNZIPPED_BYTES + 1
    if sum(bound(i) for i in infos) <= MAX_UNZIPPED_BYTES:
        return
    inflated = 0
    for info in infos:
        size = 0
        for chunk in _chunks(c.data, zf, info):
            size += len(chunk)
            if size > info.file_size or inflated + size > MAX_UNZIPPED_BYTES:
                raise _bomb(c.path)
        inflated += size


def _declares_dtd(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True if the part's prolog (what precedes its root element) holds a DOCTYPE.

    Comments and processing instructions are skipped however long they are; the scan stops at
    the root element, which in a real part is within its first hundred bytes.
    """
    if info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        # The same compressed bytes give the same answer: the parts that forms made from one
        # template share are scanned once.
        raw = _raw(data, info)
        return _DTD_SCANS.get(raw, lambda: _scan_prolog(_inflated_chunks(info.compress_type, raw)),
                              info.compress_type)
    return _scan_prolog(_chunks(data, zf, info))


def _scan_prolog(chunks: Iterable[bytes]) -> bool:
    buf, pos, closing = bytearray(), 0, b""  # closing: the end of the comment or PI we are in
    for chunk in chunks:
        if pos > _CHUNK:  # forget what was scanned: a long comment is never held in memory
            del buf[:pos]
            pos = 0
        buf += chunk
        while True:
            if closing:
                end = buf.find(closing, pos)
                if end == -1:
                    pos = max(pos, len(buf) - len(closing))
                    break
                pos, closing = end + len(closing), b""
            lt = buf.find(b"<", pos)
            if lt == -1 or len(buf) - lt < 9:
                pos = len(buf) if lt == -1 else lt
                break
            if buf.startswith(b"<!--", lt):
                closing, pos = b"-->", lt + 4
            elif buf.startswith(b"<?", lt):
                closing, pos = b"?>", lt + 2
            else:
                return buf.startswith((b"<!DOCTYPE", b"<!ENTITY"), lt)
    return False


def _chunks(data: bytes, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The uncompressed bytes of a part, in chunks, from its raw data in memory."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                yield chunk
        return
    yield from _inflated_chunks(info.compress_type, _raw(data, info))


def _inflated_chunks(compress_type: int, raw: bytes | memoryview) -> Iterator[bytes]:
    """Stored or deflated bytes, inflated in chunks (never more than a chunk at a time)."""
    raw = memoryview(raw)
    if compress_type == zipfile.ZIP_STORED:
        for pos in range(0, len(raw), _CHUNK):
            yield bytes(raw[pos:pos + _CHUNK])
        return
    inflate = zlib.decompressobj(-zlib.MAX_WBITS)
    size = 512  # small at first: the prolog scan usually needs only the first few bytes
    for pos in range(0, len(raw), _CHUNK):
        piece = raw[pos:pos + _CHUNK]
        while piece:
            out = inflate.decompress(piece, size)
            size = min(2 * size, _CHUNK)
            if out:
                yield out
            if inflate.eof:
                return
            piece = inflate.unconsumed_tail
    tail = inflate.flush()
    if tail:
        yield tail
