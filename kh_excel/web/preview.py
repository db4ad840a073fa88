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
