"""``kh-excel history``: every stored period of a unit, its versions and its values."""
from __future__ import annotations

import json

import click

from .. import app
from ..numfmt import format_number
from .i18n import english
from .main import cli
from .options import json_option, scheme_option
from .store import store_path_option


@english(
    """A unit's history in the store: its periods, the versions received, values over the years.

    \b
    Examples:
      kh-excel history --unit "Xã Văn Vũ" --parent "Na Rì"
      kh-excel history --unit "Huyện Na Rì" --indicator quy_van_dong
      kh-excel history --unit 02137 --indicator hoi_vien --json
    """,
    unit="The unit: name or code.",
    parent="The unit above it, to tell namesakes apart.",
    indicator="An indicator code (see kh-excel indicators).",
    scheme="Administrative scheme: legacy-3tier or two-tier-2025. Default: where the store "
           "has the unit.",
    extra_units="A file of extra units (CSV/XLSX).",
    as_json="Print the result as JSON (exactly what the library returns).")
@cli.command("history")
@click.option("--unit", required=True, help="Đơn vị: tên hoặc mã.")
@click.option("--parent", default=None, help="Đơn vị cấp trên, khi tên trùng nhau.")
@click.option("--indicator", default=None, help="Mã chỉ tiêu (xem kh-excel indicators).")
@scheme_option
@click.option("--extra-units", default=None, help="Tệp danh sách đơn vị trực thuộc bổ sung.")
@store_path_option
@json_option
@click.pass_context
def history_cmd(ctx: click.Context, unit, parent, indicator, scheme, extra_units, store,
                as_json) -> None:
    """Lịch sử số liệu của một đơn vị trong kho: các kỳ, các lần gửi, giá trị qua các năm.

    \b
    Ví dụ:
      kh-excel history --unit "Xã Văn Vũ" --parent "Na Rì"
      kh-excel history --unit "Huyện Na Rì" --indicator quy_van_dong
      kh-excel history --unit 02137 --indicator hoi_vien --json
    """
    en = ctx.obj.get("lang") == "en"
    found = app.history(unit=unit, scheme=scheme, indicator=indicator, parent=parent,
                        extra_units=extra_units, store=store)
    if as_json:
        click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        return
    click.secho(found.unit.name, bold=True)
    if not found.entries:
        click.echo("Nothing stored for this unit." if en else "Kho chưa có số liệu của đơn vị này.")
        return
    for e in found.entries:
        what = ("roll-up" if e.kind == "rollup" else "form") if en else \
            ("tổng hợp" if e.kind == "rollup" else "biểu")
        click.echo(f"  {e.period:<8} {what:<9} " + (f"version {e.version}" if en else
                                                   f"lần {e.version}")
                   + f"  {e.received[:10]}  {e.path}")
    if indicator:
        series = found.series(indicator)
        label = next((i.label for i in app.list_indicators() if i.code == indicator), indicator)
        click.echo(f"{label}:")
        for period, value in series.items():
            click.echo(f"  {period:<8} {format_number(value)}")
