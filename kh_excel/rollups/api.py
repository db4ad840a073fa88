"""``rollup()``: read the children's forms and the unit's own form, check them, add them up."""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from ..catalogue import load_catalogue
from ..checking import check_paths
from ..errors import UsageError
from ..model import Finding, Severity
from ..periods import Period, scheme_for
from ..registry import load_registry
from ..tiers import TIER_NAMES, form_levels
from ..units import Unit
from .aggregate import aggregate
from .collect import collect
from .compare import compare, read_previous
from .model import MISSING, PARTIAL, SUBMITTED, RollupResult
from .stated import compare_stated, stated_totals


def rollup(paths: Iterable[str | os.PathLike], unit: str | Unit, period: str | Period,
           scheme: str | None = None, own: str | os.PathLike | None = None,
           previous: str | os.PathLike | None = None, prefer_newest: bool = False,
           rules: str | None = None, extra_units: str | os.PathLike | None = None,
           lang: str = "vi", jobs: int | None = None,
           progress: Callable[[int, int], None] | None = None) -> RollupResult:
    """Roll up the forms in ``paths`` (files or folders) for ``unit`` and ``period``.

    ``own`` is the unit's own-level form (it may also simply be among ``paths``); ``previous``
    is last period's roll-up (or form) of the same unit, for the comparison.
    """
    period = Period.parse(period)
    scheme = scheme_for(period, scheme)
    registry = load_registry(scheme, extra_units)
    target = unit if isinstance(unit, Unit) else registry.find(unit, as_parent=True)
    if not registry.children(target):
        raise UsageError(
            detail=f"{target.name} là đơn vị {TIER_NAMES[target.tier]}, không có đơn vị trực thuộc để "
                   "tổng hợp. Hãy chọn huyện hoặc tỉnh (--unit).",
            detail_en=f"{target.name} has no units below it to roll up.")
    all_paths = [*paths, *([own] if own else [])]
    report = check_paths(all_paths, rules=rules, lang=lang, jobs=jobs, progress=progress)
    catalogue = load_catalogue()
    collected = collect(report.files, target, period, scheme, registry, prefer_newest, lang)
    agg = aggregate(target, scheme, registry, collected.by_unit, collected.duplicates, catalogue, lang,
                    collected.held)
    findings = [*report.findings, *collected.findings, *agg.findings]
    own_sub = collected.by_unit.get(target.code)
    if own_sub is None and target.code not in collected.held:  # held: its error says why
        findings.append(_no_own_form(target, lang))
    stated = stated_totals(own_sub, catalogue)
    if stated:  # figures typed in the own form's Tổng cộng are never ignored
        kids = agg.children
        findings.extend(compare_stated(
            target, own_sub, stated, agg.values,
            received=sum(c.status in (SUBMITTED, PARTIAL) for c in kids), expected=len(kids),
            complete=all(c.status == SUBMITTED for c in kids),
            child_tier=kids[0].unit.tier if kids else "", catalogue=catalogue, lang=lang))
    missing = [c.unit.name for c in agg.children if c.status == MISSING]
    if missing:
        findings.append(_missing_finding(target, missing, len(agg.children), lang))
    result = RollupResult(
        unit=target, parent=registry.parent(target), scheme=scheme, period=period,
        levels=form_levels(target.tier, scheme),
        values=agg.values, children=agg.children, findings=findings, files=report.files,
        own_path=own_sub.path if own_sub else None, own_texts=dict(own_sub.texts) if own_sub else {},
        leaf_received=agg.leaf_received, leaf_expected=agg.leaf_expected, stated=stated)
    theme_order = {t.code: n for n, t in enumerate(catalogue.texts)}
    result.texts = sorted(
        ((code, sub.unit_name, text) for code_, sub in sorted(collected.by_unit.items())
         if sub.unit_code != target.code for code, text in sub.texts.items()),
        key=lambda t: theme_order.get(t[0], len(theme_order)))
    for ind in catalogue:
        if ind.agg == "count":
            x = agg.values.get((ind.code, "tong"), agg.values.get((ind.code, "xa")))
            if x is not None:
                result.counts[ind.code] = (int(x), agg.leaf_expected)
    if previous:
        _attach_previous(result, previous, registry, lang)
    return result


def _missing_finding(target: Unit, names: list[str], expected: int, lang: str) -> Finding:
    shown = ", ".join(names[:15]) + (f" và {len(names) - 15} đơn vị khác" if len(names) > 15 else "")
    return Finding(
        "chua_nop", Severity.CANH_BAO,
        f"Chưa nhận biểu của {len(names)}/{expected} đơn vị: {shown} (xem trang Chưa nộp)."
        if lang != "en" else f"No form from {len(names)} of {expected} units: {shown}.",
        unit=target.code, unit_name=target.name, left=expected - len(names), right=expected)


def _no_own_form(target: Unit, lang: str) -> Finding:
    level = TIER_NAMES[target.tier]
    return Finding(
        "chua_co_bieu_cap_rieng", Severity.CANH_BAO,
        f"Chưa có biểu số liệu {level} của chính {target.association_name} (--own); cột "
        f"'{level.capitalize()}' để trống." if lang != "en" else
        f"No own-level form of {target.association_name} (--own); its own column is left blank.",
        unit=target.code, unit_name=target.name)


def _attach_previous(result: RollupResult, path, registry, lang: str) -> None:
    result.previous, result.previous_period = read_previous(
        path, result.unit, result.scheme, result.period, result.levels, lang)
    result.findings.extend(compare(result.values, result.previous, result.period,
                                   result.previous_period, result.unit, load_catalogue(), lang))
