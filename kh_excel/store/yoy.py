"""Year over year without files: last period's figures of the same unit, taken from the store
and fed into the roll-up exactly where ``--previous FILE`` puts them."""
from __future__ import annotations

import sqlite3

from ..catalogue import load_catalogue
from ..periods import Period
from ..rollups.aggregate import totals_and_ratios
from ..rollups.compare import compare
from .queries import Stored, previous_period, stored_totals

SIX_MONTHS_RULE = "sau_thang_lon_hon_ca_nam"


def own_level(tier: str) -> str:
    return {"tw": "tw"}.get(tier, tier)


def find_previous(conn: sqlite3.Connection, unit_code: str, tier: str, scheme: str,
                  period: Period) -> Stored | None:
    """The stored figures of the period this one is compared with (same unit, same scheme)."""
    return stored_totals(conn, unit_code, scheme, previous_period(period), own_level(tier))


def attach_stored_previous(result, conn: sqlite3.Connection, lang: str = "vi") -> Stored | None:
    """Give a roll-up last period's figures from the store, as ``--previous`` would; for a year,
    also check it against the stored first half of the same year. Returns what was used."""
    catalogue = load_catalogue()
    found = find_previous(conn, result.unit.code, result.unit.tier, result.scheme, result.period)
    if found is not None:
        result.previous = dict(found.values)
        totals_and_ratios(result.previous, result.levels, catalogue)
        result.previous_period = Period.parse(found.period)
        result.previous_source = found.describe(lang)
        result.findings.extend(compare(result.values, result.previous, result.period,
                                       result.previous_period, result.unit, catalogue, lang))
    if result.period.annual:
        half = stored_totals(conn, result.unit.code, result.scheme, Period(result.period.year, 1),
                             own_level(result.unit.tier))
        if half is not None:
            h1 = dict(half.values)
            totals_and_ratios(h1, result.levels, catalogue)
            result.findings.extend(
                f for f in compare(result.values, h1, result.period, Period(result.period.year, 1),
                                   result.unit, catalogue, lang) if f.rule == SIX_MONTHS_RULE)
    return found
