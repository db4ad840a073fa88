"""The rulebook and the single-form rule engine, on hand-built submissions (no files are read)."""
from decimal import Decimal

import pytest

from kh_excel.catalogue import load_catalogue
from kh_excel.errors import BadDataFile, ExitCode
from kh_excel.model import Provenance, Severity, Submission
from kh_excel.periods import LEGACY, TWO_TIER
from kh_excel.rules import Rulebook, check_submission, load_rulebook
from submissions import full_submission
from kh_excel.rules.expr import CONTEXT, ExprError, Ref, Undefined, evaluate, parse

FILE = "2023_BinhSon.xlsx"
SHEET = "Biểu số liệu"
COLUMNS = {"xa": "D", "huyen": "E", "tinh": "F", "tong": "G"}
ROWS = {ind.code: 6 + n for n, ind in enumerate(load_catalogue())}


def at(code: str, level: str) -> str:
    """The cell the hand-built forms below put a value in."""
    return f"{COLUMNS[level]}{ROWS[code]}"


def form(values: dict[str, int | Decimal], tier: str = "huyen", scheme: str = LEGACY,
         stated: dict[str, Decimal] | None = None, computed: tuple[str, ...] = (),
         cells: dict[str, str] | None = None) -> Submission:
    """A submission with ``{"code.level": value}``; ``computed`` totals came from the reader."""
    sub = Submission(path=FILE, sha256="ab" * 32, meta={
        "tier": tier, "scheme": scheme, "unit_code": "01234", "unit_name": "Huyện Bình Sơn",
        "period": "2023"})
    for key, value in values.items():
        code, level = key.split(".")
        sub.values[(code, level)] = value
        sub.provenance[(code, level)] = Provenance(
            FILE, SHEET, (cells or {}).get(key, at(code, level)), "ab" * 32,
            how="computed" if key in computed else "stated")
    for key, value in (stated or {}).items():
        code, level = key.split(".")
        sub.stated[(code, level)] = value
    return sub


def rules_fired(findings) -> list[str]:
    return [f.rule for f in findings]


BINH_SON = {"quy_van_dong.xa": 3_827_053_000, "quy_van_dong.huyen": 242_000_000,
            "quy_van_dong.tong": 4_069_053_000}
BINH_SON_CELLS = {"quy_van_dong.xa": "D14", "quy_van_dong.huyen": "E14",
                  "quy_van_dong.tong": "F14"}


# ---------------------------------------------------------------- 1. parts = total

def test_binh_son_2023_fund_adds_up():
    assert check_submission(form(BINH_SON, cells=BINH_SON_CELLS)) == []


def test_total_one_dong_off_is_an_error_naming_cell_and_figures():
    sub = form({**BINH_SON, "quy_van_dong.tong": 4_069_053_001}, cells=BINH_SON_CELLS)
    [f] = check_submission(sub)
    assert f.rule == "tong_bang_tong_cac_cap"
    assert f.severity is Severity.LOI
    assert (f.unit, f.unit_name, f.file, f.sheet, f.cell) == \
        ("01234", "Huyện Bình Sơn", FILE, SHEET, "F14")
    assert (f.left, f.right, f.difference) == (4_069_053_001, 4_069_053_000, 1)
    assert f.message == (
        "Tổng cộng Quỹ vận động được trong kỳ (F14) là 4.069.053.001 đồng nhưng cấp xã + cấp "
        "huyện là 4.069.053.000 đồng, lệch 1. Sửa lại ô Tổng cộng (hoặc khôi phục công thức "
        "cộng) hoặc số liệu từng cấp.")
    [en] = check_submission(sub, lang="en")
    assert en.message.startswith("Total Quỹ vận động được trong kỳ (F14) is 4.069.053.001 đồng "
                                 "but the commune + district levels add up to 4.069.053.000")


def test_total_lower_than_parts_reports_the_absolute_difference():
    [f] = check_submission(form({**BINH_SON, "quy_van_dong.tong": 4_000_000_000}))
    assert f.difference == -69_053_000
    assert "lệch 69.053.000" in f.message


def test_blank_total_or_all_blank_parts_are_not_checked():
    assert check_submission(form({"hoi_vien.xa": 5, "hoi_vien.huyen": 7})) == []
    assert check_submission(form({"quy_van_dong.tong": 4_069_053_000})) == []


def test_one_blank_part_counts_as_zero():
    [f] = check_submission(form({"quy_van_dong.xa": 3_827_053_000,
                                 "quy_van_dong.tong": 4_069_053_000}))
    assert (f.left, f.right) == (4_069_053_000, 3_827_053_000)
    assert check_submission(form({"quy_van_dong.xa": 3_827_053_000,
                                  "quy_van_dong.tong": 3_827_053_000})) == []


