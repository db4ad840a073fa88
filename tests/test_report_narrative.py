"""The narrative: tiers and schemes, missing and partial figures, roll-ups, comparisons, the
children's answers, self-checked numbers, the trace and user templates."""
from __future__ import annotations

import re

import pytest

from kh_excel.errors import ReportHasErrors, ReportTemplateError
from kh_excel.forms.layout import form_layout
from kh_excel.report import draft_report
from kh_excel.report.figures import Figures
from kh_excel.report.filters import change
from kh_excel.report.inputs import load_report_input
from kh_excel.report.narrative import render_narrative
from test_report_support import add_rollup, make_form

BASE = {  # a plausible figure for each typed indicator at commune level
    "dan_so": 52_000, "hoi_vien": 11_000, "hoi_vien_moi": 420, "so_hoi_co_so": 1,
    "so_chi_hoi": 19, "so_ban_khuyen_hoc": 6, "quy_van_dong": 1_250_000_000,
    "tong_quy": 3_100_000_000, "heo_dat_so": 24, "heo_dat_tien": 16_800_000,
    "hoc_bong_suat": 340, "hoc_bong_tien": 170_000_000, "ho_tro_ngheo_suat": 120,
    "ho_tro_ngheo_tien": 60_000_000, "khen_hsg_suat": 900, "khen_hsg_tien": 180_000_000,
    "khen_nguoi_lon_suat": 30, "khen_nguoi_lon_tien": 9_000_000, "qua_suat": 200,
    "qua_tien": 20_000_000, "xay_truong_tien": 50_000_000, "gia_dinh_hoc_tap": 9000,
    "tong_so_ho": 13_000, "dong_ho_hoc_tap": 40, "tong_dong_ho": 70, "cong_dong_hoc_tap": 60,
    "tong_thon": 80, "don_vi_hoc_tap": 30, "tong_don_vi": 45, "cdht_dang_ky": 20_000,
    "cdht_cong_nhan": 15_000, "cdht_doi_tuong": 30_000, "xa_cdht_dat": 1, "tthtcd_lop": 40,
    "tthtcd_hoc_vien": 2_500, "lop_tap_huan": 4, "hoc_vien_tap_huan": 172, "co_thi_dua": 1,
    "ky_niem_chuong": 2, "bang_khen": 3, "giay_khen": 37, "so_nhiem_vu": 7, "so_chi_tieu": 7,
    "so_giai_phap": 8,
}
TEXTS = {"noi_bat": "Quỹ khuyến học tăng.", "han_che": "Một số chi hội hoạt động chưa đều.",
         "phuong_huong": "Phát triển hội viên.", "kien_nghi": "Đề nghị hỗ trợ kinh phí."}


def full_values(tier: str, scheme: str) -> dict:
    """Every input cell of a form filled with a plausible figure (a level's own share smaller)."""
    values = {}
    for cell in form_layout(tier, scheme).cells:
        if cell.role != "input":
            continue
        base = BASE[cell.code]
        if cell.code == "xa_cdht_dat" and tier != "xa":
            base = 3
        values[(cell.code, cell.level)] = base if cell.level == "xa" or \
            cell.code.startswith("so_nhiem") else max(1, base // 10)
    return values


FORMS = {  # unit key in conftest, parent key, period
    "xa-legacy": ("van_vu", "na_ri", "2023"),
    "huyen-legacy": ("na_ri", "bac_kan", "2023"),
    "tinh-legacy": ("bac_kan", None, "2023"),
    "xa-two-tier": ("na_ri_2025", "thai_nguyen", "2025"),
    "tinh-two-tier": ("thai_nguyen", None, "2025"),
}


def _form(tmp_path, units, kind: str, period: str | None = None, values=None, texts=TEXTS):
    unit, parent, default_period = FORMS[kind]
    u = units[unit]
    vals = full_values(u.tier, u.scheme) if values is None else values
    return make_form(tmp_path, u, units[parent] if parent else None, period or default_period,
                     vals, texts=texts, name=f"{kind}.xlsx")


def _text(report) -> str:
    return report.markdown()


# -- every tier, scheme, period and style ---------------------------------------------------

@pytest.mark.parametrize("kind", list(FORMS))
@pytest.mark.parametrize("half", [False, True], ids=["nam", "6-thang"])
@pytest.mark.parametrize("style", ["bao-cao", "tin-bai"])
def test_every_form_kind_renders_clean_text(tmp_path, units, kind, half, style):
    period = FORMS[kind][2] + ("-H1" if half else "")
    if kind.endswith("two-tier") and half:
        period = "2026-H1"
    path = _form(tmp_path, units, kind, period)
    report = draft_report(path, style, allow_errors=True)
    text = _text(report)
    for bad in ("None", "nan", "{{", "}}", "\ue000", "Undefined"):
        assert bad not in text
    assert report.narrative.unsourced == [], report.narrative.unsourced
    assert re.search(r"(?<![\d.,/])0 (suất|đồng|người|hội viên)", text) is None
    if kind.endswith("two-tier"):
        assert "cấp huyện" not in text.lower() and "thị trấn" not in text.lower()
    if half:
        assert "6 tháng đầu năm" in text
        assert ("sơ kết" in text.lower()) and ("6 tháng cuối năm" in text or style == "tin-bai")
    else:
        assert "tổng kết" in text.lower()
    if kind.startswith("xa"):
        assert "Toàn xã" in text and "(trong đó" not in text
    if style == "bao-cao":
        assert "Phần I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ" in text
        for n in range(1, 7):
            assert f"\n### {n}. " in text  # numbered 1–6 without gaps


def test_two_tier_province_speaks_of_communes_and_wards(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "tinh-two-tier"), "bao-cao")
    text = _text(report)
    assert "cấp xã" in text and "cấp tỉnh" in text
    assert "xã, phường" in text  # the divisions of Thái Nguyên in the registry
    assert "huyện" not in report.narrative.markdown().lower()
    assert "Toàn tỉnh" in text


