"""Tiers (who fills a form) and levels (whose activity a figure describes)."""
from __future__ import annotations

from .periods import LEGACY

TIERS = ("xa", "huyen", "tinh")            # the forms units fill in
ALL_TIERS = (*TIERS, "tw")                  # "tw": the nation, only ever a roll-up
LEVELS = ("xa", "huyen", "tinh", "tw", "tong")

TIER_NAMES = {"xa": "cấp xã", "huyen": "cấp huyện", "tinh": "cấp tỉnh", "tw": "trung ương"}
TIER_NAMES_EN = {"xa": "commune", "huyen": "district", "tinh": "province", "tw": "national"}
LEVEL_HEADERS = {"xa": "Cấp xã", "huyen": "Cấp huyện", "tinh": "Cấp tỉnh", "tw": "Trung ương",
                 "tong": "Tổng cộng"}


def input_levels(tier: str, scheme: str) -> tuple[str, ...]:
    """The levels a form of this tier has a column for, the total excluded."""
    if tier == "xa":
        return ("xa",)
    if tier == "huyen":
        return ("xa", "huyen")
    if tier == "tinh":
        return ("xa", "huyen", "tinh") if scheme == LEGACY else ("xa", "tinh")
    if tier == "tw":
        return ("xa", "huyen", "tinh", "tw") if scheme == LEGACY else ("xa", "tinh", "tw")
    raise ValueError(f"unknown tier {tier!r}")


def has_total(tier: str) -> bool:
    """Commune forms have one column; the others add a ``Tổng cộng`` column."""
    return tier != "xa"


def form_levels(tier: str, scheme: str) -> tuple[str, ...]:
    """Every value column of the form: input levels, then ``tong`` where there is one."""
    levels = input_levels(tier, scheme)
    return (*levels, "tong") if has_total(tier) else levels


def indicator_levels(indicator, tier: str, scheme: str) -> tuple[str, ...]:
    """The input levels at which this indicator is typed in on a form of this tier."""
    levels = input_levels(tier, scheme)
    if indicator.levels == "own":
        return (tier,)
    if indicator.levels == "xa":
        return ("xa",)
    return levels
