"""Comparisons that can be trusted (issue 13 §3): doubted ones left out with the reason in the
trace, money as amounts, net changes, and comparisons for the learning models and awards."""
from __future__ import annotations

from kh_excel.report import draft_report
from test_report_narrative import TEXTS, _form
from test_report_support import add_rollup

VALUES = {("hoi_vien", "xa"): 10_000, ("dan_so", "xa"): 44_000,
          ("quy_van_dong", "xa"): 900_000_000, ("so_chi_hoi", "xa"): 208,
          ("hoc_bong_suat", "xa"): 340, ("hoc_bong_tien", "xa"): 170_000_000,
          ("gia_dinh_hoc_tap", "xa"): 9_000, ("tong_so_ho", "xa"): 13_000,
          ("dong_ho_hoc_tap", "xa"): 40, ("tong_dong_ho", "xa"): 70,
          ("cdht_cong_nhan", "xa"): 15_000, ("cdht_doi_tuong", "xa"): 30_000}


def _report(tmp_path, units, previous: dict, style="bao-cao"):
    path = _form(tmp_path, units, "huyen-legacy", values=VALUES, texts=TEXTS)
    add_rollup(path, [("meta", "previous_period", "", "2022"),
                      *(("previous", code, "tong", v) for code, v in previous.items())])
    return draft_report(path, style)


def test_a_change_the_checker_flagged_is_left_out_and_the_trace_says_why(tmp_path, units):
    # last year's fund typed in thousands of đồng: 507 instead of 507.000.000
    report = _report(tmp_path, units, {"hoi_vien": 9_800, "quy_van_dong": 507})
    text = report.narrative.markdown()
    assert "được 900.000.000 đồng; bình quân" in text            # the figure, no comparison
    assert "177" not in text and "899.999.493" not in text
    assert "tăng 200 hội viên so với năm 2022" in text           # the sound one stays
    left_out = report.trace()["comparisons_left_out"]
    assert [(c["code"], c["level"]) for c in left_out] == [("quy_van_dong", "tong")]
    assert left_out[0]["why"].startswith("số liệu kỳ trước bị kiểm tra đánh dấu: ")
    # the judgement counts only trusted comparisons: 1 of 1 grew
    assert "đạt được nhiều kết quả tích cực" in text


def test_a_jump_the_checker_flagged_is_left_out(tmp_path, units):
    report = _report(tmp_path, units, {"hoc_bong_suat": 100, "hoc_bong_tien": 170_000_000})
    text = report.narrative.markdown()
    assert "340 suất học bổng với số tiền 170.000.000 đồng (không thay đổi so với năm 2022)" \
        in text                                                   # the money: 0 % change
    left_out = report.trace()["comparisons_left_out"]
    assert left_out == [{"code": "hoc_bong_suat", "level": "tong", "why": left_out[0]["why"]}]
    assert left_out[0]["why"].startswith("mức thay đổi bị kiểm tra đánh dấu: ")
    assert "tăng 240" not in text


def test_money_changes_are_amounts_with_a_percentage_only_in_the_report(tmp_path, units):
    previous = {"quy_van_dong": 800_000_000}
    report = _report(tmp_path, units, previous).narrative.markdown()
    assert "900.000.000 đồng, tăng 100.000.000 đồng (12,5%) so với năm 2022" in report
    news = _report(tmp_path, units, previous, "tin-bai").narrative.markdown()
    assert "900 triệu đồng, tăng 100 triệu đồng so với năm 2022" in news
    assert "12,5%" not in news


def test_learning_models_awards_and_citizens_are_compared(tmp_path, units):
    previous = {"gia_dinh_hoc_tap": 8_500, "dong_ho_hoc_tap": 42, "hoc_bong_suat": 320,
                "hoc_bong_tien": 150_000_000, "cdht_cong_nhan": 14_000}
    text = _report(tmp_path, units, previous).narrative.markdown()
    assert "9.000 gia đình học tập (tăng 500 gia đình so với năm 2022), đạt 69,23% tổng số hộ" \
        in text
    assert "40 dòng họ học tập (giảm 02 dòng họ so với năm 2022)" in text
    assert ("340 suất học bổng với số tiền 170.000.000 đồng (tăng 20 suất, tăng 20.000.000 "
            "đồng (13,3%) so với năm 2022)") in text
    assert "15.000 người được công nhận công dân học tập (tăng 1.000 người so với năm 2022)" \
        in text


def test_no_comparison_is_invented_for_what_last_period_lacks(tmp_path, units):
    text = _report(tmp_path, units, {"hoi_vien": 9_800}).narrative.markdown()
    assert text.count("so với năm 2022") == 2  # members, and the judgement
