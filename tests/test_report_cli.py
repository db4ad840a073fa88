"""``kh-excel report``: outputs, exit codes and the exact ``Lỗi: …`` lines."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook

from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode, FormUnreadable, UnknownTemplate
from kh_excel.reading import read_form
from kh_excel.report import draft_report
from test_report_narrative import _form


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _error_line(result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_report_writes_docx_text_and_trace(tmp_path, units):
    form = _form(tmp_path, units, "huyen-legacy")
    out, text, trace = tmp_path / "bc.docx", tmp_path / "bc.md", tmp_path / "bc.json"
    result = run("report", form, "-o", out, "--text", text, "--trace", trace, "--so", "07",
                 "--ngay", "18/01/2024", "--nguoi-ky", "Nông Văn Bình")
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout.splitlines() == [f"Đã ghi {out}", f"Đã ghi {text}", f"Đã ghi {trace}"]
    expected = draft_report(form, so="07", ngay="18/01/2024", nguoi_ky="Nông Văn Bình")
    assert text.read_text("utf-8") == expected.markdown()
    assert "Số: 07/BC-HKH" in text.read_text("utf-8")
    assert "Na Rì, ngày 18 tháng 01 năm 2024" in text.read_text("utf-8")
    data = json.loads(trace.read_text("utf-8"))
    assert data["input"]["unit_name"] == "Huyện Na Rì" and data["style"] == "bao-cao"
    money = next(s for s in data["sentences"] if "Quỹ khuyến học, khuyến tài được" in s["text"])
    assert money["codes"][0] == "quy_van_dong" and "Biểu số liệu!F15" in money["cells"]
    assert all("text" in s and "codes" in s and "cells" in s for s in data["sentences"])
    assert "Nông Văn Bình" in [p.text for t in Document(out).tables for c in t._cells
                               for p in c.paragraphs]


def test_news_item_style(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy")
    result = run("report", form, "--style", "tin-bai", "-o", tmp_path / "tin.docx",
                 "--text", tmp_path / "tin.md")
    assert result.exit_code == 0
    text = (tmp_path / "tin.md").read_text("utf-8")
    assert text.startswith("**DỰ THẢO**\n\n# Hội Khuyến học xã Văn Vũ tổng kết công tác khuyến học, khuyến tài "
                           "năm 2023\n")
    assert "hơn 1,25 tỷ đồng" not in text and "1,25 tỷ đồng" in text


def test_existing_output_needs_force_and_nothing_is_written(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy")
    out = tmp_path / "bc.docx"
    out.write_bytes(b"old")
    result = run("report", form, "-o", out, "--text", tmp_path / "bc.md")
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (f"Lỗi: Tệp {out} đã có. Thêm --force để ghi đè, hoặc chọn tên "
                                   "tệp khác.")
    assert out.read_bytes() == b"old" and not (tmp_path / "bc.md").exists()
    assert run("report", form, "-o", out, "--force").exit_code == 0
    assert out.read_bytes() != b"old"


def _reader_error(path) -> str:
    """The reader's own message for a file (its wording is the reader's), as one Lỗi line."""
    with pytest.raises((FormUnreadable, UnknownTemplate)) as err:
        read_form(path)
    return f"Lỗi: {err.value.message('vi')}"


def test_a_file_that_is_not_a_form_is_bad_input(tmp_path):
    text = tmp_path / "ghi_chu.xlsx"
    text.write_text("không phải Excel", "utf-8")
    plain = tmp_path / "bang_tinh.xlsx"
    Workbook().save(plain)
    missing = tmp_path / "khong_co.xlsx"
    for path in (text, plain, missing):
        result = run("report", path, "-o", tmp_path / "bc.docx")
        assert result.exit_code == ExitCode.BAD_INPUT
        assert _error_line(result) == _reader_error(path)
    assert _reader_error(text).startswith(f"Lỗi: Không đọc được tệp {text}: ")
    assert _reader_error(plain).startswith(f"Lỗi: Tệp {plain} không phải biểu mẫu kh-excel")
    assert not (tmp_path / "bc.docx").exists()


def test_errors_in_the_input_stop_the_report_unless_allowed(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy",
                 values={("hoi_vien", "xa"): 600, ("dan_so", "xa"): 500}, texts={})
    out = tmp_path / "bc.docx"
    result = run("report", form, "-o", out)
    assert result.exit_code == ExitCode.FINDINGS
    assert _error_line(result) == (
        f"Lỗi: Tệp {form} còn 1 lỗi số liệu nên chưa lập báo cáo. Xem chi tiết bằng lệnh: "
        f"kh-excel check {form}. Sửa các lỗi rồi chạy lại, hoặc thêm --allow-errors để vẫn lập "
        "bản dự thảo (bản dự thảo sẽ ghi rõ số liệu còn lỗi).")
    assert not out.exists()
    result = run("report", form, "-o", out, "--allow-errors", "--text", tmp_path / "bc.md")
    assert result.exit_code == ExitCode.OK
    assert result.stderr.splitlines() == [
        "Lưu ý: văn bản còn 6 chỗ đánh dấu [Hội bổ sung: …] để Hội bổ sung.",  # 4 + 2 figures
        "Lưu ý: số liệu đầu vào còn 1 lỗi; bản dự thảo đã ghi rõ điều này."]
    assert "*Lưu ý: số liệu đầu vào còn 1 lỗi chưa được sửa" in \
        (tmp_path / "bc.md").read_text("utf-8")


def test_usage_errors(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy")
    result = run("report", form, "-o", tmp_path / "bc.md")
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == f"Lỗi: Tệp báo cáo {tmp_path / 'bc.md'} phải có đuôi .docx."
    result = run("report", form, "-o", tmp_path / "bc.docx", "--ngay", "32/13/2024")
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == "Lỗi: Ngày '32/13/2024' không hợp lệ: ghi dạng 18/01/2024."
    result = run("report", form, "-o", tmp_path / "bc.docx", "--period", "2024")
    assert _error_line(result) == (f"Lỗi: Tệp {form} là báo cáo năm 2023, khác kỳ --period 2024. "
                                   "Bỏ --period hoặc chọn đúng tệp.")
    result = run("report", form, "-o", tmp_path / "bc.docx", "--text", tmp_path / "bc.docx")
    assert _error_line(result) == ("Lỗi: Các tệp kết quả (-o, --text, --trace) phải khác nhau.")
    result = run("report", form, "--style", "thu-moi", "-o", tmp_path / "bc.docx")
    assert result.exit_code == ExitCode.USAGE


def test_bad_config_and_bad_templates_are_bad_input(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy")
    config = tmp_path / "van_ban.toml"
    config.write_text('chu_ky = "x"\n', "utf-8")
    result = run("report", form, "-o", tmp_path / "bc.docx", "--config", config)
    assert result.exit_code == ExitCode.BAD_INPUT
    assert _error_line(result).startswith(f"Lỗi: Tệp {config} không dùng được: khoá không dùng "
                                          "được 'chu_ky' (dùng: ")
    folder = tmp_path / "mau"
    folder.mkdir()
    (folder / "bao-cao.md.j2").write_text("{{ ten_khong_co }}\n", "utf-8")
    result = run("report", form, "-o", tmp_path / "bc.docx", "--templates", folder)
    assert result.exit_code == ExitCode.BAD_INPUT
    line = _error_line(result)
    assert line.startswith(f"Lỗi: Mẫu văn bản {folder.resolve() / 'bao-cao.md.j2'}, dòng 1 "
                           "không dùng được: 'ten_khong_co' is undefined")


def test_english_error_line(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy",
                 values={("hoi_vien", "xa"): 600, ("dan_so", "xa"): 500}, texts={})
    result = run("--lang", "en", "report", form, "-o", tmp_path / "bc.docx")
    assert result.exit_code == ExitCode.FINDINGS
    assert _error_line(result).startswith(f"Error: {form} still has 1 data error(s)")
