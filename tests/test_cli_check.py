"""``kh-excel check``: exit codes, grouped output, --json, --annotate, --lang en, many files."""
from __future__ import annotations

import concurrent.futures
import gc
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel import checking
from kh_excel.annotation import REPORT_SHEET, annotated_name
from kh_excel.checking import check_paths
from kh_excel.cli.main import cli
from kh_excel.forms.layout import DATA_SHEET, META_SHEET
from kh_excel.libreoffice import convert, soffice_available

from formfiles import (XA_VALUES, commune_spec, edited, filled, rezip, sha, sheet_part,
                       with_cells, with_entity_bomb)

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def broken(tmp_path) -> Path:
    """A copy of the broken examples (annotating must not touch them either)."""
    return Path(shutil.copytree(BROKEN, tmp_path / "broken"))


def test_clean_examples_exit_0():
    result = run("check", CLEAN, ROOT / "examples" / "thai-nguyen-2025")
    assert result.exit_code == 0
    assert result.output.strip() == ("Đã kiểm tra 25 tệp: 25 tệp không có vấn đề; 0 lỗi, "
                                     "0 cảnh báo, 0 thông tin.")


def test_broken_examples_exit_1_with_findings_grouped_by_file():
    before = hashes(BROKEN)
    result = run("check", BROKEN)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Xã Văn Vũ — " + str(BROKEN / "2023_02137_xa-van-vu_chu-trong-o-so.xlsx")
    assert lines[1].startswith("  Lỗi       Biểu số liệu!D8: Ô D8 (Tổng số hội viên) chứa 'mười'")
    assert lines[-1] == "Đã kiểm tra 5 tệp: 0 tệp không có vấn đề; 5 lỗi, 6 cảnh báo, 0 thông tin."
    titles = [line for line in lines if not line.startswith("  ")][:-1]
    assert len(titles) == 5
    assert hashes(BROKEN) == before


def test_json_is_exactly_the_library_report():
    result = run("check", BROKEN, "--json")
    assert result.exit_code == 1
    assert json.loads(result.output) == check_paths([BROKEN]).to_dict()
    # Without the store: it would say that the clean forms resubmit the broken ones.
    result = run("check", CLEAN, "--json", "--no-store")
    assert result.exit_code == 0
    assert json.loads(result.output) == check_paths([CLEAN]).to_dict()


def test_unreadable_file_exit_3_names_the_file(tmp_path):
    shutil.copy(CLEAN / "2023_02137_xa-van-vu.xlsx", tmp_path)
    bad = tmp_path / "2023_02140_xa-van-lang.xlsx"
    bad.write_bytes(b"%PDF-1.5\n...")
    result = run("check", tmp_path)
    assert result.exit_code == 3
    assert str(bad) in result.output
    assert (f"  Lỗi       Không đọc được tệp {bad}: đây là tệp PDF, không phải tệp Excel."
            in result.output)
    assert "Traceback" not in result.output
    assert result.output.splitlines()[-1].startswith(
        "Đã kiểm tra 2 tệp: 1 tệp không có vấn đề; 1 lỗi")
    data = json.loads(run("check", tmp_path, "--json").output)
    assert [f["rule"] for f in data["files"][1]["findings"]] == ["tep_khong_doc_duoc"]


def test_unreadable_beats_findings(tmp_path, broken):
    (broken / "rong.xlsx").write_bytes(b"")
    assert run("check", broken).exit_code == 3


def test_missing_path_exit_2_with_one_error_line(tmp_path):
    missing = tmp_path / "khong-co"
    result = run("check", missing)
    assert result.exit_code == 2
    assert result.stderr == \
        f"Lỗi: Không có tệp hoặc thư mục '{missing}'. Hãy kiểm tra lại đường dẫn.\n"
    result = run("--lang", "en", "check", missing)
    assert result.stderr == f"Error: No such file or folder: '{missing}'.\n"


