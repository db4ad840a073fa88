"""Reading one filled form into a :class:`Submission` plus findings (DESIGN §3).

Values are found by defined name first; where a file lost its names (an old ``.xls``, a copied
sheet) or they no longer point at their row, by the hidden code column of the template, which
moves with inserted rows; never by guessing. Problems in the user's data become findings; only
an unusable file raises.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

from ..catalogue import Indicator, load_catalogue
from ..errors import InvalidPeriod, UnknownTemplate
from ..forms import layout as L
from ..model import FileResult, Finding, Provenance, Severity, Submission
from ..periods import SCHEMES, Period
from ..textnorm import canonical_key
from ..tiers import ALL_TIERS
from . import legacy
from .cells import CellIssue, render, to_number
from .container import Container, open_container
from .locate import Grid, Locator, column_letter, parse_ref

__all__ = ["read_form", "parse_ref"]

# (vi, en) messages of the reader's findings about the whole form or a formula.
MESSAGES = {
    "bieu_chua_co_so_lieu": ("Biểu chưa có số liệu: mọi ô số liệu đều trống. Hãy điền số liệu "
                             "vào trang '{sheet}' rồi gửi lại.",
                             "The form has no figures: every value cell is blank."),
    "cong_thuc_chua_tinh": ("Ô {cell} ({label}) chứa công thức nhưng tệp chưa được tính lại (chưa "
                            "mở và lưu bằng Excel hoặc LibreOffice), nên chưa có giá trị. Hãy mở "
                            "tệp, lưu lại rồi gửi lại, hoặc ghi số thay cho công thức.",
                            "Cell {cell} ({label}) holds a formula that was never calculated (the "
                            "file was not saved by a spreadsheet application). Open and save it."),
    "o_ngoai_bieu": ("Trang '{sheet}' có nội dung ở ô {cells}, nằm xa ngoài biểu (thường do gõ "
                     "nhầm sau khi nhấn Ctrl+End hoặc Ctrl+↓); đã bỏ qua khi đọc. Hãy xoá nội dung "
                     "ô đó rồi lưu lại.",
                     "Sheet '{sheet}' has content in cell {cells}, far outside the form (usually "
                     "typed by mistake); it was left out. Delete it and save the file."),
    "thong_tin_an_khac_hien": (
        "Thông tin ẩn của biểu ({sources}) ghi {hidden}, nhưng trang '{sheet}' ghi {shown}. "
        "kh-excel theo thông tin nhìn thấy trên trang '{sheet}', nhưng không tổng hợp biểu này "
        "cho đến khi sửa: nếu trang '{sheet}' ghi sai, hãy sửa lại cho đúng; nếu ghi đúng, hãy "
        "lấy biểu mẫu mới của đơn vị (kh-excel template) và chép số liệu sang.",
        "The hidden metadata of the form ({sources_en}) says {hidden}, but sheet '{sheet}' says "
        "{shown}. kh-excel follows the visible sheet, but does not roll this form up until it is "
        "fixed: correct sheet '{sheet}' if it is wrong; if it is right, take a new form for the "
        "unit (kh-excel template) and copy the figures into it."),
}
# An annotated copy (annotation.py) has its findings on a first sheet of this name; the reader
# marks it in the metadata, so that it is not checked or rolled up as the unit's form.
ANNOTATED_SHEET = "Kết quả kiểm tra"
ANNOTATED_MARK = ("kh_output", "annotated")
_META_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
VISIBLE_KEYS = ("unit_name", "unit_code", "period")  # what "Thông tin chung" shows of the meta
_SOURCE_NAMES = {L.META_SHEET: (f"trang ẩn {L.META_SHEET}", f"hidden sheet {L.META_SHEET}"),
                 "props": ("thuộc tính tệp", "document properties")}


def _say(rule: str, lang: str, **params) -> str:
    vi, en = MESSAGES[rule]
    return (en if lang == "en" else vi).format(**params)


def _read_meta(c: Container, grid: Grid) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The form's metadata (``_kh_meta``, the document properties where it is blank), and what
    each of those two hidden sources says on its own."""
    meta: dict[str, str] = {}
    if L.META_SHEET in grid.name_set:
        for row in grid.rows(L.META_SHEET):  # the template's keys and any later ones ("kind")
            if len(row) >= 2 and isinstance(row[0], str) and _META_KEY.match(row[0]):
                value = row[1]
                meta[row[0]] = "" if value is None else _text(value)
    props = c.custom_props
    sources = {L.META_SHEET: dict(meta), "props": {k: props[k] for k in L.META_KEYS if k in props}}
    if any(not meta.get(key) for key in L.META_KEYS):
        for key in L.META_KEYS:
            if not meta.get(key) and props.get(key):
                meta[key] = props[key]
    return meta, sources