def test_a_total_computed_by_the_reader_is_not_a_stated_figure():
    # A formula without a cached value: whatever the reader put there, parts = total skips it.
    sub = form({**BINH_SON, "quy_van_dong.tong": 1}, computed=("quy_van_dong.tong",))
    assert check_submission(sub) == []


def test_commune_forms_have_no_parts_equal_total_rule():
    rb = load_rulebook()
    assert not any(cr.id == "tong_bang_tong_cac_cap" for cr in rb.for_form("xa", LEGACY))
    assert not any(cr.id == "tong_bang_tong_cac_cap" for cr in rb.for_form("xa", TWO_TIER))
    # Even a stray total value on a commune form is not compared with anything.
    sub = form({"quy_van_dong.xa": 3_827_053_000, "quy_van_dong.tong": 1}, tier="xa")
    assert check_submission(sub) == []


def test_two_tier_province_adds_commune_and_province_levels():
    good = {"quy_van_dong.xa": 30_000_000_000, "quy_van_dong.tinh": 9_545_000_000,
            "quy_van_dong.tong": 39_545_000_000}
    assert check_submission(form(good, tier="tinh", scheme=TWO_TIER)) == []
    # A district column does not exist in the two-tier scheme: a stray value is ignored.
    stray = {**good, "quy_van_dong.huyen": 1_000}
    assert check_submission(form(stray, tier="tinh", scheme=TWO_TIER)) == []
    [f] = check_submission(form({**good, "quy_van_dong.tong": 39_545_000_001}, tier="tinh",
                                scheme=TWO_TIER))
    assert f.right == 39_545_000_000
    assert "cấp xã + cấp tỉnh là 39.545.000.000" in f.message
    assert "huyện" not in f.message


def test_legacy_province_adds_three_levels():
    values = {"hoi_vien.xa": 1_000, "hoi_vien.huyen": 100, "hoi_vien.tinh": 10,
              "hoi_vien.tong": 1_100}
    [f] = check_submission(form(values, tier="tinh"))
    assert (f.rule, f.cell, f.right) == ("tong_bang_tong_cac_cap", at("hoi_vien", "tong"), 1_110)
    assert "cấp xã + cấp huyện + cấp tỉnh là 1.110 người" in f.message


def test_commune_only_indicator_total_equals_its_commune_column():
    [f] = check_submission(form({"xa_cdht_dat.xa": 12, "xa_cdht_dat.tong": 13}))
    assert (f.left, f.right) == (13, 12)
    assert "nhưng cấp xã là 12 xã" in f.message


def test_negative_figures_are_errors():
    [f] = check_submission(form({"so_chi_hoi.xa": -3}, tier="xa"))
    assert (f.rule, f.severity, f.cell, f.left) == ("so_lieu_khong_am", Severity.LOI,
                                                   at("so_chi_hoi", "xa"), -3)


# ---------------------------------------------------------------- 2. subset ≤ superset

def test_new_members_cannot_exceed_members():
    [f] = check_submission(form({"hoi_vien_moi.xa": 1_200, "hoi_vien.xa": 1_000}, tier="xa"))
    assert (f.rule, f.severity, f.cell, f.left, f.right) == \
        ("con_khong_vuot_tong_the", Severity.LOI, at("hoi_vien_moi", "xa"), 1_200, 1_000)
    assert f.message.startswith(
        f"“Hội viên kết nạp mới trong kỳ” cấp xã ({at('hoi_vien_moi', 'xa')}) là 1.200 người, "
        f"lớn hơn “Tổng số hội viên” ({at('hoi_vien', 'xa')}) là 1.000 người, vượt 200.")
    assert check_submission(form({"hoi_vien_moi.xa": 1_000, "hoi_vien.xa": 1_000}, tier="xa")) == []


def test_recognised_registered_universe_chain():
    values = {"cdht_cong_nhan.xa": 60, "cdht_dang_ky.xa": 50, "cdht_doi_tuong.xa": 100}
    [f] = check_submission(form(values, tier="xa"))
    assert (f.cell, f.left, f.right) == (at("cdht_cong_nhan", "xa"), 60, 50)
    values = {"cdht_cong_nhan.xa": 40, "cdht_dang_ky.xa": 120, "cdht_doi_tuong.xa": 100}
    [f] = check_submission(form(values, tier="xa"))
    assert (f.cell, f.left, f.right) == (at("cdht_dang_ky", "xa"), 120, 100)


def test_subset_checked_at_every_level_of_a_district_form():
    values = {"gia_dinh_hoc_tap.xa": 900, "tong_so_ho.xa": 1_000,
              "gia_dinh_hoc_tap.huyen": 30, "tong_so_ho.huyen": 20,
              "gia_dinh_hoc_tap.tong": 930, "tong_so_ho.tong": 1_020}
    found = [f for f in check_submission(form(values)) if f.rule == "con_khong_vuot_tong_the"]
    assert [(f.cell, f.left, f.right) for f in found] == [(at("gia_dinh_hoc_tap", "huyen"), 30, 20)]


