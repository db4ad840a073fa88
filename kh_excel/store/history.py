"""``history``: every stored period of a unit, the versions received and the values."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Number
from ..units import Unit
from .connection import guard, open_store
from .queries import Stored, unit_history
from .units import stored_unit


@dataclass
class UnitHistory:
    """A unit's stored submissions, by period then version."""

    unit: Unit
    indicator: str | None
    entries: list[Stored] = field(default_factory=list)

    def series(self, code: str, level: str = "tong") -> dict[str, Number]:
        """``{period: value}`` of an indicator from the latest version of each period."""
        out: dict[str, Number] = {}
        for e in self.entries:
            v = e.values.get((code, level))
            if v is None and level == "tong":
                v = e.values.get((code, self.unit.tier))
            if v is not None:
                out[e.period] = v
        return out

    def to_dict(self) -> dict:
        def plain(v):
            return int(v) if v == int(v) else float(v)
        entries = []
        for e in self.entries:
            d = e.to_dict()
            d["values"] = {f"{c}.{lv}": plain(v) for (c, lv), v in sorted(e.values.items())
                           if self.indicator is None or c == self.indicator}
            entries.append(d)
        return {"unit": self.unit.to_dict(), "indicator": self.indicator, "entries": entries}


def unit_history_view(*, unit: str, scheme: str | None, indicator: str | None,
                      parent: str | None, extra_units: str | os.PathLike | None,
                      store: Path) -> UnitHistory:
    """What the store holds about one unit."""
    if indicator is not None:
        from ..catalogue import load_catalogue
        from ..errors import UsageError

        if indicator not in {i.code for i in load_catalogue()}:
            raise UsageError(detail=f"Không có chỉ tiêu mã '{indicator}'. Xem danh sách mã bằng "
                                    "lệnh: kh-excel indicators",
                             detail_en=f"No indicator '{indicator}'. See: kh-excel indicators")
    found = stored_unit(unit, scheme, parent, extra_units, store)
    out = UnitHistory(found, indicator)
    db = open_store(store, create=False)
    if db is None:
        return out
    with db, guard(db.path):
        out.entries = [e for e in unit_history(db.conn, found.code)
                       if e.unit_code == found.code]
    return out
