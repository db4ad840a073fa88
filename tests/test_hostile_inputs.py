"""§7 of issue 11: other inputs — an edited roll-up table, other zip compression methods, CRC
mismatches, files that are not regular files, files that are not forms, kh-excel's own outputs."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kh_excel import app
from kh_excel.cli.main import cli
from kh_excel.forms.layout import DATA_SHEET, INFO_SHEET, META_SHEET
from kh_excel.reading import read_form

from formfiles import sha, sheet_part
from hostile import bad_crc, edited_rollup_table, recompressed

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"
VAN_VU = CLEAN / "2023_02137_xa-van-vu.xlsx"
ROLLUP = ("--unit", "Huyện Na Rì", "--period", "2023")


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def rollup_2023(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rollup") / "na-ri-2023-tong-hop.xlsx"
    return app.write_rollup(app.rollup([CLEAN], unit="Huyện Na Rì", period="2023"), out)


@pytest.mark.parametrize("edit", [
    {"value_xml": "<v>inf</v>"}, {"value_xml": "<v>1E+999999999</v>"},
    {"value_xml": "<v>NaN</v>"}, {"broken": True},
], ids=["inf", "1e+999999999", "nan", "malformed-sheet"])
def test_an_edited_rollup_table_is_a_clean_exit_3_in_report(rollup_2023, tmp_path, edit):
    bad = edited_rollup_table(rollup_2023, tmp_path / "tong-hop.xlsx", **edit)
    before = sha(bad)
    start = time.perf_counter()
    result = run("report", bad, "-o", tmp_path / "bao-cao.docx")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 3, result.output
    assert result.output.startswith(f"Lỗi: Không đọc được tệp {bad}: ")
    assert ("_kh_rollup" in result.output) or "bị hỏng" in result.output
    assert elapsed < 3  # measured: about 0.1 s; it took over 40 s before
    assert not (tmp_path / "bao-cao.docx").exists()
    assert sha(bad) == before


def test_an_edited_rollup_table_value_as_text(rollup_2023, tmp_path):
    bad = edited_rollup_table(rollup_2023, tmp_path / "tong-hop.xlsx",
                              value_xml="<is><t>1E+999999999</t></is>")
    # the value written as inline text: make the cell say so
    data = bad.read_bytes()
    result = run("report", bad, "-o", tmp_path / "bao-cao.docx")
    assert result.exit_code == 3, result.output
    assert "'1E+999999999'" in result.output
    assert bad.read_bytes() == data


COMPRESSED = [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]


@pytest.mark.parametrize("method", COMPRESSED, ids=["bzip2", "lzma"])
def test_other_compression_methods_are_refused_by_every_command(rollup_2023, tmp_path, method):
    message = "tệp nén theo cách Excel không dùng (không phải stored/deflate)"
    form = recompressed(VAN_VU, tmp_path / "xa.xlsx", method)
    result = run("check", form)
    assert result.exit_code == 3 and message in result.output
    result = run("report", form, "-o", tmp_path / "a.docx")
    assert result.exit_code == 3 and message in result.output
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    shutil.copy(form, folder / VAN_VU.name)
    before = hashes(folder)
    result = run("rollup", folder, *ROLLUP, "-o", tmp_path / "t.xlsx")
    assert result.exit_code == 3 and message in result.output
    assert hashes(folder) == before
    previous = recompressed(rollup_2023, tmp_path / "ky-truoc.xlsx", method,
                            sheet_part(rollup_2023, "_kh_rollup"))
    result = run("rollup", CLEAN, "--unit", "Huyện Na Rì", "--period", "2024", "--previous",
                 previous, "-o", tmp_path / "t2.xlsx")
    assert result.exit_code == 3 and message in result.output, result.output
    result = run("report", previous, "-o", tmp_path / "b.docx")
    assert result.exit_code == 3 and message in result.output


@pytest.mark.parametrize("part", ["data", "info", "meta", "xl/sharedStrings.xml"])
def test_a_crc_mismatch_in_any_part_read_is_detected(tmp_path, part):
    sheet = {"data": DATA_SHEET, "info": INFO_SHEET, "meta": META_SHEET}.get(part)
    name = sheet_part(VAN_VU, sheet) if sheet else part
    bad = bad_crc(VAN_VU, tmp_path / "crc.xlsx", name)
    result = run("check", bad)
    assert result.exit_code == 3, result.output
    assert f"Không đọc được tệp {bad}: tệp bị hỏng" in result.output


def _kh_excel(*args, timeout=30):
    return subprocess.run([sys.executable, "-m", "kh_excel", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_is_refused_at_once(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device}")
    done = _kh_excel("check", device)  # it read without limit before
    assert done.returncode == 3
    assert f"Không đọc được tệp {device}: đây không phải là tệp thông thường" in done.stderr + \
        done.stdout
    done = _kh_excel("report", device, "-o", "/nonexistent/x.docx")
    assert done.returncode == 3 and "không phải là tệp thông thường" in done.stderr


def test_a_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "xa.xlsx"
    os.mkfifo(fifo)
    done = _kh_excel("check", fifo, timeout=20)  # it waited for a writer forever before
    assert done.returncode == 3
    assert "đây không phải là tệp thông thường" in done.stdout + done.stderr
    # in a folder: listed as skipped, the forms beside it checked
    shutil.copy(VAN_VU, tmp_path / VAN_VU.name)
    done = _kh_excel("check", tmp_path, timeout=20)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã bỏ qua tệp {fifo}: không phải tệp thông thường" in done.stdout


def test_files_that_are_not_forms_are_listed_with_their_reason(tmp_path):
    folder = tmp_path / "bieu"
    folder.mkdir()
    shutil.copy(VAN_VU, folder / VAN_VU.name)
    for name in ("2023_02140_xa-van-lang.xlsb", "bao-cao-xa.pdf", "so-lieu.csv",
                 "bieu.docx", "anh-chup.jpg", "ghi-chu.md", ".an.pdf", "~$2023_xa.xlsx"):
        (folder / name).write_bytes(b"not a form")
    before = hashes(folder)
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    out = result.output
    for name, why in [("2023_02140_xa-van-lang.xlsb", "dạng .xlsb không đọc được; hãy mở tệp trong "
                       "Excel và lưu thành .xlsx"),
                      ("bao-cao-xa.pdf", "không phải tệp biểu mẫu Excel (.pdf)"),
                      ("so-lieu.csv", "dạng .csv không đọc được"),
                      ("bieu.docx", "không phải tệp biểu mẫu Excel (.docx)"),
                      ("anh-chup.jpg", "không phải tệp biểu mẫu Excel (.jpg)")]:
        assert f"Đã bỏ qua tệp {folder / name}: {why}" in out, name
    for quiet in ("ghi-chu.md", ".an.pdf", "~$2023_xa.xlsx"):  # not worth a line
        assert quiet not in out
    assert hashes(folder) == before
    # A folder holding no form at all is still a usage error.
    (folder / VAN_VU.name).unlink()
    result = run("check", folder)
    assert result.exit_code == 2


def test_an_annotated_copy_in_an_input_folder_is_skipped_with_a_note(tmp_path):
    copies = tmp_path / "tra-lai"
    broken = BROKEN / "2023_02140_xa-van-lang_am-va-so-le.xlsx"
    assert run("check", broken, "--annotate", copies).exit_code == 1
    (copy,) = copies.iterdir()
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    shutil.copy(copy, folder / copy.name)
    before = hashes(folder)
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    assert (f"Đã bỏ qua tệp {folder / copy.name}: đây là bản sao có đánh dấu lỗi do kh-excel tạo "
            "(--annotate), không phải biểu mẫu của đơn vị.") in result.output
    result = run("rollup", folder, *ROLLUP, "-o", tmp_path / "t.xlsx")
    assert result.exit_code == 0, result.output  # not a second form of Văn Lang
    assert hashes(folder) == before
    # Named on its own, the copy is checked like any form.
    assert run("check", folder / copy.name).exit_code == 1


def test_a_rollup_written_into_its_own_input_folder_is_not_read_back_as_a_form(tmp_path):
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    first = folder / "na-ri-2023-tong-hop.xlsx"
    assert run("rollup", folder, *ROLLUP, "-o", first).exit_code == 0
    before = hashes(folder)
    second = tmp_path / "lan-2.xlsx"
    result = run("rollup", folder, *ROLLUP, "-o", second, "--json")
    assert result.exit_code == 0, result.output
    assert f"Đã bỏ qua {first}: đây là tệp tổng hợp của chính Huyện Na Rì do kh-excel tạo" \
        in result.output
    assert read_form(second).submission.values == read_form(first).submission.values
    assert hashes(folder) == before
