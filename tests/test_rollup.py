"""Roll-up across tiers: totals recomputed independently from the forms, completeness, cross-form
checks, year over year, both schemes, and the workbook as the next tier's input."""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import kh_excel
from kh_excel.catalogue import load_catalogue
from kh_excel.forms import layout as L
from kh_excel.forms.fill import fill_form
from kh_excel.forms.writer import FormSpec, write_form
from kh_excel.periods import Period
from kh_excel.reading import read_form
from kh_excel.registry import load_registry
from kh_excel.rollups import rollup, write_rollup_workbook

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NA_RI = EXAMPLES / "na-ri-2023"
THAI_NGUYEN = EXAMPLES / "thai-nguyen-2025"
SUMMABLE = [i.code for i in load_catalogue() if i.agg in ("sum", "count")]


def named_values(path: Path) -> dict[tuple[str, str], float]:
    """Every value cell of a form, by defined name, read with openpyxl (not with kh-excel)."""
    wb = load_workbook(path, data_only=True)
    out = {}
    for name, dn in wb.defined_names.items():
        parsed = L.parse_value_name(name)
        if not parsed:
            continue
        (sheet, ref), = dn.destinations
        value = wb[sheet][ref.replace("$", "")].value
        if isinstance(value, (int, float)):
            out[parsed] = value
    return out


def independent_sum(files: list[Path], levels: tuple[str, ...]) -> dict[tuple[str, str], float]:
    total: dict[tuple[str, str], float] = {}
    for f in files:
        for (code, level), v in named_values(f).items():
            if code in SUMMABLE and level in levels:
                total[(code, level)] = total.get((code, level), 0) + v
    return total


@pytest.fixture()
def na_ri(tmp_path) -> Path:
    target = tmp_path / "na-ri"
    shutil.copytree(NA_RI, target)
    return target


def test_na_ri_totals_equal_an_independent_sum_of_the_forms():
    result = rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    expected = independent_sum(sorted(NA_RI.glob("*.xlsx")), ("xa", "huyen"))
    assert expected, "no values found in the examples"
    for (code, level), v in expected.items():
        assert result.value(code, level) == v, (code, level)
    for code in SUMMABLE:
        parts = [expected.get((code, lv)) for lv in ("xa", "huyen")]
        if any(p is not None for p in parts):
            assert result.value(code, "tong") == sum(p for p in parts if p is not None), code
    # The fund: commune plus district amounts equal the combined total.
    assert result.value("quy_van_dong", "tong") == \
        expected[("quy_van_dong", "xa")] + expected[("quy_van_dong", "huyen")]
    # Ratios are recomputed from summed parts, never averaged.
    ratio = result.value("ty_le_hoi_vien", "tong")
    assert ratio == Decimal(result.value("hoi_vien", "tong")) * 100 / result.value("dan_so", "tong")
    assert (result.received, result.expected) == (17, 17)
    assert result.counts["xa_cdht_dat"] == (expected[("xa_cdht_dat", "xa")], 17)
    assert not result.has_errors


def test_the_workbook_is_a_filled_district_form_and_reads_back_as_the_next_tier_input(tmp_path):
    result = rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    out = write_rollup_workbook(result, tmp_path / "na-ri.xlsx")
    wb = load_workbook(out)
    assert {L.DATA_SHEET, L.INFO_SHEET, L.PER_UNIT_SHEET, L.FINDINGS_SHEET, L.MISSING_SHEET,
            L.ROLLUP_DATA_SHEET} <= set(wb.sheetnames)
    (sheet, ref), = wb.defined_names["KH_quy_van_dong__xa"].destinations
    assert wb[sheet][ref.replace("$", "")].value == result.value("quy_van_dong", "xa")
    (sheet, ref), = wb.defined_names["KH_quy_van_dong__tong"].destinations
    assert str(wb[sheet][ref.replace("$", "")].value).startswith("=")  # a live formula
    per_unit = wb[L.PER_UNIT_SHEET]
    names = [per_unit.cell(r, 3).value for r in range(4, 21)]
    assert len(names) == 17 and "Thị trấn Yến Lạc" in names
    assert str(per_unit.cell(21, 6).value).startswith("=SUM(")
    data = {(r[0], r[1]): r[3] for r in wb[L.ROLLUP_DATA_SHEET].iter_rows(min_row=2, values_only=True)}
    assert data[("meta", "children_received")] == 17 and data[("meta", "errors")] == 0
    again = read_form(out).submission
    assert again.meta["kind"] == "rollup" and again.tier == "huyen"
    for code in ("hoi_vien", "quy_van_dong", "hoc_bong_suat"):
        assert again.value(code, "tong") == result.value(code, "tong")


