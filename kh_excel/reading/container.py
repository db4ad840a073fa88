"""Opening an untrusted workbook file safely: what it is, size limits, zip and XML bombs."""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from ..errors import FormUnreadable

MAX_FILE_BYTES = 20 * 2**20        # a filled form is ~30 KB; 20 MB is far beyond any real one
MAX_UNZIPPED_BYTES = 100 * 2**20   # all parts together, decompressed
MAX_PART_BYTES = 20 * 2**20        # one XML part we parse ourselves
MAX_RATIO = 100                    # compression ratio beyond which a large part is a zip bomb

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_LEGACY_FONT = re.compile(rb'name val="(\.Vn[^"]*|VNI[^"]*)"', re.I)


@dataclass
class Container:
    """A workbook file read into memory and vetted, with the small XML parts we need."""

    path: Path
    data: bytes
    kind: str                       # "xlsx" or "xls"
    sha256: str
    sheets: list[tuple[str, str]] = field(default_factory=list)  # (name, state) in order
    defined_names: dict[str, str] = field(default_factory=dict)  # name → reference
    custom_props: dict[str, str] = field(default_factory=dict)
    legacy_fonts: bool = False      # styles mention .VnTime / VNI fonts

    def stream(self) -> io.BytesIO:
        return io.BytesIO(self.data)


def _unreadable(path: Path, vi: str, en: str) -> FormUnreadable:
    return FormUnreadable(path=path, detail=vi, detail_en=en)


def open_container(path: str | Path) -> Container:
    """Read and vet a workbook file; raise :class:`FormUnreadable` with the reason if unusable."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _unreadable(
                path, f"tệp quá lớn ({size / 2**20:.1f} MB; biểu mẫu chỉ khoảng vài chục KB). "
                      "Hãy kiểm tra lại có đúng tệp biểu mẫu không.",
                f"the file is too large ({size / 2**20:.1f} MB).")
        data = path.read_bytes()
    except FormUnreadable:
        raise
    except IsADirectoryError:
        raise _unreadable(path, "đây là thư mục, không phải tệp.", "this is a folder.") from None
    except OSError as exc:
        raise _unreadable(path, f"không mở được tệp ({exc.strerror}).",
                          f"cannot open the file ({exc.strerror}).") from None
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
        return Container(path, data, "xls", sha)
    raise _unreadable(path, _what_is_it(data), "this is not an Excel workbook (.xlsx or .xls).")


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
        zf = zipfile.ZipFile(c.stream())
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise _unreadable(c.path, "tệp bị hỏng (không giải nén được). Hãy lưu lại tệp trong Excel "
                                  "và gửi lại.", "the file is corrupt (not a valid zip).") from None
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        what = "tệp Word" if "word/document.xml" in names else "tệp nén không phải Excel"
        raise _unreadable(c.path, f"đây là {what}, không phải tệp Excel.", "not an Excel workbook.")
    total = sum(i.file_size for i in infos)
    bomb = total > MAX_UNZIPPED_BYTES or any(
        i.file_size > 2**20 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if bomb:
        raise _unreadable(c.path, "tệp có cấu trúc nén bất thường (nghi là 'bom nén'), đã từ chối "
                                  "đọc.", "abnormal compression (suspected zip bomb); refused.")
    try:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with zf.open(info) as part:
                    head = part.read(2048)
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise _unreadable(
                        c.path, "tệp chứa khai báo XML nguy hiểm (DOCTYPE/ENTITY), đã từ chối đọc.",
                        "the file contains XML DOCTYPE/ENTITY declarations; refused.")
        workbook = _parse(zf, "xl/workbook.xml")
        sheets = workbook.find(f"{NS_MAIN}sheets")
        for sheet in sheets if sheets is not None else ():
            c.sheets.append((sheet.get("name", ""), sheet.get("state", "visible")))
        names_el = workbook.find(f"{NS_MAIN}definedNames")
        for dn in names_el if names_el is not None else ():
            if dn.get("localSheetId") is None and dn.text:
                c.defined_names[dn.get("name", "")] = dn.text
        if "docProps/custom.xml" in names:
            for prop in _parse(zf, "docProps/custom.xml"):
                value = next(iter(prop), None)
                c.custom_props[prop.get("name", "")] = (value.text or "") if value is not None else ""
        if "xl/styles.xml" in names:
            with zf.open("xl/styles.xml") as part:
                c.legacy_fonts = bool(_LEGACY_FONT.search(part.read(MAX_PART_BYTES)))
    except FormUnreadable:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, KeyError, ValueError):
        raise _unreadable(c.path, "tệp bị hỏng (một phần nội dung không đọc được). Hãy lưu lại tệp "
                                  "trong Excel và gửi lại.", "the file is corrupt.") from None


def _parse(zf: zipfile.ZipFile, name: str):
    with zf.open(name) as part:
        data = part.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise ValueError(f"{name} too large")
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ValueError(f"{name}: forbidden XML") from None
    except SafeET.ParseError:
        raise ValueError(f"{name}: malformed XML") from None
