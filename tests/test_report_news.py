"""The news item is news (issue 13 §5): the event in the lead, sentences with a subject, and
fractions that keep their base."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from kh_excel.cli.main import cli
from kh_excel.errors import BadDataFile, ExitCode
from kh_excel.report import draft_report
from test_report_narrative import _form
from test_report_support import add_rollup

EVENT = dict(ngay_to_chuc="18/01/2024", dia_diem="Hội trường UBND huyện",
             thanh_phan="đồng chí Nông Văn Nguyên – Bí thư Huyện ủy, Chủ tịch HĐND huyện")


def _lead(report) -> str:
    return report.narrative.blocks[1].text


def test_the_lead_tells_the_event_as_the_articles_do(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "huyen-legacy"), "tin-bai", **EVENT)
    assert _lead(report) == (
        "Ngày 18/01/2024, tại Hội trường UBND huyện, Hội Khuyến học huyện Na Rì tổ chức Hội nghị "
        "tổng kết công tác khuyến học, khuyến tài, xây dựng xã hội học tập năm 2023, triển khai "
        "nhiệm vụ năm 2024. Dự hội nghị có đồng chí Nông Văn Nguyên – Bí thư Huyện ủy, Chủ tịch "
        "HĐND huyện. Năm 2023, công tác khuyến học, khuyến tài, xây dựng xã hội học tập của Hội "
        "Khuyến học huyện Na Rì tiếp tục được triển khai theo chương trình công tác đề ra.")
    assert report.narrative.unsourced == []  # the date is traced to the option
    trace = report.trace()
    lead = next(s for s in trace["sentences"] if s["text"].startswith("Ngày 18/01/2024"))
    assert "tin_bai!ngay_to_chuc" in " ".join(lead["cells"])


def test_a_six_month_event_and_one_named_by_the_user(tmp_path, units):
    form = _form(tmp_path, units, "huyen-legacy", period="2023-H1")
    lead = _lead(draft_report(form, "tin-bai", ngay_to_chuc="15/07/2023"))
    assert lead.startswith("Ngày 15/07/2023, Hội Khuyến học huyện Na Rì tổ chức Hội nghị sơ kết "
                           "công tác khuyến học, khuyến tài, xây dựng xã hội học tập 6 tháng đầu "
                           "năm 2023, triển khai nhiệm vụ 6 tháng cuối năm 2023.")
    lead = _lead(draft_report(form, "tin-bai", su_kien="Hội nghị Ban Chấp hành mở rộng"))
    assert lead.startswith("Hội Khuyến học huyện Na Rì tổ chức Hội nghị Ban Chấp hành mở rộng.")


def test_the_event_from_the_config_file_and_options_over_it(tmp_path, units):
    config = tmp_path / "van_ban.toml"
    config.write_text('[van_ban]\nso = "05"\n\n[tin_bai]\nngay_to_chuc = "18/01/2024"\n'
                      'dia_diem = "Hội trường Huyện ủy"\n'
                      'thanh_phan = ["đồng chí Nông Văn Nguyên – Bí thư Huyện ủy", '
                      '"đồng chí Nông Quang Kế – Phó Chủ tịch UBND huyện"]\n', "utf-8")
    form = _form(tmp_path, units, "huyen-legacy")
    lead = _lead(draft_report(form, "tin-bai", config=config))
    assert lead.startswith("Ngày 18/01/2024, tại Hội trường Huyện ủy, Hội Khuyến học huyện Na Rì "
                           "tổ chức Hội nghị tổng kết")
    assert ("Dự hội nghị có đồng chí Nông Văn Nguyên – Bí thư Huyện ủy; đồng chí Nông Quang Kế – "
            "Phó Chủ tịch UBND huyện.") in lead
    out = tmp_path / "tin.docx"
    result = CliRunner().invoke(cli, ["report", str(form), "--style", "tin-bai", "-o", str(out),
                                      "--config", str(config), "--dia-diem", "Nhà văn hóa huyện",
                                      "--text", str(tmp_path / "tin.md")],
                                catch_exceptions=False)
    assert result.exit_code == ExitCode.OK, result.output
    assert "Ngày 18/01/2024, tại Nhà văn hóa huyện, Hội Khuyến học huyện Na Rì tổ chức" in \
        (tmp_path / "tin.md").read_text("utf-8")


def test_a_bad_event_table_lists_its_problems(tmp_path, units):
    config = tmp_path / "van_ban.toml"
    config.write_text('[tin_bai]\nngay_to_chuc = "32/01/2024"\nkhach_moi = "x"\n', "utf-8")
    with pytest.raises(BadDataFile) as err:
        draft_report(_form(tmp_path, units, "xa-legacy"), "tin-bai", config=config)
    message = err.value.message()
    assert "khach_moi" in message and "Ngày '32/01/2024' không hợp lệ" in message


def test_without_the_event_the_lead_asks_for_it(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "xa-legacy"), "tin-bai")
    assert _lead(report).startswith("[Hội bổ sung: ngày, địa điểm tổ chức hội nghị tổng kết và "
                                    "thành phần tham dự] Năm 2023, công tác")


def test_sentences_of_the_news_item_have_a_subject(tmp_path, units):
    district = draft_report(_form(tmp_path, units, "huyen-legacy"), "tin-bai", **EVENT)
    text = district.narrative.markdown()
    assert "Các cấp Hội đã trao tặng 374 suất học bổng với số tiền" in text
    assert "; hỗ trợ học sinh nghèo, có hoàn cảnh khó khăn 132 suất" in text
    assert "Các cấp Hội đã tổ chức 05 lớp tập huấn cán bộ Hội" in text
    commune = draft_report(_form(tmp_path, units, "xa-legacy"), "tin-bai", **EVENT)
    assert "Hội đã trao tặng 340 suất học bổng" in commune.narrative.markdown()
    for report in (district, commune):
        for block in report.narrative.blocks:
            for sentence in block.sentences:
                assert not sentence.text.startswith(("Trao tặng", "Hỗ trợ", "Khen thưởng",
                                                     "Tổ chức", "Tặng")), sentence.text


def test_fractions_keep_their_base(tmp_path, units):
    path = add_rollup(_form(tmp_path, units, "huyen-legacy"), [
        ("meta", "children_expected", "", 109), ("meta", "children_received", "", 109),
        ("count", "xa_cdht_dat", "", "104/109")])
    text = draft_report(path, "tin-bai", **EVENT).narrative.markdown()
    assert "104/109 xã, thị trấn được công nhận đạt chuẩn cộng đồng học tập cấp xã, đạt 95,41%" \
        in text
    # 9.000 + 900 of 13.000 + 1.300 households: 69,23%
    assert "9.900/14.300 hộ được công nhận gia đình học tập, đạt 69,23%" in text
    assert "44/77 dòng họ được công nhận dòng họ học tập, đạt 57,14%" in text
