"""``kh-excel export``: every stored value of the child units as one flat table (CSV or xlsx)."""
from __future__ import annotations

from pathlib import Path

import click

from .. import app
from ..outputs import check_writable, write_atomic
from .i18n import english
from .main import cli
from .options import force_option, scheme_option
from .store import store_path_option


@english(
    """Export every stored value of the units below a unit as one table (CSV, xlsx) for analysis.

    For each unit and period, the latest version; columns are indicator code and level
    (hoi_vien.xa).

    \b
    Examples:
      kh-excel export --unit "Huyện Na Rì" --period 2023 -o na-ri-2023.csv
      kh-excel export --unit "Na Rì" --period 2022 --period 2023 --format xlsx -o na-ri.xlsx
      kh-excel export --unit "Tỉnh Thái Nguyên" --long --labels > thai-nguyen.csv
    """,
    unit="The unit above (district, province): name or code.",
    periods="A period (may be given several times); default: every period in the store.",
    scheme="Administrative scheme: legacy-3tier or two-tier-2025. Default: from the period.",
    fmt="File format.",
    long_="Long form: one row per value.",
    labels="Indicator labels instead of codes.",
    output="The file to write (default: CSV on the screen).",
    extra_units="A file of extra units below the unit (CSV/XLSX).",
    force="Overwrite output files that exist.")
@cli.command("export")
@click.option("--unit", required=True, help="Đơn vị cấp trên (huyện, tỉnh): tên hoặc mã.")
@click.option("--period", "periods", multiple=True, help="Kỳ báo cáo (có thể ghi nhiều lần); "
              "mặc định mọi kỳ trong kho.")
@scheme_option
@click.option("--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv",
              show_default=True, help="Định dạng tệp.")
@click.option("--long", "long_", is_flag=True, help="Dạng dọc: mỗi dòng một giá trị.")
@click.option("--labels", is_flag=True, help="Tên chỉ tiêu thay cho mã.")
@click.option("-o", "--output", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Tệp kết quả (mặc định in CSV ra màn hình).")
@click.option("--extra-units", default=None, help="Tệp danh sách đơn vị trực thuộc bổ sung.")
@store_path_option
@force_option
@click.pass_context
def export_cmd(ctx: click.Context, unit, periods, scheme, fmt, long_, labels, output,
               extra_units, store, force) -> None:
    """Xuất mọi số liệu đã lưu của các đơn vị trực thuộc thành một bảng (CSV, xlsx) để phân tích.

    Mỗi đơn vị, mỗi kỳ lấy lần gửi mới nhất; cột là mã chỉ tiêu và cấp (hoi_vien.xa).

    \b
    Ví dụ:
      kh-excel export --unit "Huyện Na Rì" --period 2023 -o na-ri-2023.csv
      kh-excel export --unit "Na Rì" --period 2022 --period 2023 --format xlsx -o na-ri.xlsx
      kh-excel export --unit "Tỉnh Thái Nguyên" --long --labels > thai-nguyen.csv
    """
    table = app.export(unit=unit, periods=periods, scheme=scheme, long=long_, labels=labels,
                       extra_units=extra_units, store=store)
    if output is None:
        if fmt == "xlsx":
            from ..errors import UsageError
            raise UsageError(detail="Định dạng xlsx cần tệp kết quả: thêm -o TỆP.xlsx.",
                             detail_en="The xlsx format needs an output file: add -o FILE.xlsx.")
        click.echo(table.to_csv(index=False), nl=False)
        return
    check_writable(output, force)
    if fmt == "xlsx":
        write_atomic(output, lambda tmp: table.to_excel(tmp, index=False, engine="openpyxl"),
                     force=force)
    else:
        write_atomic(output, lambda tmp: table.to_csv(tmp, index=False, encoding="utf-8-sig"),
                     force=force)
    click.echo(f"Wrote {output}" if ctx.obj.get("lang") == "en" else
               f"Đã ghi {output} ({len(table)} dòng)")
