"""Values in and out of the store: exact numbers (integers, or decimals kept as text)."""
from __future__ import annotations

import sqlite3
from decimal import Decimal

from ..model import Number


def to_db(value: Number):
    """An int as an integer; a Decimal as an integer when whole, else as exact text."""
    if isinstance(value, int):
        return value
    return int(value) if value == value.to_integral_value() else str(value)


def from_db(value) -> Number | None:
    if value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    return Decimal(str(value))


class Codes:
    """Indicator codes as small integers (a value row carries an id, not the text)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids = dict(conn.execute("SELECT code, id FROM indicator_codes"))

    def id(self, code: str) -> int:
        found = self.ids.get(code)
        if found is None:
            found = self.conn.execute("INSERT INTO indicator_codes(code) VALUES (?)",
                                      (code,)).lastrowid
            self.ids[code] = found
        return found


def submission_values(conn: sqlite3.Connection, submission_id: int
                      ) -> dict[tuple[str, str], tuple[Number, str]]:
    """``{(code, level): (value, cell)}`` of one stored submission."""
    rows = conn.execute(
        "SELECT c.code, v.level, v.value, v.cell FROM vals v JOIN indicator_codes c "
        "ON c.id = v.indicator_id WHERE v.submission_id = ?", (submission_id,))
    return {(code, level): (from_db(value), cell) for code, level, value, cell in rows}
