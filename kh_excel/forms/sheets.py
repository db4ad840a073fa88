"""The other sheets of a form: "Thông tin chung", "Hướng dẫn" and the hidden ``_kh_meta``."""
from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..catalogue import load_catalogue
from . import styles as st
from .data_sheet import protect
from .layout import (INFO_FIELDS, INFO_INPUT_KEYS, INFO_VALUE_COL, META_KEY_COL, META_VALUE_COL,
                     TEXT_FIRST_ROW, FormLayout, info_name, text_name)
from .texts import FormTexts

INFO_TITLE = "THÔNG TIN CHUNG"
TEXT_HEADING = ("NỘI DUNG BÁO CÁO (ghi ngắn gọn, mỗi ý một đoạn; xuống dòng trong ô bằng "
                "Alt+Enter)")
INFO_FORMATS = {"dien_thoai": st.TEXT_FORMAT, "ngay_lap": "dd/mm/yyyy"}

GUIDE_TITLE = "HƯỚNG DẪN ĐIỀN BIỂU SỐ LIỆU"
# Only on forms with a "Tổng cộng" column.
TOTAL_STEP = ("Cột \"Tổng cộng\" (ô màu xanh lá) tự cộng các cấp. Có thể ghi đè khi cần, nhưng số "
              "ghi đè phải bằng tổng các cấp.")
GUIDE_STEPS = (
    "Chỉ nhập vào các ô màu vàng ở sheet \"Biểu số liệu\" và \"Thông tin chung\"; các ô khác "
    "được khoá để biểu không bị sửa nhầm.",
    "Để trống ô nếu không có số liệu; ghi 0 nếu số liệu bằng 0. Ô trống được hiểu là \"chưa có "
    "số liệu\", không phải số 0.",
    "Chỉ ghi số, không ghi chữ hay đơn vị: ghi 12, không ghi \"12 người\".",
    "Số tiền ghi đủ số đồng, ví dụ 4069053000 (Excel tự hiện 4.069.053.000); không ghi \"4,07 "
    "tỷ\" hay \"2 triệu\".",
    TOTAL_STEP,
    "Các ô tỷ lệ và bình quân (màu xanh nhạt) tự tính từ các số đã nhập, không cần nhập.",
    "Cột \"Kiểm tra\": \"Sai\" (chữ đỏ) khi ô có chữ hoặc số âm, khi tổng cộng khác tổng các cấp, "
    "hoặc khi một số lớn hơn số bao trùm nó (ví dụ hội viên mới nhiều hơn tổng số hội viên, gia "
    "đình học tập nhiều hơn tổng số hộ); \"Thiếu\" khi có số suất mà không có số tiền hoặc ngược "
    "lại; \"Đúng\" khi dòng đã nhập không có lỗi. Ô \"Số dòng sai\" ở đầu biểu cho biết còn bao "
    "nhiêu dòng sai: sửa hết trước khi gửi.",
    "Không đổi tên, thêm, xoá sheet; không chèn, xoá cột hay dòng; không sao chép số liệu sang "
    "tệp khác. Chương trình tổng hợp đọc số liệu theo đúng vị trí của biểu này.",
    "Điền sheet \"Thông tin chung\": người lập biểu, chức vụ, điện thoại, ngày lập và các nội dung "
    "báo cáo (kết quả nổi bật, hạn chế, phương hướng, kiến nghị).",
    "Lưu tệp dạng Excel .xlsx (không lưu thành .xls, .pdf hay ảnh chụp), giữ nguyên tên tệp và "
    "gửi lại cho cấp trên.",
)
GUIDE_LEGEND = (
    (st.INPUT_FILL, "Ô nhập số liệu"),
    (st.TOTAL_FILL, "Tổng cộng: tự cộng, có thể ghi đè"),
    (st.DERIVED_FILL, "Tự tính, không nhập"),
    (st.NA_FILL, "Không áp dụng cho biểu này"),
)
GUIDE_TABLE_HEADER = ("Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Ý nghĩa, cách ghi")
GUIDE_WIDTHS = (26, 46, 13, 70)


