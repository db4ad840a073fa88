"""Turning one raw cell value into a figure, with number hygiene (DESIGN §3)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from ..catalogue import WHOLE_KINDS, Indicator
from ..model import Number
from .numbers import parse_text_number

# (vi, en) message templates of the reader's findings, by rule id.
MESSAGES = {
    "so_dang_chu": ("Ô {cell} ({label}) chứa chữ '{text}', đã hiểu là {value}. Hãy gõ lại "
                    "thành số (không ghi chữ, đơn vị hay dấu chấm phân cách).",
                    "Cell {cell} ({label}) holds the text '{text}', read as {value}. Type it as a number."),
    "khong_phai_so": ("Ô {cell} ({label}) chứa '{text}', không phải là số. Hãy ghi số, hoặc để "
                      "trống nếu không có số liệu.",
                      "Cell {cell} ({label}) holds '{text}', which is not a number."),
    "so_am": ("Ô {cell} ({label}) là số âm ({value}). Số liệu không được âm.",
              "Cell {cell} ({label}) is negative ({value})."),
    "so_le": ("Ô {cell} ({label}) có phần thập phân ({value}), nhưng chỉ tiêu này phải là số "
              "nguyên ({unit}).",
              "Cell {cell} ({label}) has decimals ({value}); it must be a whole number ({unit})."),
    "co_khong_hop_le": ("Ô {cell} ({label}) chỉ được ghi 1 (đạt) hoặc 0 (chưa đạt), đang ghi {value}.",
                        "Cell {cell} ({label}) must be 1 or 0, not {value}."),
    "so_khong_xac_dinh": ("Ô {cell} ({label}) chứa giá trị không phải số hữu hạn ({text}). Hãy "
                          "ghi lại số liệu đúng, hoặc để trống nếu không có số liệu.",
                          "Cell {cell} ({label}) holds a value that is not a finite number ({text})."),
    "so_qua_lon": ("Ô {cell} ({label}) ghi {value} {unit}, vượt quá mức có thể có ({limit} {unit}). "
                   "Hãy kiểm tra lại (có thể gõ thừa chữ số).",
                   "Cell {cell} ({label}) holds {value} {unit}, more than is possible ({limit} "
                   "{unit}). Check for extra digits."),
    "o_loi_excel": ("Ô {cell} ({label}) đang báo lỗi {text} của Excel, nên không có số liệu. Hãy "
                    "sửa công thức hoặc ghi số thay cho công thức.",
                    "Cell {cell} ({label}) shows the Excel error {text}, so it has no figure. "
                    "Correct the formula or type the number."),
    "ngay_trong_o_so": ("Ô {cell} ({label}) chứa ngày tháng ({text}), không phải số liệu.",
                        "Cell {cell} ({label}) holds a date ({text}), not a figure."),
}


# The largest figure a form may hold, by kind of indicator: far beyond any real one (no Hội
# fund reaches 10^15 đồng, the country has 10^8 people), and small enough for exact sums.
CEILINGS = {
    "dong": 10**15, "dong_nguoi": 10**12, "nguoi": 10**9, "suat": 10**9, "con": 10**9,
    "to_chuc": 10**8, "lop": 10**8, "flag": 10**6, "pct": 10**6,
}

_CEILING_F = {kind: float(limit) for kind, limit in CEILINGS.items()}


@dataclass(frozen=True)
class CellIssue:
    rule: str
    severity: str  # "loi" | "canh_bao"
    params: dict


def _plain(value: Decimal) -> str:
    """Vietnamese writing of a parsed value for messages: 4.069.053.000 or 1,5."""
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    text = f"{whole:,}".replace(",", ".")
    frac = value - whole
    if frac:
        text += "," + format(frac.normalize(), "f").split(".")[1]
    return sign + text


def to_number(raw: object, ind: Indicator) -> tuple[Number | None, list[CellIssue]]:
    """Convert a raw cell value; blank is None (missing), never 0."""
    issues: list[CellIssue] = []
    if raw is None or raw == "":
        return None, issues
    whole = ind.kind in WHOLE_KINDS
    if type(raw) is float and 0 <= raw < _CEILING_F.get(ind.kind, math.inf) and whole \
            and raw.is_integer():
        return int(raw), issues  # the common case, first
    if isinstance(raw, bool):
        return None, [CellIssue("khong_phai_so", "loi", {"text": str(raw)})]
    if isinstance(raw, (date, datetime, time, timedelta)):
        return None, [CellIssue("ngay_trong_o_so", "loi", {"text": str(raw)})]
    if isinstance(raw, float) and not math.isfinite(raw):  # NaN or ±inf written into the file
        shown = "NaN" if math.isnan(raw) else ("-∞" if raw < 0 else "+∞")
        return None, [CellIssue("so_khong_xac_dinh", "loi", {"text": shown})]
    if isinstance(raw, (int, float)):
        value = Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
    else:
        text = str(raw).strip()
        if not text:
            return None, issues
        parsed = parse_text_number(text, whole=whole)
        if parsed is None:
            return None, [CellIssue("khong_phai_so", "loi", {"text": text})]
        value = parsed.value
        issues.append(CellIssue("so_dang_chu", "canh_bao", {"text": text, "value": _plain(value)}))
    if value < 0:
        issues.append(CellIssue("so_am", "loi", {"value": _plain(value)}))
        return None, issues
    limit = CEILINGS.get(ind.kind)
    if limit is not None and value >= limit:
        shown = _plain(value.to_integral_value()) if value < 10**24 else f"{value:.3E}"
        return None, [CellIssue("so_qua_lon", "loi", {"value": shown,
                                                       "limit": _plain(Decimal(limit)),
                                                       "unit": ind.unit})]
    if whole and value != value.to_integral_value():
        issues.append(CellIssue("so_le", "loi", {"value": _plain(value), "unit": ind.unit}))
        return None, issues
    return (int(value) if whole else value), issues


def render(issue: CellIssue, cell: str, ind: Indicator, lang: str) -> str:
    vi, en = MESSAGES[issue.rule]
    return (en if lang == "en" else vi).format(cell=cell, label=ind.label, **issue.params)
