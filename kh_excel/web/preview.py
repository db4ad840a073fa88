"""The drafted report as HTML for the page's preview, from the report's own text (Markdown)."""
from __future__ import annotations

import re
from html import escape

from markupsafe import Markup

_STRONG = re.compile(r"\*\*(.+?)\*\*")
_EM = re.compile(r"\*(.+?)\*")


def _inline(text: str) -> str:
    return _EM.sub(r"<em>\1</em>", _STRONG.sub(r"<strong>\1</strong>", escape(text)))


def markdown_html(markdown: str) -> Markup:
    """The small Markdown the report writes (one block per line, ``#`` headings, ``-`` items,
    ``|`` table rows, ``**bold**`` and ``*italic*``) as HTML; everything else is escaped."""
    out: list[str] = []
    table: list[list[str]] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()
        if table:
            head, *body = table
            rows = [f"<tr>{''.join(f'<th>{c}</th>' for c in head)}</tr>"]
            rows += [f"<tr>{''.join(f'<td>{c}</td>' for c in r)}</tr>" for r in body]
            out.append('<div class="table-wrap"><table>' + "".join(rows) + "</table></div>")
            table.clear()

    for line in markdown.splitlines():
        line = line.strip()
        if line.startswith("|"):
            if items:
                flush()
            cells = [c.strip() for c in line.strip("|").split("|")]
            if not all(set(c) <= set("-: ") for c in cells):
                table.append([_inline(c) for c in cells])
            continue
        if line.startswith("- "):
            if table:
                flush()
            items.append(_inline(line[2:]))
            continue
        flush()
        if not line:
            continue
        m = re.match(r"(#{1,4}) (.*)", line)
        if m:
            level = len(m.group(1)) + 1
            out.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
        else:
            out.append(f"<p>{_inline(line)}</p>")
    flush()
    return Markup("\n".join(out))


def _groups(lines: list[str]) -> list[list[str]]:
    """Runs of non-blank lines."""
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return [g for g in out if g]


def _two_columns(left: list[list[str]], right: list[list[str]], kind: str) -> str:
    def column(groups: list[list[str]]) -> str:
        return "".join(markdown_html("\n\n".join(g)) for g in groups)
    return (f'<div class="{kind}"><div>{column(left)}</div>'
            f'<div class="right">{column(right)}</div></div>')


def report_html(markdown: str) -> Markup:
    """The report laid out like the document: the Nghị định 30 header (issuer on the left,
    quốc hiệu and date on the right) and signature block (nơi nhận left, signer right)."""
    lines = markdown.splitlines()
    first = next((n for n, line in enumerate(lines) if line.startswith("# ")), 0)
    head = _groups(lines[:first])
    sign = next((n for n, line in enumerate(lines) if line.strip() == "**Nơi nhận:**"), None)
    annex = next((n for n, line in enumerate(lines) if sign is not None and n > sign
                  and line.startswith("## ")), len(lines))
    parts = [_two_columns(head[:1], head[1:], "frame")] if head else []
    parts.append(markdown_html("\n".join(lines[first:sign if sign is not None else None])))
    if sign is not None:
        block = _groups(lines[sign:annex])
        parts.append(_two_columns(block[:1], block[1:], "frame sign"))
        parts.append(markdown_html("\n".join(lines[annex:])))
    return Markup("\n".join(parts))
