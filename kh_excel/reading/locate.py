"""Where a form's cells are: the workbook's grid of values, defined names, the code column."""
from __future__ import annotations

import re
from functools import lru_cache

from ..errors import UnknownTemplate
from ..forms import layout as L
from .container import Container
from .grid import Grid

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")

# (vi, en) messages of the findings about the form's structure.
MESSAGES = {
    "doi_ten_trang": ("Trang '{old}' đã bị đổi tên thành '{new}'; vẫn đọc được, nhưng lần sau "
                      "xin giữ nguyên tên trang.", "Sheet '{old}' was renamed to '{new}'; read "
                      "anyway, but please keep the sheet's name."),
    "dong_bi_chen": ("Biểu đã bị chèn hoặc xoá dòng; số liệu được xác định theo cột mã chỉ tiêu. "
                     "Lần sau xin không chèn, xoá dòng trong biểu.", "Rows were inserted or "
                     "deleted; values were located by the indicator code column."),
}


column_letter = L.get_column_letter  # openpyxl is not imported on the reading path


def column_index(letters: str) -> int:
    """A → 1, AA → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@lru_cache(maxsize=8192)
def parse_ref(ref: str) -> tuple[str, int, int] | None:
    """``'Biểu số liệu'!$D$8`` → ``("Biểu số liệu", 8, 4)``; ranges and errors → None."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    return sheet, int(m.group(4)), column_index(m.group(3))


class Locator:
    """Where each value is: by defined name, else by the template's code column."""

    def __init__(self, c: Container, grid: Grid, layout: L.FormLayout, lang: str, finding):
        self.c, self.grid, self.layout, self.lang, self.finding = c, grid, layout, lang, finding
        self.refs = {name: parse_ref(ref) for name, ref in c.defined_names.items()
                     if name.startswith("KH_")}
        self._rows: dict[str, int] | None = None
        self._moved_said = False
        self.data_sheet = self._find_data_sheet()

    def say(self, rule: str, **params) -> str:
        vi, en = MESSAGES[rule]
        return (en if self.lang == "en" else vi).format(**params)

    def _find_data_sheet(self) -> str:
        if L.DATA_SHEET in self.grid.name_set:
            return L.DATA_SHEET
        for name in self.grid.names:  # renamed: the sheet whose code column holds our codes
            if "hoi_vien" in self._codes_in(name):
                self.finding("doi_ten_trang", "thong_tin",
                             self.say("doi_ten_trang", old=L.DATA_SHEET, new=name), name)
                return name
        raise UnknownTemplate(
            path=self.c.path, detail=f"không tìm thấy trang '{L.DATA_SHEET}'. Có thể trang đã bị xoá "
            "hoặc chép sang tệp khác; hãy điền lại vào biểu mẫu gốc.",
            detail_en=f"sheet '{L.DATA_SHEET}' not found.")

    def _codes_in(self, sheet: str) -> dict[str, int]:
        col = self.layout.code_col
        return {row[col - 1]: n for n, row in enumerate(self.grid.rows(sheet), 1)
                if len(row) >= col and isinstance(row[col - 1], str) and row[col - 1]}

    def codes(self) -> dict[str, int]:
        """code → row of the data sheet, from its code column (which moves with its rows)."""
        if self._rows is None:
            self._rows = self._codes_in(self.data_sheet)
        return self._rows

    def value_cell(self, vc: L.ValueCell) -> tuple[str, int, int] | None:
        where = self.refs.get(vc.name)
        row = self.codes().get(vc.code)
        if where is not None and where[0] in self.grid.name_set and \
                (row is None or where[0] != self.data_sheet or where[1] == row):
            return where  # the name, unless the code column says its row has moved
        if not self._rows:
            raise UnknownTemplate(
                path=self.c.path, detail="biểu đã mất tên ô và cột mã chỉ tiêu, không xác định "
                "được ô số liệu. Hãy điền lại vào biểu mẫu gốc.",
                detail_en="the form lost its defined names and its code column.")
        if not self._moved_said and any(self.layout.rows.get(c) not in (None, r)
                                        for c, r in self._rows.items()):
            self._moved_said = True
            self.finding("dong_bi_chen", "thong_tin", self.say("dong_bi_chen"), self.data_sheet)
        return (self.data_sheet, row, vc.col) if row else None

    def text_cell(self, name: str, sheet: str, row: int, col: int) -> tuple[str, int, int]:
        where = self.refs.get(name)
        return where if where is not None and where[0] in self.grid.name_set else (sheet, row, col)