def test_folder_without_forms_exit_2(tmp_path):
    (tmp_path / "ghi-chu.txt").write_text("không phải biểu mẫu")
    result = run("check", tmp_path)
    assert result.exit_code == 2
    assert result.stderr == (f"Lỗi: Không có tệp biểu mẫu (.xlsx, .xlsm, .xls) nào trong "
                             f"{tmp_path}.\n")


def test_english_output():
    result = run("--lang", "en", "check", BROKEN)
    assert result.exit_code == 1
    assert "  Error     Biểu số liệu!D21: Cell D21 (Học bổng: số suất) is negative (-3)." \
        in result.output
    assert result.output.splitlines()[-1] == \
        "Checked 5 file(s): 0 without findings; 5 error(s), 6 warning(s), 0 info."


def test_every_bad_input_exits_3_without_a_traceback_and_is_left_unchanged(tmp_path, units):
    form = filled(tmp_path / "src", commune_spec(units), XA_VALUES)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "pdf.xlsx").write_bytes(b"%PDF-1.7\n%%EOF\n")
    (bad / "text.xls").write_text("hội viên: 820", "utf-8")
    (bad / "cut.xlsx").write_bytes(form.read_bytes()[:5000])
    rezip(form, bad / "zipbomb.xlsx", add={"xl/media/a.bin": b"\0" * (8 * 2**20)})
    with zipfile.ZipFile(form) as z:
        part = sheet_part(form)
        rezip(form, bad / "lol.xlsx", {part: with_entity_bomb(z.read(part))})
    edited(form, bad / "v99.xlsx", lambda wb: setattr(wb[META_SHEET]["B2"], "value", "99"))
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    with open(form, "rb") as src, open(bad / "secret.xlsx", "wb") as dst:
        ooxml.OOXMLFile(src).encrypt("x", dst)
    before = hashes(bad)
    result = run("check", bad)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    for name in before:
        assert f"  Lỗi       Không đọc được tệp {bad / name}: " in result.output \
            or f"  Lỗi       Tệp {bad / name} không phải biểu mẫu kh-excel đã biết: " \
            in result.output
    assert result.output.splitlines()[-1] == \
        "Đã kiểm tra 7 tệp: 0 tệp không có vấn đề; 7 lỗi, 0 cảnh báo, 0 thông tin."
    assert hashes(bad) == before


def test_an_unforeseen_error_in_one_file_does_not_stop_the_others(monkeypatch, tmp_path):
    for src in sorted(CLEAN.glob("*.xlsx"))[:2]:
        shutil.copy(src, tmp_path)
    real = checking.read_form

    def flaky(path, lang="vi"):
        if "02140" in str(path):
            raise RuntimeError("calamine exploded")
        return real(path, lang=lang)
    monkeypatch.setattr(checking, "read_form", flaky)
    result = run("check", tmp_path)
    assert result.exit_code == 3
    assert "lỗi không lường trước khi đọc tệp (RuntimeError: calamine exploded)" in result.output


# --- Annotated copies -------------------------------------------------------------------------

def _comments(path: Path) -> dict[str, tuple[str, str]]:
    ws = load_workbook(path)[DATA_SHEET]
    return {c.coordinate: (c.comment.text, c.fill.fgColor.rgb) for row in ws.iter_rows()
            for c in row if c.comment}