def test_legacy_district_splits_by_level(tmp_path, units):
    text = _text(draft_report(_form(tmp_path, units, "huyen-legacy"), "bao-cao"))
    assert ("được 1.375.000.000 đồng (trong đó: cấp xã 1.250.000.000 đồng, cấp huyện "
            "125.000.000 đồng)") in text
    assert "trong đó cấp xã 340 suất với số tiền 170.000.000 đồng, cấp huyện 34 suất" in text
    assert "xã, thị trấn" in text  # Na Rì has communes and one township


# -- missing and partial figures ------------------------------------------------------------

def test_missing_figures_leave_their_clauses_out(tmp_path, units):
    values = {("hoi_vien", "xa"): 500, ("quy_van_dong", "xa"): 12_000_000,
              ("hoc_bong_suat", "xa"): 0, ("hoc_bong_tien", "xa"): 0,  # 0: nothing to say
              ("khen_hsg_tien", "xa"): 3_000_000, ("khen_hsg_suat", "xa"): 6}
    report = draft_report(_form(tmp_path, units, "xa-legacy", values=values, texts={}), "bao-cao")
    text = report.narrative.markdown()
    assert "Toàn xã có tổng số hội viên là 500 người." in text  # no rate without dan_so
    assert "dân số" not in text and "bình quân" not in text
    assert "học bổng" not in text and "0 suất" not in text
    assert "Khen thưởng học sinh, sinh viên giỏi 06 suất với số tiền 3.000.000 đồng." in text
    assert "Xây dựng xã hội học tập" not in text and "Tập huấn" not in text
    assert "### 3. Hoạt động khuyến học, khuyến tài" in text  # numbering without gaps
    # the sections of the report skeleton are always there, with a prompt where no text is
    assert "### 4. Đánh giá chung" in text and "## Phần II. PHƯƠNG HƯỚNG" in text
    assert "## Phần III. ĐỀ XUẤT, KIẾN NGHỊ" in text
    assert "None" not in text and "nan" not in text


def test_commune_form_says_toan_xa_and_has_no_split(tmp_path, units):
    text = _text(draft_report(_form(tmp_path, units, "xa-legacy"), "bao-cao"))
    assert "Toàn xã có tổng số hội viên là 11.000 người, chiếm tỷ lệ 21,15% dân số" in text
    assert "Hội có 19 chi hội khuyến học và 06 ban khuyến học." in text
    assert "Xã Văn Vũ được công nhận đạt chuẩn cộng đồng học tập cấp xã." in text
    assert "(trong đó" not in text and "cấp huyện" not in text and "Hội cơ sở" not in text
    assert "| STT | Chỉ tiêu | Đơn vị tính | Số liệu |" in text


def test_district_form_with_totals_only_gives_totals_without_split(tmp_path, units):
    values = {("hoi_vien", "tong"): 10_360, ("quy_van_dong", "tong"): 900_500_000,
              ("hoc_bong_suat", "tong"): 97, ("hoc_bong_tien", "tong"): 97_000_000,
              ("so_nhiem_vu", "huyen"): 7}
    path = _form(tmp_path, units, "huyen-legacy", values=values, texts={})
    assert load_report_input(path).errors == 0
    report = draft_report(path, "bao-cao")
    text = report.narrative.markdown()
    assert "Toàn huyện có tổng số hội viên là 10.360 người." in text
    assert "được 900.500.000 đồng." in text and "trong đó" not in text
    assert "Trao tặng 97 suất học bổng với số tiền 97.000.000 đồng." in text
    assert "đề ra 07 nhiệm vụ" in text
    news = draft_report(path, "tin-bai").narrative.markdown()
    assert "hơn 900 triệu đồng" in news and "97 triệu đồng" in news


