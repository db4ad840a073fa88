"""Rendering results for the terminal (plain text, Vietnamese or English)."""
from __future__ import annotations

import click

from ..freetext import escape_controls as escaped
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
        # Names, paths and quoted cells are shown escaped: a file name holding a line break
        # cannot forge a line of this output.
        click.secho(escaped(title), bold=True)
        for f in result.findings:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "")
            label = severity_label(f.severity, lang)
            click.echo("  " + click.style(f"{label:<9}", fg=_COLOURS[f.severity.value])
                       + (f" {escaped(where)}:" if where else "") + f" {escaped(f.message)}")
    s = report.to_dict()["summary"]
    ok = sum(1 for r in report.files if not r.findings)
    if lang == "en":
        line = (f"Checked {s['files']} file(s): {ok} without findings; {s['loi']} error(s), "
                f"{s['canh_bao']} warning(s), {s['thong_tin']} info.")
    else:
        line = (f"Đã kiểm tra {s['files']} tệp: {ok} tệp không có vấn đề; {s['loi']} lỗi, "
                f"{s['canh_bao']} cảnh báo, {s['thong_tin']} thông tin.")
    click.echo(line)


MAX_NAMED = 10      # missing units named in the summary before "và N đơn vị khác"
MAX_SHOWN = {"loi": 40, "canh_bao": 20}  # findings shown per severity; the sheet has them all


def render_rollup(result, path, lang: str = "vi") -> None:
    """A roll-up's summary: coverage and the missing units by name, headline totals, errors
    and warnings grouped by unit, and where the full list is (the Kiểm tra sheet)."""
    from ..catalogue import load_catalogue
    from ..forms.layout import FINDINGS_SHEET
    from ..numfmt import format_number

    en = lang == "en"
    s = result.to_dict()["summary"]
    tier_child = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}
    child = tier_child.get(result.children[0].unit.tier, "đơn vị") if result.children else "đơn vị"
    if en:
        click.echo(f"{result.unit.association_name}, {result.period}: {result.received}/"
                   f"{result.expected} units received.")
    else:
        click.echo(f"{result.unit.association_name}, {result.period.label()}: đã nhận biểu của "
                   f"{result.received}/{result.expected} {child}.")
    missing = [u.name for u in result.missing]
    if missing:
        named = ", ".join(missing[:MAX_NAMED])
        rest = len(missing) - MAX_NAMED
        if rest > 0:
            named += f" and {rest} more" if en else f" và {rest} đơn vị khác"
        click.echo(f"  Missing ({len(missing)}): {named}." if en
                   else f"  Chưa nộp ({len(missing)}): {named}.")
    catalogue = load_catalogue()
    for code in ("hoi_vien", "quy_van_dong", "hoc_bong_suat", "hoc_bong_tien"):
        v = result.value(code)
        if v is not None:
            ind = catalogue[code]
            click.echo(f"  {ind.label}: {format_number(v)} {ind.unit}")
    # The missing units were just named; their finding would only repeat them.
    shown = [f for f in result.findings if f.rule != "chua_nop"]
    for sev in (Severity.LOI, Severity.CANH_BAO):
        _grouped(result, [f for f in shown if f.severity is sev], sev, lang)
    if en:
        click.echo(f"{s['loi']} error(s), {s['canh_bao']} warning(s). Written: {path}; the full "
                   f"list is on its sheet '{FINDINGS_SHEET}'.")
    else:
        click.echo(f"{s['loi']} lỗi, {s['canh_bao']} cảnh báo. Đã ghi: {path}; danh sách đầy đủ "
                   f"ở trang '{FINDINGS_SHEET}' của tệp này.")


def _grouped(result, findings, sev: Severity, lang: str) -> None:
    """Findings of one severity under the name of their unit, in the order of the files, up to
    :data:`MAX_SHOWN` lines; then how many more there are."""
    import os.path

    if not findings:
        return
    groups: dict[str, list] = {}
    for f in findings:
        groups.setdefault(f.unit_name or f.unit or f.file or result.unit.name, []).append(f)
    click.secho(f"{severity_label(sev, lang)} ({len(findings)}):", fg=_COLOURS[sev.value],
                bold=True)
    shown = 0
    for name, items in groups.items():
        room = MAX_SHOWN[sev.value] - shown
        if room <= 0:
            break
        click.echo(f"  {escaped(name)}")  # names and messages may quote file names
        files = {f.file for f in items if f.file}
        for f in items[:room]:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else ""
            if len(files) > 1 and f.file:  # a unit with two files: say which one
                where = f"{os.path.basename(f.file)} {where}".strip()
            click.echo("    " + (f"{escaped(where)}: " if where else "") + escaped(f.message))
        shown += min(len(items), room)
    if shown < len(findings):
        more = len(findings) - shown
        click.echo(f"  … and {more} more" if lang == "en" else f"  … và {more} mục khác")


def render_annotated(done, out_dir: str, lang: str = "vi", quiet: bool = False) -> None:
    """Where the annotated copies went, and the files that could not be annotated (on stderr)."""
    for path, reason in done.skipped:
        click.echo((f"Could not annotate {escaped(str(path))}: {reason}" if lang == "en"
                    else f"Không tạo được bản sao có đánh dấu của {escaped(str(path))}: {reason}"),
                   err=True)
    if not quiet:
        n = len(done.written)
        click.echo(f"Wrote {n} annotated copy(ies) to {out_dir}" if lang == "en"
                   else f"Đã ghi {n} bản sao có đánh dấu vào thư mục {out_dir}")
