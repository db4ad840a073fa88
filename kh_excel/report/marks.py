"""Marking what the templates print, so that every sentence can say where its figures came from.

While a template renders, each figure, name or quoted answer is wrapped in private-use
characters around the number of its :class:`TraceItem`. Afterwards the markers are removed and
their spans kept: a sentence uses the items whose spans it overlaps, and a digit outside every
span is a number the template wrote by itself (:func:`unsourced_numbers`), which our own
templates never do.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Provenance
from .figures import Fig

OPEN, SEP, CLOSE = "\ue000", "\ue001", "\ue002"
MARKERS = OPEN + SEP + CLOSE
# The same private-use characters typed by a user (any code point can come from a cell) are
# written ESC + "0"/"1"/"2" inside a marked piece, and ESC itself ESC + "3": the text comes out
# as typed and never ends a marker.
ESC = "\ue003"
_ESCAPES = {ch: ESC + str(n) for n, ch in enumerate(MARKERS + ESC)}
_UNESCAPES = {str(n): ch for n, ch in enumerate(MARKERS + ESC)}
RAW_KINDS = frozenset({"van_ban", "ten"})  # what the input says, never marked before
# A sentence ends at . ! ? … followed by space and an upper-case letter, a digit or a quote.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(\dA-ZĐÀ-ỸÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬÉÈẺẼẸÊẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÚÙỦŨỤƯỨỪỬỮỰÝỲỶỸỴ])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class TraceItem:
    """One printed piece that came from the input."""

    printed: str
    kind: str                       # "so_lieu" (figures), "ten" (a name), "ky" (the period),
                                    # "van_ban" (a unit's own words), "kiem_tra" (findings)
    figs: tuple[Fig, ...] = ()
    sources: tuple[Provenance, ...] = ()
    note: str = ""

    def all_sources(self) -> tuple[Provenance, ...]:
        out = list(self.sources)
        for fig in self.figs:
            out.extend(fig.sources)
        return tuple(dict.fromkeys(out))

    def to_dict(self, path: str = "") -> dict:
        out = {"printed": self.printed, "kind": self.kind}
        if self.figs:
            out["figures"] = [{"code": f.code, "level": f.level, "value": _plain(f.value),
                               "unit": f.unit, **({"note": f.note} if f.note else {})}
                              for f in self.figs]
        if self.note:
            out["note"] = self.note
        out["cells"] = [cell_ref(s, path) for s in self.all_sources()]
        return out


def _plain(value):
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def cell_ref(p: Provenance, path: str = "") -> str:
    """``Biểu số liệu!F8`` for a cell of the input file; other sources name their file."""
    ref = f"{p.sheet}!{p.cell}" if p.cell else p.sheet
    return ref if p.file == path else f"{p.file}: {ref}"


class Tracer:
    """Collects the items of one rendering and wraps their text in markers."""

    def __init__(self) -> None:
        self.items: list[TraceItem] = []

    def mark(self, text: str, kind: str, figs: tuple[Fig, ...] = (),
             sources: tuple[Provenance, ...] = (), note: str = "") -> str:
        # The input's own words (answers, names) are taken as typed, any character included;
        # a piece of ours may hold marked pieces, which it takes over (no nesting). It carries
        # no white space at its ends, so that collapsing white space cannot shift the spans.
        text = str(text) if kind in RAW_KINDS else strip_markers(str(text))
        text = " ".join(text.split())
        if not text:
            return ""
        self.items.append(TraceItem(text, kind, tuple(figs), tuple(sources), note))
        if any(ch in text for ch in _ESCAPES):
            text = "".join(_ESCAPES.get(ch, ch) for ch in text)
        return f"{OPEN}{len(self.items) - 1}{SEP}{text}{CLOSE}"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    item: int


@dataclass
class Sentence:
    text: str
    items: list[int] = field(default_factory=list)


def strip_markers(text: str) -> str:
    return unmark(text)[0]


def unmark(text: str) -> tuple[str, list[Span]]:
    """The text without markers, and where each marked item is in it."""
    out: list[str] = []
    spans: list[Span] = []
    stack: list[tuple[int, int]] = []
    pos = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == OPEN:
            j = text.find(SEP, i)
            if j < 0:
                i += 1
                continue
            stack.append((int(text[i + 1:j] or -1), pos))
            i = j + 1
            continue
        if ch == CLOSE:
            if stack:
                item, start = stack.pop()
                if item >= 0:
                    spans.append(Span(start, pos, item))
            i += 1
            continue
        if ch == ESC and i + 1 < len(text) and text[i + 1] in _UNESCAPES:
            ch = _UNESCAPES[text[i + 1]]
            i += 1
        elif ch == SEP:
            i += 1
            continue
        out.append(ch)
        pos += 1
        i += 1
    return "".join(out), sorted(spans, key=lambda s: (s.start, s.end))


def sentences(text: str, spans: list[Span]) -> list[Sentence]:
    """Split a paragraph into sentences, each with the items it uses."""
    out = []
    start = 0
    bounds = [m.start() for m in _SENTENCE_END.finditer(text)] + [len(text)]
    for end in bounds:
        piece = text[start:end].strip()
        if piece:
            items = [s.item for s in spans if s.start < end and s.end > start]
            out.append(Sentence(piece, list(dict.fromkeys(items))))
        start = end
    return out


def unsourced_numbers(text: str, spans: list[Span]) -> list[str]:
    """Numbers in ``text`` outside every marked span."""
    return [m.group(0) for m in _NUMBER.finditer(text)
            if not any(s.start <= m.start() and m.end() <= s.end for s in spans)]
