"""Numbers written the Vietnamese way: ``4.069.053.000``, ``33,42`` (Babel's ``vi`` locale)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

LOCALE = "vi"


def to_decimal(value: int | float | Decimal) -> Decimal:
    """An exact Decimal for an int, Decimal or float (a float by its shortest repr: 0.1 → 0.1)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise TypeError(f"not a number: {value!r}")
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: int | float | Decimal, places: int) -> Decimal:
    """Round as people do (2,345 → 2,35), not half-even as Babel and ``round`` do."""
    d = to_decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return d.copy_abs() if d.is_zero() else d  # no "-0,00"


def format_number(value: int | float | Decimal, places: int | None = None, *,
                  trim: bool = False) -> str:
    """Vietnamese digits: ``4.069.053.000``; with ``places`` rounded half-up (``33,42``).

    ``places=None`` writes every digit the value has; ``trim=True`` drops trailing zeros
    after rounding (``33,40`` → ``33,4``, ``50.000,00`` → ``50.000``).
    """
    # Imported on first use (10 ms): checking forms that have no problem formats no number.
    from babel.numbers import format_decimal
    if places is None:
        d = to_decimal(value)
        if d.is_zero():
            d = Decimal(0)
        return format_decimal(d, locale=LOCALE, decimal_quantization=False)
    if places < 0:
        raise ValueError("places must be >= 0")
    d = round_half_up(value, places)
    decimals = ("#" if trim else "0") * places
    pattern = "#,##0" + (f".{decimals}" if places else "")
    return format_decimal(d, format=pattern, locale=LOCALE)