def test_a_total_repeating_its_parts_failure_is_reported_once():
    values = {"hoi_vien_moi.xa": 1_200, "hoi_vien.xa": 1_000, "hoi_vien_moi.huyen": 0,
              "hoi_vien.huyen": 50, "hoi_vien_moi.tong": 1_200, "hoi_vien.tong": 1_050}
    assert [f.cell for f in check_submission(form(values))] == [at("hoi_vien_moi", "xa")]
    # A form filled only in the total column is still checked there.
    [f] = check_submission(form({"hoi_vien_moi.tong": 1_200, "hoi_vien.tong": 1_050}))
    assert f.cell == at("hoi_vien_moi", "tong")


def test_members_against_population_only_where_there_is_a_population():
    [f] = check_submission(form({"hoi_vien.xa": 2_000, "dan_so.xa": 1_500}, tier="xa"))
    assert (f.rule, f.left, f.right) == ("hoi_vien_khong_vuot_dan_so", 2_000, 1_500)
    # The district's own column holds members of its attached bodies; its population is 0.
    assert check_submission(form({"hoi_vien.huyen": 500, "dan_so.huyen": 0})) == []


# ---------------------------------------------------------------- 3. count and money pairs

def test_count_without_money():
    [f] = check_submission(form({"hoc_bong_suat.xa": 12}, tier="xa"))
    # Missing data, not wrong data: a warning (issue 12 §2).
    assert (f.rule, f.severity) == ("co_suat_thieu_tien", Severity.CANH_BAO)
    # The money cell is blank and, in a submission built in memory, has no address: the finding
    # points at the count (read from a file, it points at the blank cell: test_cli_workflow).
    assert f.cell == at("hoc_bong_suat", "xa")
    assert f.message == (
        f"“Học bổng: số suất” cấp xã ({at('hoc_bong_suat', 'xa')}) ghi 12 suất nhưng bỏ trống "
        "“Học bổng: số tiền” (cột Cấp xã). Ghi đủ cả số suất và số tiền, hoặc bỏ trống cả hai "
        "nếu không có.")


def test_money_without_count():
    [f] = check_submission(form({"qua_tien.huyen": 5_000_000}))
    assert (f.rule, f.cell) == ("co_tien_thieu_suat", at("qua_tien", "huyen"))
    assert f.severity is Severity.CANH_BAO
    assert "5.000.000 đồng nhưng bỏ trống “Tặng quà học sinh, sinh viên: số suất”" in f.message


def test_count_with_zero_money_and_money_with_zero_count():
    [f] = check_submission(form({"khen_hsg_suat.xa": 30, "khen_hsg_tien.xa": 0}, tier="xa"))
    assert (f.rule, f.cell, f.left) == ("co_suat_tien_bang_0", at("khen_hsg_tien", "xa"), 0)
    [f] = check_submission(form({"khen_hsg_suat.xa": 0, "khen_hsg_tien.xa": 9_000_000},
                                tier="xa"))
    assert (f.rule, f.cell, f.left) == ("co_tien_suat_bang_0", at("khen_hsg_suat", "xa"), 0)


def test_pairs_both_blank_both_zero_or_both_filled_are_fine():
    assert check_submission(form({}, tier="xa")) == []
    assert check_submission(form({"heo_dat_so.xa": 0, "heo_dat_tien.xa": 0}, tier="xa")) == []
    assert check_submission(form({"hoc_bong_suat.xa": 12, "hoc_bong_tien.xa": 24_000_000},
                                 tier="xa")) == []


# ---------------------------------------------------------------- 4. plausibility warnings

def test_average_money_per_award_too_low():
    [f] = check_submission(form({"hoc_bong_suat.xa": 10, "hoc_bong_tien.xa": 200_000}, tier="xa"))
    assert (f.rule, f.severity, f.cell) == ("binh_quan_suat_qua_thap", Severity.CANH_BAO,
                                            at("hoc_bong_tien", "xa"))
    assert (f.left, f.right) == (Decimal(20_000), 50_000)
    assert "chỉ 20.000 đồng/suất (200.000 đồng ở ô" in f.message
    assert "dưới 50.000 đồng/suất" in f.message


def test_average_money_per_award_too_high():
    [f] = check_submission(form({"hoc_bong_suat.xa": 2, "hoc_bong_tien.xa": 200_000_000},
                                tier="xa"))
    assert (f.rule, f.left) == ("binh_quan_suat_qua_cao", Decimal(100_000_000))
    assert "lên tới 100.000.000 đồng/suất" in f.message


