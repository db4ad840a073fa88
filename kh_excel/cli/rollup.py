"""``kh-excel rollup``: add up the children's forms and the unit's own form into one workbook."""
from __future__ import annotations

import json
import sys

import click

from ..errors import ExitCode
from .. import app
from .main import cli
from .i18n import english
from .options import force_option, json_option, period_option, scheme_option
from .render import render_rollup
from .store import render_store_notes, store_options


@english(
    """Add up the forms of the units below a unit and the unit's own form into one workbook.

    The output is the form of the rolled-up tier (the next tier's input), with the sheets Chi
    tiết đơn vị (per unit), Kiểm tra (findings) and Chưa nộp (missing units). Exit codes: 0 no
    errors, 1 data errors (or no valid form at all), 2 wrong usage, 3 a file could not be read.

    \b
    Examples:
      kh-excel rollup bieu-xa/ --unit "Huyện Na Rì" --period 2023 -o NaRi_2023_tong-hop.xlsx
      kh-excel rollup bieu-xa/ --unit "Na Rì" --period 2023 --own NaRi_cap-huyen.xlsx \\
          --previous NaRi_2022_tong-hop.xlsx -o NaRi_2023_tong-hop.xlsx
      kh-excel rollup bieu-xa-2025/ --unit "Tỉnh Thái Nguyên" --period 2025 -o ThaiNguyen_2025.xlsx
    """,
    unit="The unit rolled up (district, province): name or code; \"Chợ Mới, Bắc Kạn\" names "
         "its parent too.",
    parent="The unit above it, to tell namesakes apart.",
    period="Period: 2024 (the year) or 2024-H1 (first six months).",
    scheme="Administrative scheme: legacy-3tier (province – district – commune, until "
           "30/6/2025) or two-tier-2025 (province – commune, from 1/7/2025). Default: from "
           "the period.",
    own="The unit's own form (its district/province column).",
    previous="Last period's roll-up, or the unit's own filled form of last period, for the "
             "comparison.",
    prefer_newest="When a unit has two files, use the newest.",
    rules="An extra rulebook (TOML).",
    extra_units="A file of extra units below the unit (CSV/XLSX).",
    output="The roll-up workbook to write (.xlsx).",
    quiet="Print neither progress nor results.",
    as_json="Print the result as JSON (exactly what the library returns).",
    force="Overwrite output files that exist.")
@cli.command("rollup")
@click.argument("paths", nargs=-1, required=True)
@click.option("--unit", required=True,
              help="Đơn vị tổng hợp (huyện, tỉnh): tên hoặc mã; \"Chợ Mới, Bắc Kạn\" ghi kèm "
                   "đơn vị cấp trên.")
@click.option("--parent", help="Đơn vị cấp trên, để phân biệt các đơn vị trùng tên.")
@period_option
@scheme_option
@click.option("--own", default=None, help="Biểu số liệu của chính đơn vị tổng hợp (cột cấp huyện/tỉnh).")
@click.option("--previous", default=None,
              help="Tệp tổng hợp kỳ trước, hoặc biểu đã điền của chính đơn vị kỳ trước, để so sánh.")
@click.option("--prefer-newest", is_flag=True, help="Khi một đơn vị có hai tệp, dùng tệp mới nhất.")
@click.option("--rules", default=None, help="Tệp quy tắc kiểm tra bổ sung (TOML).")
@click.option("--extra-units", default=None, help="Tệp danh sách đơn vị trực thuộc bổ sung (CSV/XLSX).")
@click.option("-o", "--output", "output", required=True, help="Tệp Excel kết quả tổng hợp.")
@click.option("--quiet", is_flag=True, help="Không in tiến độ và kết quả ra màn hình.")
@json_option
@force_option
@click.pass_context
@store_options
def rollup_cmd(ctx: click.Context, paths, unit, parent, period, scheme, own, previous, prefer_newest,
               rules, extra_units, output, quiet, as_json, force, store=None) -> None:
    """Tổng hợp biểu của các đơn vị trực thuộc và biểu của chính đơn vị thành một tệp Excel.

    Tệp kết quả là biểu của cấp tổng hợp (dùng tiếp cho cấp trên), kèm các trang Chi tiết
    đơn vị, Kiểm tra, Chưa nộp. Mã thoát: 0 không có lỗi, 1 có lỗi số liệu (hoặc không có
    biểu hợp lệ nào), 2 sai cách dùng, 3 có tệp không đọc được.

    \b
    Ví dụ:
      kh-excel rollup bieu-xa/ --unit "Huyện Na Rì" --period 2023 -o NaRi_2023_tong-hop.xlsx
      kh-excel rollup bieu-xa/ --unit "Na Rì" --period 2023 --own NaRi_cap-huyen.xlsx \\
          --previous NaRi_2022_tong-hop.xlsx -o NaRi_2023_tong-hop.xlsx
      kh-excel rollup bieu-xa-2025/ --unit "Tỉnh Thái Nguyên" --period 2025 -o ThaiNguyen_2025.xlsx
    """
    lang = ctx.obj.get("lang", "vi")
    app.check_output(output, "rollup", force=force)  # before the work, not after it
    show = not quiet and not as_json and sys.stderr.isatty()
    label = "Reading the forms" if lang == "en" else "Đang đọc biểu"
    with click.progressbar(length=0, label=label, file=sys.stderr) if show else \
            _NoBar() as bar:
        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        result = app.rollup(paths, unit=unit, parent=parent, period=period, scheme=scheme,
                            own=own, previous=previous, prefer_newest=prefer_newest, rules=rules,
                            extra_units=extra_units, lang=lang,
                            progress=progress if show else None, store=store)
    path = app.write_rollup(result, output, force=force, store=store, lang=lang)
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif not quiet:
        render_rollup(result, path, lang)
        render_store_notes(result, lang)
    if any(r.submission is None and not r.skipped for r in result.files):
        ctx.exit(int(ExitCode.BAD_INPUT))
    ctx.exit(int(ExitCode.FINDINGS if result.has_errors else ExitCode.OK))


class _NoBar:
    pos = 0
    length = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n: int) -> None:
        self.pos += n
