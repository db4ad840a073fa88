"""Rendering results for the terminal (plain text, Vietnamese or English)."""
from __future__ import annotations

import click

from ..model import CheckReport, Severity

_LABELS_EN = {"loi": "Error", "canh_bao": "Warning", "thong_tin": "Info"}
_COLOURS = {"loi": "red", "canh_bao": "yellow", "thong_tin": "cyan"}


def severity_label(sev: Severity, lang: str) -> str:
    return _LABELS_EN[sev.value] if lang == "en" else sev.label


def render_check(report: CheckReport, lang: str = "vi", verbose: bool = True) -> None:
    """Findings grouped by file, then one summary line."""
    for result in report.files:
        if not result.findings:
            continue
        sub = result.submission
        title = f"{sub.unit_name} — {result.path}" if sub and sub.unit_name else result.path
        click.secho(title, bold=True)
        for f in result.findings:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
            label = severity_label(f.severity, lang)
            click.echo("  " + click.style(f"{label:<9}", fg=_COLOURS[f.severity.value])
                       + (f" {where}:" if where else "") + f" {f.message}")
    s = report.to_dict()["summary"]
    ok = sum(1 for r in report.files if not r.findings)
    if lang == "en":
        line = (f"Checked {s['files']} file(s): {ok} without findings; {s['loi']} error(s), "
                f"{s['canh_bao']} warning(s), {s['thong_tin']} info.")
    else:
        line = (f"Đã kiểm tra {s['files']} tệp: {ok} tệp không có vấn đề; {s['loi']} lỗi, "
                f"{s['canh_bao']} cảnh báo, {s['thong_tin']} thông tin.")
    click.echo(line)


def render_rollup(result, path, lang: str = "vi") -> None:
    """A short summary of a roll-up: coverage, a few headline totals, findings, the output."""
    from ..numfmt import format_number

    s = result.to_dict()["summary"]
    tier_child = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}
    child = tier_child.get(result.children[0].unit.tier, "đơn vị") if result.children else "đơn vị"
    if lang == "en":
        click.echo(f"{result.unit.association_name}, {result.period}: {result.received}/"
                   f"{result.expected} units received.")
    else:
        click.echo(f"{result.unit.association_name}, {result.period.label()}: đã nhận biểu của "
                   f"{result.received}/{result.expected} {child}.")
    from ..catalogue import load_catalogue

    catalogue = load_catalogue()
    for code in ("hoi_vien", "quy_van_dong", "hoc_bong_suat", "hoc_bong_tien"):
        v = result.value(code)
        if v is not None:
            ind = catalogue[code]
            click.echo(f"  {ind.label}: {format_number(v)} {ind.unit}")
    for f in result.findings:
        if f.severity is Severity.LOI:
            click.echo("  " + click.style(f"{severity_label(f.severity, lang):<9}", fg="red")
                       + f" {f.message}")
    click.echo((f"{s['loi']} error(s), {s['canh_bao']} warning(s). Written: {path}" if lang == "en"
                else f"{s['loi']} lỗi, {s['canh_bao']} cảnh báo (xem trang Kiểm tra). Đã ghi: {path}"))


def render_annotated(done, out_dir: str, lang: str = "vi", quiet: bool = False) -> None:
    """Where the annotated copies went, and the files that could not be annotated (on stderr)."""
    for path, reason in done.skipped:
        click.echo((f"Could not annotate {path}: {reason}" if lang == "en"
                    else f"Không tạo được bản sao có đánh dấu của {path}: {reason}"), err=True)
    if not quiet:
        n = len(done.written)
        click.echo(f"Wrote {n} annotated copy(ies) to {out_dir}" if lang == "en"
                   else f"Đã ghi {n} bản sao có đánh dấu vào thư mục {out_dir}")