# -- roll-ups: completeness, comparisons, children's answers, counts ------------------------

def _rollup(tmp_path, units, rows, values=None):
    path = _form(tmp_path, units, "huyen-legacy", values=values, texts={})
    return add_rollup(path, rows)


def test_rollup_with_missing_units_says_how_complete_it_is(tmp_path, units):
    rows = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 15),
            ("meta", "child_tier", "", "xa"), ("meta", "errors", "", 0),
            ("missing", "02140", "Xã Văn Lang", ""), ("missing", "02155", "Thị trấn Yến Lạc", "")]
    report = draft_report(_rollup(tmp_path, units, rows), "bao-cao")
    text = report.narrative.markdown()
    assert ("*Số liệu trong văn bản được tổng hợp từ 15/17 xã, thị trấn; chưa có báo cáo của "
            "Xã Văn Lang và Thị trấn Yến Lạc.*") in text
    news = draft_report(report.input, "tin-bai").narrative.markdown()
    assert "15/17 xã, thị trấn" in news


def test_complete_rollup_and_form_without_completeness(tmp_path, units):
    rows = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 17)]
    text = draft_report(_rollup(tmp_path, units, rows), "bao-cao").narrative.markdown()
    assert "Số liệu trong văn bản được tổng hợp từ báo cáo của 17/17 xã, thị trấn." in text
    plain = draft_report(_form(tmp_path, units, "huyen-legacy"), "bao-cao").narrative.markdown()
    assert "tổng hợp từ" not in plain


def test_comparisons_only_with_last_periods_figures(tmp_path, units):
    values = {("hoi_vien", "xa"): 10_000, ("hoi_vien", "huyen"): 360, ("dan_so", "xa"): 44_000,
              ("quy_van_dong", "xa"): 900_000_000, ("so_ban_khuyen_hoc", "xa"): 204,
              ("so_chi_hoi", "xa"): 208}
    plain = draft_report(_form(tmp_path, units, "huyen-legacy", values=values, texts={}),
                         "bao-cao").narrative.markdown()
    assert "so với" not in plain and "thành lập thêm" not in plain
    rows = [("meta", "previous_period", "", "2022"), ("previous", "hoi_vien", "tong", 10_000),
            ("previous", "dan_so", "tong", 44_000), ("previous", "quy_van_dong", "tong", 800_000_000),
            ("previous", "so_ban_khuyen_hoc", "tong", 193), ("previous", "so_chi_hoi", "tong", 210)]
    report = draft_report(_rollup(tmp_path, units, rows, values), "bao-cao")
    text = report.narrative.markdown()
    assert ("tổng số hội viên là 10.360 người (trong đó: cấp xã 10.000 người, cấp huyện 360 "
            "người), chiếm tỷ lệ 23,55% dân số, tăng 360 hội viên so với năm 2022") in text
    # money: the amount, and in the report the percentage beside it
    assert "được 900.000.000 đồng, tăng 100.000.000 đồng (12,5%) so với năm 2022" in text
    # net changes, never "thành lập thêm" (new minus dissolved is not the number founded)
    assert ("Toàn huyện có 208 chi hội khuyến học (giảm 02 chi hội so với năm 2022) và 204 ban "
            "khuyến học (tăng 11 ban so với năm 2022).") in text
    assert "thành lập thêm" not in text
    assert report.annex.columns[-1] == "Năm 2022"
    row = next(r for r in report.annex.rows if r.code == "so_ban_khuyen_hoc")
    assert row.cells[-1] == "193"


def test_rate_changes_are_in_percentage_points(tmp_path, units):
    values = {("hoi_vien", "xa"): 11_000, ("dan_so", "xa"): 44_000}
    rows = [("previous", "hoi_vien", "tong", 10_780), ("previous", "dan_so", "tong", 44_000)]
    inp = load_report_input(_rollup(tmp_path, units, rows, values))
    narrative = render_narrative(inp, "bao-cao")
    sentence = next(s for b in narrative.blocks for s in b.sentences if "hội viên là" in s.text)
    items = [narrative.items[i] for i in sentence.items]
    assert "tăng 220 hội viên so với năm 2022" in sentence.text  # previous year by default
    rate = next(i for i in items if i.printed == "25%")
    assert {f.code for f in rate.figs} == {"ty_le_hoi_vien"}
    fig = Figures(inp).get("ty_le_hoi_vien")
    assert fig.prev.value == 24.5
    assert change(fig.value, fig.prev.value, fig.kind) == "tăng 0,5 điểm phần trăm"