def test_annotate_writes_marked_copies_and_leaves_originals(broken, tmp_path):
    before = hashes(broken)
    out = tmp_path / "tra-lai"
    result = run("check", broken, "--annotate", out)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == f"Đã ghi 5 bản sao có đánh dấu vào thư mục {out}"
    assert hashes(broken) == before
    assert sorted(p.name for p in out.iterdir()) == \
        sorted(annotated_name(p) for p in broken.iterdir())
    copy = out / annotated_name("2023_02140_xa-van-lang_am-va-so-le.xlsx")
    marks = _comments(copy)
    assert set(marks) == {"D12", "D21", "D22"}
    text, colour = marks["D21"]
    assert text.startswith("Lỗi: Ô D21 (Học bổng: số suất) là số âm (-3).")
    assert colour.endswith("FFC7CE")
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == REPORT_SHEET and wb.active.title == REPORT_SHEET
    rows = list(wb[REPORT_SHEET].iter_rows(values_only=True))
    assert rows[0] == ("Mức độ", "Trang", "Ô", "Nội dung", "Mã quy tắc")
    assert {(r[0], r[2], r[4]) for r in rows[1:]} == {
        ("Lỗi", "D12", "so_le"), ("Lỗi", "D21", "so_am"),
        ("Cảnh báo", "D22", "co_tien_thieu_suat")}
    # The copy is still the unit's form: it reads back with the same figures.
    again = check_paths([copy]).files[0]
    assert again.submission.unit_code == "02140" and len(again.findings) == 3


def test_annotate_warning_cells_are_yellow_and_the_ratio_cell_is_marked(tmp_path, units):
    form = filled(tmp_path / "in", commune_spec(units), XA_VALUES)
    with_cells(form, tmp_path / "in" / "pct.xlsx", {
        ("dan_so", "xa"): 1000, ("hoi_vien", "xa"): 334, ("ty_le_hoi_vien", "xa"): 0.334})
    form.unlink()
    result = run("check", tmp_path / "in", "--annotate", tmp_path / "out")
    assert result.exit_code == 0  # warnings only
    marks = _comments(tmp_path / "out" / "pct_kiem-tra.xlsx")
    assert list(marks) == ["D10"]
    assert marks["D10"][0].startswith("Cảnh báo: “Tỷ lệ hội viên so với dân số” cấp xã (D10) "
                                      "ghi 0,334")
    assert marks["D10"][1].endswith("FFEB9C")


def test_annotate_refuses_to_overwrite_without_force_and_writes_nothing(broken, tmp_path):
    out = tmp_path / "tra-lai"
    out.mkdir()
    # Only the last copy exists: nothing may be written before the refusal.
    names = sorted(annotated_name(p) for p in broken.iterdir())
    (out / names[-1]).write_bytes(b"old")
    result = run("check", broken, "--annotate", out)
    assert result.exit_code == 2
    assert result.stderr == (f"Lỗi: Tệp {out / names[-1]} đã có. Thêm --force để ghi đè, hoặc "
                             "chọn tên tệp khác.\n")
    assert result.stdout == ""
    assert [p.name for p in out.iterdir()] == [names[-1]]
    assert (out / names[-1]).read_bytes() == b"old"
    result = run("check", broken, "--annotate", out, "--force")
    assert result.exit_code == 1
    assert len(list(out.iterdir())) == 5 and (out / names[-1]).read_bytes() != b"old"


def test_annotate_into_a_file_is_refused(broken, tmp_path):
    target = tmp_path / "tep.txt"
    target.write_text("x")
    result = run("check", broken, "--annotate", target)
    assert result.exit_code == 4  # cannot write output
    assert result.stderr.startswith(f"Lỗi: Không ghi được vào {target}: đây là một tệp")


def test_annotate_folder_inside_the_checked_folder_is_not_checked_again(broken):
    out = broken / "tra-lai"
    assert run("check", broken, "--annotate", out).exit_code == 1
    result = run("check", broken, "--annotate", out, "--force")
    assert "Đã kiểm tra 5 tệp" in result.output and len(list(out.iterdir())) == 5