def test_a_missing_commune_shows_in_chua_nop_and_json(na_ri, tmp_path):
    victim = next(na_ri.glob("*_xa-van-vu.xlsx"))
    victim.unlink()
    result = rollup([na_ri], unit="Na Rì", period="2023")
    assert (result.received, result.expected) == (16, 17)
    assert [u.name for u in result.missing] == ["Xã Văn Vũ"]
    data = result.to_dict()
    assert data["completeness"]["received"] == 16
    assert [m["name"] for m in data["completeness"]["missing"]] == ["Xã Văn Vũ"]
    assert any(f["rule"] == "chua_nop" and "Xã Văn Vũ" in f["message"] for f in data["findings"])
    wb = load_workbook(write_rollup_workbook(result, tmp_path / "out.xlsx"))
    assert wb[L.MISSING_SHEET].cell(4, 3).value == "Xã Văn Vũ"


def test_a_duplicate_is_an_error_naming_both_files_unless_newest_is_preferred(na_ri, tmp_path):
    src = next(na_ri.glob("*_xa-kim-hy.xlsx"))
    copy = na_ri / "Kim Hy gui lai.xlsx"
    shutil.copyfile(src, copy)
    result = rollup([na_ri], unit="Na Rì", period="2023")
    dup = [f for f in result.findings if f.rule == "trung_tep"]
    assert len(dup) == 1 and str(src) in dup[0].message and str(copy) in dup[0].message
    assert result.has_errors and "Xã Kim Hỷ" in [u.name for u in result.missing]
    wb = load_workbook(write_rollup_workbook(result, tmp_path / "out.xlsx"))
    assert any("Trùng tệp" == r[3] for r in wb[L.MISSING_SHEET].iter_rows(min_row=4, values_only=True))
    newest = rollup([na_ri], unit="Na Rì", period="2023", prefer_newest=True)
    assert not newest.has_errors and newest.received == 17
    assert any(f.rule == "trung_tep_chon_moi_nhat" for f in newest.findings)


def test_a_wrong_total_in_the_own_form_shows_in_kiem_tra(tmp_path):
    broken_own = EXAMPLES / "broken" / "2023_066_huyen-na-ri_cap-rieng_sai-tong-cong.xlsx"
    communes = [p for p in NA_RI.glob("2023_021*.xlsx")]
    result = rollup(communes, unit="Na Rì", period="2023", own=broken_own)
    wrong = [f for f in result.findings if f.rule == "tong_bang_tong_cac_cap"]
    assert wrong and wrong[0].cell == "F15" and wrong[0].left == 999_000_000
    assert result.has_errors
    wb = load_workbook(write_rollup_workbook(result, tmp_path / "out.xlsx"))
    rules = [r[6] for r in wb[L.FINDINGS_SHEET].iter_rows(min_row=4, values_only=True)]
    assert "tong_bang_tong_cac_cap" in rules
    assert result.to_dict()["summary"]["loi"] >= 1


def _form(tmp_path: Path, unit_query: str, period: str, values: dict, scheme: str = "legacy-3tier",
          parent: str | None = None) -> Path:
    registry = load_registry(scheme)
    unit = registry.find(unit_query, parent=parent)
    blank = write_form(tmp_path / f"blank-{unit.code}-{period}.xlsx",
                       FormSpec(unit.tier, scheme, Period.parse(period), unit, registry.parent(unit)))
    return fill_form(blank, tmp_path / f"{period}_{unit.code}.xlsx", values)


def test_forms_from_outside_the_unit_or_another_period_are_left_out(na_ri, tmp_path):
    outside = _form(tmp_path, "Xã Cao Thượng", "2023", {("hoi_vien", "xa"): 500}, parent="Ba Bể")
    other_year = _form(tmp_path, "Xã Văn Vũ", "2024", {("hoi_vien", "xa"): 500}, parent="Na Rì")
    result = rollup([na_ri, outside, other_year], unit="Na Rì", period="2023")
    rules = {f.rule: f for f in result.findings}
    assert "ngoai_don_vi" in rules and "Ba Bể" in rules["ngoai_don_vi"].message
    assert "sai_ky_bao_cao" in rules and "2024" in rules["sai_ky_bao_cao"].message
    baseline = rollup([na_ri], unit="Na Rì", period="2023")
    assert result.value("hoi_vien", "tong") == baseline.value("hoi_vien", "tong")


