"""The legacy units as they were in a period: names, parents and existence by date.

``kh_excel/data/units_legacy-dated.csv`` (built by ``scripts/build_dated_units.py`` from the
snapshots of the official list in vietnam-provinces 0.2 … 0.6.0: 25/02/2020, 03/02/2021,
07/05/2023, 04/01/2025) lists the units that changed between snapshots. A period is looked up
at its last day (30/6 or 31/12); a snapshot's state holds from its date until the next
snapshot's date (the first one also before it), since the exact date of a change between two
snapshots is not in the data. Units not listed are as in the current legacy list throughout.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache

from .errors import UnitNotFound
from .packaged import packaged
from .periods import Period
from .units import PREFIXES, Unit

LEGACY = "legacy-3tier"
NATION = "VN"  # the parent of a province (blank in the table)
_FILE = ("data", "units_legacy-dated.csv")
_TIER = {2: "tinh", 3: "huyen", 5: "xa"}


@dataclass(frozen=True)
class DatedUnit:
    """One unit's name and parent over a span of dates (``end`` excluded; None: open)."""

    code: str
    parent_code: str
    name: str
    start: date | None
    end: date | None

    def holds(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


def period_end(period: Period) -> date:
    """The last day of a period: 30/6 for the first half, 31/12 for a year."""
    return date(period.year, 6, 30) if period.half else date(period.year, 12, 31)


@cache
def dated_units() -> dict[str, tuple[DatedUnit, ...]]:
    """code → its dated names, from the shipped table."""
    out: dict[str, list[DatedUnit]] = {}
    with packaged(*_FILE).open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        for r in rows:
            out.setdefault(r["code"], []).append(DatedUnit(
                r["code"], r["parent_code"] or NATION, r["name"],
                date.fromisoformat(r["valid_from"]) if r["valid_from"] else None,
                date.fromisoformat(r["valid_to"]) if r["valid_to"] else None))
    return {code: tuple(spans) for code, spans in out.items()}


@cache
def _by_parent() -> dict[str, tuple[str, ...]]:
    """parent code → the codes the table lists under it at some date."""
    out: dict[str, list[str]] = {}
    for code, spans in dated_units().items():
        for parent in dict.fromkeys(s.parent_code for s in spans):
            out.setdefault(parent, []).append(code)
    return {parent: tuple(codes) for parent, codes in out.items()}


def in_force(code: str, period: Period) -> DatedUnit | None | bool:
    """The unit's dated state at the end of ``period``: a :class:`DatedUnit`, False when it did
    not exist then, None when the table does not list it (the current list holds)."""
    spans = dated_units().get(code)
    if spans is None:
        return None
    day = period_end(period)
    return next((s for s in spans if s.holds(day)), False)


def unit_in(unit: Unit, period: Period) -> Unit:
    """``unit`` under the name and parent it had at the end of ``period`` (legacy scheme)."""
    if unit.scheme != LEGACY:
        return unit
    state = in_force(unit.code, period)
    if not isinstance(state, DatedUnit) or (state.name, state.parent_code or None) == \
            (unit.name, unit.parent_code):
        return unit
    division = next((p for p in PREFIXES if state.name.startswith(p + " ")), unit.division)
    return Unit(unit.scheme, unit.code, state.name, unit.tier, state.parent_code or
                unit.parent_code, division, unit.extra)


def children_in(registry, parent_code: str, period: Period) -> list[Unit]:
    """The direct children of ``parent_code`` at the end of ``period``: the current list's,
    without those that did not exist or belonged elsewhere then, with those that did."""
    out = []
    try:
        current = registry.children(parent_code)
    except UnitNotFound:  # a unit of the past, gone from the current list
        current = []
    for unit in current:
        state = in_force(unit.code, period)
        if state is None:
            out.append(unit)
        elif isinstance(state, DatedUnit) and state.parent_code == parent_code:
            out.append(unit_in(unit, period))
    known = {u.code for u in out}
    day = period_end(period)
    table = dated_units()
    for code in _by_parent().get(parent_code, ()):
        spans = table[code]
        if code in known:
            continue
        state = next((s for s in spans if s.holds(day)), None)
        if state is not None and state.parent_code == parent_code:
            division = next((p for p in PREFIXES if state.name.startswith(p + " ")), "")
            out.append(Unit(LEGACY, code, state.name, _TIER.get(len(code), ""), parent_code,
                            division))
    return sorted(out, key=lambda u: (u.extra, u.code))


def descendants_in(registry, unit: Unit, period: Period, tier: str = "xa") -> list[Unit]:
    """Every unit of ``tier`` below ``unit`` at the end of ``period``."""
    out, stack = [], [unit.code]
    while stack:
        for child in children_in(registry, stack.pop(), period):
            if child.tier == tier:
                out.append(child)
            elif child.tier != "xa":
                stack.append(child.code)
    return out
