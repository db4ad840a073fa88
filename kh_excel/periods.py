"""Reporting periods (kỳ báo cáo) and the administrative scheme each belongs to."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from .errors import InvalidPeriod, SchemeMismatch, UnknownScheme

LEGACY = "legacy-3tier"
TWO_TIER = "two-tier-2025"
SCHEMES = (LEGACY, TWO_TIER)
# Districts were abolished on 1/7/2025: the last legacy period is 2025-H1.
LAST_LEGACY_DAY = date(2025, 6, 30)

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:-\s*[Hh]([12]))?\s*$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    half: int | None = None  # None: the whole year; 1: the first six months

    @classmethod
    def parse(cls, text: str | int | Period) -> Period:
        """Parse ``2024`` or ``2024-H1``; anything else raises :class:`InvalidPeriod`."""
        if isinstance(text, Period):
            return text
        m = _PERIOD.match(str(text))
        # Only the first half-year has a report of its own (sơ kết); the second half is the year.
        if not m or m.group(2) == "2" or not 2000 <= int(m.group(1)) <= 2100:
            raise InvalidPeriod(period=text)
        return cls(int(m.group(1)), 1 if m.group(2) else None)

    def __str__(self) -> str:
        return f"{self.year}-H1" if self.half else str(self.year)

    @property
    def start(self) -> date:
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half else date(self.year, 12, 31)

    @property
    def annual(self) -> bool:
        return self.half is None

    def label(self) -> str:
        """Vietnamese label: ``năm 2024`` or ``6 tháng đầu năm 2024``."""
        return f"6 tháng đầu năm {self.year}" if self.half else f"năm {self.year}"

    def report_kind(self) -> str:
        """``tổng kết`` for a year, ``sơ kết`` for six months."""
        return "sơ kết" if self.half else "tổng kết"

    def default_scheme(self) -> str:
        return LEGACY if self.end <= LAST_LEGACY_DAY else TWO_TIER


def check_scheme(scheme: str) -> str:
    if scheme not in SCHEMES:
        raise UnknownScheme(scheme=scheme)
    return scheme


def scheme_for(period: Period, scheme: str | None = None) -> str:
    """The scheme of a period: the one given (checked against the period) or the default."""
    if scheme is None:
        return period.default_scheme()
    check_scheme(scheme)
    if scheme == LEGACY and period.end > LAST_LEGACY_DAY:
        raise SchemeMismatch(
            period=period, scheme=scheme,
            why="từ ngày 1/7/2025 không còn cấp huyện, kỳ này dùng hệ thống 'two-tier-2025'.",
            why_en="districts were abolished on 1/7/2025; this period uses 'two-tier-2025'.")
    if scheme == TWO_TIER and period.end <= LAST_LEGACY_DAY:
        raise SchemeMismatch(
            period=period, scheme=scheme,
            why="kỳ này kết thúc trước ngày 1/7/2025, khi còn cấp huyện ('legacy-3tier').",
            why_en="this period ends before 1/7/2025, when districts still existed ('legacy-3tier').")
    return scheme
