"""Missing forms are not missing associations (issue 13 §4): coverage against completeness, a
roll-up of the unit's own form only, the base of a count of communes, and figures in error."""
from __future__ import annotations

from kh_excel.report import draft_report
from test_report_narrative import TEXTS, _form
from test_report_support import add_rollup, make_form

VALUES = {("hoi_vien", "xa"): 3_000, ("so_hoi_co_so", "xa"): 4, ("so_chi_hoi", "xa"): 40}


def _rollup(tmp_path, units, rows, values=VALUES):
    return add_rollup(_form(tmp_path, units, "huyen-legacy", values=values, texts=TEXTS), rows)


def test_a_partial_rollup_gives_the_coverage_not_the_associations(tmp_path, units):
    rows = [("meta", "children_expected", "", 56), ("meta", "children_received", "", 4),
            ("meta", "child_tier", "", "xa")]
    text = draft_report(_rollup(tmp_path, units, rows), "bao-cao").narrative.markdown()
    assert "Tổng số Hội cơ sở là 4 (số liệu của 4/56 xã, thị trấn đã gửi báo cáo)" in text
    assert "có tổ chức Hội" not in text


def test_a_complete_form_says_how_many_communes_have_an_association(tmp_path, units):
    text = draft_report(_form(tmp_path, units, "huyen-legacy", values=VALUES, texts=TEXTS),
                        "bao-cao").narrative.markdown()
    assert "Tổng số Hội cơ sở là 4 (4/17 xã, thị trấn có tổ chức Hội)" in text


def test_a_rollup_of_the_own_form_only_says_nothing_of_completeness_in_the_text(tmp_path,
                                                                                  units):
    rows = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 0),
            ("meta", "child_tier", "", "xa")]
    path = _rollup(tmp_path, units, rows)
    for style in ("bao-cao", "tin-bai"):
        report = draft_report(path, style)
        text = report.narrative.markdown()
        assert "0/17" not in text and "chưa có báo cáo" not in text, style
        assert "tổng hợp từ" not in text, style
    annex = draft_report(path, "bao-cao").annex
    assert annex.note == ("Ghi chú: số liệu tổng hợp từ 0/17 xã, thị trấn; chưa có báo cáo của "
                          "17 đơn vị (danh sách ở trang “Chưa nộp” của tệp tổng hợp).")
    assert annex.markdown().rstrip().endswith(f"*{annex.note}*")


def test_the_annex_note_names_a_few_missing_units(tmp_path, units):
    rows = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 15),
            ("missing", "02140", "Xã Văn Lang", ""), ("missing", "02155", "Thị trấn Yến Lạc", "")]
    report = draft_report(_rollup(tmp_path, units, rows), "bao-cao")
    assert report.annex.note == ("Ghi chú: số liệu tổng hợp từ 15/17 xã, thị trấn; chưa có báo "
                                 "cáo của Xã Văn Lang, Thị trấn Yến Lạc.")
    complete = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 17)]
    assert draft_report(_rollup(tmp_path, units, complete), "bao-cao").annex.note == ""


def test_communes_recognised_are_counted_against_those_that_reported(tmp_path, units):
    rows = [("meta", "children_expected", "", 135), ("meta", "children_received", "", 3),
            ("meta", "communes_expected", "", 135), ("meta", "communes_received", "", 3),
            ("count", "xa_cdht_dat", "", "2/135")]
    text = draft_report(_rollup(tmp_path, units, rows), "bao-cao").narrative.markdown()
    assert ("2 trong 3 xã, thị trấn đã báo cáo được công nhận đạt chuẩn cộng đồng học tập cấp "
            "xã") in text
    assert "2/135" not in text
    full = [("meta", "children_expected", "", 17), ("meta", "children_received", "", 17),
            ("meta", "communes_expected", "", 17), ("meta", "communes_received", "", 17),
            ("count", "xa_cdht_dat", "", "12/17")]
    text = draft_report(_rollup(tmp_path, units, full), "bao-cao").narrative.markdown()
    assert "12/17 xã, thị trấn được công nhận đạt chuẩn cộng đồng học tập cấp xã" in text


def test_with_allow_errors_a_figure_in_error_is_a_prompt_not_a_fact(tmp_path, units):
    values = {("hoi_vien", "xa"): 7_587, ("hoi_vien_moi", "xa"): 100_132,
              ("dan_so", "xa"): 40_000, ("quy_van_dong", "xa"): 5_000_000}
    form = make_form(tmp_path, units["van_vu"], units["na_ri"], "2023", values)
    for style in ("bao-cao", "tin-bai"):
        report = draft_report(form, style, allow_errors=True)
        text = report.narrative.markdown()
        assert "100.132" not in text and "100,132" not in text, style
        assert ("kết nạp mới *[Hội bổ sung: Hội viên kết nạp mới trong kỳ: số liệu còn lỗi, cần "
                "kiểm tra, sửa lại]*") in text, style
        assert "7.587 người" in text  # the figure without a finding is stated
        assert any("Hội viên kết nạp mới" in p["text"] for p in report.trace()["prompts"])
