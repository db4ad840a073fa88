"""Entry point: the ``kh-excel`` group, its global options and the one error boundary."""
from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import ExitCode, KhError


class KhGroup(click.Group):
    """A group that turns every :class:`KhError` into one ``Lỗi: …`` line and an exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KhError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            lang = (ctx.obj or {}).get("lang", "vi")
            prefix = "Error" if lang == "en" else "Lỗi"
            click.echo(f"{prefix}: {exc.message(lang)}", err=True)
            ctx.exit(int(exc.exit_code))


@click.group(cls=KhGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kh-excel")
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi",
              help="Ngôn ngữ thông báo (mặc định tiếng Việt).")
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
    ctx.ensure_object(dict)
    ctx.obj.update(lang=lang, debug=debug)


def _register() -> None:
    from . import indicators  # noqa: F401  (each module adds its command to `cli`)
    from . import units  # noqa: F401
    from . import template  # noqa: F401
    from . import check  # noqa: F401
    from . import rollup  # noqa: F401


_register()


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="kh-excel", standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("Đã dừng theo yêu cầu người dùng.", err=True)
        sys.exit(int(ExitCode.USAGE))