def test_members_over_sixty_percent_of_population():
    [f] = check_submission(form({"hoi_vien.xa": 700, "dan_so.xa": 1_000}, tier="xa"))
    assert (f.rule, f.severity, f.cell) == ("hoi_vien_qua_60_phan_tram_dan_so", Severity.CANH_BAO,
                                            at("hoi_vien", "xa"))
    assert "bằng 70% dân số (1.000 người" in f.message
    assert check_submission(form({"hoi_vien.xa": 600, "dan_so.xa": 1_000}, tier="xa")) == []


def test_money_under_one_thousand_dong_is_a_unit_slip():
    [f] = check_submission(form({"xay_truong_tien.xa": 150}, tier="xa"))
    assert (f.rule, f.severity, f.left) == ("tien_duoi_1000_dong", Severity.CANH_BAO, 150)
    assert "là 150 đồng: có thể đã ghi theo nghìn đồng hoặc triệu đồng" in f.message
    assert check_submission(form({"xay_truong_tien.xa": 0}, tier="xa")) == []


def test_fund_per_inhabitant_under_one_thousand_dong():
    # 3.827.053 typed for 3.827.053.000 đồng (thousands): too big for the 1.000 đ rule above.
    [f] = check_submission(form({"quy_van_dong.xa": 3_827_053, "dan_so.xa": 50_000}, tier="xa"))
    assert (f.rule, f.cell) == ("quy_binh_quan_duoi_1000_dong", at("quy_van_dong", "xa"))
    assert f.left == Decimal("76.54106")
    assert "chỉ 77 đồng/người (3.827.053 đồng ở ô" in f.message
    assert check_submission(form({"quy_van_dong.xa": 3_827_053_000, "dan_so.xa": 50_000},
                                 tier="xa")) == []


def test_recomputed_percentage_over_100(tmp_path):
    values = {"gia_dinh_hoc_tap.xa": 120, "tong_so_ho.xa": 100}
    # The error on the same two cells already says it: the warning is left out.
    assert rules_fired(check_submission(form(values, tier="xa"))) == ["con_khong_vuot_tong_the"]
    rb = load_rulebook(write(tmp_path, '[[rule]]\nid = "con_khong_vuot_tong_the"\n'
                                       'enabled = false\n'))
    [f] = check_submission(form(values, tier="xa"), rb)
    assert (f.rule, f.left, f.cell) == ("ty_le_vuot_100", Decimal(120),
                                        at("gia_dinh_hoc_tap", "xa"))
    assert "tính từ số liệu là 120% (“Gia đình học tập được công nhận” 120, ô" in f.message


def test_stated_percentage_equal_at_printed_precision_passes():
    values = {"hoi_vien.xa": 334, "dan_so.xa": 1_000}
    stated = {"ty_le_hoi_vien.xa": Decimal("33.4")}
    assert check_submission(form(values, tier="xa", stated=stated)) == []
    # What a spreadsheet caches for 401/1200×100 is a binary float.
    values = {"hoi_vien.xa": 401, "dan_so.xa": 1_200}
    stated = {"ty_le_hoi_vien.xa": Decimal(repr(401 / 1200 * 100))}
    assert check_submission(form(values, tier="xa", stated=stated)) == []
    # 2469/20000 is exactly 12,345 %: float noise must not turn 12,35 into 12,34.
    values = {"gia_dinh_hoc_tap.xa": 2_469, "tong_so_ho.xa": 20_000}
    stated = {"ty_le_gia_dinh_hoc_tap.xa": Decimal("12.344999999999999")}
    assert check_submission(form(values, tier="xa", stated=stated)) == []


def test_stated_percentage_that_differs_is_a_warning():
    values = {"hoi_vien.xa": 1_337, "dan_so.xa": 4_000}
    [f] = check_submission(form(values, tier="xa", stated={"ty_le_hoi_vien.xa": Decimal(35)}))
    assert (f.rule, f.severity) == ("ty_le_ghi_khac_tinh_lai", Severity.CANH_BAO)
    assert (f.left, f.right) == (Decimal(35), Decimal("33.425"))
    assert "ghi 35 nhưng tính lại từ số liệu là 33,43%" in f.message
    assert "(“Tổng số hội viên” 1.337 / “Dân số trên địa bàn” 4.000 × 100)" in f.message


def test_percentage_written_as_a_fraction_has_its_own_message():
    values = {"hoi_vien.xa": 334, "dan_so.xa": 1_000}
    [f] = check_submission(form(values, tier="xa", stated={"ty_le_hoi_vien.xa": Decimal("0.334")}))
    assert f.rule == "ty_le_ghi_dang_thap_phan"
    assert (f.left, f.right) == (Decimal("0.334"), Decimal("33.4"))
    assert "ghi 0,334 nhưng tỷ lệ tính lại là 33,4%" in f.message
    assert "dạng số thập phân (0,334 = 33,4%)" in f.message
    # Also when the fraction was typed with fewer digits than the rate has.
    values = {"hoi_vien.xa": 401, "dan_so.xa": 1_200}
    [f] = check_submission(form(values, tier="xa", stated={"ty_le_hoi_vien.xa": Decimal("0.334")}))
    assert f.rule == "ty_le_ghi_dang_thap_phan"
    assert "ghi 0,334 nhưng tỷ lệ tính lại là 33,42%" in f.message


