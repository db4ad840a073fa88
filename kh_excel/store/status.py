"""The collection overview of one period: for each child unit, whether it has sent its form,
when, which version, the errors and warnings left, changes since the last roll-up, lateness."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from ..periods import Period
from ..units import Unit
from .queries import Stored, last_rollup_inputs, latest_of_units, local_date


@dataclass
class ChildStatus:
    """One child unit in the overview."""

    unit: Unit
    stored: Stored | None = None
    changed_since_rollup: bool | None = None   # None: no roll-up made yet
    late: bool = False

    @property
    def sent(self) -> bool:
        return self.stored is not None

    @property
    def received_day(self) -> date | None:
        """The day (the user's calendar) the form used was received."""
        return local_date(self.stored.received) if self.stored else None

    def to_dict(self) -> dict:
        s = self.stored
        return {"unit": self.unit.code, "name": self.unit.name, "sent": self.sent,
                "received": s.received if s else None, "version": s.version if s else None,
                "filled_in_by": s.nguoi_lap if s else None,
                "errors": s.errors if s else None, "warnings": s.warnings if s else None,
                "file": s.path if s else None,
                "changed_since_rollup": self.changed_since_rollup, "late": self.late}


@dataclass
class CollectionStatus:
    """The overview of ``unit`` for ``period``."""

    unit: Unit
    period: Period
    deadline: date | None
    children: list[ChildStatus] = field(default_factory=list)
    last_rollup: str | None = None                # when the last roll-up was made

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.children)

    @property
    def with_errors(self) -> int:
        return sum(1 for c in self.children if c.stored and c.stored.errors)

    @property
    def late(self) -> int:
        return sum(c.late for c in self.children)

    def summary(self, lang: str = "vi") -> str:
        """"14/17 đã gửi, 2 còn lỗi, 1 gửi muộn"."""
        n = len(self.children)
        if lang == "en":
            line = f"{self.sent}/{n} sent, {self.with_errors} with errors"
            return line + (f", {self.late} late" if self.deadline else "")
        line = f"{self.sent}/{n} đã gửi, {self.with_errors} còn lỗi"
        return line + (f", {self.late} gửi muộn" if self.deadline else "")

    def to_dict(self) -> dict:
        return {"unit": self.unit.to_dict(), "period": str(self.period),
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "last_rollup": self.last_rollup,
                "children": [c.to_dict() for c in self.children],
                "summary": {"expected": len(self.children), "sent": self.sent,
                            "with_errors": self.with_errors, "late": self.late}}


def collection_status(conn: sqlite3.Connection, unit: Unit, children: list[Unit],
                      period: Period, deadline: date | None = None) -> CollectionStatus:
    """Who has sent what for ``period``, from the store (one query for all the children)."""
    out = CollectionStatus(unit, period, deadline)
    latest = latest_of_units(conn, [c.code for c in children], str(period))
    last = last_rollup_inputs(conn, unit.code, str(period))
    if last:
        out.last_rollup = last[0]
    for child in children:
        found = latest.get(child.code)
        row = ChildStatus(child, found)
        if found is not None:
            if last is not None:
                row.changed_since_rollup = found.id not in last[1]
            row.late = deadline is not None and local_date(found.received) > deadline
        out.children.append(row)
    return out
