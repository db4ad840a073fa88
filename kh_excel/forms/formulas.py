"""The formulas of a form: totals, derived ratios and the self-check column, built from the layout."""
from __future__ import annotations

from openpyxl.utils import get_column_letter

from ..catalogue import Indicator
from .layout import FIRST_ROW, FormLayout, ValueCell

CHECK_BAD = "Sai"
CHECK_MISSING = "Thiếu"
CHECK_OK = "Đúng"


def cell_args(cells: list[ValueCell]) -> str:
    """Function arguments for some cells of one row: ``D7:E7`` when adjacent, else ``D7,F7``."""
    cells = sorted(cells, key=lambda c: c.col)
    cols = [c.col for c in cells]
    if len(cells) > 1 and cols == list(range(cols[0], cols[-1] + 1)):
        return f"{cells[0].ref}:{cells[-1].ref}"
    return ",".join(c.ref for c in cells)


def row_cells(layout: FormLayout, code: str) -> list[ValueCell]:
    return [c for c in layout.cells if c.code == code]


def parts(layout: FormLayout, code: str) -> list[ValueCell]:
    """The typed-in cells of an indicator row (the parts of its total)."""
    return [c for c in row_cells(layout, code) if c.role == "input"]


def total_formula(layout: FormLayout, code: str) -> str:
    """``Tổng cộng``: the sum of the parts, blank while every part is blank."""
    args = cell_args(parts(layout, code))
    return f'=IF(COUNT({args})=0,"",SUM({args}))'


def derived_formula(layout: FormLayout, ind: Indicator, level: str) -> str | None:
    """A ratio num / den × scale in the same level column; blank without numerator or denominator."""
    num, den = layout.cell(ind.num, level), layout.cell(ind.den, level)
    if num is None or den is None:
        return None
    scale = f"*{ind.scale}" if ind.scale != 1 else ""
    return f'=IF(AND(ISNUMBER({num.ref}),N({den.ref})>0),{num.ref}/{den.ref}{scale},"")'


def check_formula(layout: FormLayout, ind: Indicator) -> str | None:
    """The "Kiểm tra" cell of an indicator row: "Sai", "Thiếu", "Đúng", or blank if nothing typed.

    "Sai": text or a negative number in a typed cell (pasted past the validation), a total that
    differs from the sum of its parts, or a value above its superset (``le``) in any column.
    "Thiếu": a count of awards without its money, or the reverse (``pair``).
    """
    own = parts(layout, ind.code)
    if ind.derived or not own:
        return None
    p = cell_args(own)
    bad = [f"COUNTA({p})>COUNT({p})", f"MIN({p})<0"]
    total = layout.cell(ind.code, "tong")
    if total is not None and total.role == "total":
        bad.append(f"AND(ISNUMBER({total.ref}),COUNT({p})>0,ROUND({total.ref}-SUM({p}),2)<>0)")
    for sup in ind.le:
        for level in layout.levels:
            a, b = layout.cell(ind.code, level), layout.cell(sup, level)
            if a is not None and b is not None:
                bad.append(f"AND(ISNUMBER({a.ref}),ISNUMBER({b.ref}),{a.ref}>{b.ref})")
    missing = []
    typed = [p]
    if ind.pair:
        for a in own:
            b = layout.cell(ind.pair, a.level)
            if b is not None:
                missing.append(f"COUNT({a.ref})<>COUNT({b.ref})")
        typed.append(cell_args(parts(layout, ind.pair)))
    expr = f'"{CHECK_OK}"'
    if missing:
        expr = f'IF(OR({",".join(missing)}),"{CHECK_MISSING}",{expr})'
    expr = f'IF(OR({",".join(bad)}),"{CHECK_BAD}",{expr})'
    return f'=IF(COUNTA({",".join(typed)})=0,"",{expr})'


def check_range(layout: FormLayout) -> str:
    """The check column from the first section row to the last indicator row."""
    col = get_column_letter(layout.check_col)
    return f"{col}{FIRST_ROW}:{col}{layout.last_row}"


def summary_formula(layout: FormLayout) -> str:
    """``Số dòng sai: N`` for the top of the sheet."""
    return f'="Số dòng sai: "&COUNTIF({check_range(layout)},"{CHECK_BAD}")'
