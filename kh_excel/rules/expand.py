"""Expanding generic rules over the catalogue and the levels of a form.

A rule with ``for_each`` is written once with placeholders (``{code}``, ``{other}``, ``{level}``,
…) and stands for one concrete rule per catalogue item and per level of the form. The items come
from the catalogue's own data (``agg``, ``le``, ``pair``, ``num``/``den``), so adding an
indicator to the catalogue adds its checks without touching the rulebook.
"""
from __future__ import annotations

import re

from ..catalogue import Catalogue, Indicator
from ..periods import LEGACY, TWO_TIER
from ..tiers import (
    LEVEL_HEADERS,
    TIER_NAMES,
    TIER_NAMES_EN,
    form_levels,
    has_total,
    indicator_levels,
    input_levels,
)

# Every (tier, scheme) a form exists for: the two-tier scheme has no district forms.
FORM_KINDS = (("xa", LEGACY), ("huyen", LEGACY), ("tinh", LEGACY), ("tw", LEGACY), ("xa", TWO_TIER),
              ("tinh", TWO_TIER), ("tw", TWO_TIER))

LEVEL_NAMES = {"xa": "cấp xã", "huyen": "cấp huyện", "tinh": "cấp tỉnh", "tw": "trung ương",
               "tong": "tổng cộng"}
LEVEL_NAMES_EN = {"xa": "commune level", "huyen": "district level", "tinh": "province level", "tw": "national level",
                  "tong": "total"}
_PARTS_EN = {"xa": "commune", "huyen": "district", "tinh": "province", "tw": "national"}

FOR_EACH = {
    "summable": "chỉ tiêu cộng được (agg sum/count, không tự tính), có dòng Tổng cộng",
    "typed": "chỉ tiêu nhập tay (không tự tính)",
    "money": "chỉ tiêu tiền (đồng), nhập tay",
    "le": "cặp chỉ tiêu con ≤ chỉ tiêu tổng thể (trường le của danh mục)",
    "pair": "cặp số suất / số tiền (trường pair của danh mục)",
    "pct": "tỷ lệ phần trăm tự tính",
    "ratio": "mọi chỉ tiêu tự tính (tỷ lệ, bình quân)",
}
# Placeholders each for_each provides to expressions (language-neutral) and to messages.
EXPR_KEYS = {
    None: set(),
    "summable": {"code", "parts"}, "typed": {"code", "parts"}, "money": {"code", "parts"},
    "le": {"code", "other"}, "pair": {"code", "other"},
    "pct": {"code", "num", "den", "scale"}, "ratio": {"code", "num", "den", "scale"},
}
TEXT_KEYS = {
    None: set(),
    "summable": {"label", "unit", "parts_label"}, "typed": {"label", "unit", "parts_label"},
    "money": {"label", "unit", "parts_label"},
    "le": {"label", "unit", "other_label", "other_unit"},
    "pair": {"label", "unit", "other_label", "other_unit"},
    "pct": {"label", "unit", "num_label", "den_label"},
    "ratio": {"label", "unit", "num_label", "den_label"},
}
# Always available: the level being expanded and the tier of the form.
COMMON_EXPR_KEYS = {"level"}
COMMON_TEXT_KEYS = {"level_name", "tier_name"}

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([^{}]*))?\}")


def items(for_each: str | None, cat: Catalogue, exclude: tuple[str, ...] = ()) -> list[dict]:
    """The catalogue items a generic rule stands for, as placeholder values (tier-independent)."""
    if for_each is None:
        return [{}]
    out: list[dict] = []
    for ind in cat:
        if ind.code in exclude:
            continue
        base = {"code": ind.code, "label": ind.label, "unit": ind.unit}
        if for_each == "summable" and _summable(ind):
            out.append(base)
        elif for_each == "typed" and not ind.derived:
            out.append(base)
        elif for_each == "money" and ind.money and not ind.derived:
            out.append(base)
        elif for_each == "le":
            out.extend({**base, **_other(cat[o])} for o in ind.le)
        elif for_each == "pair" and ind.pair:
            out.append({**base, **_other(cat[ind.pair])})
        elif (for_each == "ratio" and ind.derived) or \
                (for_each == "pct" and ind.derived and ind.kind == "pct"):
            out.append({**base, "num": ind.num, "den": ind.den, "scale": str(ind.scale),
                        "num_label": cat[ind.num].label, "den_label": cat[ind.den].label})
    return out


def _summable(ind: Indicator) -> bool:
    return ind.agg in ("sum", "count") and not ind.derived and ind.levels in ("all", "xa")


def _other(ind: Indicator) -> dict:
    return {"other": ind.code, "other_label": ind.label, "other_unit": ind.unit}


def tier_values(item: dict, cat: Catalogue, tier: str, scheme: str, lang: str) -> dict:
    """Placeholder values that depend on the form: the parts of a total and their names."""
    out = {"tier_name": _tier_name(tier, lang)}
    code = item.get("code")
    if code is not None and not cat[code].derived:
        parts = indicator_levels(cat[code], tier, scheme)
        out["parts"] = " + ".join(f"{code}.{lv}" for lv in parts)
        out["parts_label"] = (" + ".join(LEVEL_NAMES[lv] for lv in parts) if lang == "vi"
                              else " + ".join(_PARTS_EN[lv] for lv in parts) + " levels")
    return out


def _tier_name(tier: str, lang: str) -> str:
    return (TIER_NAMES if lang == "vi" else TIER_NAMES_EN).get(tier, tier)


def level_values(level: str, lang: str) -> dict:
    return {"level": level,
            "level_name": (LEVEL_NAMES if lang == "vi" else LEVEL_NAMES_EN)[level]}


def rule_levels(spec: str | tuple[str, ...], tier: str, scheme: str) -> tuple[str, ...]:
    """The levels ``{level}`` stands for on this form: ``all``, ``input`` or a list."""
    on_form = form_levels(tier, scheme)
    if spec == "all":
        return on_form
    if spec == "input":
        return input_levels(tier, scheme)
    return tuple(lv for lv in on_form if lv in spec)


def form_cells(cat: Catalogue, tier: str, scheme: str) -> frozenset[tuple[str, str]]:
    """Every (code, level) that has a cell on the form of this tier and scheme."""
    cells: set[tuple[str, str]] = set()
    for ind in cat:
        if ind.derived:
            cells.update((ind.code, lv) for lv in form_levels(tier, scheme))
            continue
        cells.update((ind.code, lv) for lv in indicator_levels(ind, tier, scheme))
        if has_total(tier) and ind.levels in ("all", "xa"):
            cells.add((ind.code, "tong"))
    return frozenset(cells)


def substitute(template: str, values: dict) -> str:
    """Replace the placeholders whose names are in ``values``; leave the others for later."""
    def repl(m: re.Match) -> str:
        name, arg = m.group(1), m.group(2)
        return str(values[name]) if arg is None and name in values else m.group(0)
    # One pass does nested ones too: in "{value:{code}.{level}}" the outer braces cannot match
    # before the inner ones are replaced, and what is left is "{value:hoc_bong_suat.xa}".
    return PLACEHOLDER.sub(repl, template)


def placeholders(template: str) -> list[tuple[str, str | None]]:
    """The ``{name}`` / ``{name:arg}`` placeholders of a template, in order."""
    return [(m.group(1), m.group(2)) for m in PLACEHOLDER.finditer(template)]


def column_name(level: str) -> str:
    """The header of a level's column, to point at a cell whose address is unknown."""
    return LEVEL_HEADERS.get(level, level)