def test_stated_fund_per_inhabitant_against_the_figures():
    values = {"quy_van_dong.xa": 3_827_053_000, "dan_so.xa": 50_000}
    assert check_submission(form(values, tier="xa",
                                 stated={"quy_binh_quan.xa": Decimal("76541.06")})) == []
    [f] = check_submission(form(values, tier="xa", stated={"quy_binh_quan.xa": Decimal(76)}))
    assert f.rule == "quy_binh_quan_ghi_khac_tinh_lai"
    assert "ghi 76 nhưng tính lại từ số liệu là 76.541 đồng/người" in f.message


# ---------------------------------------------------------------- whole forms

@pytest.mark.parametrize("tier,scheme", [("xa", LEGACY), ("huyen", LEGACY), ("tinh", LEGACY),
                                         ("xa", TWO_TIER), ("tinh", TWO_TIER)])
def test_a_full_consistent_form_has_no_findings(tier, scheme):
    sub = full_submission(tier, scheme)
    assert len(sub.values) > 40
    assert check_submission(sub) == []


def test_several_problems_of_one_form_all_reported_in_english_too():
    values = {**BINH_SON, "quy_van_dong.tong": 1, "hoc_bong_suat.xa": 3}
    found = check_submission(form(values), lang="en")
    assert rules_fired(found) == ["tong_bang_tong_cac_cap", "co_suat_thieu_tien"]
    assert found[1].message.startswith("“Học bổng: số suất”, commune level")
    assert "(column Cấp xã) is blank" in found[1].message


def test_unknown_tier_is_one_error_not_an_exception():
    [f] = check_submission(form({}, tier="thon"))
    assert (f.rule, f.severity, f.file) == ("bieu_khong_ro_cap", Severity.LOI, FILE)


def test_findings_serialise_to_plain_data():
    [f] = check_submission(form({**BINH_SON, "quy_van_dong.tong": 4_069_053_001},
                                cells=BINH_SON_CELLS))
    d = f.to_dict()
    assert (d["rule"], d["severity"], d["cell"], d["left"], d["right"], d["difference"]) == \
        ("tong_bang_tong_cac_cap", "loi", "F14", 4_069_053_001, 4_069_053_000, 1)


# ---------------------------------------------------------------- the packaged rulebook

def test_packaged_rulebook_has_the_four_kinds_and_english_messages():
    rb = load_rulebook()
    assert isinstance(rb, Rulebook)
    assert load_rulebook() is rb  # loaded and compiled once
    for rule_id in ("tong_bang_tong_cac_cap", "con_khong_vuot_tong_the", "co_suat_thieu_tien",
                    "binh_quan_suat_qua_thap", "ty_le_ghi_dang_thap_phan"):
        assert rule_id in rb
    for rule in rb:
        assert rule.message_en != rule.message, rule.id
    # Generic rules stand for one concrete rule per indicator: every summable one is covered.
    cat = load_catalogue()
    summable = {i.code for i in cat if i.agg in ("sum", "count") and not i.derived}
    parts = {cr.code for cr in rb.for_form("huyen", LEGACY) if cr.id == "tong_bang_tong_cac_cap"}
    assert parts == summable


def test_two_tier_parts_rule_refers_to_commune_and_province_columns():
    rb = load_rulebook()
    [cr] = [cr for cr in rb.for_form("tinh", TWO_TIER)
            if cr.id == "tong_bang_tong_cac_cap" and cr.code == "quy_van_dong"]
    assert set(cr.refs) == {Ref("quy_van_dong", "tong"), Ref("quy_van_dong", "xa"),
                            Ref("quy_van_dong", "tinh")}


# ---------------------------------------------------------------- user rule files

