"""``kh-excel check``: check filled forms and report every problem by file, sheet and cell."""
from __future__ import annotations

import json

import click

from ..annotate import annotate_report
from ..checking import check_paths, unreadable_count
from ..errors import ExitCode
from .main import cli
from .options import force_option, json_option
from .render import render_check


@cli.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option("--rules", "rules", default=None, help="Tệp quy tắc kiểm tra bổ sung hoặc thay thế (TOML).")
@click.option("--annotate", "annotate_dir", default=None,
              help="Thư mục ghi bản sao các tệp có vấn đề, ô sai được tô màu và ghi chú.")
@json_option
@force_option
@click.pass_context
def check_cmd(ctx: click.Context, paths: tuple[str, ...], rules: str | None,
              annotate_dir: str | None, as_json: bool, force: bool) -> None:
    """Kiểm tra các biểu mẫu đã điền (tệp hoặc thư mục) và báo từng lỗi theo tệp, trang, ô.

    Mã thoát: 0 không có lỗi, 1 có lỗi số liệu, 2 sai cách dùng, 3 có tệp không đọc được.

    \b
    Ví dụ:
      kh-excel check bieu_mau_da_nop/
      kh-excel check 2024_02125_van-vu.xlsx --annotate tra_lai/
      kh-excel check bieu_mau_da_nop/ --json > ket_qua.json
    """
    lang = ctx.obj.get("lang", "vi")
    report = check_paths(paths, rules=rules, lang=lang)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_check(report, lang)
    if annotate_dir:
        written = annotate_report(report, annotate_dir, force=force)
        if not as_json:
            click.echo((f"Wrote {len(written)} annotated copy(ies) to {annotate_dir}" if lang == "en"
                        else f"Đã ghi {len(written)} bản sao có đánh dấu vào thư mục {annotate_dir}"))
    if unreadable_count(report):
        ctx.exit(int(ExitCode.BAD_INPUT))
    ctx.exit(int(ExitCode.FINDINGS if report.has_errors else ExitCode.OK))
