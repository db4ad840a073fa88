"""National roll-up in one run: the intermediate levels (districts, provinces) are built on the way."""
from __future__ import annotations

import shutil
from pathlib import Path

from openpyxl import load_workbook

from kh_excel.forms import layout as L
from kh_excel.reading import read_form
from kh_excel.rollups import rollup, write_rollup_workbook
from kh_excel.rollups.model import MISSING, PARTIAL

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NA_RI = EXAMPLES / "na-ri-2023"
THAI_NGUYEN = EXAMPLES / "thai-nguyen-2025"
CODES = ("hoi_vien", "dan_so", "quy_van_dong", "hoc_bong_suat", "hoc_bong_tien", "xa_cdht_dat")


def test_legacy_nation_from_commune_forms_goes_through_districts_and_provinces(tmp_path):
    nation = rollup([NA_RI], unit="Việt Nam", period="2023")
    province = rollup([NA_RI], unit="Tỉnh Bắc Kạn", period="2023")
    assert nation.levels == ("xa", "huyen", "tinh", "tw", "tong")
    assert len(nation.children) == 63
    bac_kan = next(c for c in nation.children if c.unit.name == "Tỉnh Bắc Kạn")
    assert bac_kan.status == PARTIAL and (bac_kan.received, bac_kan.expected) == (17, 108)
    assert sum(c.status == MISSING for c in nation.children) == 62
    for code in CODES:
        for level in ("xa", "huyen", "tong"):
            assert nation.value(code, level) == province.value(code, level), (code, level)
    out = write_rollup_workbook(nation, tmp_path / "vn.xlsx")
    rows = list(load_workbook(out, read_only=True)[L.PER_UNIT_SHEET].iter_rows(min_row=4, values_only=True))
    names = [r[2] for r in rows if r[1]]
    assert len(names) == 63 and "Thành phố Hà Nội" in names and "Tỉnh Bắc Kạn" in names
    again = read_form(out).submission
    assert again.tier == "tw" and again.value("hoi_vien", "tong") == nation.value("hoi_vien", "tong")


def test_two_tier_nation_from_communes_and_a_province_own_form():
    nation = rollup([THAI_NGUYEN], unit="VN", period="2025")
    province = rollup([THAI_NGUYEN], unit="Tỉnh Thái Nguyên", period="2025")
    assert nation.levels == ("xa", "tinh", "tw", "tong") and len(nation.children) == 34
    for code in CODES:
        for level in ("xa", "tinh", "tong"):
            assert nation.value(code, level) == province.value(code, level), (code, level)
    assert (nation.leaf_received, nation.leaf_expected) == (6, 3321)


def test_the_national_roll_up_makes_the_same_checks(tmp_path):
    # A commune sent twice is an error naming both files and is left out of the sums; a form
    # of another period or scheme is left out with an error; the sums are the others'.
    folder = tmp_path / "ca-nuoc"
    shutil.copytree(THAI_NGUYEN, folder)
    twice = folder / "2025_02155_xa-na-ri.xlsx"
    again = shutil.copyfile(twice, folder / "Na Ri gui lai.xlsx")
    shutil.copyfile(next(NA_RI.glob("2023_021*.xlsx")), folder / "bieu-nam-2023.xlsx")
    nation = rollup([folder], unit="Việt Nam", period="2025")
    by_rule = {f.rule: f for f in nation.findings}
    assert str(twice) in by_rule["trung_tep"].message and str(again) in by_rule["trung_tep"].message
    assert "2023" in by_rule["sai_ky_bao_cao"].message
    assert nation.has_errors and (nation.leaf_received, nation.leaf_expected) == (5, 3321)
    na_ri = read_form(twice).submission
    expected = rollup([THAI_NGUYEN], unit="Việt Nam", period="2025")
    for code in ("hoi_vien", "quy_van_dong"):
        assert nation.value(code, "xa") == expected.value(code, "xa") - na_ri.value(code, "xa")
    out = write_rollup_workbook(nation, tmp_path / "vn.xlsx")
    rules = {r[6] for r in load_workbook(out, read_only=True)[L.FINDINGS_SHEET]
             .iter_rows(min_row=4, values_only=True)}
    assert {"trung_tep", "sai_ky_bao_cao"} <= rules