def write(tmp_path, text: str, name: str = "quy_tac.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


USER_RULES = '''
[[rule]]
id = "quy_van_dong_duong"
left = "quy_van_dong.xa"
op = ">"
right = "0"
severity = "thong_tin"
message = "Cấp xã chưa vận động được quỹ ({left_cell})."
message_en = "No funds raised at commune level ({left_cell})."

[[rule]]
id = "tien_duoi_1000_dong"
severity = "thong_tin"

[[rule]]
id = "tong_bang_tong_cac_cap"
enabled = false
'''


def test_user_file_adds_overrides_and_disables_rules(tmp_path):
    rb = load_rulebook(write(tmp_path, USER_RULES))
    assert "quy_van_dong_duong" in rb
    assert not rb["tong_bang_tong_cac_cap"].enabled
    # Overriding one field keeps the others of the shipped rule.
    assert rb["tien_duoi_1000_dong"].message == load_rulebook()["tien_duoi_1000_dong"].message
    values = {"quy_van_dong.xa": 0, "quy_van_dong.huyen": 500, "quy_van_dong.tong": 1}
    found = {f.rule: f for f in check_submission(form(values), rb)}
    assert set(found) == {"quy_van_dong_duong", "tien_duoi_1000_dong"}
    assert found["quy_van_dong_duong"].severity is Severity.THONG_TIN
    assert found["quy_van_dong_duong"].message == \
        f"Cấp xã chưa vận động được quỹ ({at('quy_van_dong', 'xa')})."
    assert found["tien_duoi_1000_dong"].severity is Severity.THONG_TIN
    # The shipped rulebook is untouched.
    assert {f.rule for f in check_submission(form(values))} == \
        {"tong_bang_tong_cac_cap", "tien_duoi_1000_dong"}


def test_user_file_is_loaded_once_while_unchanged(tmp_path):
    path = write(tmp_path, USER_RULES)
    assert load_rulebook(str(path)) is load_rulebook(path)
    path.write_text(USER_RULES.replace('severity = "thong_tin"', 'severity = "canh_bao"', 1),
                    encoding="utf-8")
    assert load_rulebook(path)["quy_van_dong_duong"].severity is Severity.CANH_BAO


BROKEN = '''
[[rule]]
id = "a_sai_phep"
left = "quy_van_dong.xa"
op = "=<"
right = "tong_quy.xa"
severity = "error"
message = "…"

[[rule]]
id = "b_sai_ma"
left = "quy_vandong.xa + quy_van_dong.xaa"
op = "<="
right = "quy_van_dong.tong +"
severity = "loi"
mesage = "…"

[[rule]]
id = "c_nguy_hiem"
left = "__import__('os').system('true')"
op = "=="
right = "0"
severity = "loi"
message = "…"
missing = "skip_if_some_missing"

[[rule]]
id = "a_sai_phep"
left = "1"
op = "=="
right = "1"
severity = "loi"
message = "…"
'''


def test_broken_user_file_reports_every_problem_at_once(tmp_path):
    path = write(tmp_path, BROKEN)
    with pytest.raises(BadDataFile) as info:
        load_rulebook(path)
    err = info.value
    assert err.exit_code is ExitCode.BAD_INPUT
    vi, en = err.message("vi"), err.message("en")
    assert vi.startswith(f"Tệp {path} không dùng được: sổ quy tắc có 10 lỗi:")
    for expected in [
        "quy tắc “a_sai_phep”: phép so sánh '=<' không hợp lệ (có phải '<='?)",
        "quy tắc “a_sai_phep”: mức độ 'error' không hợp lệ; dùng loi, canh_bao hoặc thong_tin",
        "quy tắc “a_sai_phep”: id “a_sai_phep” bị trùng trong cùng một tệp",
        "quy tắc “b_sai_ma”: trường 'mesage' không có (có phải 'message'?)",
        "quy tắc “b_sai_ma”: thiếu message",
        "quy tắc “b_sai_ma”: left: không có chỉ tiêu 'quy_vandong' trong danh mục",
        "quy tắc “b_sai_ma”: left: cấp 'xaa' không có",
        "quy tắc “b_sai_ma”: right: sai cú pháp trong 'quy_van_dong.tong +'",
        "quy tắc “c_nguy_hiem”: cách xử lý ô trống 'skip_if_some_missing' không có",
        "quy tắc “c_nguy_hiem”: left: không được gọi hàm '__import__",
    ]:
        assert expected in vi, expected
    assert "rule 'a_sai_phep': invalid op '=<' (did you mean '<='?)" in en
    assert "rule 'b_sai_ma': unknown field 'mesage' (did you mean 'message'?)" in en


def test_expressions_of_a_rule_are_checked_even_when_its_fields_are_fine(tmp_path):
    path = write(tmp_path, '''
[[rule]]
id = "nguy_hiem"
left = "__import__('os').system('true')"
op = "=="
right = "hoi_vien.xa.real"
severity = "loi"
message = "{left} {khong_co}"
''')
    with pytest.raises(BadDataFile) as info:
        load_rulebook(path)
    vi = info.value.message("vi")
    assert "sổ quy tắc có 3 lỗi" in vi
    assert "left: không được gọi hàm '__import__" in vi
    assert "right: chỉ được tham chiếu dạng mã_chỉ_tiêu.cấp" in vi
    assert "message: chỗ điền {khong_co} không có" in vi


def test_a_rule_that_applies_to_no_form_is_a_problem(tmp_path):
    path = write(tmp_path, '''
[[rule]]
id = "tong_tren_bieu_xa"
tiers = ["xa"]
left = "hoi_vien.tong"
op = ">="
right = "0"
severity = "loi"
message = "…"
''')
    with pytest.raises(BadDataFile, match="không áp dụng được cho biểu nào"):
        load_rulebook(path)


def test_a_disabled_rule_may_be_incomplete(tmp_path):
    rb = load_rulebook(write(tmp_path, '[[rule]]\nid = "chua_xong"\nenabled = false\nop = "?"\n'))
    assert not rb["chua_xong"].enabled


def test_toml_syntax_error_and_missing_file(tmp_path):
    with pytest.raises(BadDataFile, match="sai cú pháp TOML"):
        load_rulebook(write(tmp_path, "[[rule]\nid = 1\n"))
    with pytest.raises(BadDataFile, match="không mở được tệp"):
        load_rulebook(tmp_path / "khong_co.toml")


def rule_file(tmp_path, **fields) -> str:
    """One user rule, TOML-encoded (strings quoted, numbers and booleans as they are)."""
    def toml(v):
        if isinstance(v, str):
            return '"' + v.replace('"', '\\"') + '"'
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, list):
            return "[" + ", ".join(toml(x) for x in v) + "]"
        return str(v)
    body = "\n".join(f"{k} = {toml(v)}" for k, v in fields.items())
    return write(tmp_path, f"[[rule]]\n{body}\n")


