"""Outliers learned from history: a unit's value far from its own past periods (the rules are
data: ``data/outliers.toml``). Off for a unit with fewer than two stored periods."""
from __future__ import annotations

import json
import sqlite3
import tomllib
from decimal import Decimal
from functools import cache
from statistics import median

from ..catalogue import load_catalogue
from ..errors import InvalidPeriod
from ..model import Finding, Number, Severity, Submission
from ..numfmt import format_number
from ..packaged import packaged
from ..periods import Period
from .record import FORM
from .values import from_db


@cache
def load_outlier_rules() -> tuple[dict, ...]:
    """The outlier rules shipped with the package."""
    data = tomllib.loads(packaged("data", "outliers.toml").read_text("utf-8"))
    return tuple(data.get("rule", ()))


def past_values(conn: sqlite3.Connection, subs: list[Submission], last: int
                ) -> dict[str, list[tuple[Period, dict[str, object]]]]:
    """``{unit: [(period, {"id.level": stored value}), …]}``: the latest stored form of each
    of the ``last`` periods of the same kind before each submission's period, newest first."""
    wanted: dict[str, set[str]] = {}
    for sub in subs:
        try:
            period = Period.parse(sub.period)
        except InvalidPeriod:  # a form without a valid period has no history
            continue
        wanted[sub.unit_code] = {str(Period(period.year - k, period.half))
                                 for k in range(1, last + 1)}
    # One row per stored form of these units; only the latest version of a period is parsed.
    latest: dict[tuple[str, str], tuple[int, int, str | None]] = {}
    units = sorted(wanted)
    for i in range(0, len(units), 500):
        chunk = units[i:i + 500]
        for unit, period, version, sid, packed in conn.execute(
                "SELECT unit_code, period, version, id, packed FROM submissions WHERE kind = ? "
                f"AND unit_code IN ({','.join('?' * len(chunk))})", (FORM, *chunk)):
            if period in wanted[unit] and version > latest.get((unit, period), (0,))[0]:
                latest[(unit, period)] = (version, sid, packed)
    by_id = {sid: key for key, (_v, sid, _p) in latest.items()}
    values = {sid: json.loads(packed) if packed else {}  # "indicator id.level" → value
              for _v, sid, packed in latest.values()}
    out: dict[str, list] = {}
    periods = {p: Period.parse(p) for _u, p in by_id.values()}
    for sid, (unit, period) in by_id.items():
        out.setdefault(unit, []).append((periods[period], values[sid]))
    for series in out.values():
        series.sort(key=lambda pv: pv[0], reverse=True)
    return out


def outlier_findings(conn: sqlite3.Connection, subs: list[Submission], lang: str = "vi",
                     known: dict[str, int] | None = None) -> dict[str, list[Finding]]:
    """``{sha256: findings}`` for the submissions with values outside their own history.

    The files in ``known`` (``{sha256: file id}``, recorded by an earlier run) are not worked
    out again: their outlier findings were stored with them."""
    rules = load_outlier_rules()
    if not rules or not subs:
        return {}
    if known:
        stored = _stored_outliers(conn, [s for s in subs if s.sha256 in known], known, rules)
        fresh = outlier_findings(conn, [s for s in subs if s.sha256 not in known], lang)
        return stored | fresh
    last = max(int(r.get("last_periods", 1)) for r in rules)
    history = past_values(conn, subs, last)
    ids = dict(conn.execute("SELECT code, id FROM indicator_codes"))
    catalogue = {i.code: i for i in load_catalogue()
                 if not i.derived and i.agg in ("sum", "count")}
    out: dict[str, list[Finding]] = {}
    for sub in subs:
        past = history.get(sub.unit_code, [])
        found = [f for rule in rules for f in _apply(rule, sub, past, catalogue, ids, lang)]
        if found:
            out[sub.sha256] = found
    return out


def _apply(rule: dict, sub: Submission, past, catalogue, ids: dict[str, int],
           lang: str) -> list[Finding]:
    least = int(rule.get("min_periods", 2))
    if len(past) < least:
        return []
    past = past[: int(rule.get("last_periods", len(past)))]
    money_only = rule.get("applies") == "money"
    kind = rule["kind"]
    out = []
    for (code, level), value in sub.values.items():
        ind = catalogue.get(code)  # only the summed indicators ever stored
        if ind is None or code not in ids or (money_only and ind.unit != "đồng"):
            continue
        key = f"{ids[code]}.{level}"
        series = [(p, vals[key]) for p, vals in past if key in vals]
        if len(series) < least:
            continue
        # Plain integers while deciding (fast); Decimal and words only for a finding.
        if kind == "median":
            mid = median(v if type(v) is int else from_db(v) for _p, v in series)
            if mid < rule.get("min_median", 0) or \
                    mid * rule["low"] <= value <= mid * rule["high"]:
                continue
            mid = Decimal(mid)
            hi, lo = mid * Decimal(str(rule["high"])), mid * Decimal(str(rule["low"]))
            params = {"lo": format_number(lo, 0), "hi": format_number(hi, 0),
                      "median": format_number(mid, 0), "n": len(series),
                      "periods": ", ".join(str(p) for p, _v in reversed(series))}
            reference = mid
        elif kind == "magnitude":
            before_period, before = series[0]
            before = before if type(before) is int else from_db(before)
            factor = rule.get("factor", 10)
            if not before or not value or before < value * factor and value < before * factor:
                continue
            ratio = Decimal(value) / Decimal(before)
            times = format_number(ratio if ratio > 1 else 1 / ratio, 0)
            params = {"change": f"gấp {times} lần" if ratio > 1 else f"chỉ bằng 1/{times} của",
                      "change_en": f"{times}×" if ratio > 1 else f"1/{times} of",
                      "previous": format_number(before), "previous_period": before_period.label()}
            reference = before
        else:
            continue
        params |= {"label": ind.label, "code": code, "cell": sub.cell(code, level) or "",
                   "value": format_number(value), "unit": ind.unit,
                   "unit_name": sub.unit_name or sub.unit_code}
        out.append(_finding(rule, sub, code, level, value, reference, params, lang))
    return out


def _finding(rule, sub, code, level, value, reference, params, lang) -> Finding:
    where = sub.provenance.get((code, level))
    template = rule.get("message_en", rule["message"]) if lang == "en" else rule["message"]
    return Finding(rule["id"], Severity.CANH_BAO, template.format(**params), unit=sub.unit_code,
                   unit_name=sub.unit_name, file=sub.path, sheet=where.sheet if where else None,
                   cell=where.cell if where else None, left=value,
                   right=reference if isinstance(reference, int) else Decimal(reference))


def _stored_outliers(conn: sqlite3.Connection, subs: list[Submission], known: dict[str, int],
                     rules) -> dict[str, list[Finding]]:
    """The outlier findings recorded with files seen before."""
    by_file = {known[s.sha256]: s for s in subs}
    ids, names = sorted(by_file), [r["id"] for r in rules]
    out: dict[str, list[Finding]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for file_id, rule, sheet, cell, message in conn.execute(
                "SELECT file_id, rule, sheet, cell, message FROM findings WHERE file_id IN "
                f"({','.join('?' * len(chunk))}) AND rule IN ({','.join('?' * len(names))})",
                (*chunk, *names)):
            sub = by_file[file_id]
            out.setdefault(sub.sha256, []).append(Finding(
                rule, Severity.CANH_BAO, message, unit=sub.unit_code, unit_name=sub.unit_name,
                file=sub.path, sheet=sheet, cell=cell))
    return out
