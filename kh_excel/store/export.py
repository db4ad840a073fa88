"""``export``: every stored value of every child unit, as one flat table (pandas) for analysts."""
from __future__ import annotations

import os
from pathlib import Path

from ..catalogue import load_catalogue
from ..periods import Period, scheme_for
from .connection import guard, open_store
from .queries import latest_forms
from .units import stored_unit

FIXED = ["ma_don_vi", "ten_don_vi", "ky", "lan_gui", "ngay_nhan", "tep", "sha256"]


def export_table(*, unit: str, periods: list[str], scheme: str | None, long: bool,
                 labels: bool, extra_units: str | os.PathLike | None, store: Path):
    """The latest stored form of each child unit for each period, one row per form (or per
    value with ``long``); columns are indicator codes (``hoi_vien.xa``) or labels."""
    import pandas as pd

    from ..registry import load_registry

    if periods:
        periods = [str(Period.parse(p)) for p in periods]
        scheme = scheme_for(Period.parse(periods[0]), scheme)
    owner = stored_unit(unit, scheme, None, extra_units, store, as_parent=True)
    children = load_registry(owner.scheme, extra_units).children(owner)
    codes = [c.code for c in children] or [owner.code]
    db = open_store(store, create=False)
    forms = []
    if db is not None:
        with db, guard(db.path):
            forms = [f for f in latest_forms(db.conn, codes, periods or None)]
    catalogue = load_catalogue()
    order = {ind.code: n for n, ind in enumerate(catalogue)}
    names = {ind.code: ind.label for ind in catalogue}
    if long:
        rows = [{"ma_don_vi": f.unit_code, "ten_don_vi": f.unit_name, "ky": f.period,
                 "lan_gui": f.version, "chi_tieu": names.get(c, c) if labels else c,
                 "cap": lv, "gia_tri": _plain(v)}
                for f in forms for (c, lv), v in sorted(f.values.items(),
                                                        key=lambda kv: order.get(kv[0][0], 999))]
        return pd.DataFrame(rows, columns=["ma_don_vi", "ten_don_vi", "ky", "lan_gui",
                                           "chi_tieu", "cap", "gia_tri"])
    keys = sorted({k for f in forms for k in f.values}, key=lambda k: (order.get(k[0], 999), k[1]))
    column = {k: (f"{names.get(k[0], k[0])} ({k[1]})" if labels else f"{k[0]}.{k[1]}")
              for k in keys}
    rows = []
    for f in forms:
        row = {"ma_don_vi": f.unit_code, "ten_don_vi": f.unit_name, "ky": f.period,
               "lan_gui": f.version, "ngay_nhan": f.received, "tep": f.path, "sha256": f.sha256}
        row.update({column[k]: _plain(v) for k, v in f.values.items()})
        rows.append(row)
    return pd.DataFrame(rows, columns=[*FIXED, *column.values()])


def _plain(v):
    return int(v) if v == int(v) else float(v)