def test_children_answers_are_gathered_by_theme_with_unit_names(tmp_path, units):
    rows = [("text", "noi_bat", "Xã Văn Vũ", "Quỹ tăng mạnh."),
            ("text", "noi_bat", "Xã Cư Lễ", "Quỹ tăng mạnh"),
            ("text", "noi_bat", "Xã Kim Hỷ", "Trao học bổng đúng đối tượng."),
            ("text", "kien_nghi", "Xã Văn Vũ", "Hỗ trợ kinh phí cho chi hội.")]
    text = draft_report(_rollup(tmp_path, units, rows), "bao-cao").narrative.markdown()
    assert "Ý kiến của các xã, thị trấn:\n\n- Xã Văn Vũ, Xã Cư Lễ: Quỹ tăng mạnh.\n" \
           "- Xã Kim Hỷ: Trao học bổng đúng đối tượng." in text
    kien_nghi = text.split("ĐỀ XUẤT, KIẾN NGHỊ")[1]
    assert "- Xã Văn Vũ: Hỗ trợ kinh phí cho chi hội." in kien_nghi


def test_count_indicator_as_x_of_y(tmp_path, units):
    rows = [("count", "xa_cdht_dat", "", "12/17")]
    text = draft_report(_rollup(tmp_path, units, rows), "bao-cao").narrative.markdown()
    assert ("12/17 xã, thị trấn được công nhận đạt chuẩn cộng đồng học tập cấp xã, đạt "
            "70,59%.") in text  # 12 / 17


# -- errors in the input --------------------------------------------------------------------

def test_error_findings_stop_the_report_unless_allowed(tmp_path, units):
    values = {("hoi_vien", "xa"): 600, ("dan_so", "xa"): 500}  # more members than people
    path = _form(tmp_path, units, "xa-legacy", values=values, texts={})
    with pytest.raises(ReportHasErrors) as err:
        draft_report(path)
    assert "kh-excel check" in err.value.message() and "allow_errors=True" in err.value.message()
    # On the command line the same error names the flag, not the argument.
    assert "--allow-errors" in err.value.message(cli=True)
    assert "allow_errors" not in err.value.message(cli=True)
    report = draft_report(path, allow_errors=True)
    assert report.narrative.blocks[2].emphasis == "italic"
    assert report.narrative.blocks[2].text.startswith("Lưu ý: số liệu đầu vào còn 1 lỗi")


def test_rollup_errors_come_from_its_meta_count(tmp_path, units):
    path = _rollup(tmp_path, units, [("meta", "errors", "", 3)])
    with pytest.raises(ReportHasErrors) as err:
        draft_report(path)
    assert "3 lỗi" in err.value.message() and "'Kiểm tra'" in err.value.message()
    assert "còn 3 lỗi" in draft_report(path, "tin-bai", allow_errors=True).markdown()


# -- self-check and trace -------------------------------------------------------------------

def test_trace_maps_sentences_to_codes_and_cells(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "huyen-legacy"), "bao-cao")
    trace = report.trace()
    sentence = next(s for s in trace["sentences"] if "tổng số hội viên" in s["text"])
    assert sentence["codes"][:2] == ["hoi_vien", "ty_le_hoi_vien"]
    assert "Biểu số liệu!F8" in sentence["cells"]          # hoi_vien, Tổng cộng
    assert "Biểu số liệu!F7" in sentence["cells"]          # dan_so, for the rate
    printed = {i["printed"] for i in sentence["items"]}
    assert "12.100 người" in printed  # 11.000 at commune level + 1.100 of the district
    for s in trace["sentences"]:
        if re.search(r"\d", s["text"]) and s["block"] != "heading":
            assert s["cells"], s
    assert trace["unsourced_numbers"] == []


def test_a_number_written_into_a_template_is_reported(tmp_path, units):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "tin-bai.md.j2").write_text("# Tin\n\nNăm nay có 25 lớp {{ so_lieu('hoi_vien')|so }}."
                                          "\n", "utf-8")
    report = draft_report(_form(tmp_path, units, "xa-legacy"), "tin-bai", templates=folder)
    assert report.narrative.unsourced == ["25"]
    assert report.trace()["unsourced_numbers"] == ["25"]


# -- user templates -------------------------------------------------------------------------

