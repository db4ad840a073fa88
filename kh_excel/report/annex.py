"""The annex of the report: every figure of the input by level (``Phụ lục: Biểu tổng hợp số liệu``).

Plain data (rows of text cells) for the docx table and the Markdown text; figures are exact
(``4.069.053.000``), rates with two decimals, blanks stay blank (never 0 or "None").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalogue import Indicator, load_catalogue
from ..numfmt import format_number
from ..tiers import LEVEL_HEADERS, form_levels
from .figures import Fig, Figures

TITLE = "Phụ lục: Biểu tổng hợp số liệu"


@dataclass
class AnnexRow:
    kind: str                 # "section" or "indicator"
    cells: list[str]
    code: str = ""


@dataclass
class Annex:
    title: str
    subtitle: str
    columns: list[str]
    rows: list[AnnexRow] = field(default_factory=list)
    note: str = ""            # under the table: how complete the roll-up is

    @property
    def value_columns(self) -> int:
        return len(self.columns) - 3

    def markdown(self) -> str:
        lines = [f"## {self.title}", "", f"*{self.subtitle}*", "",
                 "| " + " | ".join(self.columns) + " |",
                 "|" + "|".join(["---:", "---", "---", *["---:"] * self.value_columns]) + "|"]
        for row in self.rows:
            cells = row.cells if row.kind == "indicator" else \
                [row.cells[0], f"**{row.cells[1]}**", *[""] * (len(self.columns) - 2)]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
        if self.note:
            lines += ["", f"*{self.note}*"]
        return "\n".join(lines) + "\n"

    def drop_empty_columns(self) -> None:
        """Leave out the value columns (levels, last period) that are blank in every row."""
        keep = [c for c in range(len(self.columns)) if c < 3 or any(
            r.cells[c] for r in self.rows if r.kind == "indicator")]
        if len(keep) == len(self.columns) or len(keep) == 3:
            return
        self.columns = [self.columns[c] for c in keep]
        for row in self.rows:
            if row.kind == "indicator":
                row.cells = [row.cells[c] for c in keep]


def show(fig: Fig | None) -> str:
    """A figure for the table: every digit, rates to two decimals, blank when missing."""
    if fig is None:
        return ""
    if fig.kind == "pct":
        return format_number(fig.value, 2)
    if fig.kind == "dong_nguoi":
        return format_number(fig.value, 0)
    return format_number(fig.value)


def build_annex(figs: Figures) -> Annex:
    """The annex table of an input: indicators that have a figure at some level, by section."""
    inp = figs.inp
    cat = load_catalogue()
    levels = list(form_levels(inp.tier, inp.scheme))
    headers = [LEVEL_HEADERS[lv] for lv in levels] if len(levels) > 1 else ["Số liệu"]
    prev_period = figs.previous_period()
    columns = ["STT", "Chỉ tiêu", "Đơn vị tính", *headers]
    if prev_period is not None:
        label = prev_period.label()
        columns.append(label[0].upper() + label[1:])
    subtitle = (f"Công tác khuyến học, khuyến tài {inp.period.label()} của "
                f"{inp.unit.association_name}")
    annex = Annex(TITLE, subtitle, columns)
    for section, title in cat.sections.items():
        rows = [r for ind in cat.in_section(section) if (r := _row(figs, ind, levels,
                                                                    prev_period)) is not None]
        if not rows:
            continue
        annex.rows.append(AnnexRow("section", [section, title.upper()]))
        for n, row in enumerate(rows, 1):
            row.cells[0] = str(n)
            annex.rows.append(row)
    annex.drop_empty_columns()
    annex.note = completeness_note(figs)
    return annex


def completeness_note(figs: Figures) -> str:
    """``Ghi chú: số liệu tổng hợp từ 0/17 xã, thị trấn; chưa có báo cáo của …`` for a roll-up
    that lacks units ('' when it has them all, and for a single form)."""
    done = figs.completeness()
    if done is None or done[0].value >= done[1].value:
        return ""
    missing = [name for _code, name in figs.inp.missing]
    who = (", ".join(missing) if 0 < len(missing) <= 10 else
           f"{format_number(len(missing) or done[1].value - done[0].value)} đơn vị (danh sách ở "
           "trang “Chưa nộp” của tệp tổng hợp)")
    return (f"Ghi chú: số liệu tổng hợp từ {format_number(done[0].value)}/"
            f"{format_number(done[1].value)} {figs.child_words()}; chưa có báo cáo của {who}.")


def _row(figs: Figures, ind: Indicator, levels: list[str], prev_period) -> AnnexRow | None:
    values = [figs.annex_value(ind.code, lv) for lv in levels]
    if all(v is None for v in values):
        return None
    cells = ["", ind.label, ind.unit, *[show(v) for v in values]]
    if prev_period is not None:
        total = figs.annex_value(ind.code, figs.level_of(ind))
        cells.append(show(total.prev) if total is not None and total.prev is not None else "")
    return AnnexRow("indicator", cells, ind.code)
