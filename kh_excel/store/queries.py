"""Reading the store: last period of a unit, the collection status of a period, a unit's
history, and every stored value for export."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime

from ..model import Number
from ..periods import Period
from .record import FORM, ROLLUP
from .values import submission_values


@dataclass
class Stored:
    """One stored submission (a unit's form, or a roll-up workbook) with where it came from."""

    id: int
    kind: str
    unit_code: str
    unit_name: str
    period: str
    version: int
    received: str
    path: str
    sha256: str
    errors: int = 0
    warnings: int = 0
    nguoi_lap: str = ""
    values: dict[tuple[str, str], Number] = field(default_factory=dict)

    def describe(self, lang: str = "vi") -> str:
        """Which stored file this is, for the console, the workbook and the report's trace."""
        what = ("roll-up" if self.kind == ROLLUP else "form") if lang == "en" else \
            ("bản tổng hợp" if self.kind == ROLLUP else "biểu")
        when = self.received[:10]
        if lang == "en":
            return f"stored {what} of {self.unit_name}, {self.period} (version {self.version}, " \
                   f"recorded {when}): {self.path}"
        return f"{what} {self.unit_name} kỳ {self.period} trong kho lịch sử (lần {self.version}, " \
               f"ghi nhận {when}): {self.path}"

    def to_dict(self) -> dict:
        return {"id": self.id, "kind": self.kind, "unit": self.unit_code, "name": self.unit_name,
                "period": self.period, "version": self.version, "received": self.received,
                "file": self.path, "sha256": self.sha256, "errors": self.errors,
                "warnings": self.warnings, "filled_in_by": self.nguoi_lap}


_SELECT = ("SELECT s.id, s.kind, s.unit_code, s.unit_name, s.period, s.version, s.received, "
           "f.path, f.sha256, s.errors, s.warnings, s.nguoi_lap FROM submissions s "
           "JOIN files f ON f.id = s.file_id ")


def _stored(row) -> Stored:
    return Stored(*row)


def previous_period(period: Period) -> Period:
    """The period a period is compared with: the year before, or the same half a year before."""
    return Period(period.year - 1, period.half)


def stored_totals(conn: sqlite3.Connection, unit_code: str, scheme: str, period: Period,
                  own_level: str) -> Stored | None:
    """The unit's figures for ``period``: its latest stored roll-up, else its latest complete
    form (one with figures for the levels below, not only its own-level column)."""
    rows = conn.execute(
        _SELECT + "WHERE s.unit_code = ? AND s.period = ? AND s.scheme = ? "
        "ORDER BY s.kind = ? DESC, s.received DESC, s.id DESC", (unit_code, str(period), scheme,
                                                                 ROLLUP)).fetchall()
    for row in rows:
        found = _stored(row)
        found.values = {k: v for k, (v, _c) in submission_values(conn, found.id).items()}
        if found.kind == ROLLUP or own_level == "xa" or \
                any(lv not in (own_level, "tong") for _c, lv in found.values):
            return found
    return None


def latest_of_units(conn: sqlite3.Connection, codes: list[str], period: str
                    ) -> dict[str, Stored]:
    """The latest stored form (any kind) of each unit in ``codes`` for ``period``."""
    out: dict[str, Stored] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(_SELECT + f"WHERE s.unit_code IN ({marks}) AND s.period = ? "
                                "ORDER BY s.received, s.id", (*chunk, period)):
            out[row[2]] = _stored(row)  # later rows win
    return out


def last_rollup_inputs(conn: sqlite3.Connection, unit_code: str, period: str
                       ) -> tuple[str, set[int]] | None:
    """When the unit's last roll-up for ``period`` was made, and the submissions it used."""
    row = conn.execute(
        "SELECT r.id, r.made_at FROM rollups r JOIN submissions s ON s.id = r.submission_id "
        "WHERE s.unit_code = ? AND s.period = ? ORDER BY r.id DESC LIMIT 1",
        (unit_code, period)).fetchone()
    if row is None:
        return None
    used = {sid for (sid,) in conn.execute(
        "SELECT submission_id FROM rollup_inputs WHERE rollup_id = ?", (row[0],))}
    return row[1], used


def unit_history(conn: sqlite3.Connection, unit_code: str) -> list[Stored]:
    """Every stored submission of a unit, by period then version, with its values."""
    out = []
    for row in conn.execute(_SELECT + "WHERE s.unit_code = ? ORDER BY s.period, s.kind, "
                            "s.version", (unit_code,)).fetchall():
        found = _stored(row)
        found.values = {k: v for k, (v, _c) in submission_values(conn, found.id).items()}
        out.append(found)
    return out


def latest_forms(conn: sqlite3.Connection, codes: list[str], periods: list[str] | None
                 ) -> list[Stored]:
    """The latest version of each unit's form for each period (all stored periods if none)."""
    out: dict[tuple[str, str], Stored] = {}
    for i in range(0, len(codes), 500):
        chunk = codes[i:i + 500]
        marks = ",".join("?" * len(chunk))
        sql = _SELECT + f"WHERE s.unit_code IN ({marks}) AND s.kind = ?"
        args: list = [*chunk, FORM]
        if periods:
            sql += f" AND s.period IN ({','.join('?' * len(periods))})"
            args += periods
        for row in conn.execute(sql + " ORDER BY s.version, s.id", args):
            found = _stored(row)
            out[(found.unit_code, found.period)] = found
    for found in out.values():
        found.values = {k: v for k, (v, _c) in submission_values(conn, found.id).items()}
    return sorted(out.values(), key=lambda s: (s.period, s.unit_code))


def local_date(stamp: str) -> date:
    """A recorded UTC time as the user's calendar day."""
    return datetime.fromisoformat(stamp).astimezone().date()


def versions_by_hash(conn: sqlite3.Connection, period: str) -> dict[str, int]:
    """``{sha256: version}`` of the submissions stored for ``period``."""
    return dict(conn.execute("SELECT f.sha256, s.version FROM submissions s JOIN files f "
                             "ON f.id = s.file_id WHERE s.period = ?", (period,)))
