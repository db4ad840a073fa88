"""The history store: every form received and every roll-up made, in one SQLite file.

    from kh_excel.store import open_store
    with open_store("kh-excel.sqlite") as store:
        ...

Modules: :mod:`.connection` (where it lives, opening, refusing what it cannot use),
:mod:`.schema` (tables and migrations), :mod:`.values` (exact numbers in and out),
:mod:`.record` and :mod:`.rollups` (what a run writes), :mod:`.queries` (what the commands
read), :mod:`.yoy` (last period from the store), :mod:`.outliers` (ranges learned from
history), :mod:`.status` and :mod:`.wall` (the collection overview), :mod:`.history`,
:mod:`.export`, :mod:`.units` (which scheme a name means), :mod:`.maintenance` (verify, backup).
"""
from .connection import ENV, Store, default_path, open_store

__all__ = ["ENV", "Store", "default_path", "open_store"]
