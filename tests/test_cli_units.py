"""``kh-excel units``: listings, --find, --json, and the ``Lỗi: …`` lines with their exit codes."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode, UnitNotFound
from kh_excel.periods import LEGACY, TWO_TIER
from kh_excel.registry import load_registry


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_default_lists_the_provinces_of_two_tier_2025():
    result = run("units")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Việt Nam – hệ thống two-tier-2025"
    assert len(lines) == 1 + 34 + 1
    assert lines[1].split() == ["01", "Thành", "phố", "Hà", "Nội", "Thành", "phố"]
    assert lines[-1] == "Cộng: 34 đơn vị (28 tỉnh, 6 thành phố)."


def test_children_of_a_district():
    result = run("units", "--scheme", "legacy-3tier", "--parent", "Na Rì")
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[0] == "Huyện Na Rì (066, Tỉnh Bắc Kạn) – hệ thống legacy-3tier"
    assert lines[1] == "  02137  Xã Văn Vũ         Xã"
    assert "  02155  Thị trấn Yến Lạc  Thị trấn" in lines
    assert len(lines) == 1 + 17 + 1
    assert lines[-1] == "Cộng: 17 đơn vị (16 xã, 1 thị trấn)."


def test_parent_by_code_of_a_province():
    result = run("units", "--scheme", "legacy-3tier", "--parent", "06")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.splitlines()[-1] == "Cộng: 8 đơn vị (7 huyện, 1 thành phố)."


def test_a_unit_without_children():
    result = run("units", "--scheme", "legacy-3tier", "--parent", "02137")
    assert result.exit_code == ExitCode.OK
    assert result.stdout.splitlines() == [
        "Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn) – hệ thống legacy-3tier",
        "Xã Văn Vũ không có đơn vị trực thuộc.",
    ]


def test_json_is_exactly_what_the_library_returns():
    result = run("units", "--scheme", "legacy-3tier", "--parent", "066", "--json")
    assert result.exit_code == ExitCode.OK
    registry = load_registry(LEGACY)
    assert json.loads(result.stdout) == [u.to_dict() for u in registry.children("066")]


def test_json_provinces():
    result = run("units", "--json")
    provinces = load_registry(TWO_TIER).children("VN")
    assert json.loads(result.stdout) == [u.to_dict() for u in provinces]


def test_find():
    result = run("units", "--scheme", "legacy-3tier", "--find", "van vu", "--parent", "Na Rì")
    assert result.exit_code == ExitCode.OK
    assert result.stdout == (
        "Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn): Xã, cấp xã (legacy-3tier).\n")


def test_find_json():
    result = run("units", "--find", "Na Rì", "--json")
    assert result.exit_code == ExitCode.OK
    assert json.loads(result.stdout) == load_registry(TWO_TIER).get("02155").to_dict()


def test_ambiguous_name_is_a_usage_error():
    result = run("units", "--scheme", "legacy-3tier", "--find", "Thi tran Yen Lac")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == (
        "Lỗi: Tên 'Thi tran Yen Lac' trùng với nhiều đơn vị: "
        "Thị trấn Yến Lạc (02155, Huyện Na Rì, Tỉnh Bắc Kạn); "
        "Thị trấn Yên Lạc (09025, Huyện Yên Lạc, Tỉnh Vĩnh Phúc). "
        "Ghi rõ hơn (ví dụ 'Thị trấn Yến Lạc'), dùng mã đơn vị, hoặc thêm --parent.\n")


def test_unknown_unit_suggests():
    result = run("units", "--scheme", "legacy-3tier", "--find", "Van Vux", "--parent", "Na Rì")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Lỗi: Không tìm thấy đơn vị 'Van Vux' trong Huyện Na Rì. "
                             "Có phải: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?\n")


def test_unknown_parent():
    result = run("units", "--parent", "Huyện Na Rì")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == (
        "Lỗi: Không tìm thấy đơn vị 'Huyện Na Rì'. Từ 1/7/2025 không còn cấp huyện và thị trấn "
        "(hệ thống two-tier-2025). Có phải: Xã Na Rì (02155, Tỉnh Thái Nguyên)?\n")


def test_errors_in_english():
    result = run("--lang", "en", "units", "--scheme", "legacy-3tier", "--find", "Van Vux",
                 "--parent", "066")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == ("Error: No unit 'Van Vux' in Huyện Na Rì. "
                             "Did you mean: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn)?\n")


def test_missing_extra_units_file_is_bad_input():
    result = run("units", "--extra-units", "khong_co.xlsx")
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == ("Lỗi: Tệp khong_co.xlsx không dùng được: không tìm thấy tệp này. "
                             "Kiểm tra đường dẫn.\n")


def test_bad_extra_units_file_is_bad_input(tmp_path):
    path = tmp_path / "bo_sung.csv"
    path.write_text("ma,ten,cap,truc_thuoc\nA1,,xa,Na Rì\nA2,Ban A2,xa,\n", encoding="utf-8")
    result = run("units", "--scheme", "legacy-3tier", "--extra-units", str(path))
    assert result.exit_code == ExitCode.BAD_INPUT
    assert result.stderr == (f"Lỗi: Tệp {path} không dùng được: 2 dòng có lỗi: "
                             "dòng 2: chưa ghi tên (cột ten); "
                             "dòng 3: chưa ghi đơn vị trực thuộc (cột truc_thuoc)\n")


def test_extra_units_are_listed_after_the_gso_units(tmp_path):
    path = tmp_path / "bo_sung.csv"
    path.write_text("ma,ten,truc_thuoc\nHKH-CA-066,=Hội Khuyến học Công an huyện,066\n",
                    encoding="utf-8")
    result = run("units", "--scheme", "legacy-3tier", "--parent", "Na Rì",
                 "--extra-units", str(path))
    assert result.exit_code == ExitCode.OK
    lines = result.stdout.splitlines()
    assert lines[-2].split("  ")[1:] == ["HKH-CA-066", "=Hội Khuyến học Công an huyện",
                                         "đơn vị bổ sung"]
    assert lines[-1] == "Cộng: 18 đơn vị (16 xã, 1 thị trấn, 1 đơn vị bổ sung)."


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_vietnamese_with_examples(flag):
    result = run("units", flag)
    assert result.exit_code == ExitCode.OK
    assert "Ví dụ:" in result.stdout
    assert 'kh-excel units --scheme legacy-3tier --parent "Na Rì"' in result.stdout
    assert "mặc định" in result.stdout and "two-tier-2025" in result.stdout


def test_debug_lets_the_exception_through():
    with pytest.raises(UnitNotFound) as err:
        CliRunner().invoke(cli, ["--debug", "units", "--find", "Qwzx"], catch_exceptions=False)
    assert err.value.params["query"] == "Qwzx"
