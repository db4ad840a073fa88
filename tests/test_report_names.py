"""The unit's name as in force for the period (issue 13 §2): --ten-don-vi / ten_don_vi."""
from __future__ import annotations

from click.testing import CliRunner

from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode
from kh_excel.report import draft_report
from test_report_narrative import _form


def test_the_name_given_replaces_the_forms_in_the_whole_document(tmp_path, units):
    form = _form(tmp_path, units, "huyen-legacy")
    report = draft_report(form, "bao-cao", ten_don_vi="Thị xã Na Rì")
    text = report.markdown()
    assert "**HỘI KHUYẾN HỌC THỊ XÃ NA RÌ**" in text
    assert "Toàn thị xã có tổng số hội viên" in text and "Toàn huyện" not in text
    assert "- Thường trực Thị ủy, UBND thị xã (b/c);" in text
    assert "Hội Khuyến học thị xã Na Rì báo cáo kết quả" in text
    assert "*Na Rì, ngày … tháng … năm …*" in text
    assert "huyện Na Rì" not in text and "HUYỆN NA RÌ" not in text


def test_the_name_from_the_config_file_and_the_command_line(tmp_path, units):
    config = tmp_path / "van_ban.toml"
    config.write_text('[van_ban]\nten_don_vi = "Huyện Na Rì cũ"\n', "utf-8")
    form = _form(tmp_path, units, "huyen-legacy")
    news = draft_report(form, "tin-bai", config=config).narrative.markdown()
    assert news.startswith("# Hội Khuyến học huyện Na Rì cũ tổng kết")
    out = tmp_path / "tin.md"
    result = CliRunner().invoke(cli, ["report", str(form), "--style", "tin-bai", "-o",
                                      str(tmp_path / "tin.docx"), "--text", str(out),
                                      "--config", str(config), "--ten-don-vi", "Thị xã Na Rì"],
                                catch_exceptions=False)
    assert result.exit_code == ExitCode.OK
    assert "# Hội Khuyến học thị xã Na Rì tổng kết" in out.read_text("utf-8")
