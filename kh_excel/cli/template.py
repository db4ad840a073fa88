"""``kh-excel template``: generate the Excel form of one unit, or of every child of a unit."""
from __future__ import annotations

from pathlib import Path

import click

from ..app import make_forms
from ..tiers import TIERS
from .main import cli
from .i18n import english
from .options import force_option, period_option, scheme_option


@english(
    """Make the Excel form (data sheet) pre-filled with the unit and the period.

    One form for one unit (--unit, -o), or one form for each unit below a unit
    (--children-of, --out-dir), named like 2024_02137_xa-van-vu.xlsx.

    \b
    Examples:
      kh-excel template --unit "Na Rì" --tier huyen --period 2024 -o NaRi_2024.xlsx
      kh-excel template --unit "Văn Vũ" --parent "Na Rì" --period 2024-H1 -o VanVu.xlsx
      kh-excel template --children-of "Na Rì" --period 2024 --out-dir bieu_mau/
      kh-excel template --children-of "Tỉnh Thái Nguyên" --period 2025 --out-dir bieu_mau/
    """,
    tier="Tier of the form: xa, huyen, tinh (default: the unit's).",
    scheme="Administrative scheme: legacy-3tier (province – district – commune, until "
           "30/6/2025) or two-tier-2025 (province – commune, from 1/7/2025). Default: from "
           "the period.",
    unit="The unit filling the form: name or code (e.g. \"Văn Vũ\", 02137, \"Văn Vũ, Na Rì\").",
    parent="The unit above it, to tell namesakes apart.",
    period="Period: 2024 (the year) or 2024-H1 (first six months).",
    output="The form to write (.xlsx).",
    children_of="Make a form for every unit directly below this unit.",
    out_dir="Folder for the forms made with --children-of.",
    force="Overwrite output files that exist.")
@cli.command("template")
@click.option("--tier", type=click.Choice(TIERS), default=None,
              help="Cấp của biểu: xa, huyen, tinh (mặc định theo đơn vị).")
@scheme_option
@click.option("--unit", help="Đơn vị lập biểu: tên hoặc mã (ví dụ \"Văn Vũ\", 02137, "
                             "\"Văn Vũ, Na Rì\").")
@click.option("--parent", help="Đơn vị cấp trên, để phân biệt các đơn vị trùng tên.")
@period_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp biểu mẫu sẽ tạo (.xlsx).")
@click.option("--children-of", help="Tạo biểu cho mọi đơn vị trực thuộc đơn vị này.")
@click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path),
              help="Thư mục chứa các biểu tạo bằng --children-of.")
@force_option
@click.pass_context
def template_cmd(ctx: click.Context, tier, scheme, unit, parent, period, output, children_of,
                 out_dir, force) -> None:
    """Tạo biểu mẫu Excel (biểu số liệu) đã ghi sẵn đơn vị và kỳ báo cáo.

    Một biểu cho một đơn vị (--unit, -o), hoặc một biểu cho mỗi đơn vị trực thuộc
    (--children-of, --out-dir), tên tệp dạng 2024_02137_xa-van-vu.xlsx.

    \b
    Ví dụ:
      kh-excel template --unit "Na Rì" --tier huyen --period 2024 -o NaRi_2024.xlsx
      kh-excel template --unit "Văn Vũ" --parent "Na Rì" --period 2024-H1 -o VanVu.xlsx
      kh-excel template --children-of "Na Rì" --period 2024 --out-dir bieu_mau/
      kh-excel template --children-of "Tỉnh Thái Nguyên" --period 2025 --out-dir bieu_mau/
    """
    en = ctx.obj.get("lang") == "en"
    made = make_forms(period=period, unit=unit, parent=parent, tier=tier, scheme=scheme,
                      children_of=children_of, output=output, out_dir=out_dir, force=force)
    if made.children:
        click.echo(f"Created {len(made.paths)} forms in {out_dir}" if en
                   else f"Đã tạo {len(made.paths)} biểu mẫu trong thư mục {out_dir}")
        return
    click.echo(f"Created the form of {made.unit.name} ({made.period}): {made.paths[0]}" if en
               else f"Đã tạo biểu mẫu của {made.unit.name} ({made.period.label()}): "
                    f"{made.paths[0]}")


