"""The sheet "Biểu số liệu": titles, header, one row per indicator, formulas, checks, protection."""
from __future__ import annotations

from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.utils import absolute_coordinate, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import Indicator, load_catalogue
from . import formulas as fx
from . import styles as st
from .layout import (CHECK_SUMMARY_ROW, COL_LABEL, COL_STT, COL_UNIT, FIRST_ROW, HEADER_ROW,
                     FormLayout, level_header)
from .texts import FormTexts

TITLE = "BIỂU SỐ LIỆU CÔNG TÁC KHUYẾN HỌC, KHUYẾN TÀI, XÂY DỰNG XÃ HỘI HỌC TẬP"
HINT = ("Chỉ nhập vào ô màu vàng. Để trống nếu không có số liệu, ghi 0 nếu bằng 0; số tiền ghi "
        "đủ số đồng. Cột Kiểm tra báo \"Sai\" thì sửa trước khi gửi. Xem sheet \"Hướng dẫn\".")
CHECK_HEADER = "Kiểm tra"
CODE_HEADER = "Mã chỉ tiêu"
BLANK_LINE = "……………………………………"
WIDTHS = {COL_STT: 6, COL_LABEL: 58, COL_UNIT: 15}
VALUE_WIDTH, CHECK_WIDTH = 17, 15
# Forms with more level columns than this print in landscape.
PORTRAIT_MAX_LEVELS = 3

_VALIDATIONS = {
    # key: (type, operator, formula1, formula2, error message)
    "whole": ("whole", "greaterThanOrEqual", "0", None,
              "Ô này chỉ nhận số nguyên không âm (0, 1, 2, …), không ghi chữ hay đơn vị. "
              "Để trống nếu không có số liệu."),
    "money": ("decimal", "greaterThanOrEqual", "0", None,
              "Ô này chỉ nhận số tiền không âm, ghi đủ số đồng (ví dụ 4069053000), không ghi "
              "chữ như \"triệu\", \"tỷ\", \"đồng\". Để trống nếu không có số liệu."),
    "flag": ("whole", "between", "0", "1",
             "Ghi 1 nếu đã đạt, 0 nếu chưa đạt. Để trống nếu không có số liệu."),
    "percent": ("decimal", "between", "0", "100", "Ô này chỉ nhận tỷ lệ phần trăm từ 0 đến 100."),
}
ERROR_TITLE = "Số liệu không hợp lệ"


def validation_key(ind: Indicator, tier: str) -> str:
    """Which data validation a typed cell of this indicator gets on a form of this tier."""
    if ind.money:
        return "money"
    if ind.kind == "flag":
        # A commune says 0 or 1; a higher form counts the communes that have it.
        return "flag" if tier == "xa" else "whole"
    if ind.kind == "pct":
        return "percent"
    return "whole"


def number_format(ind: Indicator) -> str:
    if ind.kind == "pct":
        return st.PCT_FORMAT
    if ind.kind == "flag":
        return "0"
    return st.COUNT_FORMAT


def write_data_sheet(ws: Worksheet, layout: FormLayout, texts: FormTexts) -> dict[str, str]:
    """Fill ``ws``; return the defined names of the value cells (name → cell reference)."""
    cat = load_catalogue()
    validations = {key: _validation(key) for key in _VALIDATIONS}
    _titles(ws, layout, texts)
    _header(ws, layout)
    for section, title in cat.sections.items():
        _section_row(ws, layout, layout.section_rows[section], section, title)
        for number, ind in enumerate(cat.in_section(section), 1):
            _indicator_row(ws, layout, ind, number, validations)
    for dv in validations.values():
        if dv.sqref:
            ws.add_data_validation(dv)
    _check_formatting(ws, layout)
    _page(ws, layout)
    return {c.name: c.ref for c in layout.cells}


def _validation(key: str) -> DataValidation:
    kind, operator, f1, f2, message = _VALIDATIONS[key]
    return DataValidation(type=kind, operator=operator, formula1=f1, formula2=f2,
                          allow_blank=True, showErrorMessage=True, errorStyle="stop",
                          errorTitle=ERROR_TITLE, error=message)


def _merged_line(ws: Worksheet, row: int, last_col: int, text: str, font, height: float) -> None:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    cell = st.put_text(ws.cell(row, 1), text, font)
    cell.alignment = st.CENTER
    ws.row_dimensions[row].height = height


def _titles(ws: Worksheet, layout: FormLayout, texts: FormTexts) -> None:
    last = layout.check_col
    _merged_line(ws, 1, last, TITLE, st.TITLE, 40)
    association = texts.association if texts.unit_given else f"Hội Khuyến học {BLANK_LINE}"
    _merged_line(ws, 2, last, association, st.SUBTITLE, 20)
    period = texts.period_label if texts.period_given else BLANK_LINE
    _merged_line(ws, 3, last, f"Kỳ báo cáo: {period}", st.BOLD, 18)
    ws.merge_cells(start_row=CHECK_SUMMARY_ROW, start_column=1, end_row=CHECK_SUMMARY_ROW,
                   end_column=last - 1)
    hint = st.put_text(ws.cell(CHECK_SUMMARY_ROW, 1), HINT, st.ITALIC)
    hint.alignment = st.WRAP
    width = sum(_widths(layout).values()) - CHECK_WIDTH
    ws.row_dimensions[CHECK_SUMMARY_ROW].height = st.row_height(HINT, width, line=15)
    summary = st.put_formula(ws.cell(CHECK_SUMMARY_ROW, last), fx.summary_formula(layout), st.BOLD)
    summary.alignment = st.CENTER


