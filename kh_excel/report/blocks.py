"""The rendered template as blocks: headings, paragraphs and dash items (a tiny Markdown).

The templates write a small subset of Markdown, which is also the ``--text`` output:

* ``# …`` title lines (the first is the document kind, the next ones its summary);
* ``## …``, ``### …``, ``#### …`` headings; a ``#`` in the heading text is its number, given
  here so that a section left out leaves no gap: Roman numerals at level 2 (``Phần #.`` →
  ``Phần I.``), 1, 2, 3 at level 3, a, b, c at level 4;
* ``- …`` one dash item per line;
* other lines make paragraphs, a blank line ends one; a paragraph written ``**…**`` is bold,
  ``*…*`` italic.

A heading with nothing under it (its figures were all missing) is dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..freetext import markdown_escape
from .marks import Sentence, Span, sentences, unmark, unsourced_numbers

_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
PROMPT_HEAD = "[Hội bổ sung:"
# A prompt left for the author: italic and highlighted in Word, *…* in the text.
PROMPT = re.compile(re.escape(PROMPT_HEAD) + r"[^\]]*\]")
_WS = re.compile(r"\s+")


@dataclass
class Block:
    kind: str                      # "heading", "para", "item"
    text: str                      # without markers
    level: int = 0                 # headings: 1–4
    emphasis: str = ""             # paragraphs: "bold" or "italic"
    sentences: list[Sentence] = field(default_factory=list)
    unsourced: list[str] = field(default_factory=list)

    def markdown(self) -> str:
        # The text holds the units' own words: escaped, so that Markdown shows them as typed.
        if self.kind == "heading":
            return "#" * self.level + " " + markdown_escape(self.text, line_start=False)
        if self.emphasis == "italic":
            text = markdown_escape(self.text)
        else:  # the prompts for the Hội to fill in, in italics (their words escaped too)
            parts, pos = [], 0
            for m in PROMPT.finditer(self.text):
                parts.append(markdown_escape(self.text[pos:m.start()], line_start=pos == 0))
                inner = m.group(0)[len(PROMPT_HEAD):-1]
                parts.append(f"*{PROMPT_HEAD}{markdown_escape(inner, line_start=False)}]*")
                pos = m.end()
            parts.append(markdown_escape(self.text[pos:], line_start=pos == 0))
            text = "".join(parts)
        if self.kind == "item":
            return "- " + text
        wrap = {"bold": "**", "italic": "*"}.get(self.emphasis, "")
        return f"{wrap}{text}{wrap}"


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _block(kind: str, marked: str, level: int = 0) -> Block | None:
    # Marked pieces are stripped when marked, so collapsing white space here keeps the text and
    # the spans in step.
    text, spans = unmark(_WS.sub(" ", marked).strip())
    if not text.strip():
        return None
    emphasis = ""
    if kind == "para":
        for wrap, name in (("**", "bold"), ("*", "italic")):
            if len(text) > 2 * len(wrap) and text.startswith(wrap) and text.endswith(wrap):
                text, emphasis, cut = text[len(wrap):-len(wrap)], name, len(wrap)
                spans = [Span(max(0, s.start - cut), min(len(text), s.end - cut), s.item)
                         for s in spans]
                break
    sents = [Sentence(text, [s.item for s in spans])] if kind == "heading" else \
        sentences(text, spans)
    return Block(kind, text, level, emphasis, sents, unsourced_numbers(text, spans))


def parse_blocks(marked: str) -> list[Block]:
    """Blocks of a rendered template (markers still in), empty ones dropped."""
    blocks: list[Block | None] = []
    para: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(_block("para", " ".join(para)))
            para.clear()

    for line in marked.splitlines():
        stripped = _WS.sub(" ", line).strip()
        bare = unmark(stripped)[0].strip()
        if not bare:
            flush()
            continue
        if stripped.startswith("#"):
            flush()
            level = len(stripped) - len(stripped.lstrip("#"))
            blocks.append(_block("heading", stripped[level:].strip(), min(level, 4)))
        elif stripped.startswith("- "):
            flush()
            blocks.append(_block("item", stripped[2:].strip()))
        else:
            para.append(stripped)
    flush()
    return prune_and_number([b for b in blocks if b is not None])


def prune_and_number(blocks: list[Block]) -> list[Block]:
    """Drop headings (level ≥ 2) with nothing under them, then number the headings left."""
    kept: list[Block] = []
    for block in reversed(blocks):
        if block.kind == "heading" and block.level >= 2:
            nxt = kept[-1] if kept else None
            if nxt is None or (nxt.kind == "heading" and nxt.level <= block.level):
                continue
        kept.append(block)
    kept.reverse()
    counters = {2: 0, 3: 0, 4: 0}
    for block in kept:
        if block.kind != "heading" or block.level < 2:
            continue
        for deeper in range(block.level + 1, 5):
            counters[deeper] = 0
        if "#" not in block.text:
            continue
        counters[block.level] += 1
        n = counters[block.level]
        label = roman(n) if block.level == 2 else str(n) if block.level == 3 else "abcdefghik"[
            min(n, 10) - 1]
        block.text = block.text.replace("#", label, 1)
        for s in block.sentences:
            s.text = block.text
    return kept
