"""``kh-excel store``: check or back up the history store; and the ``--store``/``--no-store``
options that every recording command shares."""
from __future__ import annotations

import functools
import json
from pathlib import Path

import click

from .. import app
from ..errors import ExitCode, UsageError
from .i18n import english
from .main import cli
from .options import json_option


def _option(command, *decls: str, help: str, help_en: str, **attrs):
    """``click.option`` that also carries its English help (see :mod:`.i18n`)."""
    command = click.option(*decls, help=help, **attrs)(command)
    command.__click_params__[-1].help_en = help_en
    return command


def store_options(command):
    """``--store PATH`` and ``--no-store``; the command receives ``store`` (a path, or None)."""
    @functools.wraps(command)
    def wrapper(*args, store_path: str | None, no_store: bool, **kwargs):
        if no_store and store_path:
            raise UsageError(detail="Chọn --store hoặc --no-store, không dùng cả hai.",
                             detail_en="Use --store or --no-store, not both.")
        store = None if no_store else app.store_location(store_path)
        existed = store is not None and store.exists()
        try:
            return command(*args, store=store, **kwargs)
        finally:
            if store is not None and not existed and store.exists():
                lang = (click.get_current_context().obj or {}).get("lang", "vi")
                click.echo(f"Created the history store: {store} (skip it with --no-store)"
                           if lang == "en" else
                           f"Đã tạo kho lịch sử: {store} (bỏ qua kho bằng --no-store)", err=True)
    wrapper = _option(wrapper, "--no-store", is_flag=True,
                      help="Không đọc, không ghi kho lịch sử.",
                      help_en="Neither read nor write the history store.")
    return _option(wrapper, "--store", "store_path", default=None, metavar="PATH",
                   help="Kho lịch sử (SQLite) dùng cho lần chạy này. Mặc định: biến môi trường "
                        "KH_EXCEL_STORE, nếu không có thì thư mục dữ liệu của người dùng.",
                   help_en="The history store (SQLite) for this run. Default: KH_EXCEL_STORE, "
                           "else the user's data folder.")


def store_path_option(command):
    """``--store PATH`` for the commands that only read the store."""
    return _option(command, "--store", "store", default=None, metavar="PATH",
                   type=click.Path(path_type=Path),
                   help="Kho lịch sử (SQLite). Mặc định: KH_EXCEL_STORE hoặc thư mục dữ liệu "
                        "của người dùng.",
                   help_en="The history store (SQLite). Default: KH_EXCEL_STORE or the user's "
                           "data folder.")


@english(
    """Check or back up the history store (the forms received, the roll-ups made).

    Without options: print where the store is. The store is made by the first check or
    rollup. --verify checks the database and every file it recorded (still there? changed
    since?); exit code 1 when something is wrong.

    \b
    Examples:
      kh-excel store
      kh-excel store --verify --json
      kh-excel store --backup sao-luu/kh-excel-2024-01-10.sqlite
    """,
    verify="Check the database and the files it recorded.",
    backup_to="Back the store up into this file (safe while another command writes to it).",
    as_json="Print the result as JSON (exactly what the library returns).")
@cli.command("store")
@click.option("--verify", is_flag=True, help="Kiểm tra cơ sở dữ liệu và các tệp nó ghi nhận.")
@click.option("--backup", "backup_to", type=click.Path(dir_okay=False, path_type=Path),
              help="Sao lưu kho vào tệp này (an toàn cả khi đang có lệnh khác ghi vào kho).")
@store_path_option
@json_option
@click.pass_context
def store_cmd(ctx: click.Context, verify: bool, backup_to: Path | None, store: Path | None,
              as_json: bool) -> None:
    """Kiểm tra hoặc sao lưu kho lịch sử (các biểu đã nhận, các lần tổng hợp).

    Không có tuỳ chọn: in đường dẫn của kho. Kho được tạo khi chạy check hoặc rollup lần đầu.
    --verify kiểm tra cơ sở dữ liệu và đối chiếu từng tệp đã ghi nhận (còn không, có bị sửa
    không); mã thoát 1 nếu có vấn đề.

    \b
    Ví dụ:
      kh-excel store
      kh-excel store --verify --json
      kh-excel store --backup sao-luu/kh-excel-2024-01-10.sqlite
    """
    en = ctx.obj.get("lang") == "en"
    if not verify and backup_to is None:
        location = app.store_location(store)
        click.echo(f"History store: {location}" if en else f"Kho lịch sử: {location}"
                   + ("" if location.exists() else " (chưa tạo)"))
        return
    if backup_to is not None:
        written = app.store_backup(backup_to, store)
        if not as_json:
            click.echo(f"Backed up to {written}" if en else f"Đã sao lưu kho vào {written}")
    if verify:
        found = app.store_verify(store)
        if as_json:
            click.echo(json.dumps(found.to_dict(), ensure_ascii=False, indent=2))
        else:
            _render_verify(found, en)
        if not found.ok or found.missing or found.changed:
            ctx.exit(int(ExitCode.FINDINGS))


def _render_verify(found, en: bool) -> None:
    if en:
        click.echo(f"{found.path}: database {'OK' if found.ok else 'DAMAGED'}; {found.files} "
                   f"file(s), {found.submissions} form(s), {found.rollups} roll-up(s).")
    else:
        click.echo(f"{found.path}: cơ sở dữ liệu {'tốt' if found.ok else 'BỊ HỎNG'}; "
                   f"{found.files} tệp, {found.submissions} biểu, {found.rollups} lần tổng hợp.")
    if not found.ok:
        for line in found.integrity[:20]:
            click.echo(f"  {line}")
    for path in found.missing:
        click.echo(f"  Missing: {path}" if en else f"  Không còn tệp: {path}")
    for path in found.changed:
        click.echo(f"  Changed since recorded: {path}" if en
                   else f"  Tệp đã bị sửa sau khi ghi nhận: {path}")


def render_store_notes(result, lang: str = "vi") -> None:
    """What the store added to a roll-up: last period's source, resubmitted forms."""
    if result.previous_source:
        click.echo(f"  Compared with the {result.previous_source}" if lang == "en"
                   else f"  So sánh với {result.previous_source}")
    for f in result.findings:
        if f.rule == "gui_lai":
            click.echo(f"  {f.message}")
