"""``kh-excel template``: happy paths, and each bad input as one ``Lỗi: …`` line and exit code."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode, KhError
from kh_excel.forms.layout import DATA_SHEET, META_SHEET
from kh_excel.registry import load_registry


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _meta(path) -> dict[str, str]:
    return {k: v or "" for k, v in load_workbook(path)[META_SHEET].iter_rows(values_only=True)}


def _error_line(result) -> str:
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def _registry_error(scheme: str, *args, **kwargs) -> str:
    """The exact message the registry gives for a look-up (its wording is the registry's)."""
    with pytest.raises(KhError) as err:
        load_registry(scheme).find(*args, **kwargs)
    return f"Lỗi: {err.value.message()}"


def test_one_district_form(tmp_path):
    out = tmp_path / "NaRi_2023.xlsx"
    result = run("template", "--unit", "Na Rì", "--tier", "huyen", "--period", "2023", "-o",
                 str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Đã tạo biểu mẫu của Huyện Na Rì (năm 2023): {out}"
    meta = _meta(out)
    assert (meta["template_id"], meta["unit_code"], meta["parent_code"], meta["period"]) == (
        "kh-huyen-legacy-3tier", "066", "06", "2023")
    assert load_workbook(out)[DATA_SHEET]["A2"].value == "Hội Khuyến học huyện Na Rì"


def test_tier_and_scheme_follow_the_unit_and_period(tmp_path):
    out = tmp_path / "vanvu.xlsx"
    result = run("template", "--unit", "Văn Vũ", "--parent", "Na Rì", "--period", "2024-H1",
                 "-o", str(out))
    assert result.exit_code == 0, result.output
    meta = _meta(out)
    assert (meta["tier"], meta["scheme"], meta["unit_code"], meta["period"]) == (
        "xa", "legacy-3tier", "02137", "2024-H1")
    out2 = tmp_path / "tn.xlsx"
    result = run("template", "--unit", "Tỉnh Thái Nguyên", "--period", "2025", "-o", str(out2))
    assert result.exit_code == 0, result.output
    assert _meta(out2)["template_id"] == "kh-tinh-two-tier-2025"


def test_children_forms(tmp_path):
    out = tmp_path / "bieu_mau"
    result = run("template", "--children-of", "Na Rì", "--period", "2023", "--out-dir", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Đã tạo 17 biểu mẫu trong thư mục {out}"
    files = sorted(out.iterdir())
    assert len(files) == 17
    assert "2023_02137_xa-van-vu.xlsx" in [f.name for f in files]
    meta = _meta(out / "2023_02137_xa-van-vu.xlsx")
    assert (meta["unit_name"], meta["parent_code"], meta["tier"]) == ("Xã Văn Vũ", "066", "xa")


def test_children_of_a_province_in_the_two_tier_scheme(tmp_path):
    registry = load_registry("two-tier-2025")
    province = registry.find("Tỉnh Thái Nguyên")
    expected = len(registry.children(province))
    result = run("template", "--children-of", "Tỉnh Thái Nguyên", "--period", "2025",
                 "--out-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"Đã tạo {expected} biểu mẫu trong thư mục {tmp_path}"
    assert len(list(tmp_path.glob("2025_*.xlsx"))) == expected


def test_existing_output_needs_force(tmp_path):
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"keep me")
    args = ["template", "--unit", "Văn Vũ", "--parent", "Na Rì", "--period", "2023", "-o", str(out)]
    result = run(*args)
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (f"Lỗi: Tệp {out} đã có. Thêm --force để ghi đè, hoặc chọn "
                                   "tên tệp khác.")
    assert out.read_bytes() == b"keep me"
    assert list(tmp_path.iterdir()) == [out]  # nothing half-written
    assert run(*args, "--force").exit_code == 0
    assert _meta(out)["unit_code"] == "02137"


def test_existing_child_form_needs_force(tmp_path):
    (tmp_path / "2023_02137_xa-van-vu.xlsx").write_bytes(b"keep me")
    result = run("template", "--children-of", "Na Rì", "--period", "2023", "--out-dir",
                 str(tmp_path))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (f"Lỗi: Tệp {tmp_path / '2023_02137_xa-van-vu.xlsx'} đã có. "
                                   "Thêm --force để ghi đè, hoặc chọn tên tệp khác.")
    assert len(list(tmp_path.iterdir())) == 1


def test_tier_mismatch(tmp_path):
    out = tmp_path / "x.xlsx"
    result = run("template", "--unit", "Văn Vũ", "--tier", "huyen", "--period", "2023", "-o",
                 str(out))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == ("Lỗi: Xã Văn Vũ (02137, Huyện Na Rì, Tỉnh Bắc Kạn) là đơn vị "
                                   "cấp xã, không phải cấp huyện. Bỏ --tier hoặc chọn đúng đơn vị.")
    assert not out.exists()


def test_unknown_unit(tmp_path):
    out = tmp_path / "x.xlsx"
    result = run("template", "--unit", "Xyzabc", "--period", "2023", "-o", str(out))
    assert result.exit_code == ExitCode.USAGE
    line = _error_line(result)
    assert line.startswith("Lỗi: Không tìm thấy đơn vị 'Xyzabc'")
    assert line == _registry_error("legacy-3tier", "Xyzabc")
    assert not out.exists()


def test_no_district_after_2025(tmp_path):
    result = run("template", "--unit", "Na Rì", "--tier", "huyen", "--period", "2025", "-o",
                 str(tmp_path / "x.xlsx"))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == _registry_error("two-tier-2025", "Na Rì", tier="huyen")


@pytest.mark.parametrize("period", ["2024-H2", "24", "năm ngoái"])
def test_invalid_period(tmp_path, period):
    result = run("template", "--unit", "Na Rì", "--period", period, "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (
        f"Lỗi: Kỳ báo cáo '{period}' không hợp lệ. Ghi năm (ví dụ 2024) cho báo cáo tổng kết năm, "
        "hoặc năm-H1 (ví dụ 2024-H1) cho sơ kết 6 tháng đầu năm.")
    assert list(tmp_path.iterdir()) == []


def test_scheme_mismatch(tmp_path):
    result = run("template", "--unit", "Na Rì", "--scheme", "legacy-3tier", "--period", "2025",
                 "-o", str(tmp_path / "x.xlsx"))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (
        "Lỗi: Kỳ báo cáo 2025 không thuộc hệ thống 'legacy-3tier': từ ngày 1/7/2025 không còn cấp "
        "huyện, kỳ này dùng hệ thống 'two-tier-2025'. Bỏ tuỳ chọn --scheme để dùng hệ thống đúng "
        "với kỳ báo cáo.")


@pytest.mark.parametrize("args, line", [
    (["--period", "2023", "-o", "x.xlsx"],
     "Lỗi: Cần --unit và -o (một biểu), hoặc --children-of và --out-dir (nhiều biểu)."),
    (["--unit", "Na Rì", "--period", "2023"],
     "Lỗi: Cần --unit và -o (một biểu), hoặc --children-of và --out-dir (nhiều biểu)."),
    (["--children-of", "Na Rì", "--period", "2023"],
     "Lỗi: Thiếu --out-dir: thư mục chứa các biểu sẽ tạo."),
    (["--children-of", "Na Rì", "--unit", "Văn Vũ", "--period", "2023", "--out-dir", "d"],
     "Lỗi: --children-of không dùng cùng --unit, --tier hay -o."),
])
def test_usage_errors(tmp_path, monkeypatch, args, line):
    monkeypatch.chdir(tmp_path)
    result = run("template", *args)
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == line
    assert list(tmp_path.iterdir()) == []


def test_english_messages(tmp_path):
    out = tmp_path / "x.xlsx"
    out.write_bytes(b"")
    result = run("--lang", "en", "template", "--unit", "Na Rì", "--period", "2023", "-o", str(out))
    assert result.exit_code == ExitCode.USAGE
    assert _error_line(result) == (f"Error: {out} exists. Add --force to overwrite it, or choose "
                                   "another file name.")
