"""``kh-excel status``: who has sent what for a period, from the history store."""
from __future__ import annotations

import json

import click

from .. import app
from .i18n import english
from .main import cli
from .options import force_option, json_option, period_option, scheme_option
from .store import store_path_option


@english(
    """Who has sent their form for a period, from the history store.

    For each unit below: sent or not, when, which version, the errors and warnings left,
    changed since the last roll-up, late. The last line sums the period up.

    \b
    Examples:
      kh-excel status --unit "Huyện Na Rì" --period 2023
      kh-excel status --unit "Na Rì" --period 2024 --deadline 2024-12-20 -o tinh-hinh-nop.xlsx
      kh-excel status --unit "Tỉnh Thái Nguyên" --period 2025 --json
    """,
    unit="The unit receiving the forms (district, province): name or code.",
    period="Period: 2024 (the year) or 2024-H1 (first six months).",
    scheme="Administrative scheme: legacy-3tier (province – district – commune, until "
           "30/6/2025) or two-tier-2025 (province – commune, from 1/7/2025). Default: from "
           "the period.",
    deadline="Deadline: a form received after this day is marked late.",
    output="Also write the overview as a workbook (.xlsx).",
    extra_units="A file of extra units below the unit (CSV/XLSX).",
    as_json="Print the result as JSON (exactly what the library returns).",
    force="Overwrite output files that exist.")
@cli.command("status")
@click.option("--unit", required=True, help="Đơn vị nhận biểu (huyện, tỉnh): tên hoặc mã.")
@period_option
@scheme_option
@click.option("--deadline", default=None, metavar="YYYY-MM-DD",
              help="Hạn nộp: biểu gửi sau ngày này được ghi là gửi muộn.")
@click.option("-o", "--output", default=None, help="Ghi thêm bảng tình hình nộp biểu (.xlsx).")
@click.option("--extra-units", default=None, help="Tệp danh sách đơn vị trực thuộc bổ sung.")
@store_path_option
@json_option
@force_option
@click.pass_context
def status_cmd(ctx: click.Context, unit, period, scheme, deadline, output, extra_units, store,
               as_json, force) -> None:
    """Tình hình nộp biểu của các đơn vị trực thuộc trong một kỳ, theo kho lịch sử.

    Mỗi đơn vị: đã gửi chưa, ngày gửi, lần gửi, số lỗi và cảnh báo còn lại, có thay đổi sau
    lần tổng hợp gần nhất không, có gửi muộn không. Dòng cuối tóm tắt cả kỳ.

    \b
    Ví dụ:
      kh-excel status --unit "Huyện Na Rì" --period 2023
      kh-excel status --unit "Na Rì" --period 2024 --deadline 2024-12-20 -o tinh-hinh-nop.xlsx
      kh-excel status --unit "Tỉnh Thái Nguyên" --period 2025 --json
    """
    en = ctx.obj.get("lang") == "en"
    overview = app.status(unit=unit, period=period, deadline=deadline, scheme=scheme,
                          extra_units=extra_units, store=store)
    written = app.write_status_workbook(overview, output, force=force) if output else None
    if as_json:
        click.echo(json.dumps(overview.to_dict(), ensure_ascii=False, indent=2))
        return
    title = (f"{overview.unit.name}, {overview.period}:" if en else
             f"{overview.unit.name}, {overview.period.label()}:")
    click.secho(title, bold=True)
    for n, c in enumerate(overview.children, 1):
        click.echo(f"  {n:>3}. {c.unit.name:<28} " + _line(c, en))
    click.echo(overview.summary("en" if en else "vi") + ".")
    if written:
        click.echo(f"Wrote {written}" if en else f"Đã ghi {written}")


def _line(c, en: bool) -> str:
    s = c.stored
    if s is None:
        return click.style("not sent" if en else "chưa gửi", fg="red")
    day = c.received_day.strftime("%d/%m/%Y")
    parts = [f"sent {day}, version {s.version}" if en else f"đã gửi {day}, lần {s.version}"]
    if s.errors:
        parts.append(click.style(f"{s.errors} error(s)" if en else f"{s.errors} lỗi", fg="red"))
    if s.warnings:
        parts.append(f"{s.warnings} warning(s)" if en else f"{s.warnings} cảnh báo")
    if c.changed_since_rollup:
        parts.append("changed since the last roll-up" if en else "thay đổi sau lần tổng hợp")
    if c.late:
        parts.append(click.style("late" if en else "gửi muộn", fg="yellow"))
    return ", ".join(parts)
