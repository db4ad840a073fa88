"""Text typed in legacy Vietnamese fonts (TCVN3/ABC ``.VnTime``, VNI ``VNI-Times``) → Unicode NFC.

The encoding is told by the cell's font name, not guessed from the text: auto-detection on a
single short cell is unreliable (DESIGN §9). Only workbooks whose styles mention such a font
take this slower path through openpyxl.
"""
from __future__ import annotations

import unicodedata

from .container import Container


def encoding_of_font(font_name: str | None) -> str | None:
    """``.VnTime``/``.VnTimeH`` → ``tcvn3``; ``VNI-Times`` → ``vni``; others → None."""
    if not font_name:
        return None
    name = font_name.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


def to_unicode(text: str, font_name: str | None) -> str:
    """Convert ``text`` typed in ``font_name`` to Unicode NFC (unchanged for Unicode fonts)."""
    encoding = encoding_of_font(font_name)
    if encoding:
        import viparse  # only for the rare workbook typed in a legacy font
        text = viparse.fix(text, encoding=encoding)
        if encoding == "tcvn3" and font_name.strip().lower().endswith("h"):
            # .VnTimeH, .VnArialH …: capitals-only fonts that show lowercase codes as capitals.
            text = text.upper()
        if encoding == "vni":
            # viparse's VNI table lacks "ẳ" (a + breve-hook, typed "aú" in VNI fonts).
            text = text.replace("aú", "ẳ").replace("AÚ", "Ẳ")
    return unicodedata.normalize("NFC", text)


def cell_fonts(c: Container) -> dict[tuple[str, int, int], str]:
    """(sheet, row, col) → font name of every text cell set in a legacy font."""
    if c.kind != "xlsx":
        return {}
    from openpyxl import load_workbook  # slow to import; only for legacy-font workbooks
    fonts: dict[tuple[str, int, int], str] = {}
    wb = load_workbook(c.stream(), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and encoding_of_font(cell.font.name):
                        fonts[(ws.title, cell.row, cell.column)] = cell.font.name
    finally:
        wb.close()
    return fonts
