"""Outliers learned from a unit's own stored periods (data/outliers.toml)."""
from __future__ import annotations

from kh_excel import app
from kh_excel.forms.writer import FormSpec
from kh_excel.periods import Period
from tests.formfiles import XA_VALUES, filled


def form(tmp_path, units, year: int, **changes):
    values = dict(XA_VALUES)
    values.update({(code, "xa"): v for code, v in changes.items()})
    spec = FormSpec("xa", "legacy-3tier", Period(year), units["van_vu"], units["na_ri"])
    return filled(tmp_path / str(year), spec, values, name=f"{year}.xlsx")


def test_no_outlier_rule_with_fewer_than_two_stored_periods(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    app.check([form(tmp_path, units, 2022)], store=store)
    report = app.check([form(tmp_path, units, 2023, hoi_vien=8200)], store=store)
    assert [f.rule for f in report.findings if f.rule in ("ngoai_khoang_lich_su",
                                                          "tien_nhay_bac")] == []


def test_a_value_far_from_the_units_own_past_is_a_warning_with_the_range(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    app.check([form(tmp_path, units, 2021, hoi_vien=800)], store=store)
    app.check([form(tmp_path, units, 2022, hoi_vien=850)], store=store)
    now = form(tmp_path, units, 2023, hoi_vien=8200, quy_van_dong=45_600)
    report = app.check([now], store=store)
    found = {(f.rule, f.cell): f for f in report.findings
             if f.rule in ("ngoai_khoang_lich_su", "tien_nhay_bac")}
    hv = next(f for (rule, _c), f in found.items() if rule == "ngoai_khoang_lich_su"
              and "hội viên" in f.message and f.left == 8200)
    # Median of 800 and 850 is 825: the usual range is 825/3 … 3 × 825.
    assert "ngoài khoảng thường thấy của Xã Văn Vũ: 275 – 2.475 người" in hv.message
    assert "trung vị 825 của 2 kỳ trước: 2021, 2022" in hv.message
    assert hv.severity.value == "canh_bao" and hv.sheet == "Biểu số liệu"
    money = [f for (rule, _c), f in found.items() if rule == "tien_nhay_bac"]
    assert len(money) == 1 and money[0].left == 45_600 and money[0].right == 45_600_000
    assert "là 45.600 đồng, chỉ bằng 1/1.000 của 45.600.000 đồng của năm 2022" in money[0].message
    # Values within their range say nothing.
    assert not any(f.left == XA_VALUES[("hoc_bong_suat", "xa")] for f in found.values())


def test_the_rollup_shows_outliers_of_forms_checked_before(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    app.check([form(tmp_path, units, 2021, hoi_vien=800)], store=store)
    app.check([form(tmp_path, units, 2022, hoi_vien=850)], store=store)
    now = form(tmp_path, units, 2023, hoi_vien=8200)
    checked = [f for f in app.check([now], store=store).findings
               if f.rule == "ngoai_khoang_lich_su"]
    assert checked
    result = app.rollup([now], unit="Huyện Na Rì", period="2023", store=store)
    again = [f for f in result.findings if f.rule == "ngoai_khoang_lich_su"]
    assert [(f.message, f.cell) for f in again] == [(f.message, f.cell) for f in checked]


def test_the_rollup_works_out_outliers_of_new_forms(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    app.check([form(tmp_path, units, 2021, hoi_vien=800)], store=store)
    app.check([form(tmp_path, units, 2022, hoi_vien=850)], store=store)
    result = app.rollup([form(tmp_path, units, 2023, hoi_vien=8200)], unit="Huyện Na Rì",
                        period="2023", store=store)
    assert [f.left for f in result.findings if f.rule == "ngoai_khoang_lich_su"] == [8200]
