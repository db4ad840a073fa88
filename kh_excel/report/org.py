"""Who issues the report: the Nghị định 30/2020/NĐ-CP frame (names, số, địa danh, date, signer,
nơi nhận), with defaults derived from the unit, a small TOML file and command-line values.

Only what a person must decide is left as the conventional blank: the number (``Số: …/BC-HKH``)
and the date of signing (``ngày … tháng … năm …``) unless given, and the signer's name.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from pathlib import Path

from ..errors import BadDataFile, UsageError
from ..units import PREFIXES, Unit
from .filters import BLANK_DATE, date_header

DOTS = "…"
SIGNER_BLANK = "……………………"
_PARTY = {"Tỉnh": "Tỉnh ủy", "Thành phố": "Thành ủy", "Huyện": "Huyện ủy", "Quận": "Quận ủy",
          "Thị xã": "Thị ủy"}


@dataclass(frozen=True)
class OrgDetails:
    """The frame of the document. Field names are the keys of the TOML file."""

    ten_to_chuc: str                     # HỘI KHUYẾN HỌC HUYỆN BÌNH SƠN
    co_quan_chu_quan: str = ""           # HỘI KHUYẾN HỌC TỈNH QUẢNG NGÃI ("" leaves it out)
    so: str = ""                         # the number, "" for the blank "…"
    ky_hieu: str = "BC-HKH"
    dia_danh: str = ""                   # Bình Sơn
    ngay: date | None = None             # date of signing, None for the blank
    tham_quyen: str = "TM. BAN THƯỜNG VỤ"
    chuc_vu: str = "CHỦ TỊCH"
    nguoi_ky: str = ""                   # the signer's name, "" for a dotted line
    noi_nhan: tuple[str, ...] = field(default_factory=tuple)
    tac_gia: str = ""                    # byline of a news item
    ten_don_vi: str = ""                 # the unit's name as printed, when the form's is not
                                         # the one in force for the period ("Huyện Kỳ Anh")

    @property
    def so_ky_hieu_ngan(self) -> str:
        """``…/BC-HKH`` or ``05/BC-HKH``."""
        return f"{self.so or DOTS}/{self.ky_hieu}"

    @property
    def so_ky_hieu(self) -> str:
        """``Số: …/BC-HKH`` or ``Số: 05/BC-HKH``."""
        return f"Số: {self.so_ky_hieu_ngan}"

    @property
    def ngay_text(self) -> str:
        return date_header(self.ngay) if self.ngay else BLANK_DATE

    @property
    def dia_danh_ngay(self) -> str:
        """``Bình Sơn, ngày 05 tháng 01 năm 2024``."""
        return f"{self.dia_danh or DOTS}, {self.ngay_text}"

    @property
    def signer(self) -> str:
        return self.nguoi_ky or SIGNER_BLANK

    def recipients(self) -> list[str]:
        """Nơi nhận as printed: ``- …;`` and the last one ``- …``."""
        items = [n.strip().rstrip(";.") for n in self.noi_nhan if n.strip()]
        return [f"- {n}{'.' if i == len(items) - 1 else ';'}" for i, n in enumerate(items)]


def association(name: str) -> str:
    """``Tỉnh Quảng Ngãi`` → ``Hội Khuyến học tỉnh Quảng Ngãi``."""
    return f"Hội Khuyến học {name[0].lower()}{name[1:]}" if name else ""


def default_org(unit: Unit, parent_name: str, child_words: str) -> OrgDetails:
    """Defaults derived from the unit: names, địa danh, chủ quản and nơi nhận."""
    parent = association(parent_name) if unit.tier != "tinh" else ""
    division = unit.division or {"xa": "Xã", "huyen": "Huyện", "tinh": "Tỉnh"}.get(unit.tier, "")
    # tier "tw" (Hội Khuyến học Việt Nam) has no division: no "Thường trực … UBND" line
    party = _PARTY.get(division, "Đảng ủy")
    recipients = []
    if parent:
        recipients.append(f"{parent} (b/c)")
    if division:
        recipients.append(f"Thường trực {party}, UBND {division.lower()} (b/c)")
    if unit.tier != "xa":
        recipients.append(f"Hội Khuyến học các {child_words}")
    recipients.append("Lưu: VT")
    return OrgDetails(
        ten_to_chuc=unit.association_name.upper(),
        co_quan_chu_quan=parent.upper(),
        dia_danh=place_name(unit),
        noi_nhan=tuple(recipients),
    )


def renamed(unit: Unit, name: str) -> Unit:
    """The unit under the name given (``--ten-don-vi``): its division follows the prefix."""
    name = " ".join(str(name).split())
    division = next((p for p in PREFIXES if name.startswith(p + " ")), unit.division)
    return replace(unit, name=name, division=division)


def place_name(unit: Unit) -> str:
    """Địa danh: the unit's name without its prefix, except a name that is a number or a
    person's name (Nghị định 30: "Phường 12", "Thành phố Hồ Chí Minh"); '' when unknown."""
    bare = unit.bare_name
    if unit.tier == "tw" or bare.endswith(DOTS):
        return ""
    if any(ch.isdigit() for ch in bare) or bare == "Hồ Chí Minh":
        return unit.name
    return bare


