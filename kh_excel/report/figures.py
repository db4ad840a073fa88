"""The figures a report may print, each with where it came from (domain: no files, no jinja).

A :class:`Fig` is one value of one indicator at one level with its sources (cells of the input,
roll-up rows, the unit registry); ratios are recomputed from their numerator and denominator,
never taken from the file; last period's figure rides along when the roll-up has it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property

from ..catalogue import Catalogue, Indicator, load_catalogue
from ..dated_units import children_in, descendants_in
from ..errors import KhError
from ..model import Number, Provenance
from ..periods import LEGACY, Period
from ..registry import load_registry
from ..tiers import has_total, input_levels
from ..units import Unit
from .doubts import Doubts, find_doubts, reason
from .inputs import ReportInput

LEVEL_NAMES = {"xa": "cấp xã", "huyen": "cấp huyện", "tinh": "cấp tỉnh", "tw": "cấp trung ương",
               "tong": "tổng cộng"}
# Divisions in the order they are listed in running text ("xã, phường, thị trấn").
DIVISION_ORDER = ("Xã", "Phường", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Thị xã", "Tỉnh",
                  "Thành phố")
_FALLBACK_WORDS = {("xa", LEGACY): "xã, phường, thị trấn", ("xa", "two-tier-2025"):
                   "xã, phường, đặc khu", ("huyen", LEGACY): "huyện, quận, thị xã, thành phố",
                   ("tinh", LEGACY): "tỉnh, thành phố", ("tinh", "two-tier-2025"): "tỉnh, thành phố"}


TRACKED_SECTIONS = ("A", "B", "C", "D", "E")
MEMBERS, FUND = ("hoi_vien",), ("quy_van_dong", "tong_quy")


@dataclass
class Trend:
    """Codes of the tracked indicators compared with last period, and of those that rose/fell."""

    compared: list[str] = field(default_factory=list)
    up: list[str] = field(default_factory=list)
    down: list[str] = field(default_factory=list)

    @property
    def members_fell(self) -> bool:
        return any(c in self.down for c in MEMBERS)

    @property
    def fund_fell(self) -> bool:
        return any(c in self.down for c in FUND)


@dataclass(frozen=True)
class Fig:
    """One figure to print: value, indicator, level, unit and sources."""

    code: str
    level: str
    value: Number
    kind: str
    unit: str
    sources: tuple[Provenance, ...] = ()
    prev: Fig | None = None
    note: str = ""

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, self.level)


def registry_source(scheme: str, code: str) -> Provenance:
    return Provenance("danh mục đơn vị hành chính", scheme, code, how="registry")


def division_words(units: Iterable[Unit], tier: str, scheme: str) -> str:
    """``xã, thị trấn`` for the units given; a generic list for their tier if none are known."""
    present = {u.division for u in units}
    words = [d.lower() for d in DIVISION_ORDER if d in present]
    return ", ".join(words) if words else _FALLBACK_WORDS.get((tier, scheme), "đơn vị")


class Figures:
    """The figures of one report input, looked up by indicator code."""

    def __init__(self, inp: ReportInput, catalogue: Catalogue | None = None) -> None:
        self.inp = inp
        self.cat = catalogue or load_catalogue()
        self.sub = inp.submission
        try:
            self.levels = input_levels(inp.tier, inp.scheme)
        except ValueError:  # a tier this module does not know: the levels the file has
            self.levels = tuple(dict.fromkeys(lv for (_c, lv) in self.sub.values if lv != "tong"))
        self._registry_unit = self._find_in_registry()
        self.left_out: dict[tuple[str, str], str] = {}  # comparisons not printed, and why

    # -- single figures ---------------------------------------------------------------------

    def level_of(self, ind: Indicator) -> str:
        """The level that is the unit's figure: the total, or the unit's own level."""
        if ind.levels == "own":
            return self.inp.tier
        return "tong" if has_total(self.inp.tier) else self.inp.tier

    def get(self, code: str, level: str | None = None, keep_zero: bool = False) -> Fig | None:
        """The figure of ``code`` (the unit's total unless ``level``); None if missing or 0.

        Zero is a real value (the annex prints it), but the narrative never says "0 suất":
        ``keep_zero`` returns it.
        """
        ind = self.cat[code]
        level = level or self.level_of(ind)
        fig = self._ratio(ind, level) if ind.derived else self._stated(ind, level)
        if fig is None or (fig.value == 0 and not keep_zero):
            return None
        return fig

    def _stated(self, ind: Indicator, level: str, previous: bool = False) -> Fig | None:
        key = (ind.code, level)
        if previous:
            value = self.inp.previous.get(key)
            src = self.inp.rollup_source("previous", ind.code, level)
            sources = (src,) if src else ()
        else:
            value = self.sub.values.get(key)
            prov = self.sub.provenance.get(key)
            sources = (prov,) if prov else ()
        if value is None:
            return None
        prev = None if previous else self._stated(ind, level, previous=True)
        return Fig(ind.code, level, value, ind.kind, ind.unit, sources, prev)

    def _ratio(self, ind: Indicator, level: str, previous: bool = False) -> Fig | None:
        num = self._stated(self.cat[ind.num], level, previous)
        den = self._stated(self.cat[ind.den], level, previous)
        if num is None or den is None or den.value == 0:
            return None
        value = Decimal(num.value) / Decimal(den.value) * ind.scale
        prev = None if previous else self._ratio(ind, level, previous=True)
        return Fig(ind.code, level, value, ind.kind, ind.unit, num.sources + den.sources, prev,
                   note=f"{ind.num} / {ind.den}" + (f" × {ind.scale}" if ind.scale != 1 else ""))

    def annex_value(self, code: str, level: str) -> Fig | None:
        """Any figure at a level, zero included (for the annex table)."""
        return self.get(code, level, keep_zero=True)

    def parts(self, code: str) -> list[Fig]:
        """The split of the unit's total by level, when it says more than the total.

        Levels that are blank or 0 are left out; no split for a commune, for an indicator of
        the unit's own level only, or when the one level given equals the total.
        """
        ind = self.cat[code]
        if len(self.levels) < 2 or ind.levels == "own":
            return []
        parts = [f for lv in self.levels if (f := self.get(code, lv)) is not None]
        total = self.get(code)
        if not parts or (len(parts) == 1 and total is not None and parts[0].value == total.value):
            return []
        return parts

    def pair_parts(self, count_code: str, money_code: str) -> list[tuple[str, Fig | None,
                                                                          Fig | None]]:
        """The split of an award (count and money) by level: (level name, count, money)."""
        if len(self.levels) < 2:
            return []
        rows = [(LEVEL_NAMES[lv], self.get(count_code, lv), self.get(money_code, lv))
                for lv in self.levels]
        rows = [r for r in rows if r[1] is not None or r[2] is not None]
        totals = (self.get(count_code), self.get(money_code))
        if len(rows) == 1 and (rows[0][1], rows[0][2]) == totals:
            return []
        return rows if self.parts(count_code) or self.parts(money_code) else []

    def tracked(self) -> list[Indicator]:
        """The indicators whose rise or fall judges a year: summed counts and money of the
        results (not the population or the universes that rates are taken of, not the plan)."""
        universes = {i.den for i in self.cat if i.derived}
        return [i for i in self.cat if not i.derived and i.agg == "sum"
                and i.section in TRACKED_SECTIONS and i.code not in universes]

    def trend(self) -> Trend:
        """How the tracked indicators moved against last period (trusted comparisons only)."""
        trend = Trend()
        if self.previous_period() is None:
            return trend
        for ind in self.tracked():
            fig = self.get(ind.code, keep_zero=True)
            if fig is None or fig.prev is None or self.distrust(fig):
                continue
            trend.compared.append(ind.code)
            if fig.value > fig.prev.value:
                trend.up.append(ind.code)
            elif fig.value < fig.prev.value:
                trend.down.append(ind.code)
        return trend

    @cached_property
    def doubts(self) -> Doubts:
        return find_doubts(self.inp, self.cat, self.previous_period())

    def distrust(self, fig: Fig) -> str:
        """Why a comparison of ``fig`` with last period must not be printed ('' if it may):
        a finding on this period's figure, last period's or the change (remembered in
        ``left_out`` for the trace)."""
        ind = self.cat[fig.code]
        why = reason(self.doubts, (ind.num, ind.den) if ind.derived else (ind.code,))
        if why:
            self.left_out[(fig.code, fig.level)] = why
        return why

    def delta(self, fig: Fig) -> Fig | None:
        """This period's figure minus last period's, as a figure (None without last period)."""
        if fig.prev is None:
            return None
        return replace(fig, value=fig.value - fig.prev.value, prev=None,
                       sources=fig.sources + fig.prev.sources, note="chênh lệch so với kỳ trước")

    # -- units ------------------------------------------------------------------------------

    def _find_in_registry(self) -> Unit | None:
        if not self.inp.unit.code:
            return None
        try:
            registry = load_registry(self.inp.scheme)
            unit = registry.get(self.inp.unit.code)
        except KhError:
            return None
        return unit if unit.tier == self.inp.tier else None

    def communes(self) -> tuple[Fig | None, str]:
        """How many commune-level units the unit has (registry), and what they are called."""
        tier, scheme = self.inp.tier, self.inp.scheme
        if tier == "xa" or self._registry_unit is None:
            return None, _FALLBACK_WORDS.get(("xa", scheme), "xã")
        registry = load_registry(scheme)
        # the communes of the period: those merged later counted, those made later not
        units = descendants_in(registry, self._registry_unit, self.inp.period) \
            if scheme == LEGACY else registry.descendants(self._registry_unit, tier="xa")
        units = [u for u in units if not u.extra]
        if not units:
            return None, _FALLBACK_WORDS.get(("xa", scheme), "xã")
        fig = Fig("don_vi_cap_xa", "tong", len(units), "to_chuc", "đơn vị",
                  (registry_source(scheme, self._registry_unit.code),),
                  note="số đơn vị cấp xã theo danh mục")
        return fig, division_words(units, "xa", scheme)

    def child_words(self) -> str:
        """What the children of a roll-up are called: ``xã, thị trấn``; ``huyện, thành phố``."""
        child_tier = self.inp.child_tier or ("xa" if self.inp.tier != "tinh" or
                                             self.inp.scheme != LEGACY else "huyen")
        if self._registry_unit is not None:
            registry = load_registry(self.inp.scheme)
            kids = children_in(registry, self._registry_unit.code, self.inp.period) \
                if self.inp.scheme == LEGACY else registry.children(self._registry_unit)
            kids = [u for u in kids if u.tier == child_tier and not u.extra]
            if kids:
                return division_words(kids, child_tier, self.inp.scheme)
        return _FALLBACK_WORDS.get((child_tier, self.inp.scheme), "đơn vị")

    def completeness(self) -> tuple[Fig, Fig] | None:
        """Roll-up: (units received, units expected) as figures."""
        inp = self.inp
        if not inp.is_rollup or inp.expected is None or inp.received is None:
            return None
        def fig(key: str, value: int) -> Fig:
            src = inp.rollup_source("meta", key)
            return Fig(key, "tong", value, "to_chuc", "đơn vị", (src,) if src else ())
        return fig("children_received", inp.received), fig("children_expected", inp.expected)

    def communes_reported(self) -> Fig | None:
        """Roll-up: how many commune forms were used, when fewer than expected (else None)."""
        inp = self.inp
        if not inp.is_rollup or inp.communes_received is None or inp.communes_expected is None \
                or inp.communes_received >= inp.communes_expected:
            return None
        src = inp.rollup_source("meta", "communes_received")
        return Fig("communes_received", "tong", inp.communes_received, "to_chuc", "đơn vị",
                   (src,) if src else (), note="số biểu cấp xã đã dùng khi tổng hợp")

    def error_in(self, fig: Fig):
        """The error finding on this figure (or on the parts of a ratio), None if none."""
        if fig.code not in self.cat:
            return None
        ind = self.cat[fig.code]
        for code in ((ind.num, ind.den) if ind.derived else (ind.code,)):
            if code in self.doubts.current:
                return self.doubts.current[code][0]
        return None

    def count(self, code: str) -> tuple[Fig, Fig | None] | None:
        """A COUNT indicator as (units that have it, units in all): roll-up row or the form."""
        ind = self.cat[code]
        if self.inp.is_rollup and code in self.inp.counts:
            x, y = self.inp.counts[code]
            src = self.inp.rollup_source("count", code)
            srcs = (src,) if src else ()
            return (Fig(code, "tong", x, ind.kind, ind.unit, srcs),
                    Fig(code, "tong", y, "to_chuc", ind.unit, srcs))
        fig = self.get(code)
        if fig is None:
            return None
        whole, _words = self.communes()
        return fig, whole if whole is not None and fig.value <= whole.value else None

    def previous_period(self) -> Period | None:
        """Last period: the roll-up's word for it, else the same kind of period a year before."""
        if not self.inp.previous:
            return None
        if self.inp.previous_period is not None:
            return self.inp.previous_period
        p = self.inp.period
        return Period(p.year - 1, p.half)
