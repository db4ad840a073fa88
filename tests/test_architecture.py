"""Architecture rules: only kh_excel/cli imports click, only kh_excel/excel imports xlwings;
every command has Vietnamese help."""
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
