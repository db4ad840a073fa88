"""``kh-excel excel-panel``: write the Excel control panel (a macro-enabled workbook)."""
from __future__ import annotations

from pathlib import Path

import click

from .i18n import english
from .main import cli
from .options import force_option


@english(
    """Make the Excel control panel (.xlsm) with the buttons Tạo biểu mẫu, Kiểm tra, Tổng hợp,
    Lập báo cáo.

    The buttons call kh-excel (Python) through xlwings; they need Windows, Excel and
    pip install "kh-excel[excel]". Make the panel on the machine that will use it: the path of
    Python is written into the panel's xlwings.conf sheet.

    \b
    Examples:
      kh-excel excel-panel -o BangDieuKhien.xlsm
      kh-excel excel-panel -o D:\\KhuyenHoc\\BangDieuKhien.xlsm --force
    """,
    output="The panel to write (.xlsm).",
    interpreter="Path of the Python the buttons run (default: the Python running this command).",
    force="Overwrite output files that exist.")
@cli.command("excel-panel")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp bảng điều khiển sẽ tạo (.xlsm).")
@click.option("--python", "interpreter", default=None,
              help="Đường dẫn Python chạy các nút (mặc định: Python đang chạy lệnh này).")
@force_option
@click.pass_context
def excel_panel_cmd(ctx: click.Context, output: Path, interpreter: str | None,
                    force: bool) -> None:
    """Tạo bảng điều khiển Excel (.xlsm) có các nút Tạo biểu mẫu, Kiểm tra, Tổng hợp, Lập báo cáo.

    Các nút gọi kh-excel (Python) qua xlwings; cần Windows, Excel và
    pip install "kh-excel[excel]". Hãy tạo bảng ngay trên máy sẽ dùng: đường dẫn Python được
    ghi vào trang xlwings.conf của bảng.

    \b
    Ví dụ:
      kh-excel excel-panel -o BangDieuKhien.xlsm
      kh-excel excel-panel -o D:\\KhuyenHoc\\BangDieuKhien.xlsm --force
    """
    from ..excel.panel import write_panel

    path = write_panel(output, interpreter=interpreter, force=force)
    en = ctx.obj.get("lang") == "en"
    click.echo(f"Wrote {path}" if en else f"Đã ghi {path}")
    click.echo("Open it in Excel and allow macros (Enable Content)." if en else
               "Mở tệp bằng Excel, bấm «Enable Content» (Bật nội dung) để cho phép macro.")