def _level_header(layout: FormLayout, level: str) -> str:
    return level_header(layout.tier, level)


def _header(ws: Worksheet, layout: FormLayout) -> None:
    heads = {COL_STT: "STT", COL_LABEL: "Chỉ tiêu", COL_UNIT: "Đơn vị tính",
             **{col: _level_header(layout, level) for level, col in layout.level_cols.items()},
             layout.check_col: CHECK_HEADER, layout.code_col: CODE_HEADER}
    for col, text in heads.items():
        cell = st.put_text(ws.cell(HEADER_ROW, col), text, st.BOLD)
        cell.alignment, cell.fill, cell.border = st.CENTER, st.HEADER_FILL, st.BORDER
    ws.row_dimensions[HEADER_ROW].height = 33


def _section_row(ws: Worksheet, layout: FormLayout, row: int, section: str, title: str) -> None:
    for col in range(COL_STT, layout.check_col + 1):
        cell = ws.cell(row, col)
        cell.fill, cell.border = st.SECTION_FILL, st.BORDER
    st.put_text(ws.cell(row, COL_STT), section, st.BOLD).alignment = st.CENTER
    st.put_text(ws.cell(row, COL_LABEL), title.upper(), st.BOLD).alignment = st.WRAP
    ws.row_dimensions[row].height = 20


def _indicator_row(ws: Worksheet, layout: FormLayout, ind: Indicator, number: int,
                   validations: dict[str, DataValidation]) -> None:
    row = layout.rows[ind.code]
    stt = ws.cell(row, COL_STT, number)
    stt.font, stt.alignment = st.FONT, st.CENTER
    label = st.put_text(ws.cell(row, COL_LABEL), ind.label, st.ITALIC if ind.derived else st.FONT)
    label.alignment = st.WRAP
    st.put_text(ws.cell(row, COL_UNIT), ind.unit).alignment = st.CENTER
    st.put_text(ws.cell(row, layout.code_col), ind.code, st.SMALL)
    for col in (COL_STT, COL_LABEL, COL_UNIT):
        ws.cell(row, col).border = st.BORDER
    ws.row_dimensions[row].height = max(st.row_height(ind.label, WIDTHS[COL_LABEL]),
                                        st.row_height(ind.unit, WIDTHS[COL_UNIT]))
    for level, col in layout.level_cols.items():
        cell = ws.cell(row, col)
        cell.border = st.BORDER
        vc = layout.cell(ind.code, level)
        if vc is None:
            cell.fill, cell.protection = st.NA_FILL, st.LOCKED
        elif vc.role == "derived":
            formula = fx.derived_formula(layout, ind, level)
            if formula:
                st.put_formula(cell, formula, st.ITALIC)
            cell.fill, cell.protection = st.DERIVED_FILL, st.LOCKED
            cell.number_format = number_format(ind)
        else:
            if vc.role == "total":
                st.put_formula(cell, fx.total_formula(layout, ind.code), st.BOLD)
                cell.fill = st.TOTAL_FILL
            else:
                cell.fill, cell.font = st.INPUT_FILL, st.FONT
            cell.protection = st.UNLOCKED
            cell.number_format = number_format(ind)
            validations[validation_key(ind, layout.tier)].add(cell)
    check = ws.cell(row, layout.check_col)
    check.border, check.alignment = st.BORDER, st.CENTER
    formula = fx.check_formula(layout, ind)
    if formula:
        st.put_formula(check, formula)


def _check_formatting(ws: Worksheet, layout: FormLayout) -> None:
    rng = fx.check_range(layout)
    cf = ws.conditional_formatting
    cf.add(rng, CellIsRule(operator="equal", formula=[f'"{fx.CHECK_BAD}"'],
                           font=st.BAD_FONT, fill=st.BAD_FILL))
    cf.add(rng, CellIsRule(operator="equal", formula=[f'"{fx.CHECK_MISSING}"'],
                           font=st.WARN_FONT, fill=st.WARN_FILL))
    cf.add(rng, CellIsRule(operator="equal", formula=[f'"{fx.CHECK_OK}"'], font=st.GOOD_FONT))
    summary = f"{get_column_letter(layout.check_col)}{CHECK_SUMMARY_ROW}"
    absolute = absolute_coordinate(rng)
    cf.add(summary, FormulaRule(formula=[f'COUNTIF({absolute},"{fx.CHECK_BAD}")>0'],
                                font=st.BAD_FONT, fill=st.BAD_FILL))


def _widths(layout: FormLayout) -> dict[int, float]:
    widths = dict(WIDTHS)
    widths.update({col: VALUE_WIDTH for col in layout.level_cols.values()})
    widths[layout.check_col] = CHECK_WIDTH
    return widths


def _page(ws: Worksheet, layout: FormLayout) -> None:
    for col, width in _widths(layout).items():
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.column_dimensions[get_column_letter(layout.code_col)].hidden = True
    ws.freeze_panes = ws.cell(FIRST_ROW, min(layout.level_cols.values()))
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{get_column_letter(layout.check_col)}{layout.last_row}"
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "portrait" if len(layout.levels) <= PORTRAIT_MAX_LEVELS else "landscape"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "Trang &P/&N"
    protect(ws)


def protect(ws: Worksheet) -> None:
    """Sheet protection without a password; users may still resize rows and columns."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