def test_absolute_and_relative_tolerance(tmp_path):
    off_by = {**BINH_SON, "quy_van_dong.tong": 4_069_053_000 + 1_000}
    rb = load_rulebook(rule_file(tmp_path, id="tong_bang_tong_cac_cap", tolerance=1_000))
    assert check_submission(form(off_by), rb) == []
    off_by["quy_van_dong.tong"] += 1
    assert rules_fired(check_submission(form(off_by), rb)) == ["tong_bang_tong_cac_cap"]
    # 0,0001 of 4 billion is about 406.905 đồng.
    rb = load_rulebook(rule_file(tmp_path, id="tong_bang_tong_cac_cap", tolerance_rel=0.0001))
    assert check_submission(form({**BINH_SON, "quy_van_dong.tong": 4_069_400_000}), rb) == []
    assert check_submission(form({**BINH_SON, "quy_van_dong.tong": 4_069_500_000}), rb) != []


def test_missing_value_strategies_of_user_rules(tmp_path):
    base = dict(id="hoc_bong_toi_thieu", left="hoc_bong_tien.xa", op=">=",
                right="hoc_bong_suat.xa * 100_000", severity="loi",
                message="Học bổng bình quân dưới 100.000 đồng ({left} < {right}).")
    only_count = form({"hoc_bong_suat.xa": 3}, tier="xa")
    fired = {name: "hoc_bong_toi_thieu" in rules_fired(check_submission(
        only_count, load_rulebook(rule_file(tmp_path, **base, missing=name))))
        for name in ("skip_if_any_missing", "skip_if_left_missing", "skip_if_right_missing",
                     "skip_if_all_missing", "never_skip")}
    assert fired == {"skip_if_any_missing": False, "skip_if_left_missing": False,
                     "skip_if_right_missing": True, "skip_if_all_missing": True,
                     "never_skip": True}
    rb = load_rulebook(rule_file(tmp_path, **base, missing="never_skip"))
    [f] = [f for f in check_submission(only_count, rb) if f.rule == "hoc_bong_toi_thieu"]
    assert (f.left, f.right, f.message) == (0, 300_000,
                                            "Học bổng bình quân dưới 100.000 đồng (0 < 300.000).")
    # Nothing filled in at all: skip_if_all_missing skips, never_skip does not.
    empty = form({}, tier="xa")
    assert check_submission(empty, load_rulebook(rule_file(
        tmp_path, **base, missing="skip_if_all_missing"))) == []


def test_a_rule_may_use_the_totals_the_reader_computed(tmp_path):
    sub = form({"hoi_vien.xa": 900, "hoi_vien.huyen": 200, "hoi_vien.tong": 1_100,
                "dan_so.tong": 1_000}, computed=("hoi_vien.tong",))
    fields = dict(id="hv_tong", left="hoi_vien.tong", op="<=", right="dan_so.tong",
                  severity="loi", message="{left} > {right}")
    assert check_submission(sub, load_rulebook(rule_file(tmp_path, **fields))) == []
    rb = load_rulebook(rule_file(tmp_path, **fields, use_computed=True))
    assert rules_fired(check_submission(sub, rb)) == ["hv_tong"]


def test_english_message_defaults_to_the_vietnamese_one(tmp_path):
    rb = load_rulebook(rule_file(tmp_path, id="co_lop", left="tthtcd_lop.xa", op=">",
                                 right="0", severity="thong_tin",
                                 message="Chưa có lớp nào ({left_cell})."))
    [f] = check_submission(form({"tthtcd_lop.xa": 0}, tier="xa"), rb, lang="en")
    assert f.message == f"Chưa có lớp nào ({at('tthtcd_lop', 'xa')})."


