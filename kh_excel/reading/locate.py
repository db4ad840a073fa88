"""Where a form's cells are: the workbook's grid of values, defined names, the code column."""
from __future__ import annotations

import re
from functools import lru_cache

from ..catalogue import load_catalogue
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
    "dong_bi_chen": ("Biểu đã bị chèn hoặc xoá dòng, cột; số liệu được xác định theo cột mã chỉ "
                     "tiêu và tiêu đề cột. Lần sau xin không chèn, xoá dòng, cột trong biểu.",
                     "Rows or columns were inserted or deleted; values were located by the "
                     "indicator code column and the column headers."),
    "ten_o_sai_cho": ("Tên ô {name} trỏ tới {target}{kind}, không phải ô nhập {cell} của chỉ tiêu "
                      "'{label}' trên trang '{sheet}'. Không lấy số liệu từ đó; đã đọc ô {cell} "
                      "(theo cột mã chỉ tiêu). Hãy kiểm tra ô {cell} và điền số liệu vào biểu "
                      "mẫu gốc, không sửa tên ô.",
                      "The defined name {name} points at {target}{kind}, not at the input cell "
                      "{cell} of '{label}' on sheet '{sheet}'. It was not used as a value; cell "
                      "{cell} was read instead. Check it and fill in the original form."),
    "ten_o_sai_trang": ("Tên ô {name} trỏ tới {target}{kind}, không phải trang '{sheet}'. Không "
                        "lấy số liệu từ đó. Hãy điền số liệu vào biểu mẫu gốc, không sửa tên ô.",
                        "The defined name {name} points at {target}{kind}, not at sheet "
                        "'{sheet}'. It was not used as a value; fill in the original form."),
    "trang_so_lieu_bi_an": ("Trang '{sheet}' đang bị ẩn, nên số liệu được đọc không phải số liệu "
                            "người dùng nhìn thấy. Hãy bỏ ẩn trang (chuột phải vào tên trang, chọn "
                            "Bỏ ẩn/Unhide), kiểm tra lại số liệu rồi gửi lại.",
                            "Sheet '{sheet}' is hidden, so the figures read are not the ones the "
                            "user sees. Unhide it, check the figures and send the file again."),
    "dong_chi_tieu_trung": ("Chỉ tiêu '{label}' có {n} dòng trên trang '{sheet}' (dòng {rows}; có "
                            "thể dòng đã bị chép). Đã đọc dòng {row}. Hãy xoá dòng thừa, kiểm tra "
                            "số liệu rồi gửi lại.",
                            "'{label}' has {n} rows on sheet '{sheet}' (rows {rows}; a copied "
                            "row?). Row {row} was read. Delete the extra row and check the figures."),
    "ten_o_sai_dong": ("Trang '{sheet}' không còn cột mã chỉ tiêu, và các tên ô {names} trỏ tới "
                       "dòng của chỉ tiêu khác (có thể biểu đã bị chèn hoặc xoá dòng). Không lấy "
                       "số liệu từ các ô đó. Hãy điền lại vào biểu mẫu gốc.",
                       "Sheet '{sheet}' has lost its code column, and the names {names} point at "
                       "rows of other indicators (rows inserted or deleted?). Their values were "
                       "not read; fill in the original form."),
    "trang_an": (" (trang ẩn)", " (a hidden sheet)"),
    "dong_chi_tieu_mat": ("Trang '{sheet}' không còn dòng của chỉ tiêu: {names} (cột mã chỉ tiêu "
                          "không có mã của chúng; có thể dòng đã bị xoá). Số liệu các chỉ tiêu này "
                          "không được đọc. Hãy điền lại vào biểu mẫu gốc.",
                          "Sheet '{sheet}' has lost the rows of: {names} (their codes are not in "
                          "the code column; the rows were probably deleted). Their values were not "
                          "read; fill in the original form."),
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
    """Where each value is: the row of its code in the hidden code column and the column of its
    level header; a defined name is used only where it agrees with them (or where the form has
    no code column to check it against)."""

    def __init__(self, c: Container, grid: Grid, layout: L.FormLayout, lang: str, finding):
        self.c, self.grid, self.layout, self.lang, self.finding = c, grid, layout, lang, finding
        self.refs = {name: parse_ref(ref) for name, ref in c.defined_names.items()
                     if name.startswith("KH_")}
        self._moved_said = False
        self._gone: list[str] = []  # codes whose row is not in the code column any more
        self._twins_said: set[str] = set()
        self._astray: list[L.ValueCell] = []  # names at another indicator's row, no code column
        self.data_sheet, self.code_col, self._rows = self._find_data_sheet()
        self._twins = _twins(self.grid.rows(self.data_sheet), self.code_col, self._rows)
        self.level_cols = self._find_level_cols()
        if self.grid.is_hidden(self.data_sheet):  # the figures read must be the ones shown
            self.finding("trang_so_lieu_bi_an", "loi",
                         self.say("trang_so_lieu_bi_an", sheet=self.data_sheet), self.data_sheet)
        self.moved = self._moved()

    def say(self, rule: str, **params) -> str:
        vi, en = MESSAGES[rule]
        return (en if self.lang == "en" else vi).format(**params)

    def _find_data_sheet(self) -> tuple[str, int, dict[str, int]]:
        if L.DATA_SHEET in self.grid.name_set:
            return (L.DATA_SHEET, *self._code_column(L.DATA_SHEET))
        for name in self.grid.names:  # renamed: the sheet whose code column holds our codes
            col, rows = self._code_column(name)
            if "hoi_vien" in rows:
                self.finding("doi_ten_trang", "thong_tin",
                             self.say("doi_ten_trang", old=L.DATA_SHEET, new=name), name)
                return name, col, rows
        raise UnknownTemplate(
            path=self.c.path, detail=f"không tìm thấy trang '{L.DATA_SHEET}'. Có thể trang đã bị xoá "
            "hoặc chép sang tệp khác; hãy điền lại vào biểu mẫu gốc.",
            detail_en=f"sheet '{L.DATA_SHEET}' not found.")

    def _code_column(self, sheet: str) -> tuple[int, dict[str, int]]:
        """The column holding the indicator codes (it moves with inserted columns), code → row."""
        known = self.layout.rows
        rows = self.grid.rows(sheet)
        col = self.layout.code_col
        found = _codes_at(rows, col, known)
        if len(found) * 2 >= len(known):
            return col, found
        hits: dict[int, int] = {}
        for line in rows:  # the template's column does not hold them: where do they sit?
            # Right of the first value column: the guide's code column (A) is not the table's.
            for n, v in enumerate(line[L.FIRST_VALUE_COL:], L.FIRST_VALUE_COL + 1):
                if isinstance(v, str) and v in known:
                    hits[n] = hits.get(n, 0) + 1
        if not hits:
            return col, found
        best = max(hits, key=lambda n: (hits[n], -abs(n - col)))
        return best, _codes_at(rows, best, known)

    def _find_level_cols(self) -> dict[str, int]:
        """level → column, from the header row above the first indicator (moves with the table)."""
        cols = dict(self.layout.level_cols)
        if not self._rows:
            return cols
        rows = self.grid.rows(self.data_sheet)
        heads = {L.level_header(self.layout.tier, lv): lv for lv in cols}
        for r in range(min(self._rows.values()) - 1, 0, -1):
            line = rows[r - 1] if r <= len(rows) else []
            found = {heads[v.strip()]: n for n, v in enumerate(line, 1)
                     if isinstance(v, str) and v.strip() in heads}
            if found:
                if len(found) < len(cols) and self.code_col != self.layout.code_col:
                    raise self._lost("các cột số liệu " + ", ".join(
                        f"'{L.level_header(self.layout.tier, lv)}'" for lv in cols
                        if lv not in found))
                cols.update(found)
                return cols
        if self.code_col != self.layout.code_col:  # columns moved and no header to follow
            raise self._lost("dòng tiêu đề các cột số liệu")
        return cols

    def _lost(self, what: str) -> UnknownTemplate:
        return UnknownTemplate(
            path=self.c.path, detail=f"biểu đã bị chèn hoặc xoá cột và mất {what} trên trang "
            f"'{self.data_sheet}', nên không xác định được ô số liệu. Hãy điền lại vào biểu mẫu "
            "gốc.", detail_en=f"columns were inserted or deleted and the value columns cannot "
            f"be found on sheet '{self.data_sheet}'.")

    def codes(self) -> dict[str, int]:
        """code → row of the data sheet, from its code column (which moves with its rows)."""
        return self._rows

    def _moved(self) -> bool:
        """The table is not where the template put it (rows or columns inserted or deleted)."""
        return self.code_col != self.layout.code_col or \
            self.level_cols != self.layout.level_cols or \
            any(self.layout.rows.get(c) not in (None, r) for c, r in self._rows.items())

    def value_cell(self, vc: L.ValueCell) -> tuple[str, int, int] | None:
        where = self.refs.get(vc.name)
        if where is not None and where[0] not in self.grid.name_set:
            where = None  # a name to a sheet that is gone reads nothing
        if not self._rows:  # no code column to check the names against: they are all we have
            if where is None and not any(self.refs.values()):
                raise UnknownTemplate(
                    path=self.c.path, detail="biểu đã mất tên ô và cột mã chỉ tiêu, không xác "
                    "định được ô số liệu. Hãy điền lại vào biểu mẫu gốc.",
                    detail_en="the form lost its defined names and its code column.")
            if where is not None and where[0] != self.data_sheet:
                self._misplaced(vc, where, None)
                return None
            if where is not None and self._row_of_another(vc, where[1]):
                self._astray.append(vc)
                return None
            return where
        row = self._rows.get(vc.code)
        if row is None:
            if vc.code not in self._gone:
                self._gone.append(vc.code)
            return None  # never the name: its row now holds another indicator
        if vc.code in self._twins:  # a copied row: the named one if it is one of them
            twins = self._twins[vc.code]
            named = where is not None and where[0] == self.data_sheet and where[1] in twins
            row = where[1] if named else twins[0]
            self._twin_finding(vc, twins, row)
        expected = (self.data_sheet, row, self.level_cols[vc.level])
        if where is not None and where != expected and \
                where != (self.data_sheet, vc.row, vc.col):  # the template's cell: a stale name
            self._misplaced(vc, where, expected)
        if self.moved and not self._moved_said:
            self._moved_said = True
            self.finding("dong_bi_chen", "thong_tin", self.say("dong_bi_chen"), self.data_sheet)
        return expected

    def _misplaced(self, vc: L.ValueCell, where, expected) -> None:
        """A defined name that points somewhere else than its input cell: an error, not a source."""
        sheet, row, col = where
        hidden = self.grid.is_hidden(sheet)
        target = f"'{sheet}'!{column_letter(col)}{row}"
        label = load_catalogue()[vc.code].label
        if expected is None:
            rule, params = "ten_o_sai_trang", {}
            at = (sheet, f"{column_letter(col)}{row}")
        else:  # said on the cell that was read, which the user sees (the target may be hidden)
            rule = "ten_o_sai_cho"
            params = {"cell": f"{column_letter(expected[2])}{expected[1]}"}
            at = (self.data_sheet, params["cell"])
        self.finding(rule, "loi", self.say(rule, name=vc.name, target=target, label=label,
                                           sheet=self.data_sheet,
                                           kind=self.say("trang_an") if hidden else "", **params),
                     *at)

    def _twin_finding(self, vc: L.ValueCell, rows: list[int], row: int) -> None:
        said = self._twins_said
        if vc.code in said:
            return
        said.add(vc.code)
        self.finding("dong_chi_tieu_trung", "loi", self.say(
            "dong_chi_tieu_trung", label=load_catalogue()[vc.code].label, n=len(rows),
            rows=", ".join(map(str, rows)), row=row, sheet=self.data_sheet),
            self.data_sheet, f"{column_letter(self.level_cols[vc.level])}{row}")

    def _row_of_another(self, vc: L.ValueCell, row: int) -> bool:
        """The row a name points at has no label or another indicator's (the table moved).

        A label this catalogue does not know (a form of an older wording) is no evidence."""
        text = self.grid.get(self.data_sheet, row, L.COL_LABEL)
        if text is None or (isinstance(text, str) and not text.strip()):
            return True
        code = _codes_by_label().get(text.strip()) if isinstance(text, str) else None
        return code is not None and code != vc.code

    def closing_findings(self) -> None:
        """One error for the indicators whose row was deleted, one for the names that point at
        another indicator's row in a form without its code column (their values are not read)."""
        cat = load_catalogue()
        if self._gone:
            names = "; ".join(cat[code].label for code in self._gone)
            self.finding("dong_chi_tieu_mat", "loi",
                         self.say("dong_chi_tieu_mat", sheet=self.data_sheet, names=names),
                         self.data_sheet)
        if self._astray:
            names = ", ".join(vc.name for vc in self._astray[:10]) + \
                (f" … ({len(self._astray)})" if len(self._astray) > 10 else "")
            self.finding("ten_o_sai_dong", "loi",
                         self.say("ten_o_sai_dong", sheet=self.data_sheet, names=names),
                         self.data_sheet)

    def text_cell(self, name: str, sheet: str, row: int, col: int) -> tuple[str, int, int]:
        """By its name, unless the name points into a sheet the user does not see."""
        where = self.refs.get(name)
        if where is None or where[0] not in self.grid.name_set or self.grid.is_hidden(where[0]):
            return sheet, row, col
        return where


@lru_cache(maxsize=1)
def _codes_by_label() -> dict[str, str]:
    """indicator label → code, as the data sheet writes the labels."""
    return {ind.label: ind.code for ind in load_catalogue()}


def _twins(rows: list[list], col: int, found: dict[str, int]) -> dict[str, list[int]]:
    """code → its rows, for the codes found on more than one row (a copied row)."""
    if len(found) == sum(1 for row in rows if len(row) >= col and row[col - 1] in found):
        return {}
    seen: dict[str, list[int]] = {}
    for n, row in enumerate(rows, 1):
        if len(row) >= col and isinstance(row[col - 1], str) and row[col - 1] in found:
            seen.setdefault(row[col - 1], []).append(n)
    return {code: rs for code, rs in seen.items() if len(rs) > 1}


def _codes_at(rows: list[list], col: int, known) -> dict[str, int]:
    """code → row for the known codes found in one column."""
    return {row[col - 1]: n for n, row in enumerate(rows, 1)
            if len(row) >= col and isinstance(row[col - 1], str) and row[col - 1] in known}
