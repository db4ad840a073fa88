"""Which unit of which scheme a name means, when the periods asked about may be of either."""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import KhError
from ..periods import SCHEMES
from ..units import Unit
from .connection import guard, open_store


def stored_unit(query: str, scheme: str | None, parent: str | None,
                extra_units: str | os.PathLike | None, store: Path,
                as_parent: bool = False) -> Unit:
    """The unit named ``query``: in ``scheme`` if given, else in the scheme where the store
    holds something for it (the newer scheme when both or neither do)."""
    from ..registry import load_registry

    found: list[Unit] = []
    first_error: KhError | None = None
    for name in ([scheme] if scheme else list(reversed(SCHEMES))):
        try:
            found.append(load_registry(name, extra_units).find(query, parent=parent,
                                                               as_parent=as_parent))
        except KhError as exc:
            first_error = first_error or exc
    if not found:
        raise first_error  # type: ignore[misc]
    if len(found) == 1:
        return found[0]
    db = open_store(store, create=False)
    if db is None:
        return found[0]
    with db, guard(db.path):
        for unit in found:
            if db.conn.execute("SELECT 1 FROM submissions WHERE scheme = ? AND (unit_code = ? OR "
                               "parent_code = ?) LIMIT 1", (unit.scheme, unit.code, unit.code)
                               ).fetchone():
                return unit
    return found[0]
