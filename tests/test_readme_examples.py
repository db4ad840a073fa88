"""Every example in the README and in each command's --help runs (issue 12 §1, "Done means").

The README's ``sh`` blocks and the "Ví dụ" lines of every --help are parsed; each ``kh-excel``
command runs in a fresh folder holding the inputs the examples name (the bundled example forms
copied under those names), and must end with the exit code it is meant to have. Its ``python``
blocks run too, from a folder laid out like the repository after the quick start. A stale
example (a renamed option, a name that became ambiguous, a folder of the wrong period) fails.
"""
from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kh_excel.cli.main import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NA_RI = EXAMPLES / "na-ri-2023"
OWN = "2023_066_huyen-na-ri_cap-rieng.xlsx"
README = (ROOT / "README.md").read_text(encoding="utf-8")

# Lines of the README's sh blocks that set a machine up rather than use kh-excel.
SETUP = ("git clone ", "cd kh-excel", "python3 -m venv ", ".venv/bin/python -m pytest",
         "pip install ")


def _block_commands(text: str, language: str) -> list[str]:
    """The commands of the fenced blocks of one language, continuation lines joined."""
    commands = []
    for block in re.findall(rf"^ *```{language}\n(.*?)^ *```", text, re.S | re.M):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                commands.append(line)
    return commands


def readme_commands() -> list[str]:
    return _block_commands(README, "sh")


def help_commands() -> list[str]:
    """The "Ví dụ" lines of the group's and every command's help."""
    ctx = click.Context(cli)
    out = []
    for command in [cli, *(cli.get_command(ctx, name) for name in COMMANDS)]:
        examples = command.help.split("Ví dụ:")[1]
        out += [line.strip() for line in examples.replace("\\\n", " ").splitlines()
                if line.strip().startswith("kh-excel")]
    return out


