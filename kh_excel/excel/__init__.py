"""The Excel front end: the panel workbook (``kh-excel excel-panel``) and what its buttons run.

Each button of the panel runs a VBA macro that calls, through xlwings' ``RunPython``, one of the
functions below, e.g. ``import kh_excel.excel; kh_excel.excel.kiem_tra()``. Only this package
imports xlwings, and only when a button runs.
"""
from __future__ import annotations

__all__ = ["kiem_tra", "lap_bao_cao", "tao_bieu_mau", "tong_hop"]


def tao_bieu_mau() -> None:
    """Nút «Tạo biểu mẫu»: một biểu cho mỗi đơn vị trực thuộc."""
    from .buttons import make_forms, run
    run(make_forms)


def kiem_tra() -> None:
    """Nút «Kiểm tra»: kiểm tra các biểu đã nhận, ghi từng lỗi vào trang Kết quả kiểm tra."""
    from .buttons import check, run
    run(check)


def tong_hop() -> None:
    """Nút «Tổng hợp»: tổng hợp các biểu, ghi tình hình nộp biểu và số liệu tổng hợp."""
    from .buttons import rollup, run
    run(rollup)


def lap_bao_cao() -> None:
    """Nút «Lập báo cáo»: dự thảo báo cáo (Word) từ tệp tổng hợp."""
    from .buttons import report, run
    run(report)
