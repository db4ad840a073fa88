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
