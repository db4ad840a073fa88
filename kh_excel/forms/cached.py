"""What a form's formulas compute, in Python: written as their cached results.

A workbook whose formulas have no cached value shows blank totals in every viewer that does not
calculate (phone and Zalo previews, Google Drive, pandas, python-calamine) until Excel opens and
saves it. kh-excel knows the numbers when it writes a roll-up, so it writes each formula's
result beside it, computed exactly as the formulas of :mod:`kh_excel.forms.formulas` would
(Excel and LibreOffice still recalculate on opening: ``fullCalcOnLoad``).
"""
from __future__ import annotations

from collections.abc import Mapping

from ..catalogue import Catalogue, Indicator
from ..model import Number
from .layout import CHECK_SUMMARY_ROW, FormLayout, get_column_letter

CHECK_BAD, CHECK_MISSING, CHECK_OK = "Sai", "Thiếu", "Đúng"  # as in forms.formulas
Result = int | float | str   # "" is a formula's blank


def _number(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def form_results(layout: FormLayout, catalogue: Catalogue,
                 typed: Mapping[tuple[str, str], Number]) -> dict[str, Result]:
    """Cell reference → result of every formula of the data sheet, given the typed values.

    ``typed`` holds the values of the input cells, (code, level) → number; blank cells are absent.
    """
    values: dict[tuple[str, str], Result] = {}
    for vc in layout.cells:
        if vc.role == "input" and (vc.code, vc.level) in typed:
            v = typed[(vc.code, vc.level)]
            values[(vc.code, vc.level)] = int(v) if v == int(v) else float(v)
    results: dict[str, Result] = {}
    for vc in layout.cells:  # totals: IF(COUNT(parts)=0,"",SUM(parts))
        if vc.role == "total":
            parts = [values[(c.code, c.level)] for c in layout.cells
                     if c.code == vc.code and c.role == "input" and (c.code, c.level) in values]
            values[(vc.code, vc.level)] = results[vc.ref] = sum(parts) if parts else ""
    by_code = {ind.code: ind for ind in catalogue}
    for vc in layout.cells:  # ratios: IF(AND(ISNUMBER(num),N(den)>0),num/den*scale,"")
        if vc.role == "derived":
            ind = by_code[vc.code]
            if layout.cell(ind.num, vc.level) is None or layout.cell(ind.den, vc.level) is None:
                continue  # the form has no formula there
            num, den = values.get((ind.num, vc.level)), values.get((ind.den, vc.level))
            value: Result = ""
            if _number(num) and _number(den) and den > 0:
                value = num / den * ind.scale if ind.scale != 1 else num / den
            values[(vc.code, vc.level)] = results[vc.ref] = value
    col = get_column_letter(layout.check_col)
    bad = 0
    for ind in catalogue:
        if ind.code in layout.rows:
            check = _check(layout, ind, values)
            if check is not None:
                results[f"{col}{layout.rows[ind.code]}"] = check
                bad += check == CHECK_BAD
    results[f"{col}{CHECK_SUMMARY_ROW}"] = f"Số dòng sai: {bad}"
    return results


def _check(layout: FormLayout, ind: Indicator, values: dict) -> str | None:
    """The check column of one row, as :func:`kh_excel.forms.formulas.check_formula` computes it."""
    own = [c for c in layout.cells if c.code == ind.code and c.role == "input"]
    if ind.derived or not own:
        return None
    got = lambda c: values.get((c.code, c.level), "") if c is not None else ""  # noqa: E731
    typed = [got(c) for c in own]
    if ind.pair:
        typed += [got(c) for c in layout.cells if c.code == ind.pair and c.role == "input"]
    if not any(_number(v) for v in typed):
        return ""
    nums = [got(c) for c in own if _number(got(c))]
    wrong = bool(nums) and min(nums) < 0
    total = layout.cell(ind.code, "tong")
    if total is not None and total.role == "total" and _number(got(total)) and nums:
        wrong |= round(got(total) - sum(nums), 2) != 0
    for sup in ind.le:
        for level in layout.levels:
            a, b = got(layout.cell(ind.code, level)), got(layout.cell(sup, level))
            wrong |= _number(a) and _number(b) and a > b
    if wrong:
        return CHECK_BAD
    if ind.pair:
        for c in own:
            other = layout.cell(ind.pair, c.level)
            if other is not None and _number(got(c)) != _number(got(other)):
                return CHECK_MISSING
    return CHECK_OK
