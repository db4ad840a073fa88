"""Last period from a filled form (issue 11 §5): ``rollup --previous`` and ``report --previous``
accept the unit's own form of the previous period (its Tổng cộng, or the sum of its levels), so
that a single form can be compared year over year without a roll-up. Forms built here."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel.cli.main import cli
from kh_excel.forms.layout import META_SHEET
from kh_excel.forms.writer import FormSpec
from kh_excel.periods import Period

from formfiles import XA_VALUES, commune_spec, edited, filled, sha

NA_RI = Path(__file__).resolve().parents[1] / "examples" / "na-ri-2023"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def district(units, year: str) -> FormSpec:
    return FormSpec("huyen", "legacy-3tier", Period.parse(year), units["na_ri"], units["bac_kan"])


def commune(units, year: str) -> FormSpec:
    return FormSpec("xa", "legacy-3tier", Period.parse(year), units["van_vu"], units["na_ri"])


def _unchanged(*paths: Path):
    return {p: sha(p) for p in paths}


def test_rollup_previous_from_a_form_with_totals_only(tmp_path, units):
    prev = filled(tmp_path / "p", district(units, "2022"),
                  {("hoi_vien", "tong"): 6_000, ("quy_van_dong", "tong"): 900_000_000})
    before = _unchanged(prev)
    out = tmp_path / "out.xlsx"
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                 "--previous", str(prev), "-o", str(out), "--json")
    assert _unchanged(prev) == before
    data = json.loads(result.output)
    assert data["previous_period"] == "2022"
    assert data["previous"]["hoi_vien"] == {"tong": 6_000}
    assert data["previous"]["quy_van_dong"] == {"tong": 900_000_000}
    now = data["totals"]["hoi_vien"]["tong"]
    (jump,) = [f for f in data["findings"] if f["rule"] == "bien_dong_lon"
               and f["right"] == 6_000]
    assert jump["left"] == now and "so với năm 2022" in jump["message"]
    assert "So sánh kỳ trước" in load_workbook(out, read_only=True).sheetnames


def test_rollup_previous_from_a_form_with_levels_only_sums_them(tmp_path, units):
    prev = filled(tmp_path / "p", district(units, "2022"),
                  {("hoi_vien", "xa"): 9_000, ("hoi_vien", "huyen"): 100})
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                 "--previous", str(prev), "-o", str(tmp_path / "o.xlsx"), "--json")
    previous = json.loads(result.output)["previous"]["hoi_vien"]
    assert previous == {"xa": 9_000, "huyen": 100, "tong": 9_100}


def test_rollup_previous_keeps_a_stated_total_over_its_levels(tmp_path, units):
    # "Its Tổng cộng, or the sum of its levels": a stated total wins.
    prev = filled(tmp_path / "p", district(units, "2022"),
                  {("hoi_vien", "xa"): 9_000, ("hoi_vien", "tong"): 9_250})
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                 "--previous", str(prev), "-o", str(tmp_path / "o.xlsx"), "--json")
    assert json.loads(result.output)["previous"]["hoi_vien"]["tong"] == 9_250


def test_rollup_previous_of_another_unit_is_a_usage_error(tmp_path, units):
    prev = filled(tmp_path / "p", commune(units, "2022"), XA_VALUES)
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                 "--previous", str(prev), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2
    assert f"Tệp kỳ trước {prev} là của Xã Văn Vũ" in result.output
    assert "biểu của Huyện Na Rì kỳ trước" in result.output
    assert not (tmp_path / "o.xlsx").exists()


def test_rollup_previous_whose_hidden_unit_contradicts_its_sheet_is_refused(tmp_path, units):
    prev = filled(tmp_path / "p", district(units, "2022"), {("hoi_vien", "tong"): 6_000})

    def edit(wb):
        for key, value in wb[META_SHEET].iter_rows(max_col=2):
            if key.value == "period":
                value.value = "2021"
    bad = edited(prev, tmp_path / "bad.xlsx", edit)
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023",
                 "--previous", str(bad), "-o", str(tmp_path / "o.xlsx"))
    assert result.exit_code == 2
    assert f"Tệp kỳ trước {bad}" in result.output and "kỳ năm 2021" in result.output


@pytest.fixture
def van_vu(tmp_path, units) -> tuple[Path, Path]:
    """Xã Văn Vũ's forms of 2023 and 2022 (members 820 and 656, fund 45,6 and 36,48 million)."""
    now = filled(tmp_path / "2023", commune(units, "2023"), XA_VALUES)
    before = {k: (v * 4 // 5 if k[0] in ("hoi_vien", "quy_van_dong") else v)
              for k, v in XA_VALUES.items()}
    return now, filled(tmp_path / "2022", commune(units, "2022"), before)


def test_report_previous_compares_a_single_form_year_over_year(tmp_path, van_vu):
    now, prev = van_vu
    before = _unchanged(now, prev)
    result = run("report", str(now), "--previous", str(prev), "-o", str(tmp_path / "r.docx"),
                 "--text", str(tmp_path / "r.md"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "r.md").read_text("utf-8")
    assert "820 người" in text and "tăng 164 hội viên so với năm 2022" in text
    assert "45.600.000 đồng, tăng 9.120.000 đồng" in text  # 45,6 − 36,48 million
    assert _unchanged(now, prev) == before
    # Without --previous the same form says nothing about 2022.
    run("report", str(now), "-o", str(tmp_path / "s.docx"), "--text", str(tmp_path / "s.md"))
    assert "2022" not in (tmp_path / "s.md").read_text("utf-8")


def test_report_previous_must_be_earlier(tmp_path, van_vu):
    now, prev = van_vu
    result = run("report", str(prev), "--previous", str(now), "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 2
    assert f"Tệp kỳ trước {now} là kỳ 2023, không trước kỳ 2022." in result.output
    assert not (tmp_path / "r.docx").exists()


def test_report_previous_in_the_library(van_vu):
    import kh_excel.app as app

    now, prev = van_vu
    report = app.draft_report(now, previous=prev)
    assert report.input.previous[("hoi_vien", "xa")] == 656
    assert str(report.input.previous_period) == "2022"
