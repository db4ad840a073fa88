"""Roll-up totals that show in every viewer (issue 12 §3): each formula of the roll-up workbook
carries its result, read back equal to the roll-up's JSON by python-calamine and openpyxl
(data_only), and equal to what LibreOffice computes."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import load_workbook as calamine_workbook

import kh_excel
from kh_excel.forms import layout as L
from kh_excel.libreoffice import resave_xlsx, soffice_available
from kh_excel.rollups.workbook import FIRST_ROW, PER_UNIT_FIXED, per_unit_codes

from ooxml import assert_valid_ooxml

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.fixture(scope="module")
def na_ri(tmp_path_factory):
    """The Na Rì roll-up with last year's comparison (so the sheet of differences is there)."""
    folder = tmp_path_factory.mktemp("cached")
    before = kh_excel.rollup([EXAMPLES / "na-ri-2023"], unit="Huyện Na Rì", period="2023")
    before.period = type(before.period).parse("2022")  # last year's figures: the same forms
    previous = kh_excel.write_rollup(before, folder / "2022.xlsx")
    result = kh_excel.rollup([EXAMPLES / "na-ri-2023"], unit="Huyện Na Rì", period="2023",
                             previous=previous)
    return result, kh_excel.write_rollup(result, folder / "2023.xlsx")


def _cells(path: Path) -> dict[str, dict[str, object]]:
    """Sheet → {A1 reference: value} as python-calamine reads it (no calculation)."""
    wb = calamine_workbook(str(path))
    out = {}
    for name in wb.sheet_names:
        rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        out[name] = {f"{L.get_column_letter(c + 1)}{r + 1}": v
                     for r, row in enumerate(rows) for c, v in enumerate(row) if v != ""}
    return out


def _expected(result) -> dict[str, object]:
    """Reference → the roll-up JSON's figure, for every total and ratio of the form."""
    totals = result.to_dict()["totals"]
    layout = L.form_layout(result.unit.tier, result.scheme)
    return {vc.ref: totals[vc.code][vc.level] for vc in layout.cells
            if vc.role in ("total", "derived") and vc.level in totals.get(vc.code, {})}


def test_every_total_and_ratio_reads_back_as_in_the_json(na_ri):
    result, path = na_ri
    expected = _expected(result)
    layout = L.form_layout(result.unit.tier, result.scheme)
    assert sum(1 for vc in layout.cells if vc.role == "derived") > 10
    assert len(expected) > 40
    calamine = _cells(path)[L.DATA_SHEET]
    openpyxl_values = load_workbook(path, data_only=True)[L.DATA_SHEET]
    for ref, want in expected.items():
        for got in (calamine.get(ref), openpyxl_values[ref].value):
            assert got not in (None, ""), ref
            assert round(float(got), 6) == round(float(want), 6), (ref, got, want)
    # The check column and its summary read as a spreadsheet application would show them.
    check = L.get_column_letter(layout.check_col)
    assert calamine[f"{check}{L.CHECK_SUMMARY_ROW}"] == "Số dòng sai: 0"
    assert calamine[f"{check}{layout.rows['hoi_vien']}"] == "Đúng"


def test_the_sum_row_and_the_differences_carry_their_values(na_ri):
    result, path = na_ri
    cells = _cells(path)
    per_unit = cells[L.PER_UNIT_SHEET]
    sum_row = FIRST_ROW + len(result.children)
    for k, ind in enumerate(per_unit_codes()):
        col = L.get_column_letter(len(PER_UNIT_FIXED) + 1 + k)
        column = [c.total(ind.code) for c in result.children if c.total(ind.code) is not None]
        assert per_unit[f"{col}{sum_row}"] == float(sum(column)), ind.code
    differences = cells["So sánh kỳ trước"]
    rows = {r for r in (int(ref[1:]) for ref in differences if ref[0] == "F") if r >= FIRST_ROW}
    assert rows
    for r in rows:  # the same forms for both years: every difference is 0, and it is written
        assert differences[f"F{r}"] == 0.0


