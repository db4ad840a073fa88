"""Vietnamese number phrases for the narrative, built on Babel's ``vi`` locale (``numfmt``).

Pure functions of numbers; the template filters in :mod:`.narrative` wrap them with the figure
they print. Conventions (``shared/domain/style.md``):

* counts: ``41.371``; small counts may be zero-padded (``07``) — one rule per document;
* money, exact: ``4.069.053.000 đồng``; rounded (news items): ``39,545 tỷ đồng`` from a billion
  up, ``900 triệu đồng`` from 100 million, ``16,8 triệu đồng`` from a million, exact đồng below;
  rounding is *down*, so a rounded amount always reads ``hơn …`` (never overstated);
* a rounded figure carries its direction word: ``hơn`` when the true value is larger than the
  one printed, ``gần`` when it is smaller, ``khoảng`` when the document prefers "nearest";
  never a word in front of an exact figure;
* percentages: at most two decimals, half-up, ``33,42%``; a ratio printed at its precision is
  not an approximation and carries no word;
* changes against last period are net changes: counts in their unit, money as an amount
  (``tăng 405 triệu đồng``, the relative change beside it only where it means something),
  rates in percentage points (``tăng 0,5 điểm phần trăm``).
"""
from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from ..numfmt import format_number, round_half_up, to_decimal

Number = int | Decimal
BILLION = Decimal(10) ** 9
MILLION = Decimal(10) ** 6
PCT_PLACES = 2
ROUNDINGS = ("down", "nearest", "khoang")  # money_rounded: how a rounded amount is obtained


def direction_word(true: Number, shown: Number, rounding: str = "nearest") -> str:
    """``hơn`` (true > shown), ``gần`` (true < shown), ``khoảng`` (any, when asked), '' (exact)."""
    true, shown = to_decimal(true), to_decimal(shown)
    if true == shown:
        return ""
    if rounding == "khoang":
        return "khoảng"
    return "hơn" if true > shown else "gần"


def with_word(word: str, text: str) -> str:
    return f"{word} {text}" if word else text


def count(value: Number, pad: bool = False) -> str:
    """``41.371``; with ``pad`` the counts 1–9 get a leading zero (``07``)."""
    d = to_decimal(value)
    if d != d.to_integral_value():
        return format_number(d, PCT_PLACES, trim=True)
    text = format_number(int(d))
    return "0" + text if pad and 0 < d < 10 else text


def money_exact(value: Number) -> str:
    """``4.069.053.000 đồng``: every digit."""
    d = to_decimal(value)
    if d == d.to_integral_value():
        return f"{format_number(int(d))} đồng"
    return f"{format_number(d, PCT_PLACES, trim=True)} đồng"


def _scaled(d: Decimal, scale: Decimal, places: int, rounding: str) -> Decimal:
    mode = ROUND_DOWN if rounding == "down" else ROUND_HALF_UP
    shown = (d / scale).quantize(Decimal(1).scaleb(-places), rounding=mode)
    return shown.copy_abs() if shown.is_zero() else shown


def money_rounded(value: Number, rounding: str = "down") -> str:
    """``hơn 4,069 tỷ đồng``, ``39,545 tỷ đồng``, ``hơn 900 triệu đồng``; under a million exact.

    ``rounding``: ``down`` (default: the word is always ``hơn``), ``nearest`` (``hơn``/``gần``)
    or ``khoang`` (nearest, the word ``khoảng``).
    """
    if rounding not in ROUNDINGS:
        raise ValueError(f"rounding must be one of {ROUNDINGS}")
    d = to_decimal(value)
    if abs(d) < MILLION:
        return money_exact(d)
    # Three decimals of a billion; a whole million from 100 triệu, one decimal below.
    unit, scale, places = ("tỷ đồng", BILLION, 3) if abs(d) >= BILLION else \
        ("triệu đồng", MILLION, 0 if abs(d) >= 100 * MILLION else 1)
    shown = _scaled(d, scale, places, rounding)
    if unit == "triệu đồng" and abs(shown) >= 1000:  # 999,6 triệu rounds to a billion
        unit, scale, places = "tỷ đồng", BILLION, 3
        shown = _scaled(d, scale, places, rounding)
    word = direction_word(d, shown * scale, rounding)
    return with_word(word, f"{format_number(shown, places, trim=True)} {unit}")


