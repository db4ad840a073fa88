"""``kh-excel web``: the local web page, for staff who do not use a terminal."""
from __future__ import annotations

import click

from ..errors import UsageError
from .i18n import english
from .main import cli


@english(
    """Open a page on this machine for the whole workflow: forms, received forms, roll-up, report.

    Only this machine can open the page (127.0.0.1), with the address holding an access token
    that the command prints. Uploaded files live in a private temporary folder, deleted when the
    server stops. Press Ctrl+C to stop. Needs: pip install 'kh-excel[web]'.

    \b
    Examples:
      kh-excel web
      kh-excel web --port 8766 --no-browser
    """,
    port="Port on this machine (127.0.0.1); 0: any free port.",
    no_browser="Do not open the browser.")
@cli.command("web")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Cổng trên máy này (127.0.0.1); 0: một cổng còn trống bất kỳ.")
@click.option("--no-browser", is_flag=True, help="Không tự mở trình duyệt.")
@click.pass_context
def web_cmd(ctx: click.Context, port: int, no_browser: bool) -> None:
    """Mở trang web trên máy này để làm cả quy trình: biểu mẫu, nhận biểu, tổng hợp, báo cáo.

    Trang chỉ mở được từ chính máy này (127.0.0.1), bằng địa chỉ có mã truy cập in ra khi
    chạy lệnh. Các tệp tải lên nằm trong một thư mục tạm riêng, bị xoá khi dừng. Nhấn Ctrl+C
    để dừng. Cần cài thêm: pip install 'kh-excel[web]'.

    \b
    Ví dụ:
      kh-excel web
      kh-excel web --port 8766 --no-browser
    """
    en = ctx.obj.get("lang") == "en"
    try:
        from ..web.server import LocalServer
    except ModuleNotFoundError as exc:
        package = (exc.name or "starlette").split(".")[0]
        raise UsageError(
            detail=f"Thiếu gói {package} cho trang web. Cài bằng: pip install 'kh-excel[web]'",
            detail_en=f"The web page needs {package}. Install it with: pip install 'kh-excel[web]'"
        ) from None
    server = LocalServer(port, debug=bool(ctx.obj.get("debug")))
    click.echo((f"kh-excel web is running at {server.url}\nOpen this address in your browser "
                "(only on this machine). Press Ctrl+C to stop.") if en else
               (f"kh-excel web đang chạy tại {server.url}\nMở địa chỉ này trong trình duyệt "
                "(chỉ trên máy này). Nhấn Ctrl+C để dừng."))
    server.run(open_browser=not no_browser)
    click.echo("Stopped; the uploaded files were deleted." if en
               else "Đã dừng; các tệp đã tải lên đã được xoá.")