def write_info_sheet(ws: Worksheet, layout: FormLayout, texts: FormTexts) -> dict[str, str]:
    """Fill "Thông tin chung"; return its defined names (name → cell reference)."""
    names: dict[str, str] = {}
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=INFO_VALUE_COL)
    st.put_text(ws.cell(1, 1), INFO_TITLE, st.TITLE).alignment = st.CENTER
    ws.row_dimensions[1].height = 30
    generated = texts.info()
    for key, label, row in INFO_FIELDS:
        st.put_text(ws.cell(row, 1), label, st.BOLD).border = st.BORDER
        cell = ws.cell(row, INFO_VALUE_COL)
        cell.border, cell.alignment = st.BORDER, st.WRAP
        if key in INFO_INPUT_KEYS or texts.info_is_input(key):
            cell.fill, cell.protection, cell.font = st.INPUT_FILL, st.UNLOCKED, st.FONT
            cell.number_format = INFO_FORMATS.get(key, "General")
        else:
            st.put_text(cell, generated[key])
        names[info_name(key)] = cell.coordinate
    heading_row = TEXT_FIRST_ROW - 1
    ws.merge_cells(start_row=heading_row, start_column=1, end_row=heading_row,
                   end_column=INFO_VALUE_COL)
    st.put_text(ws.cell(heading_row, 1), TEXT_HEADING, st.BOLD).alignment = st.WRAP
    ws.row_dimensions[heading_row].height = 33
    rows = layout.text_rows()
    for field in load_catalogue().texts:
        row = rows[field.code]
        label = st.put_text(ws.cell(row, 1), field.label, st.BOLD)
        label.alignment, label.border = st.WRAP_TOP, st.BORDER
        cell = ws.cell(row, INFO_VALUE_COL)
        cell.fill, cell.protection, cell.border = st.INPUT_FILL, st.UNLOCKED, st.BORDER
        cell.alignment, cell.font, cell.number_format = st.WRAP_TOP, st.FONT, st.TEXT_FORMAT
        ws.row_dimensions[row].height = 120
        names[text_name(field.code)] = cell.coordinate
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions[get_column_letter(INFO_VALUE_COL)].width = 85
    _portrait(ws)
    return names


def write_guide_sheet(ws: Worksheet, layout: FormLayout) -> None:
    """Fill "Hướng dẫn": the steps, the colour legend and the meaning of every indicator."""
    cat = load_catalogue()
    last = len(GUIDE_WIDTHS)
    for col, width in enumerate(GUIDE_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    st.put_text(ws.cell(1, 1), GUIDE_TITLE, st.TITLE).alignment = st.CENTER
    ws.row_dimensions[1].height = 30
    row = 3
    has_total = "tong" in layout.levels
    steps = [step for step in GUIDE_STEPS if has_total or step is not TOTAL_STEP]
    for number, step in enumerate(steps, 1):
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=last)
        st.put_text(ws.cell(row, 1), f"{number}.", st.BOLD).alignment = st.RIGHT
        st.put_text(ws.cell(row, 2), step).alignment = st.WRAP
        ws.row_dimensions[row].height = st.row_height(step, sum(GUIDE_WIDTHS[1:]))
        row += 1
    row += 1
    st.put_text(ws.cell(row, 1), "Màu ô trong biểu:", st.BOLD)
    row += 1
    for fill, meaning in GUIDE_LEGEND:
        if fill is st.TOTAL_FILL and not has_total:
            continue
        ws.cell(row, 1).fill, ws.cell(row, 1).border = fill, st.BORDER
        st.put_text(ws.cell(row, 2), meaning)
        row += 1
    row += 1
    for col, text in enumerate(GUIDE_TABLE_HEADER, 1):
        cell = st.put_text(ws.cell(row, col), text, st.BOLD)
        cell.fill, cell.border, cell.alignment = st.HEADER_FILL, st.BORDER, st.CENTER
    header_row = row
    for section, title in cat.sections.items():
        row += 1
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        cell = st.put_text(ws.cell(row, 1), f"{section}. {title.upper()}", st.BOLD)
        cell.fill = st.SECTION_FILL
        for ind in cat.in_section(section):
            row += 1
            values = (ind.code, ind.label, ind.unit, ind.help)
            for col, value in enumerate(values, 1):
                cell = st.put_text(ws.cell(row, col), value, st.SMALL if col == 1 else st.FONT)
                cell.alignment, cell.border = st.WRAP, st.BORDER
            ws.row_dimensions[row].height = st.row_height(ind.help, GUIDE_WIDTHS[3])
    ws.print_title_rows = f"{header_row}:{header_row}"
    _portrait(ws)


def write_meta_sheet(ws: Worksheet, texts: FormTexts) -> None:
    """``_kh_meta``: one key and its value per row, as text; the sheet is very hidden."""
    for row, (key, value) in enumerate(texts.meta().items(), 1):
        st.put_text(ws.cell(row, META_KEY_COL), key)
        st.put_text(ws.cell(row, META_VALUE_COL), value)
    ws.sheet_state = "veryHidden"
    protect(ws)


def _portrait(ws: Worksheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    protect(ws)
