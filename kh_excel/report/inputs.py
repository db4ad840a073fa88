"""What a report is drafted from: one filled form, or a roll-up workbook (a filled form of the
parent's tier plus the hidden ``_kh_rollup`` table of ``forms/layout.py``).

The figures, texts and provenance come from the form reader; the roll-up rows (completeness,
last period's figures, the children's free-text answers, missing units, COUNT indicators) are
read here with python-calamine. For a single form the rulebook is run to know about errors; a
roll-up says how many it found in its ``meta`` rows.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from openpyxl.utils import get_column_letter

from ..errors import FormUnreadable, InvalidPeriod, UsageError
from ..forms import layout as L
from ..freetext import clean
from ..model import Finding, Number, Provenance, Severity, Submission
from ..periods import Period
from ..reading import read_form
from ..reading.container import Container, open_container
from ..reading.grid import Grid
from ..reading.reader import parse_ref
from ..rules import check_submission
from ..units import PREFIXES, Unit

ROLLUP_KIND = "rollup"
_TIER_DIVISION = {"xa": "Xã", "huyen": "Huyện", "tinh": "Tỉnh"}
_YEAR = re.compile(r"(20\d\d)")


@dataclass(frozen=True)
class RollupRow:
    """One row of ``_kh_rollup``, with its cell for the trace."""

    kind: str
    key: str
    sub: str
    value: object
    cell: str  # "D5"


@dataclass
class ReportInput:
    """Everything a report needs from its input file, as plain data."""

    path: str
    kind: str                      # "form" or "rollup"
    submission: Submission
    unit: Unit
    period: Period
    findings: list[Finding] = field(default_factory=list)
    errors: int = 0                # error-severity findings (the roll-up's own count for roll-ups)
    warnings: int = 0
    expected: int | None = None    # roll-up: child units expected / received
    received: int | None = None
    communes_expected: int | None = None  # roll-up: commune forms expected / used (all levels)
    communes_received: int | None = None
    child_tier: str = ""
    previous_period: Period | None = None
    previous: dict[tuple[str, str], Number] = field(default_factory=dict)
    child_texts: list[tuple[str, str, str]] = field(default_factory=list)  # (code, unit, text)
    missing: list[tuple[str, str]] = field(default_factory=list)          # (code, name)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)      # code → (x, y)
    rows: dict[tuple[str, str, str], RollupRow] = field(default_factory=dict)
    text_cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (sheet, cell)
    previous_source: str = ""      # which stored roll-up last period's figures came from

    @property
    def tier(self) -> str:
        return self.submission.tier

    @property
    def scheme(self) -> str:
        return self.submission.scheme

    @property
    def is_rollup(self) -> bool:
        return self.kind == ROLLUP_KIND

    def rollup_source(self, kind: str, key: str, sub: str = "") -> Provenance | None:
        """Where a roll-up row is, for the trace."""
        row = self.rows.get((kind, key, sub))
        if row is None:
            return None
        return Provenance(self.path, L.ROLLUP_DATA_SHEET, row.cell, self.submission.sha256)

    def meta_source(self, key: str) -> Provenance:
        row = L.META_KEYS.index(key) + 1 if key in L.META_KEYS else 0
        cell = f"B{row}" if row else ""
        return Provenance(self.path, L.META_SHEET, cell, self.submission.sha256, how="meta")


def load_report_input(path: str | os.PathLike, period: str | Period | None = None,
                      lang: str = "vi") -> ReportInput:
    """Read a filled form or a roll-up workbook for a report.

    Raises the reader's :class:`FormUnreadable`/:class:`UnknownTemplate` for a file that is not
    a form, and :class:`UsageError` when the period is unknown (blank template, no ``period``).
    """
    path = Path(path)
    result = read_form(path, lang=lang)
    sub = result.submission
    # Shift+Enter (U+000B) and other control characters: line breaks or spaces, as Word shows
    # them, never a character a document cannot hold.
    sub.texts = {code: clean(text) for code, text in sub.texts.items()}
    sheets, container = _extra_sheets(path)
    props = container.custom_props
    meta_extra = {str(r[0]).strip(): _text(r[1]) for r in sheets.get(L.META_SHEET, [])
                  if len(r) >= 2 and isinstance(r[0], str)}
    kind = meta_extra.get("kind") or props.get("kind", "")
    the_period = _period(sub, sheets, period, path)
    unit = _unit(sub, sheets)
    inp = ReportInput(str(path), ROLLUP_KIND if kind == ROLLUP_KIND else "form", sub, unit,
                      the_period)
    inp.text_cells = _text_cells(container)
    if inp.is_rollup:
        _read_rollup(inp, sheets.get(L.ROLLUP_DATA_SHEET, []))
    else:
        inp.findings = list(result.findings) + check_submission(sub, lang=lang)
        inp.errors = sum(1 for f in inp.findings if f.severity is Severity.LOI)
        inp.warnings = sum(1 for f in inp.findings if f.severity is Severity.CANH_BAO)
    return inp


def _extra_sheets(path: Path) -> tuple[dict[str, list[list]], Container]:
    """What the reader does not give us: the rows of ``_kh_meta`` (all of them), ``_kh_rollup``
    and "Thông tin chung", and the container (defined names, custom document properties)."""
    container = open_container(path)  # already read once by the reader: it is a vetted form
    grid = Grid(container)  # every sheet checked before calamine reads it
    out = {}
    for name in (L.META_SHEET, L.ROLLUP_DATA_SHEET, L.INFO_SHEET):
        if name in grid.name_set:
            out[name] = grid.rows(name)
    return out, container


def _text_cells(container: Container) -> dict[str, tuple[str, str]]:
    """Where each free-text answer is: by defined name, else the template's position."""
    out = {code: (L.INFO_SHEET, f"B{row}")
           for code, row in L.form_layout("xa", "legacy-3tier").text_rows().items()}
    for code in out:
        where = parse_ref(container.defined_names.get(L.text_name(code), ""))
        if where:
            out[code] = (where[0], f"{get_column_letter(where[2])}{where[1]}")
    return out


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value)).strip()