def test_a_district_form_whose_cap_xa_disagrees_with_its_commune_forms(na_ri, tmp_path):
    truth = rollup([na_ri], unit="Na Rì", period="2023").value("hoi_vien", "xa")
    stated = _form(tmp_path, "Huyện Na Rì", "2023", {("hoi_vien", "xa"): truth + 10,
                                                      ("hoi_vien", "huyen"): 50})
    own = next(na_ri.glob("*_cap-rieng.xlsx"))
    own.unlink()
    result = rollup([na_ri, stated], unit="Tỉnh Bắc Kạn", period="2023")
    f = next(f for f in result.findings if f.rule == "cap_duoi_khac_tong_bieu")
    assert (f.left, f.right) == (truth + 10, truth)
    assert result.value("hoi_vien", "xa") == truth and result.value("hoi_vien", "huyen") == 50


def test_province_of_district_rollups_equals_rollup_of_all_communes(tmp_path):
    district = rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    rolled = write_rollup_workbook(district, tmp_path / "districts" / "na-ri.xlsx")
    via_districts = rollup([rolled.parent], unit="Tỉnh Bắc Kạn", period="2023")
    direct = rollup([NA_RI], unit="Tỉnh Bắc Kạn", period="2023")
    for code in SUMMABLE:
        for level in ("xa", "huyen", "tong"):
            assert via_districts.value(code, level) == direct.value(code, level), (code, level)
    assert (direct.leaf_received, direct.leaf_expected) == (17, 108)
    assert (direct.received, direct.expected) == (1, 8)


def test_two_tier_province_rolls_communes_up_directly():
    result = rollup([THAI_NGUYEN], unit="Thái Nguyên", period="2025")
    assert result.scheme == "two-tier-2025" and result.levels == ("xa", "tinh", "tong")
    files = sorted(THAI_NGUYEN.glob("*.xlsx"))
    expected = independent_sum(files, ("xa", "tinh"))
    for (code, level), v in expected.items():
        assert result.value(code, level) == v, (code, level)
    assert not any(level == "huyen" for (_c, level) in result.values)
    assert (result.received, result.expected) == (6, 92)


def test_year_over_year(tmp_path):
    current = rollup([NA_RI], unit="Na Rì", period="2023")
    members = current.value("hoi_vien", "tong")
    prev = _form(tmp_path, "Huyện Na Rì", "2022", {
        ("hoi_vien", "xa"): members + 1000, ("quy_van_dong", "xa"): 100_000_000,
        ("hoc_bong_suat", "xa"): current.value("hoc_bong_suat", "tong"),
        ("hoc_bong_tien", "xa"): current.value("hoc_bong_tien", "tong")})
    result = rollup([NA_RI], unit="Na Rì", period="2023", previous=prev)
    assert result.previous_period == Period.parse("2022")
    assert result.previous[("hoi_vien", "tong")] == members + 1000
    rules = {f.rule for f in result.findings}
    assert "chi_tieu_ton_giam" in rules     # members fell
    assert "bien_dong_lon" in rules         # the fund jumped tenfold
    half = _form(tmp_path, "Huyện Na Rì", "2023-H1", {
        ("quy_van_dong", "xa"): current.value("quy_van_dong", "tong") + 1})
    annual = rollup([NA_RI], unit="Na Rì", period="2023", previous=half)
    assert any(f.rule == "sau_thang_lon_hon_ca_nam" and f.severity.value == "loi"
               for f in annual.findings)


def test_library_api_returns_totals_per_unit_dataframe_and_findings():
    result = kh_excel.rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    totals = result.totals()
    assert totals["quy_van_dong"]["tong"] == totals["quy_van_dong"]["xa"] + totals["quy_van_dong"]["huyen"]
    df = result.per_unit
    assert len(df) == 17 and df.loc["02137", "ten_don_vi"] == "Xã Văn Vũ"
    assert df["hoi_vien"].sum() == totals["hoi_vien"]["xa"]
    assert isinstance(result.findings, list)


def test_an_extra_unit_named_like_a_formula_is_written_as_text(tmp_path):
    extra = tmp_path / "extra.csv"
    extra.write_text("ma,ten,cap,truc_thuoc\nHKH-CA,=1+1,xa,066\n", encoding="utf-8")
    result = rollup([NA_RI], unit="Huyện Na Rì", period="2023", extra_units=extra)
    assert (result.received, result.expected) == (17, 18)
    wb = load_workbook(write_rollup_workbook(result, tmp_path / "out.xlsx"))
    cell = wb[L.MISSING_SHEET].cell(4, 3)
    assert cell.value == "=1+1" and cell.data_type == "s"