def test_generic_rules_must_use_their_placeholders(tmp_path):
    path = rule_file(tmp_path, id="lap_lai", for_each="money", left="quy_van_dong.xa", op=">=",
                     right="0", severity="loi", message="{label} {level_name}")
    with pytest.raises(BadDataFile) as info:
        load_rulebook(path)
    vi = info.value.message("vi")
    assert "quy tắc có for_each phải dùng {code} trong biểu thức" in vi
    assert "message: {level_name} chỉ dùng khi biểu thức có {level}" in vi


def test_float_values_from_a_careless_reader_are_taken_exactly():
    sub = form({"hoi_vien_moi.xa": 1_200.0, "hoi_vien.xa": 1_000.0}, tier="xa")
    [f] = check_submission(sub)
    assert (f.left, f.right) == (Decimal(1_200), Decimal(1_000))


# ---------------------------------------------------------------- the expression evaluator

def test_exact_arithmetic():
    values = {("quy_van_dong", "xa"): 3_827_053_000, ("quy_van_dong", "huyen"): 242_000_000}
    total = evaluate("quy_van_dong.xa + quy_van_dong.huyen", values)
    assert total == 4_069_053_000 and type(total) is int
    assert evaluate("0.1 + 0.2 == 0.3", {}) == 1  # Decimal, not binary floats
    third = evaluate("hoi_vien.xa / dan_so.xa * 100", {("hoi_vien", "xa"): 1,
                                                        ("dan_so", "xa"): 3})
    assert isinstance(third, Decimal) and third == CONTEXT.divide(1, 3) * 100
    assert evaluate("round(0.125, 2)", {}) == Decimal("0.13")  # half-up, not half-even
    assert evaluate("50_000 - -1", {}) == 50_001
    assert evaluate("max(1, 2, 3) + min(4, 5) + abs(-6) + sum(1, 2)", {}) == 16


def test_missing_values_count_as_zero_and_present_sees_them():
    assert evaluate("hoi_vien.xa + hoi_vien.huyen", {("hoi_vien", "xa"): 5}) == 5
    assert evaluate("present(hoi_vien.xa) + present(hoi_vien.huyen)", {("hoi_vien", "xa"): 0}) == 1
    assert evaluate("stated(ty_le_hoi_vien.xa)", {}, {("ty_le_hoi_vien", "xa"): Decimal("0.3")}) \
        == Decimal("0.3")


def test_comparisons_and_logic_give_one_or_zero():
    assert evaluate("1 < 2 <= 2", {}) == 1
    assert evaluate("1 < 2 < 2", {}) == 0
    assert evaluate("not (1 > 0 and 0 > 1) or 0", {}) == 1


def test_division_by_zero_is_undefined():
    with pytest.raises(Undefined):
        evaluate("hoi_vien.xa / dan_so.xa", {("hoi_vien", "xa"): 5})


def test_references_in_order():
    expr = parse("stated(ty_le_hoi_vien.xa) - ty_le_hoi_vien.xa + present(hoi_vien.tong)")
    assert expr.refs == (Ref("ty_le_hoi_vien", "xa", True), Ref("ty_le_hoi_vien", "xa"),
                         Ref("hoi_vien", "tong"))
    assert parse("quy_van_dong.tong").single_ref == Ref("quy_van_dong", "tong")


@pytest.mark.parametrize("text", [
    "__import__('os')",                    # a call off the allow-list
    "__import__('os').system('ls')",
    "open('/etc/passwd')",
    "pow(2, 10)",
    "quy_van_dong.xa.real",                # attribute chains
    "quy_van_dong.xa.__class__",
    "().__class__.__bases__",
    "quy_van_dong.__class__",
    "lambda: 1",
    "(lambda: 1)()",
    "quy_van_dong.xa[0]",
    "'text'",
    "2 ** 10",
    "quy_van_dong",                        # a code without its level
    "1 if quy_van_dong.xa else 0",
    "[1, 2]",
    "1,5",                                 # a Vietnamese decimal comma is a tuple in Python
    "50.000",                              # and a Vietnamese thousands dot would be 50.0
    "round(hoi_vien.xa, hoi_vien.tong)",
    "present(1)",
    "abs(x=1)",
    "sum(*hoi_vien.xa)",
    "(x := 1)",
    "True",
    "quy_van_dong.xa +",
    "",
])
def test_evaluator_refuses(text):
    with pytest.raises(ExprError) as info:
        parse(text)
    assert info.value.vi and info.value.en


def test_thousands_dot_message_says_what_to_write():
    with pytest.raises(ExprError) as info:
        parse("quy_van_dong.xa >= 50.000")
    assert "viết 50000 (hoặc 50_000)" in info.value.vi
    assert evaluate("0.500 + 1.5", {}) == 2  # ordinary decimals are fine
