"""Architecture rules: only kh_excel/cli imports click, only kh_excel/excel imports xlwings,
only kh_excel/web the web stack; every command has Vietnamese help."""
import ast
from pathlib import Path

import click
from click.testing import CliRunner

import kh_excel
from kh_excel.cli.main import cli

PACKAGE = Path(kh_excel.__file__).parent
README = PACKAGE.parent / "README.md"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_cli_imports_click():
    offenders = [
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
        if "cli" not in p.relative_to(PACKAGE).parts and "click" in _imports(p)
    ]
    assert offenders == []


def test_only_the_web_page_imports_the_web_stack():
    web_stack = {"starlette", "uvicorn", "python_multipart", "multipart"}
    offenders = [
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "web" and _imports(p) & web_stack
    ]
    assert offenders == []


def test_every_command_has_vietnamese_help_with_an_example_and_is_in_the_readme():
    readme = README.read_text("utf-8")
    runner = CliRunner()
    names = cli.list_commands(click.Context(cli))
    assert {"template", "units", "indicators", "check", "rollup"} <= set(names)
    for name in names:
        result = runner.invoke(cli, [name, "--help"], catch_exceptions=False)
        assert result.exit_code == 0, name
        assert "Ví dụ" in result.output, name
        assert f"kh-excel {name}" in result.output, name
        assert f"kh-excel {name}" in readme, f"README does not show 'kh-excel {name}'"


def test_only_the_excel_front_end_imports_xlwings():
    offenders = [
        str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
        if p.relative_to(PACKAGE).parts[0] != "excel" and "xlwings" in _imports(p)
    ]
    assert offenders == []


def test_the_commands_table_gives_each_commands_own_short_help_in_both_languages():
    """`kh-excel --help` lists the commands from COMMANDS without loading them: the table's
    short help must be what the command itself would show, at every width."""
    from kh_excel.cli import i18n
    from kh_excel.cli.main import COMMANDS

    ctx = click.Context(cli)
    try:
        for name, (_module, vi, en) in COMMANDS.items():
            command = cli.get_command(ctx, name)
            for lang, text in (("vi", vi), ("en", en)):
                i18n.set_lang(lang)
                for limit in (30, 45, 60, 70, 10**6):
                    table = click.Command(name, help=text).get_short_help_str(limit)
                    assert table == command.get_short_help_str(limit), (name, lang, limit)
    finally:
        i18n.set_lang("vi")


def test_help_lists_every_command_without_importing_the_commands(tmp_path):
    """The group's help is read from the table: no command module, openpyxl or docx loaded."""
    import subprocess
    import sys

    from kh_excel.cli.main import COMMANDS

    probe = (
        "import sys\nfrom kh_excel.cli.main import cli\n"
        "try:\n    cli.main(['--help'], prog_name='kh-excel')\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('openpyxl', 'docx', 'numpy', 'pandas') or m.startswith('kh_excel.cli.') and "
        "m not in ('kh_excel.cli.main', 'kh_excel.cli.i18n')))\n")
    for lang in ("vi", "en"):
        env = {**__import__("os").environ, "KH_EXCEL_LANG": lang}
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                             env=env, check=True).stdout
        assert out.splitlines()[-1] == "[]", out
        for name, (_module, vi, en) in COMMANDS.items():
            assert f"  {name} " in out, name
            assert (vi if lang == "vi" else en)[:20] in out, (name, lang)
