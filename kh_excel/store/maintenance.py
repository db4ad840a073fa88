"""``kh-excel store --verify`` and ``--backup``: the database's own check, the files it points
to, and a consistent copy made with SQLite's backup API."""
from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import StoreUnreadable
from .connection import Store, guard


@dataclass
class Verified:
    """What ``--verify`` found: the database's integrity, and the recorded files."""

    path: str
    integrity: list[str] = field(default_factory=list)   # "ok", or SQLite's messages
    files: int = 0
    missing: list[str] = field(default_factory=list)     # recorded files no longer there
    changed: list[str] = field(default_factory=list)     # there, but with other contents
    submissions: int = 0
    rollups: int = 0

    @property
    def ok(self) -> bool:
        return self.integrity == ["ok"]

    def to_dict(self) -> dict:
        return {"path": self.path, "ok": self.ok, "integrity": self.integrity,
                "files": self.files, "missing": self.missing, "changed": self.changed,
                "submissions": self.submissions, "rollups": self.rollups}


def verify(store: Store, check_files: bool = True) -> Verified:
    """SQLite's integrity check, the foreign keys, and each recorded file against its hash."""
    conn = store.conn
    out = Verified(str(store.path))
    with guard(store.path):
        out.integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        bad_keys = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad_keys:
            out.integrity.append(f"{len(bad_keys)} liên kết hỏng (foreign key)")
            if out.integrity[0] == "ok":
                out.integrity.pop(0)
        rows = conn.execute("SELECT path, sha256, size FROM files ORDER BY path").fetchall()
        out.submissions = conn.execute("SELECT count(*) FROM submissions").fetchone()[0]
        out.rollups = conn.execute("SELECT count(*) FROM rollups").fetchone()[0]
    out.files = len(rows)
    if check_files:
        for path, sha, size in rows:
            p = Path(path)
            try:
                if p.stat().st_size != size or _sha256(p) != sha:
                    out.changed.append(path)
            except OSError:
                out.missing.append(path)
    return out


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def backup(store: Store, target: Path) -> Path:
    """A consistent copy of the store (taken while others may write) into ``target``, atomically."""
    from ..outputs import write_atomic

    def write(tmp: Path) -> None:
        tmp.unlink(missing_ok=True)  # sqlite writes a fresh database file
        dest = sqlite3.connect(tmp)
        try:
            with guard(store.path):
                store.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dest.close()

    try:
        return write_atomic(target, write, force=False)
    except sqlite3.DatabaseError as exc:  # the target side
        raise StoreUnreadable(path=target, detail=str(exc), detail_en=str(exc)) from exc