def _rules_file() -> str:
    return ('# Quy tắc riêng của huyện: bỏ cảnh báo quỹ bình quân đầu người.\n'
            '[[rule]]\nid = "quy_binh_quan_duoi_1000_dong"\nenabled = false\n')


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder with every input the examples name, made from the bundled examples."""
    import kh_excel
    from openpyxl import Workbook

    base = tmp_path_factory.mktemp("inputs")
    for name in ("bieu-xa", "bieu-mau-da-nop", "bieu_mau_da_nop"):  # the communes' forms
        shutil.copytree(NA_RI, base / name, ignore=shutil.ignore_patterns(OWN))
    shutil.copytree(EXAMPLES / "thai-nguyen-2025", base / "bieu-xa-2025")
    shutil.copytree(EXAMPLES, base / "examples")
    shutil.copy(NA_RI / OWN, base / "NaRi_cap-huyen.xlsx")
    shutil.copy(NA_RI / OWN, base / "2023_066_huyen-na-ri.xlsx")
    shutil.copy(NA_RI / "2023_02137_xa-van-vu.xlsx", base / "2024_02125_van-vu.xlsx")
    result = kh_excel.rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    for name in ("out/na-ri-2023-tong-hop.xlsx", "tong_hop_2023.xlsx",
                 "NaRi_2023_tong-hop.xlsx", "tong-hop-huyen/2023_066_huyen-na-ri_tong-hop.xlsx"):
        kh_excel.write_rollup(result, base / name)
    # Last year's roll-up: the same figures, dated 2022 (the comparison only needs a period).
    result.period = type(result.period).parse("2022")
    kh_excel.write_rollup(result, base / "NaRi_2022_tong-hop.xlsx")
    (base / "quy-tac-rieng.toml").write_text(_rules_file(), encoding="utf-8")
    (base / "van_ban.toml").write_text(
        'ten_to_chuc = "Hội Khuyến học huyện Na Rì"\nco_quan_chu_quan = "Hội Khuyến học tỉnh '
        'Bắc Kạn"\nso = "05"\nngay = "18/01/2024"\nnguoi_ky = "Nông Văn A"\n', encoding="utf-8")
    extra = Workbook()
    extra.active.append(["ma", "ten", "cap", "truc_thuoc"])
    extra.active.append(["NR-CA", "Ban Khuyến học Công an huyện Na Rì", "xa", "066"])
    extra.save(base / "bo_sung.xlsx")
    return base


def _run(command: str, folder: Path, monkeypatch) -> tuple[int, str]:
    """One ``kh-excel …`` line in ``folder``, with a ``> file`` redirect if it has one."""
    args = shlex.split(command, comments=True)
    assert args[0] == "kh-excel", command
    target = None
    if ">" in args:
        n = args.index(">")
        args, target = args[:n], args[n + 1]
    # The inputs of one example are the outputs of another (the yearly workflow's own form,
    # roll-up): what this one writes is removed first, as on a machine that never ran it.
    for n, arg in enumerate(args[:-1]):
        if arg in ("-o", "--output", "--text", "--trace", "--out-dir", "--annotate"):
            out = folder / args[n + 1]
            if out.is_dir():
                shutil.rmtree(out)
            elif out.exists():
                out.unlink()
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(cli, args[1:], prog_name="kh-excel", catch_exceptions=False)
    if target:
        Path(target).write_text(result.stdout, encoding="utf-8")
    return result.exit_code, result.output


def _server_that_stops_at_once(monkeypatch) -> None:
    """``kh-excel web`` serves until Ctrl+C: here its server is one that stops at once (the
    real one is started and stopped by tests/test_web_cli.py)."""
    from kh_excel.web import server

    class Stopped:
        def __init__(self, port: int = 8765, debug: bool = False) -> None:
            self.url = f"http://127.0.0.1:{port}/?token=…"

        def run(self, open_browser: bool = False) -> None:
            pass

    monkeypatch.setattr(server, "LocalServer", Stopped)


@pytest.mark.parametrize("command", [c for c in readme_commands() if not c.startswith(SETUP)]
                         + help_commands())
def test_example_runs(command, inputs, tmp_path, monkeypatch):
    folder = tmp_path / "work"
    shutil.copytree(inputs, folder)
    if command.startswith("kh-excel web"):
        _server_that_stops_at_once(monkeypatch)
    code, output = _run(command, folder, monkeypatch)
    # Every example shows a clean run on clean inputs: 0, never an error (1) or a usage slip (2).
    assert code == 0, f"{command}\n{output}"


def test_the_readme_has_examples_of_every_command():
    commands = readme_commands()
    for name in COMMANDS:
        assert any(c.startswith(f"kh-excel {name}") for c in commands), name
    # The setup lines are the quick start's, and only those.
    setup = [c for c in commands if not c.startswith("kh-excel")]
    assert setup and all(c.startswith(SETUP) for c in setup), setup
    assert "bash examples/run.sh" in next(c for c in setup if c.startswith("python3 -m venv"))


def test_the_python_examples_run(inputs, tmp_path):
    folder = tmp_path / "repo"
    shutil.copytree(inputs, folder)
    blocks = re.findall(r"^```python\n(.*?)^```", README, re.S | re.M)
    assert len(blocks) >= 4
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for block in blocks:
        done = subprocess.run([sys.executable, "-c", block], cwd=folder, env=env,
                              capture_output=True, text=True, encoding="utf-8", timeout=300)
        assert done.returncode == 0, f"{block}\n{done.stderr}"


def test_the_quick_start_script_runs(tmp_path):
    """``bash examples/run.sh``, the quick start's job, from a copy of the examples."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", str(tmp_path / "examples" / "run.sh")], env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    out = tmp_path / "out"
    for name in ("na-ri-2023-tong-hop.xlsx", "thai-nguyen-2025-tong-hop.xlsx",
                 "na-ri-2023-bao-cao.docx", "na-ri-2023-bao-cao.md", "na-ri-2023-tin-bai.docx"):
        assert (out / name).is_file(), name
    assert len(list((out / "bieu-mau").glob("2023_*.xlsx"))) == 17
    assert len(list((out / "tra-lai").glob("*.xlsx"))) == 5
    assert done.stdout.rstrip().endswith("Xong. Kết quả trong thư mục out/.")


def test_the_quick_start_is_for_a_fresh_machine():
    quick = README.split("## Quick start")[1].split("\n## ")[0]
    assert "python3-venv" in quick and "3.11" in quick and "22.04" in quick
    assert "git clone" in quick and "`cd`" in quick
    lines = _block_commands(quick, "sh")
    assert len(lines) == 2  # one installs and runs the example, one runs the tests
    # .ci/run proves the same two commands on a fresh machine.
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    for command in lines:
        assert command in ci, command


def test_the_yearly_workflow_is_described():
    yearly = README.split("## Cách làm việc hằng năm")[1].split("\n## ")[0]
    commands = _block_commands(yearly, "sh")
    assert [c.split()[1] for c in commands] == ["template", "template", "check", "rollup",
                                                 "report", "report"]


def test_every_public_exception_is_documented():
    import kh_excel.errors as errors

    public = [name for name, value in vars(errors).items() if isinstance(value, type)
              and issubclass(value, errors.KhError) and value is not errors.KhError]
    library = README.split("## Using the library from Python")[1].split("\n## ")[0]
    for name in public:
        assert f"| `{name}` |" in library, name
