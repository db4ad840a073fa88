"""Year over year from the store: the same as --previous on the same data; --previous wins; the
six-month check; the report compares with 2022 without --previous; the version used."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kh_excel import app
from kh_excel.cli.main import cli
from kh_excel.forms.writer import FormSpec
from kh_excel.periods import Period
from kh_excel.reading import read_form
from tests.formfiles import filled

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
LAST_YEAR = ROOT / "examples" / "na-ri-2022" / "2022_066_huyen-na-ri_tong-hop.xlsx"
COMPARE_RULES = {"chi_tieu_ton_giam", "bien_dong_lon", "sau_thang_lon_hon_ca_nam"}


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_year_over_year_from_the_store_equals_previous_file(tmp_path):
    store = tmp_path / "kho.sqlite"
    by_file = app.rollup([CLEAN], unit="Huyện Na Rì", period="2023", previous=LAST_YEAR)
    app.check([LAST_YEAR], store=store)
    by_store = app.rollup([CLEAN], unit="Huyện Na Rì", period="2023", store=store)
    assert by_store.previous == by_file.previous and by_store.previous
    assert by_store.previous_period == by_file.previous_period == Period(2022)
    assert [f.message for f in by_store.findings if f.rule in COMPARE_RULES] == \
        [f.message for f in by_file.findings if f.rule in COMPARE_RULES]
    # Last year's figures are those of the 2022 file, read independently of the store.
    last = read_form(LAST_YEAR).submission
    assert by_store.previous[("hoi_vien", "tong")] == last.value("hoi_vien", "tong")
    assert by_store.previous_source.startswith("bản tổng hợp Huyện Na Rì kỳ 2022 trong kho lịch sử")
    assert str(LAST_YEAR) in by_store.previous_source and by_file.previous_source == ""


def test_previous_file_wins_over_the_store(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    app.check([LAST_YEAR], store=store)
    other = filled(tmp_path / "k", FormSpec("huyen", "legacy-3tier", Period(2022), units["na_ri"],
                                            units["bac_kan"]),
                   {("hoi_vien", "xa"): 5000, ("hoi_vien", "huyen"): 100}, name="2022.xlsx")
    result = app.rollup([CLEAN], unit="Huyện Na Rì", period="2023", previous=other, store=store)
    assert result.previous[("hoi_vien", "xa")] == 5000 and result.previous_source == ""


def test_a_year_is_checked_against_its_stored_first_half(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    h1 = filled(tmp_path / "h1", FormSpec("huyen", "legacy-3tier", Period(2023, 1),
                                           units["na_ri"], units["bac_kan"]),
                {("quy_van_dong", "xa"): 5_000_000_000, ("quy_van_dong", "huyen"): 0},
                name="h1.xlsx")
    app.check([h1], store=store)
    result = app.rollup([CLEAN], unit="Huyện Na Rì", period="2023", store=store)
    six = [f for f in result.findings if f.rule == "sau_thang_lon_hon_ca_nam"]
    assert len(six) == 1 and six[0].right == 5_000_000_000
    assert result.previous_period is None  # no 2022 stored: no year-over-year comparison


def test_the_cli_says_which_stored_rollup_was_used_and_the_report_compares(tmp_path):
    store = tmp_path / "kho.sqlite"
    assert run("check", str(LAST_YEAR), "--store", str(store)).exit_code == 0
    out = tmp_path / "tong-hop.xlsx"
    result = run("rollup", str(CLEAN), "--unit", "Huyện Na Rì", "--period", "2023", "-o",
                 str(out), "--store", str(store))
    assert result.exit_code == 0
    assert f"  So sánh với bản tổng hợp Huyện Na Rì kỳ 2022 trong kho lịch sử (lần 1, " \
           in result.output and str(LAST_YEAR) in result.output
    from openpyxl import load_workbook
    ws = load_workbook(out)["So sánh kỳ trước"]
    notes = [c.value for c in ws["A"] if isinstance(c.value, str) and "kho lịch sử" in c.value]
    assert len(notes) == 1 and notes[0].startswith("Số liệu kỳ trước lấy từ bản tổng hợp Huyện Na Rì")
    md, trace = tmp_path / "bc.md", tmp_path / "nguon.json"
    result = run("report", str(out), "-o", str(tmp_path / "bc.docx"), "--text", str(md),
                 "--trace", str(trace), "--store", str(store))
    assert result.exit_code == 0
    assert "Số liệu kỳ trước: bản tổng hợp Huyện Na Rì kỳ 2022 trong kho lịch sử" in result.output
    assert "so với năm 2022" in md.read_text("utf-8")
    assert "kỳ 2022 trong kho lịch sử" in json.loads(trace.read_text("utf-8"))["input"][
        "previous_source"]


def test_the_report_of_a_rollup_without_last_year_takes_it_from_the_store(tmp_path):
    store = tmp_path / "kho.sqlite"
    out = tmp_path / "tong-hop.xlsx"
    assert run("rollup", str(CLEAN), "--unit", "Huyện Na Rì", "--period", "2023", "-o", str(out),
               "--no-store").exit_code == 0
    md = tmp_path / "bc.md"
    assert run("report", str(out), "-o", str(tmp_path / "a.docx"), "--text", str(md),
               "--store", str(store)).exit_code == 0
    assert "so với năm 2022" not in md.read_text("utf-8")  # nothing stored yet
    app.check([LAST_YEAR], store=store)
    assert run("report", str(out), "-o", str(tmp_path / "b.docx"), "--text", str(md), "--force",
               "--store", str(store)).exit_code == 0
    assert "so với năm 2022" in md.read_text("utf-8")


def test_the_rollup_marks_the_version_used(tmp_path):
    store = tmp_path / "kho.sqlite"
    folder = tmp_path / "nop"
    shutil.copytree(CLEAN, folder)
    app.check([folder], store=store)
    from openpyxl import load_workbook
    from tests.formfiles import named_cell
    wb = load_workbook(folder / "2023_02137_xa-van-vu.xlsx")
    named_cell(wb, "hoi_vien", "xa").value = 983
    wb.save(folder / "2023_02137_xa-van-vu.xlsx")
    out = tmp_path / "tong-hop.xlsx"
    result = run("rollup", str(folder), "--unit", "Huyện Na Rì", "--period", "2023", "-o",
                 str(out), "--store", str(store))
    assert "  Xã Văn Vũ gửi lại (lần 2): 1 ô thay đổi so với lần trước — D8: " in result.output
    ws = load_workbook(out)["Chi tiết đơn vị"]
    status = {r[2].value: r[3].value for r in ws.iter_rows(min_row=4) if r[1].value}
    assert status["Xã Văn Vũ"] == "Đã nộp (lần 2)" and status["Xã Văn Lang"] == "Đã nộp"


def test_which_period_a_period_is_compared_with():
    from kh_excel.store.queries import previous_period
    assert previous_period(Period(2024)) == Period(2023)
    assert previous_period(Period(2024, 1)) == Period(2023, 1)