def _text(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _visible_info(locate: Locator, grid: Grid, fonts: dict) -> dict[str, tuple[str, str, str]]:
    """The unit and period as the sheet "Thông tin chung" shows them: key → (text, sheet, cell)."""
    out = {}
    for key, _label, row in L.INFO_FIELDS:
        if key not in VISIBLE_KEYS:
            continue
        sheet, r, col = locate.text_cell(L.info_name(key), L.INFO_SHEET, row, L.INFO_VALUE_COL)
        raw = grid.get(sheet, r, col) if sheet in grid.name_set else None
        if raw is not None and raw != "":
            text = legacy.to_unicode(_text(raw), fonts.get((sheet, r, col)))
            if text:
                out[key] = (text, sheet, f"{column_letter(col)}{r}")
    return out


def _shown_period(text: str) -> Period | None:
    """``năm 2023`` → 2023, ``6 tháng đầu năm 2024`` → 2024-H1; None if no single year."""
    years = set(_YEAR.findall(text))
    if len(years) != 1:
        return None
    low = text.lower()
    return Period(int(years.pop()), 1 if "6 tháng" in low or "h1" in low else None)


@lru_cache(maxsize=4096)  # the same few names and periods come back form after form
def _same(key: str, hidden: str, shown: str) -> bool:
    if hidden == shown:
        return True
    if key == "unit_name":
        return canonical_key(hidden) == canonical_key(shown)
    if key == "period":
        try:
            return Period.parse(hidden) == _shown_period(shown)
        except InvalidPeriod:
            return False
    return hidden.strip().lstrip("0") == shown.strip().lstrip("0")  # 02137 typed as a number


def _follow_visible(meta: dict[str, str], hidden: dict[str, dict[str, str]],
                    visible: dict[str, tuple[str, str, str]], lang: str, finding) -> None:
    """Where the hidden metadata and "Thông tin chung" name another unit or period, the form
    follows what its user sees, with an error: it is not rolled up until one of them is fixed."""
    wrong: dict[str, list[str]] = {}  # key → the hidden sources that disagree
    for key, (shown, _sheet, _cell) in visible.items():
        for source, values in hidden.items():
            if values.get(key) and not _same(key, values[key], shown):
                wrong.setdefault(key, []).append(source)
    if not wrong:
        return
    keys = [k for k in VISIBLE_KEYS if k in wrong or
            (k != "period" and {"unit_code", "unit_name"} & wrong.keys())]
    before, after = {}, {}
    for key in keys:
        source = (wrong.get(key) or [L.META_SHEET])[0]
        before[key] = hidden[source].get(key) or meta.get(key, "")
        after[key] = visible.get(key, ("", "", ""))[0]
        if key == "period":
            period = _shown_period(after[key])
            meta[key] = str(period) if period else after[key]
        else:
            meta[key] = after[key]
    sources = {s for found in wrong.values() for s in found}
    en = lang == "en"
    names = " và ".join(_SOURCE_NAMES[s][0] for s in hidden if s in sources)
    names_en = " and ".join(_SOURCE_NAMES[s][1] for s in hidden if s in sources)
    sheet, cell = visible[next(k for k in keys if k in visible)][1:]
    finding("thong_tin_an_khac_hien", "loi", _say(
        "thong_tin_an_khac_hien", lang, sources=names, sources_en=names_en, sheet=sheet,
        hidden=_describe(before, en), shown=_describe(after, en)), sheet, cell)


def _describe(values: dict[str, str], en: bool) -> str:
    """``đơn vị Xã Văn Lang (mã 02140), kỳ năm 2023``."""
    parts = []
    if "unit_name" in values or "unit_code" in values:
        name, code = values.get("unit_name") or "—", values.get("unit_code") or "—"
        parts.append(f"unit {name} (code {code})" if en else f"đơn vị {name} (mã {code})")
    if "period" in values:
        text = values["period"] or "—"
        try:
            text = Period.parse(text).label()
        except InvalidPeriod:
            pass  # shown as typed
        parts.append(f"period {text}" if en else f"kỳ {text}")
    return ", ".join(parts)


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
    if version < 1 or tier not in ALL_TIERS or scheme not in SCHEMES or \
            meta["template_id"] != L.template_id(tier, scheme):
        raise UnknownTemplate(
            path=c.path, detail=f"thông tin biểu mẫu không hợp lệ (mẫu '{meta.get('template_id')}', "
            f"phiên bản '{meta.get('template_version')}').",
            detail_en=f"invalid form metadata ({meta.get('template_id')!r}).")
    return version


@cache
def _plan(tier: str, scheme: str, version: int) -> tuple[tuple[L.ValueCell, Indicator], ...]:
    """The value cells of a form with their indicators, worked out once per kind of form."""
    cat = load_catalogue()
    return tuple((vc, cat[vc.code]) for vc in L.form_layout(tier, scheme, version).cells)


def read_form(path: str | Path, lang: str = "vi") -> FileResult:
    """Read one filled form; raises only :class:`FormUnreadable`/:class:`UnknownTemplate`."""
    c = open_container(path)
    grid = Grid(c)
    meta, hidden = _read_meta(c, grid)
    version = _check_meta(c, meta)
    if grid.names and grid.names[0] == ANNOTATED_SHEET:
        meta[ANNOTATED_MARK[0]] = ANNOTATED_MARK[1]
    layout = L.form_layout(meta["tier"], meta["scheme"], version)
    file = str(path)
    sub = Submission(path=file, sha256=c.sha256, meta=meta)
    findings: list[Finding] = []

    def finding(rule, severity, message, sheet=None, cell=None):
        findings.append(Finding(rule, Severity(severity), message, unit=sub.unit_code or None,
                                unit_name=sub.unit_name or None, file=file, sheet=sheet,
                                cell=cell))

    locate = Locator(c, grid, layout, lang, finding)
    fonts = legacy.cell_fonts(c) if c.legacy_fonts else {}
    _follow_visible(meta, hidden, _visible_info(locate, grid, fonts), lang, finding)
    located: dict[tuple[str, str], tuple[str, str]] = {}
    blanks: list[tuple[L.ValueCell, Indicator, str, str]] = []
    shift = None  # (sheet, rows, columns) the table moved by, from the first value found
    issues_seen = 0
    for vc, ind in _plan(layout.tier, layout.scheme, version):
        where = locate.value_cell(vc)
        if where is None:
            continue
        sheet, row, col = where
        if shift is None:
            shift = (sheet, row - vc.row, col - vc.col)
        ref = f"{column_letter(col)}{row}"
        located[(vc.code, vc.level)] = (sheet, ref)
        raw = grid.get(sheet, row, col)
        if fonts and isinstance(raw, str):
            raw = legacy.to_unicode(raw, fonts.get((sheet, row, col)))
        value, issues = to_number(raw, ind)
        for issue in issues:
            finding(issue.rule, issue.severity, render(issue, ref, ind, lang), sheet, ref)
        issues_seen += len(issues)
        if value is None:
            if not issues and vc.role != "derived":
                blanks.append((vc, ind, sheet, ref))
                sub.blanks[(vc.code, vc.level)] = (sheet, ref)
            continue
        key = (vc.code, vc.level)
        if vc.role == "derived":
            sub.stated[key] = value
            sub.provenance[key] = Provenance(file, sheet, ref, c.sha256)
            continue
        if ind.kind == "flag" and sub.tier == "xa" and value not in (0, 1):
            issue = CellIssue("co_khong_hop_le", "loi", {"value": value})
            finding(issue.rule, issue.severity, render(issue, ref, ind, lang), sheet, ref)
            issues_seen += 1
            continue
        sub.values[key] = value
        sub.provenance[key] = Provenance(file, sheet, ref, c.sha256)
    locate.closing_findings()
    for vc, ind, sheet, ref in blanks:  # blank as read: an error value, or never calculated?
        why = grid.blank_cause(sheet, ref)
        if why is None or (why == "formula" and vc.role != "input"):
            continue  # a total without a value is computed from its parts
        if why == "formula":
            finding("cong_thuc_chua_tinh", "loi", _say("cong_thuc_chua_tinh", lang, cell=ref,
                                                       label=ind.label), sheet, ref)
        else:
            issue = CellIssue("o_loi_excel", "loi", {"text": why})
            finding(issue.rule, issue.severity, render(issue, ref, ind, lang), sheet, ref)
        issues_seen += 1
    _fill_computed_totals(sub, layout, located)
    _read_texts(sub, locate, grid, layout, fonts)
    for sheet, refs in grid.stray.items():
        cells = ", ".join(refs[:3]) + (f" (+{len(refs) - 3})" if len(refs) > 3 else "")
        finding("o_ngoai_bieu", "canh_bao", _say("o_ngoai_bieu", lang, sheet=sheet, cells=cells),
                sheet, refs[0])
    if not sub.values and not sub.stated and not issues_seen:
        finding("bieu_chua_co_so_lieu", "canh_bao",
                _say("bieu_chua_co_so_lieu", lang, sheet=locate.data_sheet), locate.data_sheet)
    return FileResult(file, sub, findings)


def _fill_computed_totals(sub: Submission, layout: L.FormLayout,
                          located: dict[tuple[str, str], tuple[str, str]]) -> None:
    """A total without a value (formula never computed by a spreadsheet) is the sum of its parts."""
    for vc in layout.cells:
        if vc.role != "total" or (vc.code, "tong") in sub.values:
            continue
        parts = [sub.values[(vc.code, lv)] for lv in layout.levels
                 if lv != "tong" and (vc.code, lv) in sub.values]
        if parts:
            sheet, ref = located.get((vc.code, "tong"), (L.DATA_SHEET, vc.ref))
            sub.values[(vc.code, "tong")] = sum(parts)
            sub.provenance[(vc.code, "tong")] = Provenance(sub.path, sheet, ref, sub.sha256,
                                                           how="computed")


def _read_texts(sub: Submission, locate: Locator, grid: Grid, layout: L.FormLayout,
                fonts: dict) -> None:
    """The unit's details (Thông tin chung) and its free-text answers."""
    wanted = [(key, L.info_name(key), row, L.INFO_VALUE_COL) for key, _label, row in L.INFO_FIELDS
              if key in L.INFO_INPUT_KEYS]
    texts = [(code, L.text_name(code), row, 2) for code, row in layout.text_rows().items()]
    for target, items in ((sub.info, wanted), (sub.texts, texts)):
        for key, name, row, col in items:
            sheet, row, col = locate.text_cell(name, L.INFO_SHEET, row, col)
            if sheet not in grid.name_set:
                continue
            raw = grid.get(sheet, row, col)
            if raw is None or raw == "":
                continue
            text = legacy.to_unicode(_text(raw), fonts.get((sheet, row, col)))
            if text:
                target[key] = text
