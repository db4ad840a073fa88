"""Text typed by users (answers, names, file names) made safe for what kh-excel writes.

Free text comes from cells, file names and options: it may hold Word's Shift+Enter (U+000B,
``_x000B_`` in the xlsx), other control characters, Markdown or HTML, and any length. Each kind
of output gets the text as typed, in the one form it can hold:

* :func:`clean` for documents (docx, xlsx): line breaks kept, other control characters made
  spaces, characters XML 1.0 cannot hold replaced;
* :func:`cell_text` for a workbook cell: cleaned and cut to Excel's 32,767 characters with "…";
* :func:`markdown_escape` for the ``.md`` files: the Markdown shows the text literally;
* :func:`escape_controls` for one console line: a control character is shown as ``\\n``,
  ``\\x07`` …, so that a file name cannot forge a line of the output.
"""
from __future__ import annotations

import re

CELL_MAX = 32_767  # Excel's limit on the characters of one cell
ELLIPSIS = "…"

# Line breaks of every kind (Word's Shift+Enter is U+000B) become "\n".
_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
# Other control characters (C0 but tab and line feed, DEL, C1) and what XML 1.0 cannot hold at
# all (lone surrogates, U+FFFE, U+FFFF) become a space or the replacement character.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def clean(text: str) -> str:
    """``text`` with line breaks as "\\n", other control characters as spaces."""
    if text.isprintable():  # the common case, one C-level scan
        return text
    text = _BREAKS.sub("\n", text)
    text = _CONTROLS.sub(" ", text)
    return _NOT_XML.sub("\ufffd", text)


def cut(text: str, limit: int = CELL_MAX) -> str:
    """``text`` cut to ``limit`` characters, the last being "…" when something was cut."""
    return text if len(text) <= limit else text[:limit - 1] + ELLIPSIS


def cell_text(text: str) -> str:
    """Text a workbook cell can hold: cleaned and at most 32,767 characters."""
    return cut(clean(text))


# Markdown (CommonMark/GFM) that could turn typed text into markup: inline code, emphasis,
# links and images, raw HTML and comments, strike-through, backslashes themselves.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")  # "&lt;" would show as "<"
# At the start of a block: a heading, quote, list item, thematic break or table row.
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=|]|\d+(?=[.)]))")


def markdown_escape(text: str, line_start: bool = True) -> str:
    """``text`` escaped so that Markdown shows it as typed (no link, image, HTML or heading);
    ``line_start``: the text starts a block, where "#", "-", "1." … would be markup."""
    text = clean(text)
    text = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", text))
    m = _MD_LINE_START.match(text) if line_start else None
    if m:
        if m.group(2)[0].isdigit():  # "1. …" is a list item: escape its dot
            end = m.end()
            return text[:end] + "\\" + text[end:]
        return text[:m.start(2)] + "\\" + text[m.start(2):]
    return text


def escape_controls(text: str) -> str:
    """``text`` on one line: control characters written as ``\\n``, ``\\t``, ``\\x07`` …"""
    if text.isprintable():
        return text
    return _LINE_BREAKING.sub(lambda m: _escaped(m.group()), text)


# Control characters and the line and paragraph separators.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _escaped(ch: str) -> str:
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or repr(ch)[1:-1]
