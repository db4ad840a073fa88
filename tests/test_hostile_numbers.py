"""§2 of issue 11: numbers that are not numbers are error findings on their cells."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kh_excel.checking import check_file
from kh_excel.cli.main import cli
from kh_excel.model import Severity, Submission
from kh_excel.rules import check_submission
from kh_excel.reading.cells import CEILINGS
from kh_excel.catalogue import load_catalogue

from formfiles import commune_spec, filled, sha, with_cells, XA_VALUES
from hostile import cell_xml

ROOT = Path(__file__).resolve().parents[1]
VAN_VU = ROOT / "examples" / "na-ri-2023" / "2023_02137_xa-van-vu.xlsx"  # saved by LibreOffice
# Văn Vũ's data sheet: D8 hội viên, D9 hội viên mới, D11 số hội cơ sở, D15 quỹ vận động.


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _check(path: Path):
    before = sha(path)
    result = run("check", path)
    assert sha(path) == before
    return result


def _only(path: Path, cell: str):
    found = [f for f in check_file(path).findings if f.cell == cell]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize("xml, shown", [
    ("<v>NaN</v>", "NaN"), ("<v>inf</v>", "+∞"), ("<v>-inf</v>", "-∞"),
    ("<v>1E+999999999</v>", "+∞"),
])
def test_a_value_that_is_not_a_finite_number(tmp_path, xml, shown):
    path = cell_xml(VAN_VU, tmp_path / "x.xlsx", {"D8": xml})
    result = _check(path)
    assert result.exit_code == 1
    assert (f"Lỗi       Biểu số liệu!D8: Ô D8 (Tổng số hội viên) chứa giá trị không phải số hữu "
            f"hạn ({shown}).") in result.output
    f = _only(path, "D8")
    assert (f.rule, f.severity) == ("so_khong_xac_dinh", Severity.LOI)


@pytest.mark.parametrize("error", ["#REF!", "#DIV/0!", "#N/A", "#VALUE!", "#NAME?", "#NUM!"])
def test_an_excel_error_value_in_an_input_cell(tmp_path, error):
    path = cell_xml(VAN_VU, tmp_path / "x.xlsx",
                    {"D15": f't="e"|<f>1/0</f><v>{error}</v>'})
    result = _check(path)
    assert result.exit_code == 1
    assert (f"Biểu số liệu!D15: Ô D15 (Quỹ vận động được trong kỳ) đang báo lỗi {error} của "
            "Excel, nên không có số liệu.") in result.output
    assert _only(path, "D15").rule == "o_loi_excel"


def test_a_formula_without_a_cached_value_in_a_calculated_file(tmp_path):
    # LibreOffice calculated every other formula of the file; this one was typed in afterwards
    # by a script that could not calculate it.
    path = cell_xml(VAN_VU, tmp_path / "x.xlsx", {"D9": "<f>D8/10</f>"})
    result = _check(path)
    assert result.exit_code == 1
    assert "Biểu số liệu!D9: Ô D9 (Hội viên kết nạp mới trong kỳ) chứa công thức nhưng tệp chưa " \
           "được tính lại" in result.output
    assert _only(path, "D9").rule == "cong_thuc_chua_tinh"


def test_an_empty_text_result_of_a_formula_is_blank_not_an_error(tmp_path):
    path = cell_xml(VAN_VU, tmp_path / "x.xlsx", {"D9": 't="str"|<f>""</f><v></v>'})
    assert [f for f in check_file(path).findings if f.cell == "D9"] == []


@pytest.mark.parametrize("typed", [10**26, "1" + "0" * 26, 10**15, 2 * 10**15])
def test_money_above_the_ceiling(tmp_path, units, typed):
    form = filled(tmp_path, commune_spec(units), XA_VALUES)
    path = with_cells(form, tmp_path / "x.xlsx", {("quy_van_dong", "xa"): typed})
    result = _check(path)
    assert result.exit_code == 1  # a finding, never a traceback
    assert "Biểu số liệu!D15: Ô D15 (Quỹ vận động được trong kỳ) ghi " in result.output
    assert "vượt quá mức có thể có (1.000.000.000.000.000 đồng)" in result.output
    assert "Traceback" not in result.output
    assert _only(path, "D15").rule == "so_qua_lon"


def test_money_just_below_the_ceiling_is_read(tmp_path, units):
    form = filled(tmp_path, commune_spec(units), XA_VALUES)
    path = with_cells(form, tmp_path / "x.xlsx", {("quy_van_dong", "xa"): 10**15 - 1})
    result = check_file(path)
    assert result.submission.value("quy_van_dong", "xa") == 10**15 - 1
    assert "so_qua_lon" not in [f.rule for f in result.findings]


def test_every_kind_of_indicator_has_a_ceiling():
    kinds = {ind.kind for ind in load_catalogue()}
    assert kinds <= set(CEILINGS)
    assert CEILINGS["dong"] == 10**15  # no Hội fund reaches 10^15 đồng


def test_persons_above_the_ceiling(tmp_path, units):
    form = filled(tmp_path, commune_spec(units), XA_VALUES)
    path = with_cells(form, tmp_path / "x.xlsx", {("hoi_vien", "xa"): 3_000_000_000})
    f = _only(path, "D8")
    assert (f.rule, f.severity) == ("so_qua_lon", Severity.LOI)
    assert f.message == ("Ô D8 (Tổng số hội viên) ghi 3.000.000.000 người, vượt quá mức có thể "
                         "có (1.000.000.000 người). Hãy kiểm tra lại (có thể gõ thừa chữ số).")


def test_the_rule_engine_rounds_figures_beyond_28_digits():
    # A submission from elsewhere than the reader (the library, a store) is not capped: its
    # messages must still be written, not end in decimal.InvalidOperation.
    values = dict(XA_VALUES)
    values[("hoc_bong_tien", "xa")] = 10**26  # for 40 scholarships: 2.5 × 10^24 đồng each
    sub = Submission(path="x.xlsx", sha256="", values=values,
                     meta={"tier": "xa", "scheme": "legacy-3tier", "period": "2023",
                           "unit_code": "02137", "unit_name": "Xã Văn Vũ"})
    (f,) = check_submission(sub)
    assert "2.500.000.000.000.000.000.000.000" in f.message
