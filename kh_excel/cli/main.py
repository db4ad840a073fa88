"""Entry point: the ``kh-excel`` group, its global options and the one error boundary."""
from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import ExitCode, KhError
from . import i18n

i18n.install()


class KhGroup(i18n.Bilingual, click.Group):
    """A group that turns every :class:`KhError` into one ``Lỗi: …`` line and an exit code,
    loads each command's module on first use, and speaks the language asked for."""

    command_class = i18n.KhCommand

    def main(self, args=None, **kwargs):
        # The language is needed before click parses anything: it reports bad flags itself.
        i18n.set_lang(i18n.lang_from(sys.argv[1:] if args is None else list(args), os.environ))
        return super().main(args, **kwargs)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(n for n in COMMANDS if self.get_command(ctx, n) is not None)

    def get_command(self, ctx: click.Context, name: str):
        if name not in self.commands and name in COMMANDS:
            try:
                _load(name)
            except ModuleNotFoundError as exc:
                if exc.name != f"{__package__}.{COMMANDS[name]}":
                    raise
        return self.commands.get(name)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KhError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            lang = (ctx.obj or {}).get("lang", "vi")
            prefix = "Error" if lang == "en" else "Lỗi"
            click.echo(f"{prefix}: {exc.message(lang, cli=True)}", err=True)
            ctx.exit(int(exc.exit_code))


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


# Command name → module; a command's module (and what it imports) is loaded only when that
# command runs, so that `kh-excel check` does not pay for the form writer or python-docx.
COMMANDS = {
    "template": "template", "units": "units", "indicators": "indicators", "check": "check",
    "rollup": "rollup", "report": "report", "excel-panel": "excel_panel",
    "store": "store", "status": "status", "history": "history", "export": "export",
}


def _load(name: str) -> None:
    import importlib
    importlib.import_module(f"{__package__}.{COMMANDS[name]}")  # the module adds its command


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="kh-excel", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu người dùng.", err=True)
        sys.exit(int(ExitCode.USAGE))
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
