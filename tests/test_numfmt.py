"""Numbers written the Vietnamese way, rounded as people round (half-up, not half-even)."""
from decimal import Decimal

import pytest

from kh_excel.numfmt import format_number, round_half_up


def test_whole_numbers_use_dots_between_thousands():
    assert format_number(4_069_053_000) == "4.069.053.000"
    assert format_number(39_545_000_000) == "39.545.000.000"
    assert format_number(999) == "999"
    assert format_number(0) == "0"
    assert format_number(-1_234_567) == "-1.234.567"


def test_decimals_use_a_comma_and_round_half_up():
    assert format_number(Decimal("33.4166"), 2) == "33,42"
    # Babel alone rounds half-even: 2,345 would become 2,34 and 0,125 would become 0,12.
    assert format_number(Decimal("2.345"), 2) == "2,35"
    assert format_number(Decimal("0.125"), 2) == "0,13"
    assert format_number(Decimal("2.5"), 0) == "3"
    assert format_number(Decimal("1234567.891"), 1) == "1.234.567,9"


def test_places_gives_exactly_that_many_decimals_unless_trimmed():
    assert format_number(Decimal("33.4"), 2) == "33,40"
    assert format_number(Decimal("33.4"), 2, trim=True) == "33,4"
    assert format_number(Decimal("50000.00"), 2, trim=True) == "50.000"
    assert format_number(12, 2) == "12,00"


def test_without_places_every_digit_is_kept():
    assert format_number(Decimal("0.3341666")) == "0,3341666"
    assert format_number(Decimal("0.334")) == "0,334"
    assert format_number(Decimal("1E+3")) == "1.000"


def test_no_negative_zero():
    assert format_number(Decimal("-0.001"), 2) == "0,00"
    assert format_number(Decimal("-0")) == "0"


def test_floats_are_taken_by_their_shortest_repr():
    assert format_number(0.1, 2) == "0,10"
    assert format_number(33.41666666666667, 2) == "33,42"
    assert format_number(1e3) == "1.000"


def test_round_half_up():
    assert round_half_up(Decimal("12.345"), 2) == Decimal("12.35")
    assert round_half_up(-Decimal("12.345"), 2) == Decimal("-12.35")
    assert str(round_half_up(7, 2)) == "7.00"


@pytest.mark.parametrize("bad", ["12", True, None])
def test_only_numbers(bad):
    with pytest.raises(TypeError):
        format_number(bad)
