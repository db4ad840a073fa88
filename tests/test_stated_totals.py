"""Nothing typed is dropped (issue 11 §5): the totals a unit typed in the Tổng cộng column of its
own form are compared with the roll-up, warned about when nothing can be compared, and shown in
the roll-up workbook. The own forms are built here; the commune forms are the examples."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel.catalogue import load_catalogue
from kh_excel.cli.main import cli
from kh_excel.forms import layout as L
from kh_excel.rollups.workbook import FIRST_ROW, PER_UNIT_FIXED, per_unit_codes

from formfiles import district_spec, filled, sha
from ooxml import assert_valid_ooxml

NA_RI = Path(__file__).resolve().parents[1] / "examples" / "na-ri-2023"
COMMUNES = sorted(NA_RI.glob("*_xa-*.xlsx")) + sorted(NA_RI.glob("*_thi-tran-*.xlsx"))
CATALOGUE = load_catalogue()


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def communes_sum(code: str, files=COMMUNES) -> int:
    """The communes' figure added up with openpyxl, not with kh-excel."""
    total = 0
    for path in files:
        wb = load_workbook(path, data_only=True)
        (sheet, ref), = wb.defined_names[L.value_name(code, "xa")].destinations
        total += wb[sheet][ref.replace("$", "")].value or 0
    return total


def rollup_json(tmp_path: Path, *inputs: Path, out: str = "out.xlsx"):
    before = {p: sha(p) for p in inputs}
    result = run("rollup", *map(str, inputs), "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", str(tmp_path / out), "--json")
    assert {p: sha(p) for p in inputs} == before  # the inputs are never modified
    return result, json.loads(result.output) if result.output.startswith("{") else None


def per_unit_block(path: Path) -> dict[str, dict[str, object]]:
    """The rows below the per-unit SUM row, by their label, as {indicator code: value}."""
    ws = load_workbook(path)[L.PER_UNIT_SHEET]
    codes = per_unit_codes()
    first = len(PER_UNIT_FIXED) + 1
    out = {}
    for row in ws.iter_rows(min_row=FIRST_ROW):
        label = row[2].value
        if isinstance(label, str) and label.startswith(("Số liệu đơn vị tự ghi", "Tổng cộng tính",
                                                        "Chênh lệch")):
            out[label.split(" (")[0]] = {ind.code: row[first - 1 + k].value
                                         for k, ind in enumerate(codes)
                                         if row[first - 1 + k].value is not None}
    return out


@pytest.fixture
def totals_only(tmp_path, units) -> Path:
    """The district's own form with figures typed only in its Tổng cộng column."""
    return filled(tmp_path / "own", district_spec(units),
                  {("hoi_vien", "tong"): 10_500, ("quy_van_dong", "tong"): 1_330_000_000},
                  name="2023_066_huyen-na-ri.xlsx")


def test_totals_only_alone_are_kept_and_warned_about(tmp_path, totals_only):
    # Before: totals {}, "0/17", no finding. The figures now reach the output.
    result, data = rollup_json(tmp_path, totals_only)
    assert result.exit_code == 0  # warnings only
    assert data["stated_totals"] == {"hoi_vien": 10_500, "quy_van_dong": 1_330_000_000}
    (w,) = [f for f in data["findings"] if f["rule"] == "tong_tu_ghi_chua_so_duoc"]
    assert w["severity"] == "canh_bao" and w["file"] == str(totals_only)
    assert "cột Tổng cộng cho 2 chỉ tiêu" in w["message"]
    assert "chưa có biểu nào của các xã trực thuộc (0/17)" in w["message"]
    assert f"kh-excel report {totals_only}" in w["message"]
    block = per_unit_block(tmp_path / "out.xlsx")
    assert block["Số liệu đơn vị tự ghi"] == {"hoi_vien": 10_500, "quy_van_dong": 1_330_000_000}
    assert block["Tổng cộng tính được"] == {} and block["Chênh lệch"] == {}


def test_totals_compared_with_every_commune(tmp_path, units):
    members = communes_sum("hoi_vien")
    fund = communes_sum("quy_van_dong")
    own = filled(tmp_path / "own", district_spec(units),
                 {("hoi_vien", "tong"): members,            # right
                  ("quy_van_dong", "tong"): fund + 5_000},  # off by 5.000 đồng
                 name="2023_066_huyen-na-ri.xlsx")
    result, data = rollup_json(tmp_path, *COMMUNES, own)
    assert result.exit_code == 1
    found = [f for f in data["findings"] if f["rule"].startswith("tong_tu_ghi")]
    assert len(found) == 1  # one per indicator that differs
    (f,) = found
    assert f["severity"] == "loi" and f["left"] == fund + 5_000 and f["right"] == fund
    assert f["cell"] == L.form_layout("huyen", "legacy-3tier").cell("quy_van_dong", "tong").ref
    assert "lệch 5.000" in f["message"] and CATALOGUE["quy_van_dong"].label in f["message"]
    assert data["totals"]["quy_van_dong"]["tong"] == fund  # the roll-up keeps its own sum
    block = per_unit_block(tmp_path / "out.xlsx")
    assert block["Số liệu đơn vị tự ghi"] == {"hoi_vien": members, "quy_van_dong": fund + 5_000}
    assert block["Tổng cộng tính được"] == {"hoi_vien": members, "quy_van_dong": fund}
    assert block["Chênh lệch"] == {"hoi_vien": 0, "quy_van_dong": 5_000}
    assert_valid_ooxml(tmp_path / "out.xlsx")  # the rows added below the table included


def test_some_communes_missing_makes_a_difference_a_warning(tmp_path, totals_only):
    two = COMMUNES[:2]
    result, data = rollup_json(tmp_path, *two, totals_only)
    found = {f["cell"]: f for f in data["findings"] if f["rule"] == "tong_tu_ghi_khac_tong_hop"}
    assert len(found) == 2
    for f in found.values():
        assert f["severity"] == "canh_bao" and "Mới có biểu của 2/17 xã" in f["message"]
    members = next(f for f in found.values() if f["left"] == 10_500)
    assert members["right"] == communes_sum("hoi_vien", two)


def test_a_total_that_is_the_sum_of_the_forms_levels_adds_nothing(tmp_path, units):
    # The example's own form: only its Cấp huyện typed, Tổng cộng is that sum (LibreOffice).
    own = NA_RI / "2023_066_huyen-na-ri_cap-rieng.xlsx"
    result, data = rollup_json(tmp_path, own)
    assert data["stated_totals"] == {}
    assert not [f for f in data["findings"] if f["rule"].startswith("tong_tu_ghi")]
    assert per_unit_block(tmp_path / "out.xlsx") == {}


def test_english(tmp_path, totals_only):
    result = run("--lang", "en", "rollup", str(totals_only), "--unit", "Huyện Na Rì",
                 "--period", "2023", "-o", str(tmp_path / "o.xlsx"), "--json")
    (w,) = [f for f in json.loads(result.output)["findings"]
            if f["rule"] == "tong_tu_ghi_chua_so_duoc"]
    assert "cannot be compared" in w["message"]
