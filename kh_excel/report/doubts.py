"""What the checker doubts: the figures and comparisons a report must not state as fact.

The rulebook is run on this period's figures (a form's findings are already known; a roll-up
is a filled form of its tier, so its totals are checked the same way) and on last period's
figures, and the roll-up's checks across periods (``rollups.compare``) on each change. A
finding is tied to the indicators of its cell; a ratio is doubted when its parts are.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogue import Catalogue
from ..model import Finding, Provenance, Severity, Submission
from ..periods import Period
from ..rollups.compare import compare
from ..rules import check_submission
from .inputs import ReportInput

# Checks across periods that doubt the change itself. A falling stock is a warning too, but it
# asks for an explanation, not a correction: the fall is reported (and weighs on the judgement).
DOUBTED_CHANGES = ("bien_dong_lon", "sau_thang_lon_hon_ca_nam")
# A count of awards without its money (or the reverse) last period says nothing against either.
PAIR_RULES = ("co_suat_thieu_tien", "co_tien_thieu_suat")
_PREVIOUS = "kỳ trước"


@dataclass
class Doubts:
    """Findings by indicator code: on this period's figure (errors), on last period's figure,
    and on the change between them."""

    current: dict[str, list[Finding]] = field(default_factory=dict)
    previous: dict[str, list[Finding]] = field(default_factory=dict)
    changes: dict[str, list[Finding]] = field(default_factory=dict)


def _by_code(findings: list[Finding], sub: Submission) -> dict[str, list[Finding]]:
    where = {(p.sheet, p.cell): code for (code, _lv), p in sub.provenance.items()}
    out: dict[str, list[Finding]] = {}
    for f in findings:
        code = where.get((f.sheet, f.cell))
        if code is not None:
            out.setdefault(code, []).append(f)
    return out


def find_doubts(inp: ReportInput, cat: Catalogue, previous_period: Period | None,
                lang: str = "vi") -> Doubts:
    """The doubts about the figures of ``inp`` (and last period's, when it has them)."""
    sub = inp.submission
    findings = inp.findings if not inp.is_rollup else check_submission(sub, lang=lang)
    errors = [f for f in findings if f.severity is Severity.LOI]
    doubts = Doubts(current=_by_code(errors, sub))
    if not inp.previous or previous_period is None:
        return doubts
    # Last period's figures (the unit's totals) checked as a commune form: one level, so every
    # rule about a single value applies; each "cell" names its indicator.
    totals: dict[str, object] = {}
    for (code, level), value in inp.previous.items():
        if level == "tong" or (level == inp.tier and code not in totals):
            totals[code] = value
    meta = {**sub.meta, "period": str(previous_period), "tier": "xa"}
    prev = Submission(f"{inp.path} ({_PREVIOUS})", sub.sha256, meta,
                      {(code, "xa"): v for code, v in totals.items()},
                      {(code, "xa"): Provenance(_PREVIOUS, _PREVIOUS, code) for code in totals})
    doubts.previous = _by_code([f for f in check_submission(prev, lang=lang)
                                if f.rule not in PAIR_RULES], prev)
    values = {k: v for k, v in sub.values.items() if v is not None}
    for ind in cat:
        found = [f for f in compare(values, inp.previous, inp.period, previous_period, inp.unit,
                                    [ind], lang) if f.rule in DOUBTED_CHANGES]
        if found:
            doubts.changes[ind.code] = found
    return doubts


def reason(doubts: Doubts, codes: tuple[str, ...]) -> str:
    """Why a comparison of these indicators is left out ('' when it is not)."""
    for code in codes:
        if code in doubts.current:
            return f"số liệu kỳ này có lỗi: {doubts.current[code][0].message}"
        if code in doubts.previous:
            return f"số liệu kỳ trước bị kiểm tra đánh dấu: {doubts.previous[code][0].message}"
        if code in doubts.changes:
            return f"mức thay đổi bị kiểm tra đánh dấu: {doubts.changes[code][0].message}"
    return ""
