"""The district officer's day (issue 12 §2): honest exit codes and summaries of `rollup`, the
count-without-money warning at the blank cell, small averages that are not printed as 0."""
from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel.annotation import annotated_name
from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode
from kh_excel.forms.layout import DATA_SHEET

from formfiles import XA, commune_spec, filled, named_cell

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NA_RI = EXAMPLES / "na-ri-2023"


def run(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_a_rollup_of_another_period_says_so_once_and_stops(tmp_path):
    out = tmp_path / "r.xlsx"
    result = run("rollup", NA_RI, "--unit", "Huyện Na Rì", "--period", "2022", "-o", out)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        f"Lỗi: 18/18 biểu trong {NA_RI} là kỳ 2023, không phải kỳ 2022. Có phải kỳ 2023? "
        "Chạy lại với --period 2023, hoặc chọn đúng thư mục.\n")
    assert not out.exists()


def test_a_rollup_without_any_valid_form_is_an_error(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ghi-chu.txt").write_text("không phải biểu", encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = run("rollup", tmp_path / "in", "--unit", "Na Rì", "--period", "2023", "-o", out)
    assert result.exit_code == ExitCode.FINDINGS
    assert result.stderr.startswith("Lỗi: Không có biểu hợp lệ nào của Huyện Na Rì (066, Tỉnh "
                                    "Bắc Kạn) kỳ 2023")
    assert len(result.stderr.splitlines()) == 1
    assert not out.exists()
    en = run("--lang", "en", "rollup", tmp_path / "in", "--unit", "Na Rì", "--period", "2023",
             "-o", out)
    assert en.exit_code == 1 and en.stderr.startswith("Error: No valid form for Huyện Na Rì")


def test_a_rollup_of_unreadable_files_only_exits_3(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bao-cao.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    result = run("rollup", tmp_path / "in", "--unit", "Na Rì", "--period", "2023",
                 "-o", tmp_path / "r.xlsx")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr.startswith("Lỗi: Không có biểu hợp lệ nào của Huyện Na Rì")
    assert "kh-excel check" in result.stderr and not (tmp_path / "r.xlsx").exists()


def test_a_small_average_in_the_report_is_not_zero():
    from decimal import Decimal

    from kh_excel.report.filters import per_person
    assert per_person(Decimal(45) / Decimal(3280)) == "dưới 1 đồng"
    assert per_person(Decimal("0.5")) == "1 đồng"
    assert per_person(Decimal("69600")) == "69.600 đồng"


def test_the_summary_names_the_missing_units_and_groups_findings_by_unit(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    # Three communes: 14 are missing, 10 are named. Văn Lang's broken copy has errors.
    for name in ("2023_02137_xa-van-vu.xlsx", "2023_02143_xa-luong-thuong.xlsx"):
        shutil.copy(NA_RI / name, src)
    shutil.copy(EXAMPLES / "broken" / "2023_02140_xa-van-lang_am-va-so-le.xlsx", src)
    out = tmp_path / "r.xlsx"
    result = run("rollup", src, "--unit", "Na Rì", "--period", "2023", "-o", out)
    assert result.exit_code == ExitCode.FINDINGS
    lines = result.stdout.splitlines()
    assert lines[0] == "Hội Khuyến học huyện Na Rì, năm 2023: đã nhận biểu của 3/17 xã."
    assert lines[1].startswith("  Chưa nộp (14): Xã Kim Hỷ, Xã Cường Lợi, Thị trấn Yến Lạc, ")
    assert lines[1].endswith(" và 4 đơn vị khác.")
    assert lines[1].count("Xã ") + lines[1].count("Thị trấn ") == 10
    errors = lines.index("Lỗi (2):")
    assert lines[errors + 1] == "  Xã Văn Lang"
    assert lines[errors + 2].startswith("    Biểu số liệu!D12: Ô D12 (Số chi hội khuyến học) có "
                                        "phần thập phân")
    warnings = next(n for n, line in enumerate(lines) if line.startswith("Cảnh báo ("))
    assert warnings > errors
    # The warnings are shown, not only counted (the missing own form of the district here).
    assert "  Huyện Na Rì" in lines[warnings:]
    assert any("Chưa có biểu số liệu cấp huyện" in line for line in lines[warnings:])
    assert lines[-1] == (f"2 lỗi, {_warnings(out)} cảnh báo. "
                         f"Đã ghi: {out}; danh sách đầy đủ ở trang 'Kiểm tra' của tệp này.")


def test_the_summary_in_english(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(NA_RI / "2023_02137_xa-van-vu.xlsx", src)
    out = tmp_path / "r.xlsx"
    result = run("--lang", "en", "rollup", src, "--unit", "Na Rì", "--period", "2023", "-o", out)
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Hội Khuyến học huyện Na Rì, 2023: 1/17 units received."
    assert lines[1].startswith("  Missing (16): Xã Văn Lang, ")
    assert lines[1].endswith(" and 6 more.")
    assert "Warning (1):" in lines
    assert lines[-1] == (f"0 error(s), {_warnings(out)} warning(s). Written: {out}; the full list "
                         "is on its sheet 'Kiểm tra'.")


def _warnings(path: Path) -> int:
    rows = load_workbook(path, read_only=True)["Kiểm tra"].iter_rows(min_row=4, values_only=True)
    return sum(1 for r in rows if r[0] == "Cảnh báo")


def test_count_without_money_is_a_warning_at_the_blank_cell(tmp_path, units):
    values = {(c, "xa"): v for c, v in XA.items() if c != "hoc_bong_tien"}
    form = filled(tmp_path / "in", commune_spec(units), values, "2023_02137_xa-van-vu.xlsx")
    wb = load_workbook(form)
    blank = named_cell(wb, "hoc_bong_tien", "xa").coordinate
    count = named_cell(wb, "hoc_bong_suat", "xa").coordinate
    assert blank != count
    out = tmp_path / "tra-lai"
    result = run("check", form, "--annotate", out)
    assert result.exit_code == ExitCode.OK  # missing data, not wrong data
    assert (f"  Cảnh báo  Biểu số liệu!{blank}: “Học bổng: số suất” cấp xã ({count}) ghi 40 suất "
            f"nhưng bỏ trống “Học bổng: số tiền” ({blank}).") in result.stdout
    copy = load_workbook(out / annotated_name(form))[DATA_SHEET]
    assert copy[blank].comment is not None and "Học bổng: số tiền" in copy[blank].comment.text
    assert copy[count].comment is None
    # The report writes the count without the money, and does not stop.
    result = run("report", form, "-o", tmp_path / "bc.docx", "--text", tmp_path / "bc.md")
    assert result.exit_code == ExitCode.OK, result.output
    text = (tmp_path / "bc.md").read_text(encoding="utf-8")
    assert "Trao tặng 40 suất học bổng. " in text


def test_an_average_that_rounds_to_zero_keeps_its_digits(tmp_path, units):
    values = {**{(c, "xa"): v for c, v in XA.items()}, ("quy_van_dong", "xa"): 45}
    form = filled(tmp_path, commune_spec(units), values)
    result = run("check", form)
    assert "Quỹ vận động bình quân cấp xã chỉ 0,01 đồng/người (45 đồng" in result.stdout
    assert "chỉ 0 đồng/người" not in result.stdout


# -- §4 file names and formats, §5 messages from Python -------------------------------------------

import pytest  # noqa: E402

import kh_excel  # noqa: E402
from kh_excel.errors import OutputExists, UsageError  # noqa: E402


@pytest.mark.parametrize("args, name, suffix", [
    (("template", "--unit", "Huyện Na Rì", "--period", "2023", "-o"), "NaRi.xls", ".xlsx"),
    (("template", "--unit", "Huyện Na Rì", "--period", "2023", "-o"), "NaRi", ".xlsx"),
    (("rollup", NA_RI, "--unit", "Na Rì", "--period", "2023", "-o"), "tong-hop.ods", ".xlsx"),
])
def test_an_output_suffix_that_does_not_fit_is_refused(tmp_path, args, name, suffix):
    out = tmp_path / name
    result = run(*args, out)
    assert result.exit_code == ExitCode.USAGE
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Lỗi: Tệp kết quả {out} là ")
    assert f"nên phải có đuôi {suffix}" in line
    assert line.endswith(f"Hãy đặt tên như {Path(name).stem}{suffix}.")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_report_text_and_trace_suffixes(tmp_path):
    rollup = tmp_path / "r.xlsx"
    assert run("rollup", NA_RI, "--unit", "Na Rì", "--period", "2023", "-o", rollup).exit_code == 0
    for option, name, suffix in (("--text", "bc.txt", ".md"), ("--trace", "nguon.txt", ".json")):
        result = run("report", rollup, "-o", tmp_path / "bc.docx", option, tmp_path / name)
        assert result.exit_code == ExitCode.USAGE
        assert f"nên phải có đuôi {suffix}" in result.stderr
        assert not (tmp_path / "bc.docx").exists()
    en = run("--lang", "en", "report", rollup, "-o", tmp_path / "bc.docx", "--text",
             tmp_path / "bc.txt")
    assert "Error: The output " in en.stderr and "must end in .md" in en.stderr


def test_from_python_messages_name_the_argument(tmp_path):
    out = tmp_path / "NaRi.xlsx"
    kh_excel.make_forms(unit="Huyện Na Rì", period="2023", output=out)
    with pytest.raises(OutputExists) as err:
        kh_excel.make_forms(unit="Huyện Na Rì", period="2023", output=out)
    assert "force=True" in str(err.value) and "--force" not in str(err.value)
    assert "force=True" in err.value.message("en")
    with pytest.raises(UsageError) as err:
        kh_excel.make_forms(unit="Huyện Na Rì", period="2023", output=tmp_path / "NaRi.xls")
    assert "phải có đuôi .xlsx" in str(err.value)


def test_a_long_list_of_findings_is_cut_with_the_count_of_the_rest(tmp_path):
    from kh_excel.cli import render

    src = tmp_path / "in"
    shutil.copytree(EXAMPLES / "broken", src)
    result = run("rollup", src, "--unit", "Na Rì", "--period", "2023", "-o", tmp_path / "r.xlsx")
    errors = [line for line in result.stdout.splitlines() if line.startswith("    ")]
    assert len(errors) > 3
    shown = dict(render.MAX_SHOWN)
    try:
        render.MAX_SHOWN.update(loi=2, canh_bao=1)
        short = run("rollup", src, "--unit", "Na Rì", "--period", "2023",
                    "-o", tmp_path / "r2.xlsx")
    finally:
        render.MAX_SHOWN.update(shown)
    lines = short.stdout.splitlines()
    n_errors = int(next(x for x in lines if x.startswith("Lỗi (")).split("(")[1].rstrip("):"))
    assert f"  … và {n_errors - 2} mục khác" in lines
    body = lines[lines.index(f"Lỗi ({n_errors}):"):]
    assert sum(1 for x in body[:body.index(f"  … và {n_errors - 2} mục khác")]
               if x.startswith("    ")) == 2