def test_user_templates_override_by_tier_and_fall_back_to_ours(tmp_path, units):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "bao-cao-xa.md.j2").write_text(
        '{% import "_chung.md.j2" as c with context %}\n# BÁO CÁO RIÊNG\n\n{{ c.to_chuc() }}\n',
        "utf-8")
    commune = draft_report(_form(tmp_path, units, "xa-legacy"), templates=folder)
    assert commune.narrative.blocks[0].text == "BÁO CÁO RIÊNG"
    assert commune.narrative.template.endswith("bao-cao-xa.md.j2")
    district = draft_report(_form(tmp_path, units, "huyen-legacy"), templates=folder)
    assert district.narrative.blocks[0].text == "BÁO CÁO"


@pytest.mark.parametrize("body, what", [
    ("{{ so_lieu('hoi_vien_moi', 'huyen')|so }}", "if"),     # a missing figure, unguarded
    ("{{ khong_co }}", "khong_co"),                           # undefined (StrictUndefined)
    ("{% if %}", "dòng 1"),                                   # syntax error
    ("{{ so_lieu('khong_co_chi_tieu') }}", "khong_co_chi_tieu"),
])
def test_bad_user_templates_are_one_clear_error(tmp_path, units, body, what):
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "bao-cao.md.j2").write_text(body + "\n", "utf-8")
    with pytest.raises(ReportTemplateError) as err:
        draft_report(_form(tmp_path, units, "xa-legacy"), templates=folder)
    assert what in err.value.message() and "bao-cao.md.j2" in err.value.message()


def test_an_answer_every_unit_gave_and_one_repeating_the_own_assessment(tmp_path, units):
    rows = [("meta", "children_expected", "", 3), ("meta", "children_received", "", 3),
            *[("text", "han_che", name, "Thiếu kinh phí.") for name in
              ("Xã Văn Vũ", "Xã Cư Lễ", "Xã Kim Hỷ")],
            ("text", "noi_bat", "Xã Văn Vũ", "quỹ khuyến học tăng")]  # = the own answer
    path = _form(tmp_path, units, "huyen-legacy", texts=TEXTS)
    text = draft_report(add_rollup(path, rows), "bao-cao").narrative.markdown()
    assert "- Tất cả các xã, thị trấn: Thiếu kinh phí." in text
    noi_bat = text.split("Kết quả nổi bật\n")[1].split("\n#")[0]
    assert noi_bat.strip().splitlines() == ["- Quỹ khuyến học tăng."]


def test_a_form_made_from_the_blank_template(tmp_path):
    from kh_excel.errors import UsageError
    from kh_excel.forms.fill import fill_form
    from kh_excel.forms.writer import FormSpec, write_form

    blank = write_form(tmp_path / "trang.xlsx", FormSpec("huyen", "legacy-3tier"))
    path = fill_form(blank, tmp_path / "dien.xlsx", {("hoi_vien", "tong"): 900},
                     info={"unit_name": "Huyện Na Rì"})
    with pytest.raises(UsageError) as err:
        load_report_input(path)
    assert "--period" in err.value.message()
    report = draft_report(path, period="2023")
    assert report.input.unit.name == "Huyện Na Rì"
    assert "Toàn huyện có tổng số hội viên là 900 người." in report.markdown()
    typed = fill_form(blank, tmp_path / "dien2.xlsx", {("hoi_vien", "tong"): 900},
                      info={"unit_name": "Huyện Na Rì", "period": "6 tháng đầu năm 2024"})
    assert str(load_report_input(typed).period) == "2024-H1"


def test_shipped_templates_are_found():
    from kh_excel.report.narrative import builtin_templates
    folder = builtin_templates()
    assert {p.name for p in folder.glob("*.md.j2")} >= {"bao-cao.md.j2", "tin-bai.md.j2",
                                                         "_chung.md.j2"}


def test_a_long_list_of_missing_units_is_counted_not_listed(tmp_path, units):
    rows = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 5),
            *[("missing", f"0{2200 + n}", f"Xã Số {n}", "") for n in range(12)]]
    report = draft_report(_rollup(tmp_path, units, rows), "bao-cao")
    text = report.narrative.markdown()
    assert ("*Số liệu trong văn bản được tổng hợp từ 5/17 xã, thị trấn; chưa có báo cáo của 12 "
            "đơn vị (danh sách ở trang “Chưa nộp” của tệp tổng hợp).*") in text
    sentence = next(s for s in report.trace()["sentences"] if "12 đơn vị" in s["text"])
    assert len([c for c in sentence["cells"] if c.startswith("_kh_rollup!")]) == 12 + 2
