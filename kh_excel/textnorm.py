"""Vietnamese text normalisation: keys for matching names, and ASCII slugs for file names.

Two keys are used to compare names:

* :func:`canonical_key` keeps every diacritic but ignores case, Unicode form (NFC/NFD), spacing,
  dashes, apostrophes and where the tone mark sits in the syllable: the old placement "Thủy",
  "Hòa" and the new "Thuỷ", "Hoà" are the same name, and so is a mistyped "Qùy" for "Quỳ".
* :func:`fold_key` also drops the diacritics ("đ" becomes "d"): "Na Rì", "NA RI" and "na ri"
  give "na ri".
"""
from __future__ import annotations

import re
import unicodedata

# Tone marks as combining characters (after NFD); the other marks (circumflex, breve, horn) change
# the vowel itself and stay where they are.
_TONES = {"\u0300": "f", "\u0301": "s", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_STROKE = "\u0111"  # đ
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_APOSTROPHES = "'\u2019\u2018\u02bc`\u00b4"

# Applied after NFD + casefold. "ð" (U+00F0, Icelandic eth) is what "Đ" often becomes after a trip
# through legacy fonts or a careless keyboard, so it is read as "đ".
_COMMON = {ord(c): " " for c in _DASHES + "()[],;:/\\_\"\u201c\u201d"}
_COMMON.update({ord(c): "'" for c in _APOSTROPHES})
_COMMON[ord(".")] = ""
_COMMON[ord("\u00f0")] = _STROKE
_FOLD = dict(_COMMON)
_FOLD.update({cp: None for cp in range(0x300, 0x370)})
# Precomposed letters map straight to their ASCII base, so folding needs no NFD pass (it is
# the hot loop of loading a registry); decomposed input still folds, its marks are dropped.
for _cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:
    _parts = unicodedata.normalize("NFD", chr(_cp))
    if len(_parts) > 1 and _parts[0].isascii() and _parts[0].isalpha():
        _FOLD[_cp] = _parts[0].lower()
for _c in "\u0111\u0110\u00f0\u00d0":  # đ Đ, and ð Ð typed for them
    _FOLD[ord(_c)] = "d"

# "K' Dang", "K'Dang" and "KDang" are the same name: the apostrophe and the spaces around it go.
_APOS_RUN = re.compile(r"\s*'\s*")


def _prepare(text: str, table: dict) -> str:
    text = unicodedata.normalize("NFD", text).casefold().translate(table)
    if "'" in text:
        text = _APOS_RUN.sub("", text)
    return text


def fold_key(text: str) -> str:
    """Accent- and case-insensitive key: "Huyện Na Rì" → "huyen na ri"."""
    text = text.translate(_FOLD).lower()
    if "'" in text:
        text = _APOS_RUN.sub("", text)
    return " ".join(text.split())


def _canonical_word(word: str) -> str:
    tones = [c for c in word if c in _TONES]
    if not tones:
        return unicodedata.normalize("NFC", word)
    base = "".join(c for c in word if c not in _TONES)
    return unicodedata.normalize("NFC", base) + "~" + "".join(_TONES[c] for c in tones)


def canonical_key(text: str) -> str:
    """Diacritic-sensitive key that ignores case, spacing and tone placement: "Thủy" = "Thuỷ"."""
    return " ".join(_canonical_word(w) for w in _prepare(text, _COMMON).split())


def _syllables(text: str) -> list[tuple[list[tuple[str, frozenset]], str | None]]:
    """Each word as (letters with their non-tone marks, tone) for :func:`compatible`."""
    words = []
    for word in _prepare(text, _COMMON).split():
        letters: list[tuple[str, frozenset]] = []
        tone = None
        for c in word:
            if c in _TONES:
                tone = _TONES[c]
            elif unicodedata.combining(c) and letters:
                base, marks = letters[-1]
                letters[-1] = (base, marks | {c})
            elif c == _STROKE:
                letters.append(("d", frozenset({_STROKE})))
            else:
                letters.append((c, frozenset()))
        words.append((letters, tone))
    return words


def compatible(query: str, name: str) -> bool:
    """True if ``name`` is ``query`` with (possibly) more diacritics: "Yến Lac" fits "Yến Lạc".

    A user who typed some of the accents meant a name that has at least those accents; this is
    how "Thị trấn Yến Lac" picks "Thị trấn Yến Lạc" rather than "Thị trấn Yên Lạc".
    """
    q_words, n_words = _syllables(query), _syllables(name)
    if len(q_words) != len(n_words):
        return False
    for (q_letters, q_tone), (n_letters, n_tone) in zip(q_words, n_words):
        if len(q_letters) != len(n_letters) or (q_tone is not None and q_tone != n_tone):
            return False
        for (q_base, q_marks), (n_base, n_marks) in zip(q_letters, n_letters):
            if q_base != n_base or not q_marks <= n_marks:
                return False
    return True


def clean_text(text: str) -> str:
    """NFC with runs of whitespace collapsed: how user-typed names are stored."""
    return " ".join(unicodedata.normalize("NFC", text).split())


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def ascii_slug(name: str, max_len: int = 60) -> str:
    """ASCII file-name slug: "Văn Vũ" → "van-vu", "Xã Đổng Xá" → "xa-dong-xa"."""
    slug = _NON_SLUG.sub("-", fold_key(name)).strip("-")
    if len(slug) > max_len:
        # Cut at a word boundary so that a file name never ends in half a word.
        slug = slug[:max_len + 1].rsplit("-", 1)[0] if "-" in slug[:max_len + 1] else slug[:max_len]
    return slug or "don-vi"