def test_the_workbook_stays_valid_ooxml(na_ri):
    assert_valid_ooxml(na_ri[1])


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_computes_what_was_cached(na_ri, tmp_path):
    result, path = na_ri
    ours = _cells(path)
    saved, = resave_xlsx([path], tmp_path / "lo")  # recalculation forced
    theirs = _cells(saved)
    for sheet in (L.DATA_SHEET, L.PER_UNIT_SHEET):
        for ref in _expected(result) if sheet == L.DATA_SHEET else ours[sheet]:
            a, b = ours[sheet].get(ref), theirs[sheet].get(ref)
            if isinstance(a, float) or isinstance(b, float):
                assert round(float(a), 6) == round(float(b), 6), (sheet, ref)
            else:
                assert a == b, (sheet, ref)
    layout = L.form_layout(result.unit.tier, result.scheme)
    check = L.get_column_letter(layout.check_col)
    for row in [L.CHECK_SUMMARY_ROW, *layout.rows.values()]:
        assert ours[L.DATA_SHEET].get(f"{check}{row}") == theirs[L.DATA_SHEET].get(f"{check}{row}")


def test_a_rollup_read_back_gives_the_same_figures(na_ri):
    result, path = na_ri
    sub = kh_excel.read_form(path).submission
    for (code, level), value in result.values.items():
        if (code, level) in sub.values:
            assert float(sub.values[(code, level)]) == pytest.approx(float(value)), (code, level)
    assert sub.values[("hoi_vien", "tong")] == result.value("hoi_vien", "tong")


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_agrees_cell_by_cell_with_a_sai_in_the_check_column(tmp_path):
    """Forms with mistakes in the roll-up: the check column says "Sai" in both."""
    src = tmp_path / "in"
    shutil.copytree(EXAMPLES / "na-ri-2023", src)
    for name in ("2023_02143_xa-luong-thuong.xlsx", "2023_02140_xa-van-lang.xlsx"):
        (src / name).unlink()
    for path in (EXAMPLES / "broken").glob("2023_0214[03]_*.xlsx"):
        shutil.copy(path, src)
    result = kh_excel.rollup([src], unit="Huyện Na Rì", period="2023")
    path = kh_excel.write_rollup(result, tmp_path / "r.xlsx")
    saved, = resave_xlsx([path], tmp_path / "lo")
    ours, theirs = _cells(path)[L.DATA_SHEET], _cells(saved)[L.DATA_SHEET]
    assert "Sai" in ours.values()
    assert ours.keys() == theirs.keys()
    for ref, value in ours.items():
        if isinstance(value, float):
            assert theirs[ref] == pytest.approx(value, rel=1e-12), ref
        else:
            assert theirs[ref] == value, ref


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_agrees_with_a_thieu_in_the_check_column(tmp_path, units):
    """A count of awards without its money in the roll-up: "Thiếu" in both."""
    from formfiles import XA, commune_spec, filled

    values = {(c, "xa"): v for c, v in XA.items() if c != "hoc_bong_tien"}
    filled(tmp_path / "in", commune_spec(units), values, "2023_02137_xa-van-vu.xlsx")
    for blank in (tmp_path / "in").glob(".*"):
        blank.unlink()
    result = kh_excel.rollup([tmp_path / "in"], unit="Huyện Na Rì", period="2023")
    path = kh_excel.write_rollup(result, tmp_path / "r.xlsx")
    saved, = resave_xlsx([path], tmp_path / "lo")
    ours, theirs = _cells(path)[L.DATA_SHEET], _cells(saved)[L.DATA_SHEET]
    assert "Thiếu" in ours.values()
    assert ours.keys() == theirs.keys()
    for ref, value in ours.items():
        assert theirs[ref] == (pytest.approx(value, rel=1e-12) if isinstance(value, float)
                               else value), ref
