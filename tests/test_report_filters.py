"""The number phrases of the narrative: exact strings on Babel's vi locale."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kh_excel.report import filters as F
from test_report_support import parse_vi


@pytest.mark.parametrize("value, pad, text", [
    (41371, False, "41.371"), (7, True, "07"), (7, False, "7"), (10, True, "10"),
    (0, True, "0"), (1007, True, "1.007"), (Decimal(22), True, "22"),
])
def test_count(value, pad, text):
    assert F.count(value, pad) == text


def test_money_exact():
    assert F.money_exact(4_069_053_000) == "4.069.053.000 đồng"
    assert F.money_exact(Decimal(242_000_000)) == "242.000.000 đồng"
    assert F.money_exact(0) == "0 đồng"


@pytest.mark.parametrize("value, text", [
    (39_545_000_000, "39,545 tỷ đồng"),           # exact in tỷ: no word
    (4_069_053_000, "hơn 4,069 tỷ đồng"),          # rounded down: "hơn"
    (1_000_000_000, "1 tỷ đồng"),
    (900_500_000, "hơn 900 triệu đồng"),
    (900_000_000, "900 triệu đồng"),
    (242_500_000, "hơn 242 triệu đồng"),
    (999_600_000, "hơn 999 triệu đồng"),
    (16_800_000, "16,8 triệu đồng"),               # one decimal under 100 triệu
    (19_650_000, "hơn 19,6 triệu đồng"),
    (500_000, "500.000 đồng"),                     # under a million: exact đồng
])
def test_money_rounded_down(value, text):
    assert F.money_rounded(value) == text


def test_money_rounded_nearest_and_khoang():
    assert F.money_rounded(999_600_000, "nearest") == "gần 1 tỷ đồng"
    assert F.money_rounded(4_069_553_000, "nearest") == "gần 4,07 tỷ đồng"
    assert F.money_rounded(4_069_053_000, "nearest") == "hơn 4,069 tỷ đồng"
    assert F.money_rounded(4_069_053_000, "khoang") == "khoảng 4,069 tỷ đồng"
    assert F.money_rounded(39_545_000_000, "khoang") == "39,545 tỷ đồng"
    with pytest.raises(ValueError):
        F.money_rounded(1, "sometimes")


@pytest.mark.parametrize("rounding", ["down", "nearest", "khoang"])
def test_direction_word_is_right_and_never_in_front_of_an_exact_figure(rounding):
    scale = {"tỷ": Decimal(10) ** 9, "triệu": Decimal(10) ** 6}
    for value in range(1_000_000, 60_000_000_000, 123_456_789):
        text = F.money_rounded(value, rounding)
        word, _, rest = text.partition(" ") if text.split()[0] in ("hơn", "gần", "khoảng") \
            else ("", "", text)
        number, unit = rest.split()[0], rest.split()[1]
        shown = parse_vi(number) * scale.get(unit, 1)
        if shown == value:
            assert word == "", text
        elif word == "hơn":
            assert shown < value, text
        elif word == "gần":
            assert shown > value, text
        else:
            assert word == "khoảng" and rounding == "khoang", text


@pytest.mark.parametrize("value, text", [
    (Decimal("33.4249"), "33,42%"), (Decimal("2.345"), "2,35%"), (20, "20%"),
    (Decimal("34.9"), "34,9%"), (Decimal("19.9999"), "20%"), (Decimal("0.004"), "0%"),
])
def test_percent(value, text):
    assert F.percent(value) == text


@pytest.mark.parametrize("value, kwargs, text", [
    (1480, {}, "gần 1.500"), (213, {}, "hơn 200"), (1500, {}, "1.500"),
    (1480, {"rounding": "khoang"}, "khoảng 1.500"), (10_360, {"step": 1000}, "hơn 10.000"),
    (1480, {"rounding": "down"}, "hơn 1.400"), (40, {}, "40"),
])
def test_approx_count(value, kwargs, text):
    assert F.approx_count(value, **kwargs) == text


def test_fraction():
    assert F.fraction(17, 17) == "17/17"
    assert F.fraction(15, 1017) == "15/1.017"


@pytest.mark.parametrize("cur, prev, kind, noun, text", [
    (Decimal("24.5"), Decimal("24"), "pct", "", "tăng 0,5 điểm phần trăm"),
    (Decimal("20"), Decimal("21.25"), "pct", "", "giảm 1,25 điểm phần trăm"),
    (1200, 1000, "nguoi", "hội viên", "tăng 200 hội viên"),
    (800, 1000, "nguoi", "hội viên", "giảm 200 hội viên"),
    (1_125_000_000, 1_000_000_000, "dong", "", "tăng 125.000.000 đồng"),
    (100, 0, "dong", "", "tăng 100 đồng"),
    (3_595_000_000, 4_000_000_000, "dong", "", "giảm 405.000.000 đồng"),
    (5, 5, "to_chuc", "ban", "không thay đổi"),
])
def test_change(cur, prev, kind, noun, text):
    assert F.change(cur, prev, kind, noun) == text


def test_money_change_as_the_news_writes_it():
    assert F.change(4_405_000_000, 4_000_000_000, "dong", money=F.money_rounded) == \
        "tăng 405 triệu đồng"
    assert F.change(4_405_300_000, 4_000_000_000, "dong", money=F.money_rounded) == \
        "tăng hơn 405 triệu đồng"


@pytest.mark.parametrize("cur, prev, text", [
    (1125, 1000, "12,5%"), (800, 1000, "20%"), (2000, 1000, "100%"),
    (2001, 1000, ""),            # beyond ±100 %: the amount says it better
    (1_000_400, 1_000_000, ""),  # rounds to 0,0 %
    (100, 0, ""), (100, -5, ""),
])
def test_relative_change_only_when_meaningful(cur, prev, text):
    assert F.relative(cur, prev) == text


def test_dates_in_the_header_and_in_running_text():
    assert F.date_header(date(2024, 1, 5)) == "ngày 05 tháng 01 năm 2024"
    assert F.date_header(date(2024, 3, 18)) == "ngày 18 tháng 3 năm 2024"
    assert F.date_text(date(2024, 1, 18)) == "ngày 18/01/2024"
