"""Usage errors and help in Vietnamese by default, in English with --lang en or KH_EXCEL_LANG
(issue 12 §4): click's own messages included."""
from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from kh_excel.cli import i18n
from kh_excel.cli.main import COMMANDS, cli

ENGLISH_WORDS = ("Usage:", "Try '", "Error:", "No such option", "Missing argument",
                 "Missing option", "Show this message and exit.", "Options:", "Invalid value")


def run(*args, env=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env=env or {},
                              prog_name="kh-excel", catch_exceptions=False)


@pytest.mark.parametrize("args, vi, en", [
    (("report",), "Lỗi: Thiếu tham số 'INPUT'.", "Error: Missing argument 'INPUT'."),
    (("rollup", "x", "--bogus"), "Lỗi: Không có tuỳ chọn '--bogus'.",
     "Error: No such option '--bogus'."),
    (("rollup", "x", "--period", "2023", "-o", "r.xlsx"), "Lỗi: Thiếu tuỳ chọn '--unit'.",
     "Error: Missing option '--unit'."),
    (("units", "--scheme", "nam-2020"),
     "Lỗi: Giá trị không hợp lệ cho '--scheme': 'nam-2020' không hợp lệ: chọn một trong "
     "'legacy-3tier', 'two-tier-2025'.",
     "Error: Invalid value for '--scheme': 'nam-2020' is not one of 'legacy-3tier', "
     "'two-tier-2025'."),
    (("rollup", "x", "--unit"), "Lỗi: Tuỳ chọn '--unit' cần một giá trị.",
     "Error: Option '--unit' requires an argument."),
    (("tong-hop",), "Lỗi: Không có lệnh 'tong-hop'.", "Error: No such command 'tong-hop'."),
    # `report <folder>`: the case of the issue.
    (("report", Path(__file__).parent, "-o", "bc.docx"),
     f"Lỗi: Giá trị không hợp lệ cho 'INPUT': Tệp '{Path(__file__).parent}' là một thư mục, "
     "cần một tệp.",
     f"Error: Invalid value for 'INPUT': File '{Path(__file__).parent}' is a directory."),
])
def test_usage_errors_in_both_languages(args, vi, en):
    result = run(*args)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    if len(lines) > 1:  # click gives no usage line for an option without its value
        assert lines[0].startswith("Cách dùng: kh-excel")
        assert lines[1].startswith("Xem hướng dẫn bằng lệnh: kh-excel")
    assert lines[-1] == vi
    assert not any(word in result.stderr for word in ENGLISH_WORDS)
    for english in (run("--lang", "en", *args), run("--lang=en", *args),
                    run(*args, env={"KH_EXCEL_LANG": "en"})):
        assert english.exit_code == 2
        if len(lines) > 1:
            assert english.stderr.splitlines()[0].startswith("Usage: kh-excel")
        assert english.stderr.splitlines()[-1] == en


def test_help_follows_the_language():
    vi = run("rollup", "--help")
    assert vi.exit_code == 0
    assert vi.stdout.startswith("Cách dùng: kh-excel rollup [TUỲ_CHỌN] PATHS...")
    assert "Tổng hợp biểu của các đơn vị trực thuộc" in vi.stdout
    assert "Tuỳ chọn:" in vi.stdout and "In hướng dẫn này rồi thoát." in vi.stdout
    assert "[bắt buộc]" in vi.stdout
    assert not any(word in vi.stdout for word in ENGLISH_WORDS)
    for en in (run("--lang", "en", "rollup", "--help"),
               run("rollup", "--help", env={"KH_EXCEL_LANG": "en"})):
        assert en.exit_code == 0
        assert en.stdout.startswith("Usage: kh-excel rollup [OPTIONS] PATHS...")
        assert "Add up the forms of the units below a unit" in en.stdout
        assert "The unit above it, to tell namesakes apart." in en.stdout
        assert "Show this message and exit." in en.stdout and "[required]" in en.stdout
        assert "Tổng hợp biểu" not in en.stdout and "Đơn vị cấp trên" not in en.stdout
    # The group's own help, and the list of commands, too.
    en = run("--lang", "en", "--help")
    assert "Commands:" in en.stdout and "List or find administrative units" in en.stdout
    assert "Các lệnh:" in run("--help").stdout
    # And a Vietnamese run after an English one is Vietnamese again.
    assert run("rollup", "--help").stdout == vi.stdout


def test_kh_errors_follow_the_environment_language():
    result = run("units", "--find", "khong co dau ca", env={"KH_EXCEL_LANG": "en"})
    assert result.exit_code == 2 and result.stderr.startswith("Error: No unit 'khong co dau ca'")


def _commands() -> list[click.Command]:
    ctx = click.Context(cli)
    return [cli.get_command(ctx, name) for name in COMMANDS]


def test_every_command_and_option_has_help_in_both_languages():
    for command in [cli, *_commands()]:
        assert command.help and getattr(command, "help_en", None), command.name
        # The examples are the same commands in both languages.
        vi_examples = command.help.split("Ví dụ:")[1].split()
        en_examples = command.help_en.split("Examples:")[1].split()
        assert vi_examples == en_examples, command.name
        for param in command.params:
            if isinstance(param, click.Option) and param.name not in ("version",):
                assert param.help, (command.name, param.name)
                assert getattr(param, "help_en", None), (command.name, param.name)


def test_every_click_message_is_translated_or_meant_for_developers():
    # A newer click with new messages fails here: add them to CLICK_VI.
    base = Path(click.__file__).parent
    known = set(i18n.CLICK_VI) | set(i18n.CLICK_VI_PLURAL) | i18n.DEVELOPER_MESSAGES
    for name in i18n.CLICK_MODULES:
        tree = ast.parse((base / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    assert first.value in known, (name, first.value)
    # Every translation keeps the placeholders of its message.
    import string
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for en, vi in i18n.CLICK_VI.items():
        if "{" in en:
            assert fields(vi) == fields(en), en
    for en, (one, many) in i18n.CLICK_VI_PLURAL.items():
        assert fields(one) <= fields(en) | {"len", "nargs", "possibilities", "choices", "formats"}


def test_language_from_the_command_line():
    assert i18n.lang_from(["--lang", "en", "check"], {}) == "en"
    assert i18n.lang_from(["--lang=en"], {"KH_EXCEL_LANG": "vi"}) == "en"
    assert i18n.lang_from(["check"], {"KH_EXCEL_LANG": "EN"}) == "en"
    assert i18n.lang_from(["check", "--", "--lang", "en"], {}) == "vi"
    assert i18n.lang_from(["--lang", "fr"], {}) == "vi"


def test_lang_after_the_command_says_where_it_goes():
    result = run("units", "--lang", "vi")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == ("Lỗi: --lang đặt ngay sau kh-excel, trước tên lệnh: "
                                              "kh-excel --lang en units …")
    result = run("units", "--lang=en")
    assert result.stderr.splitlines()[-1] == ("Error: --lang goes before the command: "
                                              "kh-excel --lang en units …")
