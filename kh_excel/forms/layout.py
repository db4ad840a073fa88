"""The layout of a kh-excel form: the contract between the form writer and the reader.

A form is found by its defined names (``KH_<code>__<level>``); the coordinates below are the
fallback for a file that lost its names, and they are fixed for a template version. Change the
layout only together with ``TEMPLATE_VERSION``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, cached_property

from ..catalogue import Catalogue, Indicator, load_catalogue
from ..tiers import LEVEL_HEADERS, form_levels, has_total, indicator_levels

TEMPLATE_VERSION = 1

DATA_SHEET = "Biểu số liệu"
INFO_SHEET = "Thông tin chung"
GUIDE_SHEET = "Hướng dẫn"
META_SHEET = "_kh_meta"

# Biểu số liệu: title rows, then the header row, then sections and indicators.
HEADER_ROW = 5
FIRST_ROW = HEADER_ROW + 1
COL_STT, COL_LABEL, COL_UNIT = 1, 2, 3
FIRST_VALUE_COL = 4
CHECK_SUMMARY_ROW = HEADER_ROW - 1  # "Số dòng sai: N", in the check column

# Keys of the hidden sheet _kh_meta and of the custom document properties, in order.
META_KEYS = (
    "template_id", "template_version", "catalogue_version", "tier", "scheme", "unit_code",
    "unit_name", "parent_code", "parent_name", "period",
)
META_KEY_COL, META_VALUE_COL = 1, 2  # _kh_meta: one key per row from row 1, in META_KEYS order

# Thông tin chung: (key, label, row). Rows 3–7 are filled by the generator and locked;
# the others are typed in by the unit.
INFO_FIELDS = (
    ("unit_name", "Đơn vị báo cáo", 3),
    ("unit_code", "Mã đơn vị", 4),
    ("parent_name", "Trực thuộc", 5),
    ("period", "Kỳ báo cáo", 6),
    ("tier", "Cấp", 7),
    ("nguoi_lap", "Người lập biểu", 9),
    ("chuc_vu", "Chức vụ", 10),
    ("dien_thoai", "Điện thoại", 11),
    ("ngay_lap", "Ngày lập biểu", 12),
)
INFO_INPUT_KEYS = ("nguoi_lap", "chuc_vu", "dien_thoai", "ngay_lap")
INFO_VALUE_COL = 2
TEXT_FIRST_ROW = 15  # free-text answers: label in column A, answer in B, one row each
COMMUNE_HEADER = "Số liệu"  # the one value column of a commune form


def get_column_letter(col: int) -> str:
    """1 → A, 27 → AA (as openpyxl's, without importing openpyxl on the reading path)."""
    letters = ""
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def value_name(code: str, level: str) -> str:
    """The defined name of a value cell: ``KH_quy_van_dong__xa``."""
    return f"KH_{code}__{level}"


def level_header(tier: str, level: str) -> str:
    """The header of a level's column on the data sheet (how the reader finds the column)."""
    return COMMUNE_HEADER if tier == "xa" else LEVEL_HEADERS[level]


def info_name(key: str) -> str:
    return f"KH_info_{key}"


def text_name(code: str) -> str:
    return f"KH_txt_{code}"


def parse_value_name(name: str) -> tuple[str, str] | None:
    """``KH_quy_van_dong__xa`` → ``("quy_van_dong", "xa")``; anything else → None."""
    if not name.startswith("KH_") or "__" not in name:
        return None
    code, _, level = name[3:].rpartition("__")
    return (code, level) if code and level else None


def template_id(tier: str, scheme: str) -> str:
    return f"kh-{tier}-{scheme}"


@dataclass(frozen=True)
class ValueCell:
    code: str
    level: str
    row: int
    col: int
    role: str  # "input" (typed in), "total" (formula the user may overwrite), "derived" (ratio)

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def name(self) -> str:
        return value_name(self.code, self.level)


@dataclass(frozen=True)
class FormLayout:
    tier: str
    scheme: str
    version: int
    levels: tuple[str, ...]
    level_cols: dict[str, int]
    check_col: int
    code_col: int
    section_rows: dict[str, int]
    rows: dict[str, int]
    cells: tuple[ValueCell, ...] = field(repr=False)

    @property
    def template_id(self) -> str:
        return template_id(self.tier, self.scheme)

    @property
    def last_row(self) -> int:
        return max(self.rows.values())

    def cell(self, code: str, level: str) -> ValueCell | None:
        return self._index.get((code, level))

    @cached_property
    def _index(self) -> dict[tuple[str, str], ValueCell]:
        return {(c.code, c.level): c for c in self.cells}

    def inputs(self) -> list[ValueCell]:
        """Cells a user types into (the totals included: they may be overwritten)."""
        return [c for c in self.cells if c.role in ("input", "total")]

    def text_rows(self, catalogue: Catalogue | None = None) -> dict[str, int]:
        cat = catalogue or load_catalogue()
        return {t.code: TEXT_FIRST_ROW + n for n, t in enumerate(cat.texts)}


def _roles(ind: Indicator, tier: str, scheme: str) -> dict[str, str]:
    """level → role for the value cells of one indicator row."""
    if ind.derived:
        return {level: "derived" for level in form_levels(tier, scheme)}
    levels = indicator_levels(ind, tier, scheme)
    roles = {level: "input" for level in levels}
    # A total only where the row is split over several levels.
    if has_total(tier) and ind.levels in ("all", "xa"):
        roles["tong"] = "total"
    return roles


@cache
def form_layout(tier: str, scheme: str, version: int = TEMPLATE_VERSION) -> FormLayout:
    """The layout of the form of a tier and scheme, for a template version."""
    if version != TEMPLATE_VERSION:
        raise KeyError(f"unknown template version {version}")
    cat = load_catalogue()
    levels = form_levels(tier, scheme)
    level_cols = {level: FIRST_VALUE_COL + n for n, level in enumerate(levels)}
    check_col = FIRST_VALUE_COL + len(levels)
    code_col = check_col + 1
    row = FIRST_ROW
    section_rows: dict[str, int] = {}
    rows: dict[str, int] = {}
    cells: list[ValueCell] = []
    for section in cat.sections:
        section_rows[section] = row
        row += 1
        for ind in cat.in_section(section):
            rows[ind.code] = row
            for level, role in _roles(ind, tier, scheme).items():
                cells.append(ValueCell(ind.code, level, row, level_cols[level], role))
            row += 1
    return FormLayout(tier, scheme, version, levels, level_cols, check_col, code_col,
                      section_rows, rows, tuple(cells))


# --- The roll-up workbook -------------------------------------------------------------------
# A roll-up workbook is a filled form of the parent's tier (same sheets and defined names, so it
# is the next tier's input) plus sheets for people and one hidden sheet for programs:
PER_UNIT_SHEET = "Chi tiết đơn vị"   # one row per child unit, every indicator, source file, hash
FINDINGS_SHEET = "Kiểm tra"          # every finding, the children's included
MISSING_SHEET = "Chưa nộp"           # expected units without a valid form
ROLLUP_DATA_SHEET = "_kh_rollup"     # hidden; rows of (kind, key, sub, value), from row 2:
#   ("meta", "children_expected" | "children_received" | "child_tier" | "errors" | "warnings"
#            | "previous_period", "", value)
#   ("previous", code, level, value)          last period's figure, when --previous was given
#   ("text", code, unit_name, text)           a child's free-text answer (noi_bat, han_che, …)
#   ("missing", unit_code, unit_name, "")     an expected unit without a valid form
#   ("count", code, "", "x/y")                COUNT indicators as x of y units (xa_cdht_dat)
# The meta key "kind" = "rollup" in _kh_meta marks a roll-up workbook.
ROLLUP_KINDS = ("meta", "previous", "text", "missing", "count")
