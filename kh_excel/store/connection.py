"""Opening the store: where it lives, WAL, the busy timeout, the schema version, and refusing a
file that is not a kh-excel store (corrupt, truncated, or written by a newer kh-excel).

A store that cannot be used is never recreated or overwritten: the user gets
:class:`~kh_excel.errors.StoreUnreadable` (exit 3) and the file is left as it was.
"""
from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreNotWritable, StoreUnreadable
from . import schema

ENV = "KH_EXCEL_STORE"
FILE_NAME = "kh-excel.sqlite"
APPLICATION_ID = 0x4B484558      # "KHEX": tells our database from any other SQLite file
HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 60              # another kh-excel writing: wait, never "database is locked"


def default_path() -> Path:
    """``KH_EXCEL_STORE`` if set, else ``kh-excel/kh-excel.sqlite`` in the user's data folder."""
    if os.environ.get(ENV):
        return Path(os.environ[ENV])
    from platformdirs import user_data_dir  # only when the store is used at all

    return Path(user_data_dir("kh-excel", appauthor=False)) / FILE_NAME


class Store:
    """An open store: one connection, transactions taken explicitly."""

    def __init__(self, path: Path, conn: sqlite3.Connection, created: bool) -> None:
        self.path = path
        self.conn = conn
        self.created = created

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is recorded, or nothing."""
        with guard(self.path):
            self.conn.execute("BEGIN IMMEDIATE")  # take the write lock now: no upgrade deadlock
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@contextmanager
def guard(path: Path) -> Iterator[None]:
    """Turn SQLite's errors about the file into :class:`StoreUnreadable`."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "read-only" in str(exc):
            raise StoreNotWritable(path=path, detail="tệp hoặc thư mục chỉ cho đọc.",
                                   detail_en="the file or folder is read-only.") from exc
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreUnreadable(
                path=path, detail=f"một chương trình khác giữ kho quá {BUSY_TIMEOUT_S} giây.",
                detail_en=f"another program held the store for over {BUSY_TIMEOUT_S} seconds.") from exc
        raise _unreadable(path, exc) from exc
    except sqlite3.DatabaseError as exc:
        raise _unreadable(path, exc) from exc


def _unreadable(path: Path, exc: Exception) -> StoreUnreadable:
    return StoreUnreadable(path=path, detail=f"tệp hỏng hoặc không phải cơ sở dữ liệu ({exc}).",
                           detail_en=f"the file is damaged or not a database ({exc}).")


def open_store(path: str | os.PathLike | None = None, *, create: bool = True) -> Store | None:
    """Open (and, with ``create``, make) the store; ``None`` when it does not exist and
    ``create`` is false."""
    path = Path(path) if path is not None else default_path()
    exists = path.exists()
    if not exists and not create:
        return None
    if exists:
        _check_file(path)
    else:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _cannot_create(path, exc) from exc
    try:
        with guard(path):
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            try:
                _prepare(conn, path, exists)
            except BaseException:
                conn.close()
                raise
    except StoreUnreadable as exc:
        cause = exc.__cause__
        if not exists and isinstance(cause, sqlite3.OperationalError):
            raise _cannot_create(path, cause) from cause
        raise
    return Store(path, conn, created=not exists)


def _cannot_create(path: Path, exc: Exception) -> StoreNotWritable:
    why = getattr(exc, "strerror", None) or str(exc)
    return StoreNotWritable(path=path, detail=f"không tạo được tệp hay thư mục của kho (hệ thống "
                            f"báo: {why}).", detail_en=f"the file or its folder cannot be made "
                            f"({why}).")


def _check_file(path: Path) -> None:
    """Refuse what is plainly not our database before SQLite touches it."""
    try:
        head, size = _head(path)
        # An empty file may be a store another kh-excel is creating this very moment: its
        # first transaction is in the write-ahead log until the log is copied into the file.
        for _ in range(100):
            if size:
                break
            if _wal_size(path):
                return
            time.sleep(0.05)
            head, size = _head(path)
    except OSError as exc:
        raise StoreUnreadable(path=path, detail=f"không mở được tệp ({exc.strerror}).",
                              detail_en=f"cannot open the file ({exc.strerror}).") from exc
    if len(head) < 100 or not head.startswith(HEADER):
        raise StoreUnreadable(path=path, detail="tệp không phải cơ sở dữ liệu SQLite (phần đầu tệp "
                              "sai hoặc tệp rỗng).",
                              detail_en="the file is not an SQLite database (bad or empty header).")
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    # The page count in the header is valid when the change counters agree (SQLite ≥ 3.7).
    if head[24:28] == head[92:96] and pages and size < pages * page_size:
        raise StoreUnreadable(
            path=path, detail=f"tệp bị cắt cụt ({size:,} byte, cần {pages * page_size:,} byte).",
            detail_en=f"the file is truncated ({size:,} bytes of {pages * page_size:,}).")


def _wal_size(path: Path) -> int:
    try:
        return os.stat(f"{path}-wal").st_size
    except OSError:
        return 0


def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL mode (persistent: set once by whoever creates the store). Changing the mode does not
    wait on the busy timeout, so a run that meets another one creating the store retries."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _head(path: Path) -> tuple[bytes, int]:
    with open(path, "rb") as f:
        head = f.read(100)
    return head, path.stat().st_size


def _prepare(conn: sqlite3.Connection, path: Path, exists: bool) -> None:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if exists:
        tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if app_id != APPLICATION_ID and (tables or version):
            raise StoreUnreadable(path=path, detail="đây là cơ sở dữ liệu SQLite khác, không phải "
                                  "kho lịch sử của kh-excel.",
                                  detail_en="this is another SQLite database, not a kh-excel store.")
    if version > schema.VERSION:
        raise StoreUnreadable(
            path=path, detail=f"kho do kh-excel mới hơn tạo (lược đồ phiên bản {version}; bản này "
            f"đọc được đến {schema.VERSION}). Hãy cập nhật kh-excel.",
            detail_en=f"it was written by a newer kh-excel (schema {version}; this one knows up "
                      f"to {schema.VERSION}). Update kh-excel.")
    _use_wal(conn)
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL keeps it consistent; NORMAL is durable enough
    conn.execute("PRAGMA foreign_keys = ON")
    if version < schema.VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated it while we waited for the lock.
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version < schema.VERSION:
                schema.migrate(conn, version)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
