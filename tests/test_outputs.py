"""Writing outputs: every refusal of the system is one ``Lỗi: …`` line and exit 4, no temporary
file is left, two runs cannot both create one file, and Ctrl-C exits 130 with "Đã dừng"."""
from __future__ import annotations

import errno
import gc
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kh_excel import app, outputs
from kh_excel.checking import available_cores
from kh_excel.cli.main import cli
from kh_excel.errors import ExitCode, OutputExists

from formfiles import INFO, XA_VALUES, commune_spec, filled, sha

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"
ROLLUP = ("--unit", "Huyện Na Rì", "--period", "2023")
FULL = "ổ đĩa đã đầy. Hãy giải phóng chỗ trống hoặc ghi sang ổ đĩa khác."


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): sha(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def error_line(result) -> str:
    """The single line on stderr (no traceback, nothing else)."""
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def forms(tmp_path) -> Path:
    """A copy of the 17 commune forms and the district's own form of Na Rì."""
    return Path(shutil.copytree(EXAMPLES, tmp_path / "forms"))


@pytest.fixture
def broken(tmp_path) -> Path:
    return Path(shutil.copytree(BROKEN, tmp_path / "broken"))


@pytest.fixture
def form(tmp_path, units) -> Path:
    """One filled commune form (the input of report)."""
    return filled(tmp_path / "in", commune_spec(units), XA_VALUES, "van-vu.xlsx", info=INFO)


# -- a full disk, simulated where every file is opened ------------------------------------------

class _FullFile:
    """A file open for writing on a disk with no space left: every write fails."""

    def __init__(self, f) -> None:
        self._f = f

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()
        return False


@pytest.fixture
def full_disk(monkeypatch):
    """``full_disk(folder)``: files opened for writing under ``folder`` cannot be written.

    Returns the list of "Exception ignored in …" reports Python made meanwhile (it must stay
    empty: an unclosed ZipFile reports its failed close so)."""
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    real_open = io.open

    def start(folder: Path) -> list:
        def fake_open(file, mode="r", *args, **kwargs):
            f = real_open(file, mode, *args, **kwargs)
            writing = any(m in mode for m in "wxa+")
            if writing and isinstance(file, (str, os.PathLike)) and \
                    str(Path(file).resolve()).startswith(str(folder.resolve())):
                return _FullFile(f)
            return f
        monkeypatch.setattr(io, "open", fake_open)
        monkeypatch.setattr("builtins.open", fake_open)
        return unraisable
    return start


def _no_reports(unraisable: list) -> None:
    gc.collect()  # an unclosed ZipFile would say so now, at the latest
    assert [str(u.exc_value) for u in unraisable] == []


def test_rollup_on_a_full_disk_is_exit_4_and_leaves_nothing(forms, tmp_path, full_disk):
    before = hashes(forms)
    out = tmp_path / "out"
    out.mkdir()
    unraisable = full_disk(out)
    result = run("rollup", forms, *ROLLUP, "-o", out / "tong-hop.xlsx")
    assert result.exit_code == ExitCode.CANNOT_WRITE == 4
    assert error_line(result) == f"Lỗi: Không ghi được {out / 'tong-hop.xlsx'}: {FULL}"
    assert list(out.iterdir()) == []  # no temporary file either
    assert hashes(forms) == before
    _no_reports(unraisable)


def test_report_on_a_full_disk_is_exit_4_and_no_zipfile_complains(form, tmp_path, full_disk):
    before = sha(form)
    out = tmp_path / "out"
    out.mkdir()
    unraisable = full_disk(out)
    result = run("report", form, "-o", out / "bc.docx", "--text", out / "bc.md")
    assert result.exit_code == 4
    assert error_line(result) == f"Lỗi: Không ghi được {out / 'bc.docx'}: {FULL}"
    assert list(out.iterdir()) == []
    assert sha(form) == before
    _no_reports(unraisable)


def test_template_on_a_full_disk_is_exit_4(tmp_path, full_disk):
    unraisable = full_disk(tmp_path)
    result = run("template", "--unit", "Na Rì", "--period", "2023", "-o", tmp_path / "t.xlsx")
    assert result.exit_code == 4
    assert error_line(result) == f"Lỗi: Không ghi được {tmp_path / 't.xlsx'}: {FULL}"
    assert list(tmp_path.iterdir()) == []
    _no_reports(unraisable)


def test_annotated_copies_on_a_full_disk_are_exit_4(broken, tmp_path, full_disk):
    before = hashes(broken)
    out = tmp_path / "tra-lai"
    unraisable = full_disk(out.parent / "tra-lai")
    result = run("check", broken, "--annotate", out)
    assert result.exit_code == 4
    first = out / "2023_02137_xa-van-vu_chu-trong-o-so_kiem-tra.xlsx"
    assert error_line(result) == f"Lỗi: Không ghi được {first}: {FULL}"
    assert list(out.iterdir()) == []
    assert hashes(broken) == before
    _no_reports(unraisable)


# -- read-only folders: a real one, written by a user who may not write there -------------------

@pytest.fixture
def other_user() -> list[str]:
    """The command prefix that runs as a user without root's right to write anywhere."""
    if os.name != "posix":
        pytest.skip("POSIX permissions")
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: a read-only folder is writable")
    return ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]


