"""Plain data shared by reading, checking, rolling up and reporting: submissions and findings."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum

Number = int | Decimal


class Severity(str, Enum):
    LOI = "loi"              # error: the figures cannot be used as they are
    CANH_BAO = "canh_bao"    # warning: look at it, it may be right
    THONG_TIN = "thong_tin"  # information

    @property
    def label(self) -> str:
        return {"loi": "Lỗi", "canh_bao": "Cảnh báo", "thong_tin": "Thông tin"}[self.value]


@dataclass(frozen=True)
class Provenance:
    """Where a value came from."""

    file: str
    sheet: str
    cell: str
    sha256: str = ""
    how: str = "stated"  # "stated" (typed or cached), "computed" (formula without cached value)


@dataclass(frozen=True)
class Finding:
    """One result of a check: data, not an exception."""

    rule: str
    severity: Severity
    message: str
    unit: str | None = None       # unit code
    unit_name: str | None = None
    file: str | None = None
    sheet: str | None = None
    cell: str | None = None
    left: Number | None = None
    right: Number | None = None

    @property
    def difference(self) -> Number | None:
        if self.left is None or self.right is None:
            return None
        return self.left - self.right

    def to_dict(self) -> dict:
        def num(v):
            return None if v is None else (int(v) if v == int(v) else float(v))
        return {
            "rule": self.rule, "severity": self.severity.value, "message": self.message,
            "unit": self.unit, "unit_name": self.unit_name, "file": self.file,
            "sheet": self.sheet, "cell": self.cell, "left": num(self.left),
            "right": num(self.right), "difference": num(self.difference),
        }


@dataclass
class Submission:
    """One filled form read from one file."""

    path: str
    sha256: str
    meta: dict[str, str]
    values: dict[tuple[str, str], Number] = field(default_factory=dict)  # (code, level) → value
    provenance: dict[tuple[str, str], Provenance] = field(default_factory=dict)
    stated: dict[tuple[str, str], Number] = field(default_factory=dict)  # derived cells as shown
    texts: dict[str, str] = field(default_factory=dict)
    info: dict[str, str] = field(default_factory=dict)
    # Input cells left blank, (code, level) → (sheet, cell): where a finding asks for a figure.
    blanks: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)

    @property
    def tier(self) -> str:
        return self.meta.get("tier", "")

    @property
    def scheme(self) -> str:
        return self.meta.get("scheme", "")

    @property
    def period(self) -> str:
        return self.meta.get("period", "")

    @property
    def unit_code(self) -> str:
        return self.meta.get("unit_code", "")

    @property
    def unit_name(self) -> str:
        return self.meta.get("unit_name", "")

    def value(self, code: str, level: str) -> Number | None:
        return self.values.get((code, level))

    def cell(self, code: str, level: str) -> str | None:
        p = self.provenance.get((code, level))
        return p.cell if p else None

    def to_dict(self) -> dict:
        return {
            "path": self.path, "sha256": self.sha256, "meta": dict(self.meta),
            "values": {f"{c}.{lv}": (int(v) if v == int(v) else float(v))
                       for (c, lv), v in sorted(self.values.items())},
            "texts": dict(self.texts), "info": dict(self.info),
        }


@dataclass
class FileResult:
    """What reading and checking one file gave: a submission (if readable) and its findings."""

    path: str
    submission: Submission | None
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False  # left out on purpose (not a form, or kh-excel's own output), with a note


@dataclass
class CheckReport:
    """Findings of a check run, grouped by file."""

    files: list[FileResult] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.files for f in r.findings]

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def has_errors(self) -> bool:
        return self.count(Severity.LOI) > 0

    def to_dict(self) -> dict:
        return {
            "files": [
                {"path": r.path,
                 "unit": r.submission.unit_code if r.submission else None,
                 "unit_name": r.submission.unit_name if r.submission else None,
                 "findings": [f.to_dict() for f in r.findings]}
                for r in self.files
            ],
            "summary": {
                "files": len(self.files),
                "loi": self.count(Severity.LOI),
                "canh_bao": self.count(Severity.CANH_BAO),
                "thong_tin": self.count(Severity.THONG_TIN),
            },
        }
