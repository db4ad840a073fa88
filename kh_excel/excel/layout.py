"""Where things are in the panel workbook: sheet names, input and output cells, buttons.

The workbook writer (:mod:`.panel`) and the button handlers (:mod:`.buttons`) both read this
module, so that a cell moved here moves in both.
"""
from __future__ import annotations

from dataclasses import dataclass

PANEL = "Bảng điều khiển"
FINDINGS = "Kết quả kiểm tra"
STATUS = "Tình hình nộp biểu"
TOTALS = "Số liệu tổng hợp"
CONF = "xlwings.conf"  # the name xlwings' VBA looks for (GetConfigFromSheet)
VBA_MODULE = "KhExcel"

YES, NO = "Có", "Không"


@dataclass(frozen=True)
class Field:
    """A labelled input cell of the panel."""

    key: str
    label: str
    cell: str
    hint: str
    example: str = ""


INPUTS = (
    Field("thu_muc_bieu", "Thư mục biểu đã nhận", "C5",
          "Thư mục chứa các tệp biểu các đơn vị đã gửi (xlsx, xlsm, xls).",
          r"D:\KhuyenHoc\2023\bieu-da-nhan"),
    Field("don_vi", "Đơn vị tổng hợp", "C6", "Tên hoặc mã đơn vị của mình.", "Huyện Na Rì"),
    Field("ky", "Kỳ báo cáo", "C7", "2023 (cả năm) hoặc 2024-H1 (6 tháng đầu năm).", "2023"),
    Field("thu_muc_ket_qua", "Thư mục ghi kết quả", "C8",
          "Biểu mẫu, bản trả lại, tệp tổng hợp và báo cáo được ghi vào đây.",
          r"D:\KhuyenHoc\2023\ket-qua"),
    Field("ghi_de", "Ghi đè tệp đã có", "C9", "Có: bấm lại nút thì ghi đè kết quả cũ.", NO),
    Field("so", "Số văn bản", "C11", "Để trống nếu chưa có số.", ""),
    Field("ngay", "Ngày ký", "C12", "Dạng 18/01/2024.", ""),
    Field("nguoi_ky", "Người ký", "C13", "Họ tên người ký báo cáo.", ""),
)
FIELDS = {f.key: f for f in INPUTS}
DETAILS_HEADING = "B10"   # "Thông tin văn bản báo cáo"

# Outputs on the panel: a one-line result and the files written (as hyperlinks). These cells
# are unlocked so that the buttons can write into the protected sheet.
STATUS_LABEL, STATUS_CELL = "B15", "C15"
FILES_LABEL = "B16"
FILE_CELLS = tuple(f"C{r}" for r in range(16, 22))


@dataclass(frozen=True)
class Button:
    """A button of the panel: its caption, the VBA macro it runs, the Python it calls."""

    caption: str
    macro: str
    function: str
    cell: str   # top-left corner


BUTTONS = (
    Button("Tạo biểu mẫu", "TaoBieuMau", "tao_bieu_mau", "F5"),
    Button("Kiểm tra", "KiemTra", "kiem_tra", "F7"),
    Button("Tổng hợp", "TongHop", "tong_hop", "F9"),
    Button("Lập báo cáo", "LapBaoCao", "lap_bao_cao", "F11"),
)

HOWTO_ROW = 24   # first row of the how-to (1-based)
HOWTO = (
    "Cách dùng",
    "1. Điền các ô màu vàng: thư mục biểu đã nhận, đơn vị, kỳ báo cáo, thư mục ghi kết quả.",
    "2. Tạo biểu mẫu: tạo một biểu cho mỗi đơn vị trực thuộc (thư mục kết quả\\bieu-mau) để "
    "gửi đi.",
    "3. Kiểm tra: đọc mọi biểu trong thư mục biểu đã nhận; từng lỗi ghi ở trang «Kết quả kiểm "
    "tra», bản sao tô lỗi để gửi trả ở thư mục kết quả\\tra-lai.",
    "4. Tổng hợp: cộng các biểu thành tệp tổng hợp; trang «Tình hình nộp biểu» và «Số liệu tổng "
    "hợp» cho biết đơn vị nào đã nộp và số liệu chung.",
    "5. Lập báo cáo: điền số, ngày, người ký rồi bấm; bản dự thảo (Word) lập từ tệp tổng hợp.",
    "Bảng này gọi chương trình kh-excel (Python) qua xlwings; đường dẫn Python ghi ở trang "
    "xlwings.conf. Khi có lỗi, lý do hiện ở ô Kết quả và trong hộp thông báo.",
)

FINDINGS_HEADER = ("Tệp", "Đơn vị", "Trang", "Ô", "Mức độ", "Nội dung")
STATUS_HEADER = ("Mã đơn vị", "Đơn vị", "Tình trạng", "Tệp")
TOTALS_FIRST = ("Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính")
LEVEL_LABELS = {"xa": "Cấp xã", "huyen": "Cấp huyện", "tinh": "Cấp tỉnh", "tong": "Tổng cộng"}
RESULT_SHEETS = {FINDINGS: FINDINGS_HEADER, STATUS: STATUS_HEADER, TOTALS: TOTALS_FIRST}

# Colours (RGB): error and warning rows of the findings, and the panel's cells.
ERROR_RGB = (255, 199, 206)
WARNING_RGB = (255, 235, 156)
INPUT_RGB = (255, 242, 204)
OUTPUT_RGB = (242, 242, 242)