def test_annotate_same_names_in_two_folders(tmp_path):
    for sub in ("a", "b"):
        (tmp_path / sub).mkdir()
        shutil.copy(BROKEN / "2023_02140_xa-van-lang_am-va-so-le.xlsx", tmp_path / sub / "x.xlsx")
    result = run("check", tmp_path / "a", tmp_path / "b", "--annotate", tmp_path / "out")
    assert result.exit_code == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == \
        ["x_kiem-tra-2.xlsx", "x_kiem-tra.xlsx"]


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_annotate_skips_xls_and_says_so(tmp_path):
    src = BROKEN / "2023_02140_xa-van-lang_am-va-so-le.xlsx"
    xls = convert([src], tmp_path / "in", fmt="xls")[0]
    result = run("check", xls, "--annotate", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr == (f"Không tạo được bản sao có đánh dấu của {xls}: tệp Excel 97–2003 "
                             "(.xls) không ghi chú được; hãy lưu thành .xlsx rồi kiểm tra lại.\n")
    assert not (tmp_path / "out").exists()


def test_annotate_with_json_prints_only_the_json(broken, tmp_path):
    result = run("check", broken, "--json", "--annotate", tmp_path / "out")
    assert json.loads(result.stdout) == check_paths([broken]).to_dict()
    assert len(list((tmp_path / "out").iterdir())) == 5


# --- Many files: the process pool -------------------------------------------------------------

def test_process_pool_gives_the_same_report_in_input_order(monkeypatch, tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    sources = sorted(CLEAN.glob("*.xlsx"))[:4] + sorted(BROKEN.glob("*.xlsx"))
    for n, src in enumerate(sources):
        shutil.copy(src, folder / f"{n:02d}_{src.name}")
    (folder / "99_pdf.xlsx").write_bytes(b"%PDF-1.4")
    single = check_paths([folder], jobs=1)
    monkeypatch.setattr(checking, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(checking, "FILES_PER_WORKER", 1)
    pools = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            pools.append(self)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    seen = []
    pooled = check_paths([folder], jobs=2, progress=lambda n, total: seen.append((n, total)))
    assert len(pools) == 1  # the files really went through the pool
    assert pooled.to_dict() == single.to_dict()
    assert [r.path for r in pooled.files] == sorted(str(p) for p in folder.iterdir())
    assert seen == [(n, 10) for n in range(1, 11)]
    assert pooled.files[-1].submission is None


@pytest.mark.parametrize("enabled", [True, False])
def test_the_cycle_collector_is_left_as_it_was(monkeypatch, enabled):
    # Reading pauses the collector (and freezes what exists for the workers); afterwards the
    # caller's setting and objects are as they were, even when the check is interrupted.
    monkeypatch.setattr(checking, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(checking, "FILES_PER_WORKER", 1)
    (gc.enable if enabled else gc.disable)()
    try:
        check_paths([CLEAN], jobs=2)
        assert gc.isenabled() is enabled and gc.get_freeze_count() == 0
        def stop(n, total):
            if n == 3:
                raise KeyboardInterrupt
        with pytest.raises(KeyboardInterrupt):
            check_paths([CLEAN], jobs=2, progress=stop)
        assert gc.isenabled() is enabled and gc.get_freeze_count() == 0
    finally:
        gc.enable()


# --- The console entry point, in a process of its own ------------------------------------------

def test_the_entry_point_flushes_everything_and_keeps_the_exit_code(tmp_path):
    """``main()`` ends the process with os._exit: nothing printed may be lost on the way."""
    def kh(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "kh_excel", *map(str, args)],
                              capture_output=True, text=True, encoding="utf-8")
    broken = kh("check", BROKEN)
    assert broken.returncode == 1 and broken.stderr == ""
    assert broken.stdout.splitlines()[-1] == \
        "Đã kiểm tra 5 tệp: 0 tệp không có vấn đề; 5 lỗi, 6 cảnh báo, 0 thông tin."
    assert broken.stdout == run("check", BROKEN).output  # the same as through click's runner
    missing = kh("check", tmp_path / "khong-co")
    assert missing.returncode == 2 and missing.stdout == ""
    assert missing.stderr.startswith("Lỗi: Không có tệp hoặc thư mục")
    assert kh("check", CLEAN).returncode == 0
    assert kh("--version").stdout.startswith("kh-excel, phiên bản")