@pytest.fixture
def shared_dir():
    """A folder that user 65534 can read (pytest's own tmp folders are private to root)."""
    d = Path(tempfile.mkdtemp(prefix="kh-outputs-"))
    d.chmod(0o755)
    yield d
    for p in d.rglob("*"):
        if p.is_dir():
            p.chmod(0o755)
    shutil.rmtree(d)


def test_read_only_folder_every_command_is_exit_4(other_user, shared_dir, units):
    forms = Path(shutil.copytree(EXAMPLES, shared_dir / "forms"))
    broken = Path(shutil.copytree(BROKEN, shared_dir / "broken"))
    form = filled(shared_dir / "in", commune_spec(units), XA_VALUES, "van-vu.xlsx", info=INFO)
    for p in shared_dir.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    before = hashes(shared_dir)
    ro = shared_dir / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    store = shared_dir / "store"  # the history store, where that user may write
    store.mkdir()
    store.chmod(0o777)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(shared_dir),
           "KH_EXCEL_STORE": str(store / "kh-excel.sqlite")}
    no_right = f"không có quyền ghi vào thư mục {ro}. Hãy chọn thư mục khác hoặc xin quyền ghi."
    commands = {
        "rollup": (["rollup", forms, *ROLLUP, "-o", ro / "th.xlsx"], ro / "th.xlsx"),
        "report": (["report", form, "-o", ro / "bc.docx"], ro / "bc.docx"),
        "template": (["template", "--unit", "Na Rì", "--period", "2023", "-o", ro / "t.xlsx"],
                     ro / "t.xlsx"),
    }
    for name, (args, target) in commands.items():
        done = subprocess.run([*other_user, sys.executable, "-m", "kh_excel", *map(str, args)],
                              capture_output=True, text=True, env=env, cwd=shared_dir)
        assert done.returncode == 4, (name, done.stderr)
        assert "Traceback" not in done.stderr
        # The last line (the history store may say first that it was created).
        assert done.stderr.strip().splitlines()[-1] == \
            f"Lỗi: Không ghi được {target}: {no_right}", name
    done = subprocess.run([*other_user, sys.executable, "-m", "kh_excel", "check", str(broken),
                           "--annotate", str(ro / "tra-lai")],
                          capture_output=True, text=True, env=env, cwd=shared_dir)
    assert done.returncode == 4 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == \
        f"Lỗi: Không ghi được {ro / 'tra-lai'}: {no_right}"
    assert list(ro.iterdir()) == []
    assert {k: v for k, v in hashes(shared_dir).items() if not k.startswith("store")} == before


