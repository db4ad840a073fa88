"""Picking a unit by name in every command: --parent, "Chợ Mới, Bắc Kạn", namesakes (issue 12
§1)."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_units_parent_bac_kan_is_the_province():
    # The README's own example: "Bắc Kạn" as a parent is Tỉnh Bắc Kạn, not Thành phố Bắc Kạn.
    result = run("units", "--scheme", "legacy-3tier", "--parent", "Bắc Kạn")
    assert result.exit_code == ExitCode.OK, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Tỉnh Bắc Kạn (06) – hệ thống legacy-3tier"
    assert lines[-1] == "Cộng: 8 đơn vị (7 huyện, 1 thành phố)."


@pytest.mark.parametrize("args", [
    ("--find", "Chợ Mới, Bắc Kạn"),
    ("--find", "Chợ Mới", "--parent", "Bắc Kạn"),
    ("--find", "Huyện Chợ Mới", "--parent", "Tỉnh Bắc Kạn"),
    ("--find", "065"),
])
def test_units_find_a_district_with_namesakes(args):
    result = run("units", "--scheme", "legacy-3tier", *args)
    assert result.exit_code == ExitCode.OK, result.output
    assert result.stdout == "Huyện Chợ Mới (065, Tỉnh Bắc Kạn): Huyện, cấp huyện (legacy-3tier).\n"


def test_units_ambiguous_district_lists_codes_parents_and_a_district_hint():
    result = run("units", "--scheme", "legacy-3tier", "--find", "Chợ Mới")
    assert result.exit_code == ExitCode.USAGE
    assert "Huyện Chợ Mới (065, Tỉnh Bắc Kạn); Huyện Chợ Mới (893, Tỉnh An Giang)" in result.stderr
    assert "(ví dụ 'Huyện Chợ Mới, Bắc Kạn')" in result.stderr
    assert "'Xã …'" not in result.stderr


@pytest.mark.parametrize("args", [
    ("--children-of", "Huyện Chợ Mới", "--parent", "Tỉnh Bắc Kạn"),
    ("--children-of", "Chợ Mới", "--parent", "Bắc Kạn"),
    ("--children-of", "Chợ Mới, Bắc Kạn"),
])
def test_template_children_of_with_parent(tmp_path, args):
    result = run("template", *args, "--period", "2023", "--out-dir", str(tmp_path / "b"))
    assert result.exit_code == ExitCode.OK, result.output
    names = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert len(names) == 14  # huyện Chợ Mới (Bắc Kạn) had 14 communes in the last GSO list
    # Bắc Kạn's communes (02086…), not An Giang's (30…).
    assert all(n.startswith("2023_02") for n in names)


def test_template_one_form_with_parent_in_the_name(tmp_path):
    out = tmp_path / "ChoMoi.xlsx"
    result = run("template", "--unit", "Chợ Mới, Bắc Kạn", "--period", "2023", "-o", str(out))
    assert result.exit_code == ExitCode.OK, result.output
    assert "Huyện Chợ Mới" in result.stdout and out.is_file()


def test_rollup_has_parent(tmp_path):
    # No forms are needed to see that the unit was resolved: the error is about the folder.
    empty = tmp_path / "empty"
    empty.mkdir()
    for args in (("--unit", "Chợ Mới", "--parent", "Bắc Kạn"), ("--unit", "Chợ Mới, Bắc Kạn")):
        result = run("rollup", str(empty), *args, "--period", "2023",
                     "-o", str(tmp_path / "r.xlsx"))
        assert result.exit_code == ExitCode.FINDINGS
        assert result.stderr.startswith("Lỗi: Không có biểu hợp lệ nào của Huyện Chợ Mới "
                                        "(065, Tỉnh Bắc Kạn) kỳ 2023")
    result = run("rollup", str(empty), "--unit", "Chợ Mới", "--period", "2023",
                 "-o", str(tmp_path / "r.xlsx"))
    assert result.exit_code == ExitCode.USAGE
    assert "thêm --parent" in result.stderr


def test_units_in_english():
    result = run("--lang", "en", "units", "--scheme", "legacy-3tier", "--parent", "Bắc Kạn")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Tỉnh Bắc Kạn (06) – scheme legacy-3tier"
    assert lines[-1] == "Total: 8 units (7 huyện, 1 thành phố)."
    result = run("--lang", "en", "units", "--scheme", "legacy-3tier", "--find", "Chợ Mới, Bắc Kạn")
    assert result.stdout == ("Huyện Chợ Mới (065, Tỉnh Bắc Kạn): Huyện, district level "
                             "(legacy-3tier).\n")
