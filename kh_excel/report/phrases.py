"""Sentences from clauses, for the templates: ``cau`` (a sentence), ``doan`` (a paragraph) and
``liet_ke`` (a list). Marked pieces (:mod:`.marks`) pass through untouched."""
from __future__ import annotations

from .marks import MARKERS, OPEN, SEP


def cau(*clauses, mo_dau: str = "", sep: str = "; ") -> str:
    """One sentence from the clauses that are not empty; '' when all are.

    White space is collapsed, the first letter is made upper-case and a full stop added;
    ``mo_dau`` (an opening phrase) is put in front only when there is a clause.
    """
    parts = []
    for c in clauses:
        for piece in (c if isinstance(c, (list, tuple)) else [c]):
            text = " ".join(str(piece or "").split()).strip(" ;,")
            if text:
                parts.append(text)
    if not parts:
        return ""
    text = (f"{mo_dau.strip()} " if mo_dau else "") + sep.join(parts)
    return _capitalise(text.rstrip(" .;,")) + "."


def doan(*sentences) -> str:
    """One paragraph (one line) from the sentences that are not empty (lists are opened)."""
    flat = [p for s in sentences for p in (s if isinstance(s, (list, tuple)) else [s])]
    return " ".join(" ".join(str(s or "").split()) for s in flat if s and str(s).strip())


def liet_ke(items, last: str = " và ", sep: str = ", ") -> str:
    """``a, b và c`` from the items that are not empty."""
    items = [" ".join(str(i).split()) for i in items if i and str(i).strip()]
    if len(items) <= 1:
        return "".join(items)
    return sep.join(items[:-1]) + last + items[-1]


def _capitalise(text: str) -> str:
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == OPEN:  # skip the item number of a marker
            i = text.find(SEP, i) + 1
            continue
        if ch in MARKERS or not ch.isalpha():
            if ch.isdigit():
                return text
            i += 1
            continue
        return text[:i] + ch.upper() + text[i + 1:]
    return text
