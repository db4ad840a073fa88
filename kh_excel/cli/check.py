"""``kh-excel check``: check filled forms and report every problem by file, sheet and cell."""
from __future__ import annotations

import json

import click

from .. import app
from ..checking import unreadable_count
from ..errors import ExitCode, UsageError
from .main import cli
from .i18n import english
from .options import force_option, json_option
from .render import render_annotated, render_check
from .store import store_options


@english(
    """Check filled forms (files or folders) and report every problem by file, sheet and cell.

    Exit codes: 0 no errors, 1 data errors, 2 wrong usage, 3 a file could not be read.

    \b
    Examples:
      kh-excel check bieu_mau_da_nop/
      kh-excel check 2024_02125_van-vu.xlsx --annotate tra_lai/
      kh-excel check bieu_mau_da_nop/ --json > ket_qua.json
    """,
    rules="An extra or replacing rulebook (TOML).",
    annotate_dir="Folder for marked-up copies of the files with problems (cells coloured and "
                 "commented).",
    as_json="Print the result as JSON (exactly what the library returns).",
    force="Overwrite output files that exist.")
@cli.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--rules", "rules", default=None, help="Tệp quy tắc kiểm tra bổ sung hoặc thay thế (TOML).")
@click.option("--annotate", "annotate_dir", default=None,
              help="Thư mục ghi bản sao các tệp có vấn đề, ô sai được tô màu và ghi chú.")
@json_option
@force_option
@click.pass_context
@store_options
def check_cmd(ctx: click.Context, paths: tuple[str, ...], rules: str | None,
              annotate_dir: str | None, as_json: bool, force: bool, store=None) -> None:
    """Kiểm tra các biểu mẫu đã điền (tệp hoặc thư mục) và báo từng lỗi theo tệp, trang, ô.

    Mã thoát: 0 không có lỗi, 1 có lỗi số liệu, 2 sai cách dùng, 3 có tệp không đọc được.

    \b
    Ví dụ:
      kh-excel check bieu_mau_da_nop/
      kh-excel check 2024_02125_van-vu.xlsx --annotate tra_lai/
      kh-excel check bieu_mau_da_nop/ --json > ket_qua.json
    """
    lang = ctx.obj.get("lang", "vi")
    # Copies annotated by an earlier run in a folder being checked are not checked again.
    report = app.check(paths, rules=rules, lang=lang,
                       exclude=[annotate_dir] if annotate_dir else (), store=store)
    if all(r.skipped for r in report.files):
        raise UsageError(detail=f"Không có tệp biểu mẫu (.xlsx, .xlsm, .xls) nào trong "
                                f"{', '.join(paths)}.",
                         detail_en=f"No form files (.xlsx, .xlsm, .xls) in {', '.join(paths)}.")
    if annotate_dir:
        from ..annotation import plan_copies
        plan_copies(report, annotate_dir, force)  # refuse before printing or writing anything
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_check(report, lang)
    if annotate_dir:
        render_annotated(app.annotate(report, annotate_dir, force=force), annotate_dir,
                         lang, quiet=as_json)
    if unreadable_count(report):
        ctx.exit(int(ExitCode.BAD_INPUT))
    ctx.exit(int(ExitCode.FINDINGS if report.has_errors else ExitCode.OK))
