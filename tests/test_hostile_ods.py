"""§7 of issue 11: a commune's .ods file (saved by LibreOffice) is read like its .xlsx; far cells in
.ods and .xls files."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from kh_excel.checking import check_file
from kh_excel.cli.main import cli
from kh_excel.forms.layout import DATA_SHEET
from kh_excel.libreoffice import convert, soffice_available

from formfiles import sha
from hostile import cell_xml, far_cell, ods_far_cell

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
VAN_VU = CLEAN / "2023_02137_xa-van-vu.xlsx"

pytestmark = [pytest.mark.libreoffice,
              pytest.mark.skipif(not soffice_available(), reason="LibreOffice is not installed")]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def ods_form(tmp_path_factory) -> Path:
    (path,) = convert([VAN_VU], tmp_path_factory.mktemp("ods"), "ods")
    return path


def test_an_ods_form_reads_like_its_xlsx(ods_form):
    before = sha(ods_form)
    got, want = check_file(ods_form), check_file(VAN_VU)
    assert got.findings == []
    sub, ref = got.submission, want.submission
    assert (sub.values, sub.texts, sub.info, sub.meta) == (ref.values, ref.texts, ref.info, ref.meta)
    assert sub.cell("quy_van_dong", "xa") == "D15"
    assert sha(ods_form) == before


def test_an_ods_form_in_the_folder_is_rolled_up(ods_form, tmp_path):
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    (folder / VAN_VU.name).unlink()  # Văn Vũ sent its form as .ods
    shutil.copy(ods_form, folder / ods_form.name)
    result = run("rollup", folder, "--unit", "Huyện Na Rì", "--period", "2023", "-o",
                 tmp_path / "t.xlsx", "--json")
    assert result.exit_code == 0, result.output
    from kh_excel.report.inputs import load_report_input
    inp = load_report_input(tmp_path / "t.xlsx")
    assert (inp.received, inp.expected) == (17, 17)


def test_an_ods_form_with_a_far_cell_is_read_from_its_real_cells(ods_form, tmp_path):
    bad = ods_far_cell(ods_form, tmp_path / "xa.ods", rows=1_000_000)
    # where the far cell is: after the rows the table had (counted by calamine on the original)
    rows = len(load_workbook(ods_form).get_sheet_by_name(DATA_SHEET).to_python())
    far = f"A{rows + 1_000_000 + 1}"
    before = sha(bad)
    result = run("check", bad)
    assert result.exit_code == 0, result.output
    assert (f"Cảnh báo  {DATA_SHEET}!{far}: Trang '{DATA_SHEET}' có nội dung ở ô {far}, nằm xa "
            "ngoài biểu") in result.output
    assert check_file(bad).submission.values == check_file(VAN_VU).submission.values
    assert sha(bad) == before


def test_error_values_in_an_ods_form_are_findings(tmp_path):
    xlsx = cell_xml(VAN_VU, tmp_path / "loi.xlsx", {"D8": 't="e"|<f>#REF!</f><v>#REF!</v>',
                                                    "D15": 't="e"|<f>1/0</f><v>#DIV/0!</v>'})
    (path,) = convert([xlsx], tmp_path / "ods", "ods")
    found = {(f.rule, f.cell) for f in check_file(path).findings}
    assert {("o_loi_excel", "D8"), ("o_loi_excel", "D15")} <= found
    result = run("check", path)
    assert result.exit_code == 1
    assert "Biểu số liệu!D15: Ô D15 (Quỹ vận động được trong kỳ) đang báo lỗi #DIV/0! của " \
           "Excel" in result.output


def test_an_xls_form_with_a_far_cell_is_refused_naming_it_without_filling_the_grid(tmp_path):
    # IV65536 is the last cell of an .xls sheet: read, it costs calamine over a gigabyte.
    (path,) = convert([far_cell(VAN_VU, tmp_path / "xa.xlsx", "IV65536")], tmp_path / "xls",
                      "xls")
    before = sha(path)
    result = run("check", path)
    assert result.exit_code == 3
    assert (f"Không đọc được tệp {path}: trang '{DATA_SHEET}' có nội dung ở ô IV65536, nằm xa "
            "ngoài biểu") in result.output
    assert sha(path) == before
    code = ("import resource, sys; from kh_excel.checking import check_file; check_file(sys.argv[1]);"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)")
    done = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                          timeout=60)
    assert int(done.stdout) < 300, done.stderr
    (clean,) = convert([VAN_VU], tmp_path / "xls-clean", "xls")
    assert check_file(clean).findings == []
