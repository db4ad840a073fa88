"""Year over year: last period's figures, differences, and the checks across periods (DESIGN §4.6)."""
from __future__ import annotations

import os
from decimal import Decimal

from ..catalogue import Catalogue, load_catalogue
from ..errors import InvalidPeriod, UsageError
from ..model import Finding, Number, Severity
from ..numfmt import format_number
from ..periods import Period
from ..reading import read_form
from ..units import Unit
from .aggregate import totals_and_ratios
from .collect import HELD_BY

JUMP = Decimal("0.5")      # a change of more than 50% is worth a look
MIN_JUMP_BASE = 20         # … unless last period's figure is small


def read_previous(path: str | os.PathLike, unit: Unit, scheme: str, period: Period,
                  levels: tuple[str, ...], lang: str = "vi"
                  ) -> tuple[dict[tuple[str, str], Number], Period]:
    """Last period's figures of ``unit``, by (code, level), and that period, from its roll-up
    or from a filled form of the unit: its Tổng cộng where it states one, else the sum of its
    levels. Raises :class:`UsageError` for a file of another unit, scheme or a later period."""
    result = read_form(path, lang=lang)
    prev = result.submission
    held = next((f for f in result.findings if f.rule in HELD_BY), None)
    if held is not None:
        raise UsageError(detail=f"Tệp kỳ trước {path}: {held.message}",
                         detail_en=f"The previous file {path}: {held.message}")
    if prev.unit_code != unit.code or prev.scheme != scheme:
        raise UsageError(
            detail=f"Tệp kỳ trước {path} là của {prev.unit_name or '?'} ({prev.scheme}), không phải "
                   f"của {unit.name} ({scheme}). Hãy chọn đúng tệp tổng hợp hoặc biểu của "
                   f"{unit.name} kỳ trước.",
            detail_en=f"The previous file {path} is for {prev.unit_name} ({prev.scheme}), not "
                      f"{unit.name} ({scheme}).")
    try:
        prev_period = Period.parse(prev.period)
    except InvalidPeriod:
        raise UsageError(detail=f"Tệp kỳ trước {path} không ghi kỳ báo cáo. Hãy chọn tệp tổng hợp "
                                f"hoặc biểu đã điền của {unit.name} kỳ trước.",
                         detail_en=f"The previous file {path} has no period.") from None
    if prev_period.end >= period.end:
        raise UsageError(
            detail=f"Tệp kỳ trước {path} là kỳ {prev_period}, không trước kỳ {period}.",
            detail_en=f"The previous file {path} is for {prev_period}, not before {period}.")
    values = dict(prev.values)
    stated = frozenset(k for k, p in prev.provenance.items()
                       if k[1] == "tong" and k in values and p.how != "computed")
    totals_and_ratios(values, levels, load_catalogue(), keep=stated)
    return values, prev_period


def compare(values: dict[tuple[str, str], Number], previous: dict[tuple[str, str], Number],
            period: Period, previous_period: Period, unit: Unit, catalogue: Catalogue,
            lang: str = "vi") -> list[Finding]:
    """Warnings for falling stocks and large jumps; errors for six-month flows above the year."""
    findings: list[Finding] = []
    same_kind = period.annual == previous_period.annual
    h1_of_this_year = (period.annual and previous_period.half == 1
                       and previous_period.year == period.year)

    def add(rule, severity, vi, en, ind, now, before):
        findings.append(Finding(rule, severity, en if lang == "en" else vi, unit=unit.code,
                                unit_name=unit.name, left=now, right=before))

    for ind in catalogue:
        if ind.derived or ind.agg not in ("sum", "count"):
            continue
        now, before = values.get((ind.code, "tong")), previous.get((ind.code, "tong"))
        if now is None or before is None:
            continue
        label, unit_word = ind.label, ind.unit
        if h1_of_this_year and ind.nature == "flow" and before > now:
            add("sau_thang_lon_hon_ca_nam", Severity.LOI,
                f"{label}: 6 tháng đầu năm {period.year} là {format_number(before)} {unit_word}, lớn "
                f"hơn cả năm {period.year} ({format_number(now)} {unit_word}). Số cả năm phải bao gồm "
                "số 6 tháng đầu năm.",
                f"{ind.code}: the first half of {period.year} ({before}) exceeds the whole year ({now}).",
                ind, now, before)
            continue
        if ind.nature == "stock" and now < before:
            add("chi_tieu_ton_giam", Severity.CANH_BAO,
                f"{label} giảm từ {format_number(before)} {unit_word} ({previous_period.label()}) xuống "
                f"{format_number(now)} {unit_word}. Nếu đúng, hãy nêu lý do trong báo cáo.",
                f"{ind.code} fell from {before} ({previous_period}) to {now}; explain it if right.",
                ind, now, before)
        elif (same_kind or ind.nature == "stock") and before >= MIN_JUMP_BASE and \
                abs(Decimal(now) - before) > JUMP * before:
            change = (Decimal(now) - before) * 100 / before
            add("bien_dong_lon", Severity.CANH_BAO,
                f"{label} {'tăng' if now > before else 'giảm'} {format_number(abs(change), 1)}% so "
                f"với {previous_period.label()} ({format_number(before)} → {format_number(now)} "
                f"{unit_word}). Hãy kiểm tra lại.",
                f"{ind.code} changed by {change:.1f}% since {previous_period} ({before} → {now}).",
                ind, now, before)
    return findings
