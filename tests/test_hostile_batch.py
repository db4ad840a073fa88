"""§1 of issue 11: one file never takes the batch down (far-away cells, impossible references,
a reading process that dies), within a memory and time budget per file."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import load_workbook

from kh_excel import app, checking
from kh_excel.cli.main import cli
from kh_excel.forms.layout import DATA_SHEET, FINDINGS_SHEET, INFO_SHEET, META_SHEET
from kh_excel.forms.writer import FormSpec
from kh_excel.model import Severity
from kh_excel.periods import Period
from kh_excel.report.inputs import load_report_input

from formfiles import XA_VALUES, filled, sha
from hostile import BATCH_CORPUS, REFUSED, far_cell

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
VAN_VU = "2023_02137_xa-van-vu.xlsx"
COMMUNES = sorted(p.name for p in CLEAN.glob("*_xa-*.xlsx"))


def run(*args) -> object:
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def hashes(folder: Path) -> dict[str, str]:
    return {p.name: sha(p) for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """Every file of the §1 corpus, made from Văn Vũ's form."""
    folder = tmp_path_factory.mktemp("hostile")
    for name, make in BATCH_CORPUS.items():
        make(CLEAN / VAN_VU, folder / f"{name}.xlsx")
    return folder


@pytest.mark.parametrize("sheet", [DATA_SHEET, INFO_SHEET, META_SHEET])
def test_a_far_cell_is_left_out_with_a_warning_naming_it(tmp_path, sheet):
    bad = far_cell(CLEAN / VAN_VU, tmp_path / "xa.xlsx", "XFD1048576", sheet)
    before = sha(bad)
    result = run("check", bad)
    assert result.exit_code == 0  # a warning: the figures are those of the real cells
    assert (f"Cảnh báo  {sheet}!XFD1048576: Trang '{sheet}' có nội dung ở ô XFD1048576, nằm xa "
            "ngoài biểu") in result.output
    assert sha(bad) == before
    clean = app.check([CLEAN / VAN_VU]).files[0].submission
    assert app.check([bad]).files[0].submission.values == clean.values


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_reference_that_cannot_be_a_cell_is_refused(corpus, name):
    path = corpus / f"{name}.xlsx"
    before = sha(path)
    result = run("check", path)
    assert result.exit_code == 3
    assert f"Không đọc được tệp {path}: trang '" in result.output
    assert "không thể có trong Excel" in result.output
    assert sha(path) == before


# Each file read in a fresh process, as a user runs kh-excel: the process's peak memory and
# CPU time, measured by the kernel (not a wall-clock race).
_MEASURE = r"""
import json, resource, sys
from kh_excel.checking import check_file
rules = {}
for path in sys.argv[1:]:
    r = check_file(path)
    rules[path] = [f.rule for f in r.findings]
use = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"mb": use.ru_maxrss / 1024, "cpu": use.ru_utime + use.ru_stime, "rules": rules}))
"""


def test_every_file_of_the_corpus_stays_under_300_mb_and_2_s(corpus):
    baseline = _measure([CLEAN / VAN_VU])
    for path in sorted(corpus.iterdir()):
        got = _measure([path])
        assert got["mb"] < 300, (path.name, got)
        assert got["cpu"] < 2, (path.name, got)
        # …and costs about what a good form costs (the spreadsheet parser never sees the grid)
        assert got["mb"] < baseline["mb"] + 50, (path.name, got, baseline)
        rules = got["rules"][str(path)]
        assert rules == (["tep_khong_doc_duoc"] if path.stem in REFUSED else ["o_ngoai_bieu"])