def percent(value: Number, places: int = PCT_PLACES) -> str:
    """``33,42%``, ``34,9%``, ``20%``: half-up at ``places`` decimals, trailing zeros dropped."""
    return f"{format_number(value, places, trim=True)}%"


def per_person(value: Number) -> str:
    """A money average per person, whole đồng: ``69.600 đồng/người``; ``dưới 1 đồng`` when it
    would round to 0 (a fund typed in thousands), never a bare 0."""
    if 0 < to_decimal(value) < Decimal("0.5"):
        return "dưới 1 đồng"
    return f"{format_number(round_half_up(value, 0))} đồng"


def approx_count(value: Number, step: int = 100, rounding: str = "nearest") -> str:
    """A count rounded to a multiple of ``step`` with its word: 1.480 → ``gần 1.500``."""
    if step < 1:
        raise ValueError("step must be >= 1")
    d = to_decimal(value)
    mode = ROUND_DOWN if rounding == "down" else ROUND_HALF_UP
    shown = (d / step).quantize(Decimal(1), rounding=mode) * step
    if shown == 0:  # 40 at step 100: say the figure itself rather than "gần 0"
        return count(d)
    return with_word(direction_word(d, shown, rounding), format_number(int(shown)))


def fraction(part: Number, whole: Number) -> str:
    """``17/17``."""
    return f"{count(part)}/{count(whole)}"


def change(current: Number, previous: Number, kind: str, noun: str = "",
           pad: bool = False, money=None) -> str:
    """``tăng 1.234 hội viên``, ``giảm 405.000.000 đồng``, ``tăng 0,5 điểm phần trăm``,
    ``không thay đổi``: the net change, never a count of things added.

    ``kind`` is the catalogue kind: ``pct`` gives percentage points, money (``dong``,
    ``dong_nguoi``) the amount as ``money`` writes it (exact by default), anything else the
    difference in ``noun``.
    """
    cur, prev = to_decimal(current), to_decimal(previous)
    if kind == "pct":
        diff = round_half_up(cur - prev, PCT_PLACES)
        text = f"{format_number(abs(diff), PCT_PLACES, trim=True)} điểm phần trăm"
    else:
        diff = cur - prev
        if kind in ("dong", "dong_nguoi"):
            text = (money or money_exact)(abs(diff))
        else:
            text = f"{count(abs(diff), pad)} {noun}".rstrip()
    if diff == 0:
        return "không thay đổi"
    return f"{'tăng' if diff > 0 else 'giảm'} {text}"


MAX_RELATIVE = 100  # a change beyond ±100 % says more as an amount than as a percentage


def relative(current: Number, previous: Number) -> str:
    """``12,5%``: the change relative to last period, '' when it means nothing (last period
    0 or negative, a change that rounds to 0 or exceeds ±100 %)."""
    cur, prev = to_decimal(current), to_decimal(previous)
    if prev <= 0:
        return ""
    pct = round_half_up((cur - prev) / prev * 100, 1)
    if pct == 0 or abs(pct) > MAX_RELATIVE:
        return ""
    return f"{format_number(abs(pct), 1, trim=True)}%"


def date_header(day: date) -> str:
    """``ngày 05 tháng 01 năm 2024`` (Nghị định 30: day < 10 and months 1–2 take a zero)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def date_text(day: date) -> str:
    """``ngày 18/01/2024`` for running text."""
    return f"ngày {day.day:02d}/{day.month:02d}/{day.year}"


BLANK_DATE = "ngày … tháng … năm …"