def test_read_only_disk_is_named_as_such(tmp_path):
    error = outputs.cannot_write(tmp_path / "a.xlsx", OSError(errno.EROFS, "Read-only file system"))
    assert error.exit_code == 4
    assert error.message() == (f"Không ghi được {tmp_path / 'a.xlsx'}: thư mục {tmp_path} chỉ cho "
                               "đọc (ổ đĩa hoặc thư mục chỉ đọc). Hãy chọn thư mục khác.")
    assert error.message("en") == f"Cannot write {tmp_path / 'a.xlsx'}: {tmp_path} is read-only. " \
                                  "Choose another folder."


# -- names that cannot be files -----------------------------------------------------------------

def test_output_that_is_a_folder_is_exit_4_even_with_force(forms, tmp_path):
    before = hashes(forms)
    folder = tmp_path / "ket-qua.xlsx"  # a folder named like the file it should have been
    folder.mkdir()
    result = run("rollup", forms, *ROLLUP, "-o", folder, "--force")
    assert result.exit_code == 4
    assert error_line(result) == (f"Lỗi: Không ghi được {folder}: đây là một thư mục, không phải "
                                  f"tệp. Hãy ghi cả tên tệp, ví dụ {folder / 'ket-qua.xlsx'}.")
    assert list(folder.iterdir()) == [] and hashes(forms) == before


@pytest.mark.parametrize("command", ["rollup", "report", "template"])
def test_parent_that_is_a_file_is_exit_4(command, forms, form, tmp_path):
    blocker = tmp_path / "bao-cao"
    blocker.write_text("một tệp, không phải thư mục")
    target = blocker / "con" / ("x.docx" if command == "report" else "x.xlsx")
    args = {"rollup": ["rollup", forms, *ROLLUP, "-o", target],
            "report": ["report", form, "-o", target],
            "template": ["template", "--unit", "Na Rì", "--period", "2023", "-o", target]}
    result = run(*args[command])
    assert result.exit_code == 4
    assert error_line(result) == (f"Lỗi: Không ghi được {target}: {blocker} là một tệp, không "
                                  "phải thư mục. Hãy chọn thư mục khác hoặc đổi tên tệp đó.")
    assert blocker.read_text() == "một tệp, không phải thư mục"


def test_long_names_fit_with_the_temporary_suffix_and_too_long_is_exit_4(tmp_path):
    fits = tmp_path / ("ă" * 122 + ".xlsx")       # 244 + 5 = 249 bytes: a legal name
    assert len(fits.name.encode()) <= 255
    result = run("template", "--unit", "Na Rì", "--period", "2023", "-o", fits)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [fits.name]
    too_long = tmp_path / ("a" * 251 + ".xlsx")    # 256 bytes
    result = run("template", "--unit", "Na Rì", "--period", "2023", "-o", too_long)
    assert result.exit_code == 4
    assert error_line(result) == (f"Lỗi: Không ghi được {too_long}: tên tệp dài 256 byte, quá "
                                  "giới hạn 255 byte của hệ thống tệp. Hãy đặt tên ngắn hơn.")
    assert [p.name for p in tmp_path.iterdir()] == [fits.name]


def test_annotate_a_file_whose_name_is_255_bytes(broken, tmp_path):
    src = broken / "2023_02137_xa-van-vu_chu-trong-o-so.xlsx"
    long_name = broken / ("v" * 250 + ".xlsx")
    src.rename(long_name)
    before = hashes(broken)
    out = tmp_path / "tra-lai"
    result = run("check", broken, "--annotate", out)
    assert result.exit_code == 1, result.output
    names = sorted(p.name for p in out.iterdir())
    assert len(names) == 5
    copy = [n for n in names if n.startswith("vvv")]
    assert copy == ["v" * (255 - len("_kiem-tra.xlsx")) + "_kiem-tra.xlsx"]
    assert hashes(broken) == before


# -- two runs, one new file ---------------------------------------------------------------------

def test_a_file_that_appears_while_writing_is_not_overwritten(tmp_path):
    target = tmp_path / "tong-hop.xlsx"

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"mine")
        target.write_bytes(b"the other run's")  # the other run finished first

    with pytest.raises(OutputExists):
        outputs.write_atomic(target, write)
    assert target.read_bytes() == b"the other run's"
    assert [p.name for p in tmp_path.iterdir()] == ["tong-hop.xlsx"]
    # With --force the last one wins, as asked.
    outputs.write_atomic(target, lambda tmp: tmp.write_bytes(b"mine"), force=True)
    assert target.read_bytes() == b"mine"


