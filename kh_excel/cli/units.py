"""``kh-excel units``: list the units (đơn vị hành chính) of a scheme, or find one."""
from __future__ import annotations

import json
from collections import Counter

import click

from .. import app
from ..periods import SCHEMES, TWO_TIER
from ..tiers import TIER_NAMES, TIER_NAMES_EN
from .main import cli
from .i18n import english
from .options import json_option

EXTRA_KIND = "đơn vị bổ sung"  # shown in place of a division for the user's own units


@english(
    """List or find administrative units (provinces, districts, communes).

    Without --parent: the provinces and centrally-run cities. With --parent: the units
    directly below it (code, name, kind) and how many. Names may be typed with or without
    accents and with or without "Xã", "Huyện"...; "Chợ Mới, Bắc Kạn" names the parent too.

    \b
    Examples:
      kh-excel units
      kh-excel units --scheme legacy-3tier --parent "Bắc Kạn"
      kh-excel units --scheme legacy-3tier --parent "Na Rì"
      kh-excel units --scheme legacy-3tier --find "van vu" --parent "Na Rì"
      kh-excel units --scheme legacy-3tier --parent 066 --extra-units bo_sung.xlsx --json
    """,
    scheme="Administrative scheme: two-tier-2025 (province – commune, from 1/7/2025; the "
           "default) or legacy-3tier (province – district – commune, until 30/6/2025).",
    parent="Code or name of a unit: list the units directly below it.",
    query="Find one unit by name (with or without accents) or code; --parent narrows the "
          "search.",
    extra_units="A CSV/XLSX file of extra units (associations, bodies attached to a unit), "
                "columns: ma, ten, cap, truc_thuoc.",
    as_json="Print the result as JSON (exactly what the library returns).")
@cli.command("units")
@click.option("--scheme", type=click.Choice(SCHEMES), default=TWO_TIER,
              help="Hệ thống đơn vị hành chính: two-tier-2025 (tỉnh – xã, từ 1/7/2025; mặc định) "
                   "hoặc legacy-3tier (tỉnh – huyện – xã, đến 30/6/2025).")
@click.option("--parent", metavar="ĐƠN_VỊ",
              help="Mã hoặc tên đơn vị cấp trên: liệt kê các đơn vị trực thuộc đơn vị này.")
@click.option("--find", "query", metavar="TÊN",
              help="Tìm một đơn vị theo tên (có hoặc không dấu) hoặc mã; --parent thu hẹp phạm vi.")
@click.option("--extra-units", metavar="TỆP",
              help="Tệp CSV/XLSX các đơn vị bổ sung (hội, ban khuyến học trực thuộc), "
                   "cột: ma, ten, cap, truc_thuoc.")
@json_option
@click.pass_context
def units_cmd(ctx: click.Context, scheme: str, parent: str | None, query: str | None,
              extra_units: str | None, as_json: bool) -> None:
    """Liệt kê hoặc tìm đơn vị hành chính (tỉnh, huyện, xã).

    Không có --parent: liệt kê các tỉnh, thành phố. Có --parent: liệt kê các đơn vị trực
    thuộc (mã, tên, loại) và số lượng. Tên viết có dấu hay không dấu, có hay không có chữ
    "Xã", "Huyện" … đều được; "Chợ Mới, Bắc Kạn" ghi kèm đơn vị cấp trên.

    \b
    Ví dụ:
      kh-excel units
      kh-excel units --scheme legacy-3tier --parent "Bắc Kạn"
      kh-excel units --scheme legacy-3tier --parent "Na Rì"
      kh-excel units --scheme legacy-3tier --find "van vu" --parent "Na Rì"
      kh-excel units --scheme legacy-3tier --parent 066 --extra-units bo_sung.xlsx --json
    """
    en = ctx.obj.get("lang") == "en"
    if query is not None:
        unit = app.find_units(query, scheme=scheme, parent=parent, extra_units=extra_units)[0]
        if as_json:
            click.echo(json.dumps(unit.to_dict(), ensure_ascii=False, indent=2))
            return
        kind = unit.division or EXTRA_KIND
        level = f"{TIER_NAMES_EN[unit.tier]} level" if en else TIER_NAMES[unit.tier]
        click.echo(f"{app.unit_label(unit, extra_units=extra_units)}: {kind}, {level} "
                   f"({scheme}).")
        return

    units = app.find_units(scheme=scheme, parent=parent, extra_units=extra_units)
    if as_json:
        click.echo(json.dumps([u.to_dict() for u in units], ensure_ascii=False, indent=2))
        return
    top = app.find_units(parent, scheme=scheme, extra_units=extra_units, as_parent=True)[0] \
        if parent is not None else None
    title = app.unit_label(top, extra_units=extra_units) if top else "Việt Nam"
    click.echo(f"{title} – scheme {scheme}" if en else f"{title} – hệ thống {scheme}")
    if not units:
        click.echo(f"{top.name} has no units below it." if en
                   else f"{top.name} không có đơn vị trực thuộc.")
        return
    code_width = max(len(u.code) for u in units)
    name_width = min(max(len(u.name) for u in units), 45)
    for u in units:
        click.echo(f"  {u.code:<{code_width}}  {u.name:<{name_width}}  {u.division or EXTRA_KIND}")
    kinds = Counter((u.division or EXTRA_KIND).lower() for u in units)
    detail = ", ".join(f"{n} {kind}" for kind, n in kinds.most_common())
    click.echo(f"Total: {len(units)} units ({detail})." if en
               else f"Cộng: {len(units)} đơn vị ({detail}).")