def _info(sheets: dict, key: str) -> str:
    rows = sheets.get(L.INFO_SHEET, [])
    row = next((r for k, _label, r in L.INFO_FIELDS if k == key), None)
    if row is None or row > len(rows) or len(rows[row - 1]) < L.INFO_VALUE_COL:
        return ""
    return _text(rows[row - 1][L.INFO_VALUE_COL - 1])


def _period(sub: Submission, sheets: dict, given, path: Path) -> Period:
    if sub.period:
        stated = Period.parse(sub.period)
        if given and Period.parse(given) != stated:
            raise UsageError(
                detail=f"Tệp {path} là báo cáo {stated.label()}, khác kỳ --period {given}. Bỏ "
                       "--period hoặc chọn đúng tệp.",
                detail_en=f"{path} is for period {stated}, not --period {given}.")
        return stated
    if given:
        return Period.parse(given)
    typed = _info(sheets, "period")  # a blank template: the period typed on "Thông tin chung"
    m = _YEAR.search(typed)
    if m:
        return Period(int(m.group(1)), 1 if "6 tháng" in typed.lower() or "h1" in typed.lower()
                      else None)
    raise UsageError(detail=f"Tệp {path} không ghi kỳ báo cáo. Thêm --period (ví dụ --period 2024 "
                            "hoặc --period 2024-H1).",
                     detail_en=f"{path} has no reporting period. Add --period (e.g. 2024).")


def _unit(sub: Submission, sheets: dict) -> Unit:
    """The reporting unit from the form's metadata (or, for a blank template, its info sheet)."""
    name = sub.unit_name or _info(sheets, "unit_name")
    division = next((p for p in PREFIXES if name.startswith(p + " ")), "")
    if not name:
        division = _TIER_DIVISION.get(sub.tier, "")
        name = f"{division} …"
    return Unit(sub.scheme, sub.unit_code or _info(sheets, "unit_code"), name, sub.tier,
                sub.meta.get("parent_code") or None, division)


# No figure of a roll-up comes near this (the reader refuses money from 10^15 đồng per form):
# a larger one, infinity or NaN in the hidden table means it was edited by hand.
_TABLE_LIMIT = Decimal(10) ** 24


class _EditedTable(ValueError):
    """A figure of ``_kh_rollup`` that kh-excel cannot have written."""


def _number(value) -> Number | None:
    """A roll-up cell as an exact number (calamine gives floats; text is parsed plainly)."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, float):
        d = Decimal(repr(value)) if math.isfinite(value) else Decimal("NaN")
    else:
        try:
            d = Decimal(str(value).strip().replace(" ", ""))
        except InvalidOperation:
            return None
    if not d.is_finite() or d.copy_abs() >= _TABLE_LIMIT:
        raise _EditedTable(str(value)[:40])
    return int(d) if d == d.to_integral_value() else d


def _read_rollup(inp: ReportInput, rows: list[list]) -> None:
    try:
        _read_rollup_rows(inp, rows)
    except _EditedTable as bad:
        raise FormUnreadable(
            path=inp.path, detail=f"bảng ẩn '{L.ROLLUP_DATA_SHEET}' của tệp tổng hợp có giá trị "
            f"'{bad}' mà kh-excel không thể ghi ra (bảng đã bị sửa tay). Hãy lập lại tệp tổng hợp "
            "bằng kh-excel rollup.",
            detail_en=f"the hidden '{L.ROLLUP_DATA_SHEET}' table holds '{bad}', which kh-excel "
                      "never writes (it was edited); make the roll-up again.") from None


def _read_rollup_rows(inp: ReportInput, rows: list[list]) -> None:
    for n, raw in enumerate(rows[1:], start=2):  # row 1 is the header
        cells = [*raw, None, None, None, None][:4]
        kind, key, sub, value = (_text(cells[0]), _text(cells[1]), _text(cells[2]), cells[3])
        if kind not in L.ROLLUP_KINDS:
            continue
        inp.rows[(kind, key, sub)] = RollupRow(kind, key, sub, value, f"D{n}")
        if kind == "meta":
            _rollup_meta(inp, key, value)
        elif kind == "previous":
            number = _number(value)
            if number is not None:
                inp.previous[(key, sub)] = number
        elif kind == "text" and _text(value):
            inp.child_texts.append((key, sub, _text(value)))
        elif kind == "missing":
            inp.missing.append((key, sub))
        elif kind == "count":
            m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", _text(value))
            if m:
                inp.counts[key] = (int(m.group(1)), int(m.group(2)))


def _rollup_meta(inp: ReportInput, key: str, value) -> None:
    number = _number(value)
    if key == "children_expected" and number is not None:
        inp.expected = int(number)
    elif key == "children_received" and number is not None:
        inp.received = int(number)
    elif key == "communes_expected" and number is not None:
        inp.communes_expected = int(number)
    elif key == "communes_received" and number is not None:
        inp.communes_received = int(number)
    elif key == "child_tier":
        inp.child_tier = _text(value)
    elif key == "errors" and number is not None:
        inp.errors = int(number)
    elif key == "warnings" and number is not None:
        inp.warnings = int(number)
    elif key == "previous_source":
        inp.previous_source = _text(value)
    elif key == "previous_period" and _text(value):
        try:
            inp.previous_period = Period.parse(_text(value))
        except InvalidPeriod:  # an unreadable period only loses the comparisons' wording
            inp.previous_period = None