def _measure(paths) -> dict:
    done = subprocess.run([sys.executable, "-c", _MEASURE, *map(str, paths)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_a_rollup_of_17_good_forms_and_each_bad_file(corpus, tmp_path):
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    for bad in sorted(corpus.iterdir()):
        if bad.stem in REFUSED:  # an extra, unreadable file next to the 17 communes
            target = folder / bad.name
            shutil.copy(bad, target)
        else:  # Văn Vũ's own file with the stray cell
            target = folder / VAN_VU
            shutil.copy(bad, target)
        before = hashes(folder)
        out = tmp_path / f"{bad.stem}-tong-hop.xlsx"
        result = run("rollup", folder, "--unit", "Huyện Na Rì", "--period", "2023", "-o", out,
                     "--force")
        assert out.exists(), result.output
        totals = load_report_input(out)
        assert (totals.received, totals.expected) == (17, 17), bad.name
        if bad.stem in REFUSED:
            assert result.exit_code == 3, result.output
            assert str(target) in result.output
        else:
            assert result.exit_code == 0, result.output
            kiem_tra = load_workbook(out).get_sheet_by_name(FINDINGS_SHEET).to_python()
            assert any("nằm xa ngoài biểu" in str(c) and VAN_VU in str(r)
                       for r in kiem_tra for c in r), bad.name
        assert hashes(folder) == before
        if bad.stem in REFUSED:
            target.unlink()
        shutil.copy(CLEAN / VAN_VU, folder / VAN_VU)


def test_a_worker_that_dies_costs_only_its_file(tmp_path, monkeypatch):
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    killer = folder / "2023_99999_chet.xlsx"
    shutil.copy(CLEAN / VAN_VU, killer)
    main = os.getpid()
    real = checking.read_form

    def read_or_die(path, lang="vi"):
        if Path(path).name == killer.name and os.getpid() != main:
            os._exit(70)  # what a parser's abort does to the process that runs it
        return real(path, lang=lang)

    monkeypatch.setattr(checking, "read_form", read_or_die)
    monkeypatch.setattr(checking, "PARALLEL_THRESHOLD", 2)
    monkeypatch.setattr(checking, "FILES_PER_WORKER", 1)
    before = hashes(folder)
    report = checking.check_paths([folder], jobs=2)
    by_name = {Path(r.path).name: r for r in report.files}
    assert len(report.files) == 19  # 17 communes, the district's own form, the killer
    dead = by_name[killer.name]
    assert dead.submission is None and checking.unreadable_count(report) == 1
    (f,) = dead.findings
    assert f.severity is Severity.LOI
    assert f.message.startswith(f"Không đọc được tệp {killer}: chương trình đọc tệp bị dừng đột "
                                "ngột khi đọc tệp này")
    assert all(r.submission is not None for n, r in by_name.items() if n != killer.name)
    assert hashes(folder) == before

    # The same through the roll-up: the 17 communes are rolled up, the output is written,
    # the run exits 3 and names the file.
    out = tmp_path / "tong-hop.xlsx"
    result = run("rollup", folder, "--unit", "Huyện Na Rì", "--period", "2023", "-o", out)
    assert result.exit_code == 3 and out.exists()
    assert str(killer) in result.output
    inp = load_report_input(out)
    assert (inp.received, inp.expected) == (17, 17)


def test_report_and_previous_read_a_rollup_with_a_far_cell_in_its_hidden_table(tmp_path, units):
    rollup = app.write_rollup(app.rollup([CLEAN], unit="Huyện Na Rì", period="2023"),
                              tmp_path / "2023.xlsx")
    bad = far_cell(rollup, tmp_path / "2023-o-xa.xlsx", "XFD1048576", "_kh_rollup")
    before = sha(bad)
    result = run("report", bad, "-o", tmp_path / "bao-cao.docx")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "bao-cao.docx").exists()
    assert load_report_input(bad).received == load_report_input(rollup).received == 17
    # As last period's roll-up of a 2024 roll-up (one commune's form): read from its real
    # cells, the comparison sheet is written.
    previous = far_cell(rollup, tmp_path / "p.xlsx")
    forms = tmp_path / "2024"
    filled(forms, FormSpec("xa", "legacy-3tier", Period.parse("2024"), units["van_vu"],
                           units["na_ri"]), XA_VALUES)
    out = tmp_path / "2024.xlsx"
    result = run("rollup", forms, "--unit", "Huyện Na Rì", "--period", "2024", "-o", out,
                 "--previous", previous)
    assert result.exit_code == 0, result.output
    assert "So sánh kỳ trước" in load_workbook(out).sheet_names
    assert sha(bad) == before


def test_a_rollup_with_every_bad_file_stays_within_the_limits(corpus, tmp_path):
    # The 17 good forms and the whole corpus beside them (the far cells in copies named as
    # other units would be duplicates: only the refused files and Văn Vũ's own file are used),
    # as a user runs it, in a fresh process: its peak memory and CPU time from the kernel.
    folder = Path(shutil.copytree(CLEAN, tmp_path / "in"))
    for bad in corpus.iterdir():
        if bad.stem in REFUSED:
            shutil.copy(bad, folder / bad.name)
    shutil.copy(corpus / "xa-xfd1048576.xlsx", folder / VAN_VU)
    out = tmp_path / "tong-hop.xlsx"
    code = ("import resource, subprocess, sys, json;"
            "done = subprocess.run([sys.executable, '-m', 'kh_excel', 'rollup', *sys.argv[1:]],"
            " capture_output=True, text=True);"
            "u = resource.getrusage(resource.RUSAGE_CHILDREN);"
            "print(json.dumps({'rc': done.returncode, 'mb': u.ru_maxrss / 1024,"
            " 'cpu': u.ru_utime + u.ru_stime, 'err': done.stderr, 'out': done.stdout}))")
    done = subprocess.run([sys.executable, "-c", code, str(folder), "--unit", "Huyện Na Rì",
                           "--period", "2023", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    got = json.loads(done.stdout)
    assert got["rc"] == 3, got
    assert got["mb"] < 300 and got["cpu"] < 2 * (1 + len(REFUSED)), got
    assert out.exists()
    assert load_report_input(out).received == 17
    for name in REFUSED:
        assert str(folder / f"{name}.xlsx") in got["out"] + got["err"]