def parse_date(text: str | date) -> date:
    """``18/01/2024``, ``18-01-2024`` or ``2024-01-18``."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    value = str(text).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise UsageError(detail=f"Ngày '{value}' không hợp lệ: ghi dạng 18/01/2024.",
                     detail_en=f"Invalid date '{value}': write it as 18/01/2024.")


_KEYS = {f.name for f in fields(OrgDetails)}


def load_org_config(path: str | os.PathLike) -> dict:
    """The values of a TOML file of organisation details, checked; every problem at once."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except OSError as exc:
        raise BadDataFile(path=path, detail=f"không mở được tệp ({exc.strerror}).",
                          detail_en=f"cannot open it ({exc.strerror}).") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise BadDataFile(path=path, detail=f"không đúng cú pháp TOML ({exc}).",
                          detail_en=f"invalid TOML ({exc}).") from None
    data = data.get("van_ban", data)  # the keys may sit under a [van_ban] table
    problems = [f"khoá không dùng được '{k}' (dùng: {', '.join(sorted(_KEYS))})"
                for k in data if k not in _KEYS and k != EVENT_TABLE]
    out: dict = {}
    for key, value in data.items():
        if key not in _KEYS:
            continue
        if key == "noi_nhan":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                problems.append("noi_nhan phải là danh sách chuỗi, ví dụ noi_nhan = [\"…\", \"Lưu: VT\"]")
                continue
            out[key] = tuple(value)
        elif key == "ngay":
            try:
                out[key] = parse_date(value)
            except UsageError as exc:
                problems.append(exc.message("vi"))
        elif isinstance(value, (str, int)) and not isinstance(value, bool):
            out[key] = str(value)
        else:
            problems.append(f"'{key}' phải là chuỗi")
    if problems:
        raise BadDataFile(path=path, detail="; ".join(problems) + ".",
                          detail_en=f"{len(problems)} problem(s): " + "; ".join(problems))
    return out


def org_details(defaults: OrgDetails, config: str | os.PathLike | None = None,
                **given) -> OrgDetails:
    """Defaults, then the TOML file, then the values given (None means not given)."""
    values = load_org_config(config) if config else {}
    for key, value in given.items():
        if key not in _KEYS:
            raise TypeError(f"unknown organisation detail {key!r}")
        if value is not None:
            values[key] = parse_date(value) if key == "ngay" else value
    return replace(defaults, **values)


# -- the event a news item reports (tin bài) -----------------------------------------------------

EVENT_TABLE = "tin_bai"


@dataclass(frozen=True)
class EventDetails:
    """The conference a news item reports: keys of the ``[tin_bai]`` table of the TOML file."""

    su_kien: str = ""          # Hội nghị tổng kết công tác khuyến học, khuyến tài … năm 2023
    ngay_to_chuc: date | None = None
    dia_diem: str = ""         # Hội trường UBND huyện
    thanh_phan: str = ""       # who attended: "đồng chí Nông Văn Nguyên – Bí thư Huyện ủy; …"

    @property
    def given(self) -> bool:
        return bool(self.su_kien or self.ngay_to_chuc or self.dia_diem or self.thanh_phan)


EVENT_KEYS = _EVENT_KEYS = frozenset(f.name for f in fields(EventDetails))


def event_details(config: str | os.PathLike | None = None, **given) -> EventDetails:
    """The ``[tin_bai]`` table of the TOML file, then the values given (None: not given)."""
    values: dict = {}
    if config:
        path = Path(config)
        try:
            table = tomllib.loads(path.read_text("utf-8")).get(EVENT_TABLE, {})
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            table = {}  # load_org_config has said what is wrong with the file
        problems = []
        for key, value in table.items():
            if key not in _EVENT_KEYS:
                problems.append(f"khoá không dùng được '{key}' trong [tin_bai] (dùng: "
                                f"{', '.join(sorted(_EVENT_KEYS))})")
            elif key == "ngay_to_chuc":
                try:
                    values[key] = parse_date(value)
                except UsageError as exc:
                    problems.append(exc.message("vi"))
            elif key == "thanh_phan" and isinstance(value, list) and \
                    all(isinstance(v, str) for v in value):
                values[key] = "; ".join(v.strip() for v in value if v.strip())
            elif isinstance(value, str):
                values[key] = value.strip()
            else:
                problems.append(f"'{key}' trong [tin_bai] phải là chuỗi")
        if problems:
            raise BadDataFile(path=path, detail="; ".join(problems) + ".",
                              detail_en=f"{len(problems)} problem(s): " + "; ".join(problems))
    for key, value in given.items():
        if key not in _EVENT_KEYS:
            raise TypeError(f"unknown event detail {key!r}")
        if value is not None:
            values[key] = parse_date(value) if key == "ngay_to_chuc" else str(value).strip()
    return EventDetails(**values)
