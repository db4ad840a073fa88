"""``kh-excel indicators``: list the indicator catalogue."""
from __future__ import annotations

import json

import click

from ..app import list_indicators
from .main import cli
from .i18n import english
from .options import json_option


@english(
    """List the indicator catalogue (code, name, unit, how it is rolled up).

    \b
    Examples:
      kh-excel indicators
      kh-excel indicators --json > chi_tieu.json
    """,
    as_json="Print the result as JSON (exactly what the library returns).")
@cli.command("indicators")
@json_option
def indicators_cmd(as_json: bool) -> None:
    """Liệt kê danh mục chỉ tiêu (mã, tên, đơn vị tính, cách tổng hợp).

    \b
    Ví dụ:
      kh-excel indicators
      kh-excel indicators --json > chi_tieu.json
    """
    catalogue = list_indicators()
    if as_json:
        click.echo(json.dumps(catalogue.to_dict(), ensure_ascii=False, indent=2))
        return
    agg_names = {"sum": "cộng", "ratio": "tự tính", "count": "đếm đơn vị", "none": "không tổng hợp"}
    for section, title in catalogue.sections.items():
        click.echo(f"{section}. {title}")
        for ind in catalogue.in_section(section):
            how = agg_names[ind.agg]
            if ind.derived:
                how = f"tự tính = {ind.num} / {ind.den}" + (f" × {ind.scale}" if ind.scale != 1 else "")
            click.echo(f"  {ind.code:<26} {ind.label} ({ind.unit}; {how})")
