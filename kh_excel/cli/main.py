"""Entry point: the ``kh-excel`` group, its global options and the one error boundary."""
from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

import click

from .. import __version__
from ..errors import ExitCode, KhError
from ..freetext import escape_controls
from ..outputs import cannot_write
from . import i18n

i18n.install()

STOPPED = {"vi": "Đã dừng theo yêu cầu (Ctrl-C).", "en": "Stopped (Ctrl-C)."}


class KhGroup(i18n.Bilingual, click.Group):
    """A group that turns every :class:`KhError` into one ``Lỗi: …`` line and an exit code,
    loads each command's module on first use, speaks the language asked for, and turns Ctrl-C
    into "Đã dừng" and exit 130."""

    command_class = i18n.KhCommand

    def main(self, args=None, **kwargs):
        # The language is needed before click parses anything: it reports bad flags itself.
        i18n.set_lang(i18n.lang_from(sys.argv[1:] if args is None else list(args), os.environ))
        return super().main(args, **kwargs)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except KeyboardInterrupt:  # click would say "Aborted!" and exit 1, which means findings
            raise _stopped(i18n.current()) from None

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if n in self.commands or _present(n))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The list of commands in the group's help, from :data:`COMMANDS` (no module loaded)."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(map(len, names))
        column = 2 if i18n.current() == "en" else 1
        rows = [(n, click.Command(n, help=COMMANDS[n][column]).get_short_help_str(limit))
                for n in names]
        with formatter.section(i18n.gettext("Commands")):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMANDS:
            try:
                _load(name)
            except ModuleNotFoundError as exc:
                if exc.name != _module(name):
                    raise
        return self.commands.get(name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KhError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            lang = (ctx.obj or {}).get("lang", "vi")  # set by the group's callback
            prefix = "Error" if lang == "en" else "Lỗi"
            # One line, whatever a path or a name in the message holds.
            click.echo(f"{prefix}: {escape_controls(exc.message(lang, cli=True))}", err=True)
            ctx.exit(int(exc.exit_code))
        except KeyboardInterrupt:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            raise _stopped((ctx.obj or {}).get("lang", "vi")) from None
        except OSError as exc:
            # The command's own output redirected to a full disk (kh-excel check --json > f).
            if exc.errno not in (errno.ENOSPC, errno.EDQUOT) or exc.filename is not None:
                raise
            lang = (ctx.obj or {}).get("lang", "vi")
            error = cannot_write(Path("stdout"), exc)
            click.echo(f"{'Error' if lang == 'en' else 'Lỗi'}: {error.message(lang)}", err=True)
            ctx.exit(int(error.exit_code))


def _stopped(lang: str) -> click.exceptions.Exit:
    """Say "Đã dừng" and give the exit for Ctrl-C (130, as shells do)."""
    click.echo(STOPPED.get(lang, STOPPED["vi"]), err=True)
    return click.exceptions.Exit(int(ExitCode.INTERRUPTED))


@click.group(cls=KhGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kh-excel")
@click.option("--lang", type=click.Choice(i18n.LANGS), default="vi", envvar=i18n.ENV,
              help="Ngôn ngữ thông báo và hướng dẫn: vi (mặc định) hoặc en; cũng đặt được bằng "
                   "biến môi trường KH_EXCEL_LANG.")
@click.option("--debug", is_flag=True, help="In chi tiết lỗi (traceback) cho người phát triển.")
@click.pass_context
def cli(ctx: click.Context, lang: str, debug: bool) -> None:
    """kh-excel: biểu mẫu, kiểm tra, tổng hợp và báo cáo số liệu khuyến học, khuyến tài.

    \b
    Ví dụ:
      kh-excel template --unit "Na Rì" --tier huyen --period 2024 -o NaRi_2024.xlsx
      kh-excel template --children-of "Na Rì" --period 2024 --out-dir bieu_mau/
      kh-excel indicators
    """
    if ctx.get_parameter_source("lang") is click.core.ParameterSource.DEFAULT:
        lang = i18n.current()  # as read before parsing: a --lang misplaced after the command
    ctx.ensure_object(dict)
    ctx.obj.update(lang=lang, debug=debug)
    i18n.set_lang(lang)


i18n.english(
    """kh-excel: forms, checks, roll-ups and reports of study-promotion figures.

    \b
    Examples:
      kh-excel template --unit "Na Rì" --tier huyen --period 2024 -o NaRi_2024.xlsx
      kh-excel template --children-of "Na Rì" --period 2024 --out-dir bieu_mau/
      kh-excel indicators
    """,
    lang="Language of messages and help: vi (default) or en; also set by the environment "
         "variable KH_EXCEL_LANG.",
    debug="Print error details (traceback) for developers.")(cli)


# Command name → (module, short help in Vietnamese, in English). A command's module (and what it
# imports: openpyxl, numpy, python-docx) is loaded only when that command runs, so that
# `kh-excel check` does not pay for the form writer and `kh-excel --help` lists the commands
# from this table alone (0.23 s → 0.05 s). The short help is the first sentence of the command's
# help; tests/test_architecture.py checks that it has not drifted from the command's own.
COMMANDS = {
    "template": ("template",
                 "Tạo biểu mẫu Excel (biểu số liệu) đã ghi sẵn đơn vị và kỳ báo cáo.",
                 "Make the Excel form (data sheet) pre-filled with the unit and the period."),
    "units": ("units",
              "Liệt kê hoặc tìm đơn vị hành chính (tỉnh, huyện, xã).",
              "List or find administrative units (provinces, districts, communes)."),
    "indicators": ("indicators",
                   "Liệt kê danh mục chỉ tiêu (mã, tên, đơn vị tính, cách tổng hợp).",
                   "List the indicator catalogue (code, name, unit, how it is rolled up)."),
    "check": ("check",
              "Kiểm tra các biểu mẫu đã điền (tệp hoặc thư mục) và báo từng lỗi theo tệp, "
              "trang, ô.",
              "Check filled forms (files or folders) and report every problem by file, sheet "
              "and cell."),
    "rollup": ("rollup",
               "Tổng hợp biểu của các đơn vị trực thuộc và biểu của chính đơn vị thành một tệp "
               "Excel.",
               "Add up the forms of the units below a unit and the unit's own form into one "
               "workbook."),
    "report": ("report",
               "Lập dự thảo báo cáo (Word, và bản chữ) từ biểu tổng hợp hoặc một biểu mẫu đã "
               "điền.",
               "Draft the report (Word, and a text version) from a roll-up or one filled form."),
    "excel-panel": ("excel_panel",
                    "Tạo bảng điều khiển Excel (.xlsm) có các nút Tạo biểu mẫu, Kiểm tra, Tổng "
                    "hợp, Lập báo cáo.",
                    "Make the Excel control panel (.xlsm) with the buttons Tạo biểu mẫu, Kiểm "
                    "tra, Tổng hợp, Lập báo cáo."),
    "store": ("store",
              "Kiểm tra hoặc sao lưu kho lịch sử (các biểu đã nhận, các lần tổng hợp).",
              "Check or back up the history store (the forms received, the roll-ups made)."),
    "status": ("status",
               "Tình hình nộp biểu của các đơn vị trực thuộc trong một kỳ, theo kho lịch sử.",
               "Who has sent their form for a period, from the history store."),
    "history": ("history",
                "Lịch sử số liệu của một đơn vị trong kho: các kỳ, các lần gửi, giá trị qua các "
                "năm.",
                "A unit's history in the store: its periods, the versions received, values over "
                "the years."),
    "export": ("export",
               "Xuất mọi số liệu đã lưu của các đơn vị trực thuộc thành một bảng (CSV, xlsx) để "
               "phân tích.",
               "Export every stored value of the units below a unit as one table (CSV, xlsx) for "
               "analysis."),
    "web": ("web",
            "Mở trang web trên máy này để làm cả quy trình: biểu mẫu, nhận biểu, tổng hợp, báo "
            "cáo.",
            "Open a page on this machine for the whole workflow: forms, received forms, roll-up, "
            "report."),
}


def _module(name: str) -> str:
    return f"{__package__}.{COMMANDS[name][0]}"


def _load(name: str) -> None:
    import importlib
    importlib.import_module(_module(name))  # the module adds its command


def _present(name: str) -> bool:
    """Whether the command's module is there, without importing it."""
    from importlib.util import find_spec
    return name in sys.modules or find_spec(_module(name)) is not None


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="kh-excel", standalone_mode=True)
    except KeyboardInterrupt:  # between two steps of click itself
        click.echo(STOPPED["vi"], err=True)
        _exit_now(int(ExitCode.INTERRUPTED))
    except SystemExit as done:
        _exit_now(done.code)


def _exit_now(code: int | str | None) -> None:
    """End the process without tearing the interpreter down.

    Freeing every object and module one by one takes 30–50 ms after a roll-up, a tenth of a
    small run, for memory the system reclaims anyway. Every output file is closed by then
    (written atomically), the process pool has been shut down, and the two streams are flushed
    here; nothing of kh-excel waits for interpreter shutdown.
    """
    if isinstance(code, str):
        sys.stderr.write(code + "\n")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (kh-excel check … | head)
            pass
    os._exit(code or 0)
