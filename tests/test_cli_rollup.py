"""``kh-excel rollup`` as a user runs it: exit codes, JSON, atomic output, and LibreOffice."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel.cli.main import cli
from kh_excel.forms import layout as L
from kh_excel.libreoffice import resave_xlsx, soffice_available
from kh_excel.rollups import rollup

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NA_RI = EXAMPLES / "na-ri-2023"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_rollup_writes_the_workbook_and_exits_0(tmp_path):
    out = tmp_path / "na-ri.xlsx"
    result = run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "17/17 xã" in result.output and str(out) in result.output
    assert L.PER_UNIT_SHEET in load_workbook(out, read_only=True).sheetnames
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_json_is_exactly_what_the_library_returns(tmp_path):
    result = run("rollup", str(NA_RI), "--unit", "Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "a.xlsx"), "--json")
    assert result.exit_code == 0
    library = rollup([str(NA_RI)], unit="Na Rì", period="2023").to_dict()
    assert json.loads(result.output) == json.loads(json.dumps(library, ensure_ascii=False))


def test_errors_exit_1_and_show_in_the_output(tmp_path):
    shutil.copytree(NA_RI, tmp_path / "in")
    src = next((tmp_path / "in").glob("*_xa-van-vu.xlsx"))
    shutil.copyfile(src, tmp_path / "in" / "copy.xlsx")
    result = run("rollup", str(tmp_path / "in"), "--unit", "Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1
    assert "Xã Văn Vũ có 2 tệp" in result.output


def test_an_unreadable_file_exits_3(tmp_path):
    shutil.copytree(NA_RI, tmp_path / "in")
    (tmp_path / "in" / "bao-cao.xlsx").write_bytes(b"%PDF-1.4 not a workbook")
    result = run("rollup", str(tmp_path / "in"), "--unit", "Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 3
    assert (tmp_path / "out.xlsx").exists()  # the roll-up of what could be read is still written


def test_existing_output_is_refused_before_any_work(tmp_path):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    result = run("rollup", str(NA_RI), "--unit", "Na Rì", "--period", "2023", "-o", str(out))
    assert result.exit_code == 2
    assert result.output.strip() == f"Lỗi: Tệp {out} đã có. Thêm --force để ghi đè, hoặc chọn tên tệp khác."
    assert out.read_bytes() == b"keep me"


def test_a_failed_rollup_leaves_no_file(tmp_path):
    out = tmp_path / "out.xlsx"
    result = run("rollup", str(NA_RI), "--unit", "Xã Văn Vũ", "--period", "2023", "-o", str(out))
    assert result.exit_code == 2
    assert result.output.startswith("Lỗi: Xã Văn Vũ là đơn vị cấp xã")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_a_scheme_that_contradicts_the_period(tmp_path):
    result = run("rollup", str(NA_RI), "--unit", "Na Rì", "--period", "2026",
                 "--scheme", "legacy-3tier", "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == 2 and "1/7/2025" in result.output


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_computes_the_rollup_totals(tmp_path):
    result = rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    out = tmp_path / "na-ri.xlsx"
    run("rollup", str(NA_RI), "--unit", "Huyện Na Rì", "--period", "2023", "-o", str(out))
    saved, = resave_xlsx([out], tmp_path / "lo")
    wb = load_workbook(saved, data_only=True)
    for code in ("hoi_vien", "quy_van_dong", "hoc_bong_tien", "tong_quy"):
        (sheet, ref), = wb.defined_names[f"KH_{code}__tong"].destinations
        assert wb[sheet][ref.replace("$", "")].value == result.value(code, "tong"), code
    (sheet, ref), = wb.defined_names["KH_ty_le_hoi_vien__tong"].destinations
    assert round(wb[sheet][ref.replace("$", "")].value, 6) == \
        round(float(result.value("ty_le_hoi_vien", "tong")), 6)
    per_unit = wb[L.PER_UNIT_SHEET]
    headers = [c.value for c in per_unit[3]]
    col = headers.index("Tổng số hội viên (người)") + 1
    assert per_unit.cell(21, col).value == result.value("hoi_vien", "xa")
