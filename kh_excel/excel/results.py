"""Writing results into the panel's sheets through the xlwings API (or anything shaped like it):
findings, who sent a form, the roll-up's totals by level."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from . import layout as L

_FORMULA_START = ("=", "+", "-", "@")


def cell_text(value: object) -> object:
    """A value as Excel must store it: text that starts like a formula is kept as text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value  # Excel keeps the text and drops the apostrophe
    if isinstance(value, Decimal):
        return int(value) if value == int(value) else float(value)
    return value


def sheet(book, name: str):
    """The sheet ``name`` of ``book``, added at the end if a user deleted it."""
    if name not in [s.name for s in book.sheets]:
        return book.sheets.add(name, after=book.sheets[len(book.sheets) - 1])
    return book.sheets[name]


def _col(n: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n - 1]


def fill(book, name: str, header: tuple[str, ...], rows: list[list[object]]) -> object:
    """Replace what sheet ``name`` shows with ``header`` and ``rows`` (one call for the rows)."""
    ws = sheet(book, name)
    ws.clear()
    ws.range("A1").value = [list(header)]
    head = ws.range(f"A1:{_col(len(header))}1")
    head.font.bold = True
    head.color = (221, 235, 247)
    if rows:
        ws.range("A2").value = [[cell_text(v) for v in row] for row in rows]
    return ws


def write_findings(book, findings) -> int:
    """One row per finding (file, unit, sheet, cell, severity, message); error rows coloured.
    Returns the number of rows."""
    rows = [[Path(f.file).name if f.file else "", f.unit_name or f.unit or "", f.sheet or "",
             f.cell or "", f.severity.label, f.message] for f in findings]
    ws = fill(book, L.FINDINGS, L.FINDINGS_HEADER, rows)
    last = _col(len(L.FINDINGS_HEADER))
    for n, f in enumerate(findings, start=2):
        rgb = {"loi": L.ERROR_RGB, "canh_bao": L.WARNING_RGB}.get(f.severity.value)
        if rgb:
            ws.range(f"A{n}:{last}{n}").color = rgb
    return len(rows)


def write_submissions(book, result) -> int:
    """One row per child unit of the roll-up: code, name, received or missing, file."""
    from ..rollups.model import STATUS_LABELS

    rows = [[c.unit.code, c.unit.name, STATUS_LABELS.get(c.status, c.status),
             Path(c.path).name if c.path else ""] for c in result.children]
    ws = fill(book, L.STATUS, L.STATUS_HEADER, rows)
    last = _col(len(L.STATUS_HEADER))
    for n, c in enumerate(result.children, start=2):
        if c.status != "da_nop":
            ws.range(f"A{n}:{last}{n}").color = L.WARNING_RGB
    return len(rows)


def write_totals(book, result, catalogue) -> int:
    """The roll-up's figures: one row per indicator, one column per level (Tổng cộng last)."""
    header = L.TOTALS_FIRST + tuple(L.LEVEL_LABELS[lv] for lv in result.levels)
    rows = []
    for ind in catalogue:
        values = [result.values.get((ind.code, lv)) for lv in result.levels]
        if any(v is not None for v in values):
            rows.append([ind.code, ind.label, ind.unit, *values])
    ws = fill(book, L.TOTALS, header, rows)
    if rows:
        first, last = _col(len(L.TOTALS_FIRST) + 1), _col(len(header))
        ws.range(f"{first}2:{last}{len(rows) + 1}").number_format = "#,##0"
        for n, row in enumerate(rows, start=2):  # ratios: two decimals
            if any(v is not None and v != int(v) for v in row[len(L.TOTALS_FIRST):]):
                ws.range(f"{first}{n}:{last}{n}").number_format = "#,##0.00"
    return len(rows)
