"""Periods, and the scheme each period belongs to."""
import pytest

from kh_excel.errors import InvalidPeriod, SchemeMismatch, UnknownScheme
from kh_excel.periods import LEGACY, TWO_TIER, Period, scheme_for


@pytest.mark.parametrize("text, year, half, label", [
    ("2024", 2024, None, "năm 2024"),
    ("2024-H1", 2024, 1, "6 tháng đầu năm 2024"),
    (" 2023-h1 ", 2023, 1, "6 tháng đầu năm 2023"),
])
def test_parse(text, year, half, label):
    p = Period.parse(text)
    assert (p.year, p.half, p.label()) == (year, half, label)


@pytest.mark.parametrize("text", ["24", "2024-H2", "2024-Q1", "năm 2024", "", "1999", "2024H1x"])
def test_invalid_periods(text):
    with pytest.raises(InvalidPeriod) as err:
        Period.parse(text)
    assert "không hợp lệ" in err.value.message()


@pytest.mark.parametrize("period, scheme", [
    ("2023", LEGACY), ("2024", LEGACY), ("2025-H1", LEGACY), ("2025", TWO_TIER), ("2026-H1", TWO_TIER),
])
def test_default_scheme_follows_the_period(period, scheme):
    assert scheme_for(Period.parse(period)) == scheme


def test_scheme_mismatch_and_unknown_scheme():
    with pytest.raises(SchemeMismatch) as err:
        scheme_for(Period.parse("2026"), LEGACY)
    assert "1/7/2025" in err.value.message()
    with pytest.raises(SchemeMismatch):
        scheme_for(Period.parse("2024"), TWO_TIER)
    with pytest.raises(UnknownScheme):
        scheme_for(Period.parse("2024"), "three-tier")
    assert scheme_for(Period.parse("2024-H1"), LEGACY) == LEGACY
