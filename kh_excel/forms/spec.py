"""Which form to generate (tier, scheme, unit, period) and its file name; no openpyxl."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import TierMismatch, UsageError
from ..periods import TWO_TIER, Period, check_scheme, scheme_for
from ..textnorm import ascii_slug
from ..tiers import ALL_TIERS, TIER_NAMES, TIER_NAMES_EN
from ..units import Unit
from .layout import template_id
from .texts import FormTexts


@dataclass(frozen=True)
class FormSpec:
    """Which form to generate: tier and scheme, and for a pre-filled form its unit and period."""

    tier: str
    scheme: str
    period: Period | None = None
    unit: Unit | None = None
    parent: Unit | None = None

    def __post_init__(self) -> None:
        check_scheme(self.scheme)
        if self.tier not in ALL_TIERS:
            raise UsageError(detail=f"Không có biểu mẫu cho cấp '{self.tier}'. Dùng xa, huyen "
                                    "hoặc tinh.",
                             detail_en=f"There is no form for tier '{self.tier}'. Use xa, huyen "
                                       "or tinh.")
        if self.tier == "huyen" and self.scheme == TWO_TIER:
            raise UsageError(detail="Hệ thống 'two-tier-2025' (từ 1/7/2025) không còn cấp huyện "
                                    "nên không có biểu mẫu cấp huyện.",
                             detail_en="The 'two-tier-2025' scheme (from 1/7/2025) has no "
                                       "districts, so there is no district form.")
        if self.period is not None:
            object.__setattr__(self, "period", Period.parse(self.period))
            scheme_for(self.period, self.scheme)
        if self.unit is not None:
            if self.unit.tier != self.tier:
                raise TierMismatch(unit=self.unit.name, actual=TIER_NAMES.get(self.unit.tier,
                                                                              self.unit.tier),
                                   wanted=TIER_NAMES[self.tier],
                                   actual_en=TIER_NAMES_EN.get(self.unit.tier, self.unit.tier),
                                   wanted_en=TIER_NAMES_EN[self.tier])
            if self.unit.scheme != self.scheme:
                raise UsageError(
                    detail=f"{self.unit.name} thuộc hệ thống '{self.unit.scheme}', không phải "
                           f"'{self.scheme}'.",
                    detail_en=f"{self.unit.name} belongs to scheme '{self.unit.scheme}', not "
                              f"'{self.scheme}'.")

    @property
    def template_id(self) -> str:
        return template_id(self.tier, self.scheme)

    def texts(self) -> FormTexts:
        return FormTexts.of(self.tier, self.scheme, self.unit, self.parent, self.period)


def form_file_name(period: Period | str, unit: Unit) -> str:
    """``2023_02011_xa-van-vu.xlsx``: period, unit code and an ASCII slug of the unit name."""
    return f"{Period.parse(period)}_{unit.code}_{ascii_slug(unit.name)}.xlsx"
