"""The result of a roll-up: totals by level, one row per child unit, findings, last period."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..catalogue import load_catalogue
from ..model import FileResult, Finding, Number, Severity
from ..periods import Period
from ..units import Unit

# Status of a child unit in the roll-up.
SUBMITTED, MISSING, DUPLICATE, PARTIAL = "da_nop", "chua_nop", "trung_tep", "mot_phan"
HELD = "chua_tong_hop"  # a form was sent, but it contradicts itself (see collect.HELD_BY)
STATUS_LABELS = {SUBMITTED: "Đã nộp", MISSING: "Chưa nộp", DUPLICATE: "Trùng tệp",
                 PARTIAL: "Nộp một phần", HELD: "Có lỗi, chưa tổng hợp"}


def _plain(v: Number | None):
    if v is None:
        return None
    return int(v) if v == int(v) else float(v)


@dataclass
class ChildRow:
    """One child unit of the roll-up: its figures (summed over its levels) and their source."""

    unit: Unit
    status: str
    values: dict[tuple[str, str], Number] = field(default_factory=dict)  # by (code, level)
    path: str | None = None          # the unit's own form, if any
    sha256: str | None = None
    received: int | None = None      # for a unit built from its own children: how many sent
    expected: int | None = None
    version: int | None = None       # the version of its form in the history store, if known

    def total(self, code: str) -> Number | None:
        """The unit's figure over all its levels (missing when no level has one)."""
        parts = [v for (c, _lv), v in self.values.items() if c == code]
        return sum(parts) if parts else None


@dataclass
class RollupResult:
    unit: Unit
    parent: Unit | None
    scheme: str
    period: Period
    levels: tuple[str, ...]                           # the levels of the parent's form
    values: dict[tuple[str, str], Number]             # totals, ratios recomputed, by (code, level)
    children: list[ChildRow]
    findings: list[Finding]
    files: list[FileResult]
    own_path: str | None = None
    own_texts: dict[str, str] = field(default_factory=dict)
    texts: list[tuple[str, str, str]] = field(default_factory=list)  # (code, unit name, text)
    counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # COUNT code → (x, y)
    previous: dict[tuple[str, str], Number] = field(default_factory=dict)
    previous_period: Period | None = None
    leaf_received: int = 0                            # communes whose figures are included
    leaf_expected: int = 0
    previous_source: str = ""                         # where last period's figures came from
    stated: dict[str, Number] = field(default_factory=dict)  # the own form's Tổng cộng, by code

    @property
    def tier(self) -> str:
        return self.unit.tier

    @property
    def expected(self) -> int:
        return len(self.children)

    @property
    def received(self) -> int:
        return sum(1 for c in self.children if c.status in (SUBMITTED, PARTIAL))

    @property
    def missing(self) -> list[Unit]:
        return [c.unit for c in self.children if c.status in (MISSING, DUPLICATE, HELD)]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.LOI for f in self.findings)

    def value(self, code: str, level: str = "tong") -> Number | None:
        return self.values.get((code, level))

    def totals(self) -> dict[str, dict[str, Number]]:
        """``{code: {level: value}}`` in catalogue order, missing values left out."""
        out: dict[str, dict[str, Number]] = {}
        for ind in load_catalogue():
            row = {lv: self.values[(ind.code, lv)] for lv in self.levels if (ind.code, lv) in self.values}
            if row:
                out[ind.code] = row
        return out

    @property
    def per_unit(self):
        """One row per child unit (pandas DataFrame): status, source file, every indicator."""
        import pandas as pd  # imported here: the roll-up itself does not need pandas

        codes = [i.code for i in load_catalogue() if not i.derived and i.agg != "none"]
        rows = []
        for child in self.children:
            row = {"ma_don_vi": child.unit.code, "ten_don_vi": child.unit.name,
                   "trang_thai": child.status, "tep": child.path, "sha256": child.sha256}
            row.update({code: _plain(child.total(code)) for code in codes})
            rows.append(row)
        return pd.DataFrame(rows, columns=["ma_don_vi", "ten_don_vi", "trang_thai", "tep",
                                           "sha256", *codes]).set_index("ma_don_vi")

    def to_dict(self) -> dict:
        def by_level(values):
            out: dict[str, dict] = {}
            for (code, level), v in values.items():
                out.setdefault(code, {})[level] = _plain(v) if not isinstance(v, Decimal) or \
                    v == int(v) else float(round(v, 6))
            return out
        return {
            "unit": self.unit.to_dict(), "period": str(self.period), "scheme": self.scheme,
            "levels": list(self.levels),
            "totals": by_level(self.values),
            "completeness": {"received": self.received, "expected": self.expected,
                             "missing": [u.to_dict() for u in self.missing],
                             "communes_received": self.leaf_received,
                             "communes_expected": self.leaf_expected},
            "counts": {c: {"x": x, "y": y} for c, (x, y) in self.counts.items()},
            "children": [{"unit": c.unit.code, "name": c.unit.name, "status": c.status,
                          "file": c.path, "sha256": c.sha256, "received": c.received,
                          "expected": c.expected} for c in self.children],
            "stated_totals": {c: _plain(v) for c, v in self.stated.items()},
            "previous_period": str(self.previous_period) if self.previous_period else None,
            "previous": by_level(self.previous),
            "previous_source": self.previous_source or None,
            "findings": [f.to_dict() for f in self.findings],
            "summary": {"loi": sum(f.severity is Severity.LOI for f in self.findings),
                        "canh_bao": sum(f.severity is Severity.CANH_BAO for f in self.findings),
                        "thong_tin": sum(f.severity is Severity.THONG_TIN for f in self.findings)},
        }
