"""Numbers typed as text, in Vietnamese or English writing: ``4.069.053.000``, ``1,5 tỷ``, ``12 người``."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Multiplier words (accent-folded, lower case) and their value.
_MULTIPLIERS = {"nghin": 10**3, "ngan": 10**3, "trieu": 10**6, "tr": 10**6, "ty": 10**9, "ti": 10**9}
# Unit words that may follow a number and carry no value (accent-folded, lower case).
_UNIT_WORDS = {
    "", "dong", "d", "vnd", "nguoi", "hoi vien", "suat", "con", "lop", "ho", "chi hoi", "ban",
    "hoi", "dong ho", "thon", "don vi", "luot", "luot nguoi", "co", "ky niem chuong",
    "bang khen", "giay khen", "nhiem vu", "chi tieu", "giai phap", "xa", "%",
}
_SPLIT = re.compile(r"^([+-]?\d[\d.,\s]*?)\s*([^\d.,\s].*)?$")


@dataclass(frozen=True)
class ParsedNumber:
    value: Decimal
    text: str


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def parse_text_number(text: str, whole: bool = True) -> ParsedNumber | None:
    """Parse a number written as text; None if the text is not a number.

    ``whole`` says the indicator is a count or money: a lone separator followed by exactly
    three digits is then a thousands separator ("1.500" people), not a decimal point.
    """
    raw = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").strip()
    m = _SPLIT.match(_fold(raw))
    if not m:
        return None
    digits, suffix = m.group(1).replace(" ", ""), " ".join((m.group(2) or "").split())
    multiplier = 1
    first, _, rest = suffix.partition(" ")
    if first in _MULTIPLIERS:
        multiplier, suffix = _MULTIPLIERS[first], rest
    if suffix not in _UNIT_WORDS:
        return None
    number = _split_separators(digits, whole and multiplier == 1)
    if number is None:
        return None
    return ParsedNumber(number * multiplier, raw)


def _split_separators(s: str, whole: bool) -> Decimal | None:
    sign = "-" if s.startswith("-") else ""
    s = s.lstrip("+-")
    dots, commas = s.count("."), s.count(",")
    if dots and commas:
        # Both present: whichever comes last is the decimal mark ("1.234,5" or "1,234.5").
        mark = "," if s.rfind(",") > s.rfind(".") else "."
        thousands = "." if mark == "," else ","
        if s.count(mark) > 1:
            return None
        intpart, frac = s.split(mark)
        if not _grouped(intpart, thousands):
            return None
        s = intpart.replace(thousands, "") + "." + frac
    elif dots > 1 or commas > 1:
        mark = "." if dots else ","
        if not _grouped(s, mark):
            return None
        s = s.replace(mark, "")
    elif dots or commas:
        mark = "." if dots else ","
        intpart, frac = s.split(mark)
        if whole and len(frac) == 3 and intpart.lstrip("0") and _grouped(s, mark):
            s = intpart + frac            # "1.500" / "1,500" people or đồng: thousands
        else:
            s = intpart + "." + frac      # "1,5" (Vietnamese) or "1.5" (English): decimal
    try:
        return Decimal(sign + s)
    except InvalidOperation:
        return None


def _grouped(s: str, mark: str) -> bool:
    """True if ``s`` is digits grouped by ``mark`` in threes: 4.069.053.000."""
    groups = s.split(mark)
    return (1 <= len(groups[0]) <= 3 and groups[0].isdigit()
            and all(len(g) == 3 and g.isdigit() for g in groups[1:]))
