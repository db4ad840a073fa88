"""Administrative units (đơn vị): one node of a scheme's tree, identified by (scheme, code)."""
from __future__ import annotations

from dataclasses import dataclass

from .textnorm import ascii_slug

# Name prefixes by division type, longest first so that "Thị trấn" wins over "Thị".
PREFIXES = (
    "Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Phường", "Huyện", "Quận", "Tỉnh", "Xã",
)


@dataclass(frozen=True)
class Unit:
    scheme: str
    code: str            # GSO code, zero-padded: province 2 digits, district 3, commune 5
    name: str            # full official name with its prefix: "Xã Văn Vũ", "Huyện Na Rì"
    tier: str            # "xa", "huyen", "tinh"; "tw" for the nation
    parent_code: str | None = None
    division: str = ""   # the prefix: "Xã", "Phường", "Thị trấn", "Huyện", "Quận", "Tỉnh", …
    extra: bool = False  # added by the user (hội, ban khuyến học trực thuộc), not from GSO

    @property
    def bare_name(self) -> str:
        """The name without its prefix: "Văn Vũ"."""
        for prefix in PREFIXES:
            if self.name.startswith(prefix + " "):
                return self.name[len(prefix) + 1:]
        return self.name

    @property
    def slug(self) -> str:
        """ASCII slug of the bare name, for file names: "van-vu"."""
        return ascii_slug(self.bare_name)

    @property
    def association_name(self) -> str:
        """"Hội Khuyến học xã Văn Vũ", "Hội Khuyến học tỉnh Bắc Kạn"."""
        if self.tier == "tw":
            return "Hội Khuyến học Việt Nam"
        if self.extra:
            return self.name
        return f"Hội Khuyến học {self.name[0].lower()}{self.name[1:]}"

    def to_dict(self) -> dict:
        return {"scheme": self.scheme, "code": self.code, "name": self.name, "tier": self.tier,
                "parent_code": self.parent_code, "division": self.division, "extra": self.extra}
