"""Reading one filled form into a :class:`Submission` plus findings (DESIGN §3).

Values are found by defined name first; where a file lost its names (an old ``.xls``, a copied
sheet), by the hidden code column of the template, which moves with inserted rows; never by
guessing. Problems in the user's data become findings; only an unusable file raises.
"""
from __future__ import annotations

import re
from pathlib import Path

import python_calamine as calamine
from openpyxl.utils import column_index_from_string, get_column_letter

from ..catalogue import load_catalogue
from ..errors import FormUnreadable, UnknownTemplate
from ..forms import layout as L
from ..model import FileResult, Finding, Provenance, Severity, Submission
from ..periods import SCHEMES
from ..tiers import TIERS
from . import legacy
from .cells import render, to_number
from .container import Container, open_container

_REF = re.compile(r"^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[str, int, int] | None:
    """``'Biểu số liệu'!$D$8`` → ``("Biểu số liệu", 8, 4)``; ranges and errors → None."""
    m = _REF.match(ref.strip())
    if not m:
        return None
    sheet = (m.group(1) or "").replace("''", "'") or m.group(2)
    return sheet, int(m.group(4)), column_index_from_string(m.group(3))


class _Grid:
    """Cell values of a workbook's sheets, loaded on demand through python-calamine."""

    def __init__(self, container: Container) -> None:
        try:
            self.wb = calamine.CalamineWorkbook.from_filelike(container.stream())
        except calamine.PasswordError:
            raise FormUnreadable(
                path=container.path, detail="tệp được đặt mật khẩu. Hãy bỏ mật khẩu rồi gửi lại.",
                detail_en="the workbook is password-protected.") from None
        except Exception as exc:  # calamine reports corrupt files with several exception types
            raise FormUnreadable(
                path=container.path, detail="tệp bị hỏng hoặc không phải biểu mẫu Excel hợp lệ. "
                "Hãy mở tệp trong Excel, lưu lại và gửi lại.",
                detail_en=f"corrupt or invalid workbook ({type(exc).__name__}).") from None
        self.names = list(self.wb.sheet_names)
        self._rows: dict[str, list[list]] = {}

    def rows(self, sheet: str) -> list[list]:
        if sheet not in self._rows:
            try:
                self._rows[sheet] = self.wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except Exception:
                self._rows[sheet] = []
        return self._rows[sheet]

    def get(self, sheet: str, row: int, col: int):
        rows = self.rows(sheet)
        if 0 < row <= len(rows) and 0 < col <= len(rows[row - 1]):
            return rows[row - 1][col - 1]
        return None


def _read_meta(c: Container, grid: _Grid) -> dict[str, str]:
    meta: dict[str, str] = {}
    if L.META_SHEET in grid.names:
        for row in grid.rows(L.META_SHEET):
            # Every key is kept: a roll-up workbook adds "kind" = "rollup" to the template's keys.
            if len(row) >= 2 and isinstance(row[0], str) and row[0]:
                value = row[1]
                meta[row[0]] = "" if value is None else _text(value)
    for key in L.META_KEYS:
        if not meta.get(key) and c.custom_props.get(key):
            meta[key] = c.custom_props[key]
    return meta


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_meta(c: Container, meta: dict[str, str]) -> int:
    """Validate the template metadata; return the template version."""
    if not meta.get("template_id"):
        raise UnknownTemplate(
            path=c.path, detail="không có thông tin biểu mẫu (trang _kh_meta). Hãy điền số liệu vào "
            "biểu mẫu do kh-excel tạo (kh-excel template), không dùng biểu tự kẻ.",
            detail_en="no form metadata (_kh_meta); use a form made by 'kh-excel template'.")
    try:
        version = int(meta.get("template_version", ""))
    except ValueError:
        version = -1
    tier, scheme = meta.get("tier", ""), meta.get("scheme", "")
    if version > L.TEMPLATE_VERSION:
        raise UnknownTemplate(
            path=c.path, detail=f"biểu mẫu phiên bản {version} do kh-excel mới hơn tạo (phiên bản "
            f"này đọc được đến {L.TEMPLATE_VERSION}). Hãy cập nhật kh-excel.",
            detail_en=f"template version {version} is newer than this kh-excel knows "
                      f"({L.TEMPLATE_VERSION}); update kh-excel.")
    if version < 1 or tier not in TIERS or scheme not in SCHEMES or \
            meta["template_id"] != L.template_id(tier, scheme):
        raise UnknownTemplate(
            path=c.path, detail=f"thông tin biểu mẫu không hợp lệ (mẫu '{meta.get('template_id')}', "
            f"phiên bản '{meta.get('template_version')}').",
            detail_en=f"invalid form metadata ({meta.get('template_id')!r}).")
    return version


def read_form(path: str | Path, lang: str = "vi") -> FileResult:
    """Read one filled form; raises only :class:`FormUnreadable`/:class:`UnknownTemplate`."""
    c = open_container(path)
    grid = _Grid(c)
    meta = _read_meta(c, grid)
    version = _check_meta(c, meta)
    layout = L.form_layout(meta["tier"], meta["scheme"], version)
    sub = Submission(path=str(path), sha256=c.sha256, meta=meta)
    findings: list[Finding] = []

    def finding(rule, severity, message, sheet=None, cell=None):
        findings.append(Finding(rule, Severity(severity), message, unit=sub.unit_code or None,
                                unit_name=sub.unit_name or None, file=str(path), sheet=sheet,
                                cell=cell))

    locate = _Locator(c, grid, layout, lang, finding)
    cat = load_catalogue()
    fonts = legacy.cell_fonts(c) if c.legacy_fonts else {}
    for vc in layout.cells:
        where = locate.value_cell(vc)
        if where is None:
            continue
        sheet, row, col = where
        ref = f"{get_column_letter(col)}{row}"
        ind = cat[vc.code]
        raw = grid.get(sheet, row, col)
        value, issues = to_number(raw, ind)
        for issue in issues:
            finding(issue.rule, issue.severity, render(issue, ref, ind, lang), sheet, ref)
        if value is None:
            continue
        if vc.role == "derived":
            sub.stated[(vc.code, vc.level)] = value
            continue
        if ind.kind == "flag" and sub.tier == "xa" and value not in (0, 1):
            issue_msg = ("Ô {cell} ({label}) chỉ được ghi 1 (đạt) hoặc 0 (chưa đạt), đang ghi {value}."
                         if lang != "en" else "Cell {cell} ({label}) must be 1 or 0, not {value}.")
            finding("co_khong_hop_le", "loi", issue_msg.format(cell=ref, label=ind.label,
                                                               value=value), sheet, ref)
            continue
        sub.values[(vc.code, vc.level)] = value
        sub.provenance[(vc.code, vc.level)] = Provenance(str(path), sheet, ref, c.sha256)
    _fill_computed_totals(sub, layout)
    for key, _label, _row in L.INFO_FIELDS:
        if key in L.INFO_INPUT_KEYS:
            text = locate.text(L.info_name(key), L.INFO_SHEET, _row, L.INFO_VALUE_COL, fonts)
            if text:
                sub.info[key] = text
    for code, row in layout.text_rows(cat).items():
        text = locate.text(L.text_name(code), L.INFO_SHEET, row, 2, fonts)
        if text:
            sub.texts[code] = text
    return FileResult(str(path), sub, findings)


def _fill_computed_totals(sub: Submission, layout: L.FormLayout) -> None:
    """A total without a value (formula never computed by a spreadsheet) is the sum of its parts."""
    for vc in layout.cells:
        if vc.role != "total" or (vc.code, "tong") in sub.values:
            continue
        parts = [sub.values[(vc.code, lv)] for lv in layout.levels
                 if lv != "tong" and (vc.code, lv) in sub.values]
        if parts:
            sub.values[(vc.code, "tong")] = sum(parts)
            sub.provenance[(vc.code, "tong")] = Provenance(sub.path, L.DATA_SHEET, vc.ref,
                                                           sub.sha256, how="computed")


class _Locator:
    """Where each value is: by defined name, else by the template's code column."""

    def __init__(self, c: Container, grid: _Grid, layout: L.FormLayout, lang: str, finding):
        self.c, self.grid, self.layout, self.lang, self.finding = c, grid, layout, lang, finding
        self.by_name = any(n.startswith("KH_") for n in c.defined_names)
        self._rows: dict[str, int] | None = None
        self.data_sheet = self._find_data_sheet()

    def _find_data_sheet(self) -> str:
        if L.DATA_SHEET in self.grid.names:
            return L.DATA_SHEET
        for name in self.grid.names:  # renamed: the sheet whose code column holds our codes
            if self.grid.get(name, self.layout.rows["hoi_vien"], self.layout.code_col) == "hoi_vien" \
                    or "hoi_vien" in self._codes_in(name):
                msg = (f"Trang '{L.DATA_SHEET}' đã bị đổi tên thành '{name}'; vẫn đọc được, nhưng lần "
                       "sau xin giữ nguyên tên trang." if self.lang != "en" else
                       f"Sheet '{L.DATA_SHEET}' was renamed to '{name}'; read anyway.")
                self.finding("doi_ten_trang", "thong_tin", msg, name)
                return name
        raise UnknownTemplate(
            path=self.c.path, detail=f"không tìm thấy trang '{L.DATA_SHEET}'. Có thể trang đã bị xoá "
            "hoặc chép sang tệp khác; hãy điền lại vào biểu mẫu gốc.",
            detail_en=f"sheet '{L.DATA_SHEET}' not found.")

    def _codes_in(self, sheet: str) -> dict[str, int]:
        col = self.layout.code_col
        return {row[col - 1]: n for n, row in enumerate(self.grid.rows(sheet), 1)
                if len(row) >= col and isinstance(row[col - 1], str) and row[col - 1]}

    def _code_rows(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = self._codes_in(self.data_sheet)
            moved = [c for c, r in self._rows.items() if self.layout.rows.get(c) not in (None, r)]
            if not self._rows:
                raise UnknownTemplate(
                    path=self.c.path, detail="biểu đã mất tên ô và cột mã chỉ tiêu, không xác định "
                    "được ô số liệu. Hãy điền lại vào biểu mẫu gốc.",
                    detail_en="the form lost its defined names and its code column.")
            if moved:
                msg = ("Biểu đã bị chèn hoặc xoá dòng; số liệu được xác định theo cột mã chỉ tiêu."
                       if self.lang != "en" else "Rows were inserted or deleted; values located "
                       "by the code column.")
                self.finding("dong_bi_chen", "thong_tin", msg, self.data_sheet)
        return self._rows

    def value_cell(self, vc: L.ValueCell) -> tuple[str, int, int] | None:
        if self.by_name:
            ref = self.c.defined_names.get(vc.name)
            where = parse_ref(ref) if ref else None
            if where and where[0] in self.grid.names:
                return where
        row = self._code_rows().get(vc.code)
        return (self.data_sheet, row, vc.col) if row else None

    def text(self, name: str, sheet: str, row: int, col: int, fonts: dict) -> str:
        where = parse_ref(self.c.defined_names.get(name, "")) if self.by_name else None
        sheet, row, col = where if where and where[0] in self.grid.names else (sheet, row, col)
        raw = self.grid.get(sheet, row, col)
        if raw is None or raw == "":
            return ""
        return legacy.to_unicode(_text(raw), fonts.get((sheet, row, col)))