def test_without_hard_links_the_name_is_reserved_exclusively(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(errno.EPERM, "Operation not permitted")  # FAT memory stick
    monkeypatch.setattr(os, "link", no_links)
    target = tmp_path / "a.xlsx"
    outputs.write_atomic(target, lambda tmp: tmp.write_bytes(b"first"))
    assert target.read_bytes() == b"first"

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"second")
        target.write_bytes(b"other")
    target.unlink()
    with pytest.raises(OutputExists):
        outputs.write_atomic(target, write)
    assert target.read_bytes() == b"other"
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_two_runs_at_once_only_one_creates_the_file(forms, tmp_path):
    target = tmp_path / "tong-hop.xlsx"
    cmd = [sys.executable, "-m", "kh_excel", "rollup", str(forms), *ROLLUP, "-o", str(target)]
    runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    codes = sorted(p.wait(timeout=120) for p in runs)
    errors = [p.stderr.read() for p in runs]
    assert codes == [0, 2], errors
    assert any(e.strip() == f"Lỗi: Tệp {target} đã có. Thêm --force để ghi đè, hoặc chọn tên tệp "
               "khác." for e in errors)
    assert [p.name for p in tmp_path.iterdir() if p.name != "forms"] == ["tong-hop.xlsx"]


# -- Ctrl-C -------------------------------------------------------------------------------------

def test_ctrl_c_is_exit_130_stopped_not_aborted(forms, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(app, "check", interrupted)
    result = run("check", forms)
    assert result.exit_code == ExitCode.INTERRUPTED == 130
    assert result.stderr == "Đã dừng theo yêu cầu (Ctrl-C).\n"
    assert "Aborted" not in result.output


def test_ctrl_c_in_english(forms, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(app, "check", interrupted)
    result = run("--lang", "en", "check", forms)
    assert (result.exit_code, result.stderr) == (130, "Stopped (Ctrl-C).\n")


def test_ctrl_c_while_the_rollup_is_written_leaves_nothing(forms, tmp_path, monkeypatch):
    before = hashes(forms)
    out = tmp_path / "out"
    out.mkdir()

    def interrupted(self, data):
        raise KeyboardInterrupt
    monkeypatch.setattr(Path, "write_bytes", interrupted)
    result = run("rollup", forms, *ROLLUP, "-o", out / "tong-hop.xlsx")
    monkeypatch.undo()
    assert result.exit_code == 130
    assert result.stderr == "Đã dừng theo yêu cầu (Ctrl-C).\n"
    assert list(out.iterdir()) == []
    assert hashes(forms) == before


def test_ctrl_c_while_writing_leaves_no_file(tmp_path):
    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(tmp_path / "a.xlsx", write)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
@pytest.mark.skipif(available_cores() < 2, reason="one core: no process pool")
def test_ctrl_c_in_a_terminal_while_the_process_pool_runs(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    for n in range(40):  # 720 forms: the pool is busy for a while
        for f in EXAMPLES.glob("*.xlsx"):
            os.link(f, folder / f"{f.stem}_{n}.xlsx")
    before = sha(next(folder.iterdir()))
    proc = subprocess.Popen([sys.executable, "-m", "kh_excel", "check", str(folder)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    while proc.poll() is None and not children.read_text().split():
        assert time.monotonic() < deadline, "the pool never started"
        time.sleep(0.01)
    assert proc.poll() is None, "finished before the pool started"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert err == "Đã dừng theo yêu cầu (Ctrl-C).\n"  # no worker's traceback either
    assert sha(next(folder.iterdir())) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_redirected_to_a_full_disk_is_exit_4(forms):
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "kh_excel", "check", str(forms), "--json"],
                              stdout=full, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 4
    assert done.stderr == f"Lỗi: Không ghi được stdout: {FULL}\n"
