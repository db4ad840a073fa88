"""Recording what a run read and made: files, submissions (with versions), values, findings,
roll-ups. Nothing is copied but figures; the files stay where the user keeps them."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..model import FileResult, Finding, Number, Severity, Submission
from .values import Codes, submission_values, to_db

ROLLUP, FORM = "rollup", "form"
MAX_SHOWN = 8  # changed cells named in a resubmission message; the rest are counted


@dataclass
class Planned:
    """What recording a submission will do: its version and what changed since the last one."""

    version: int
    supersedes: int | None
    note: Finding | None = None


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def kind_of(sub: Submission) -> str:
    return ROLLUP if sub.meta.get("kind") == ROLLUP else FORM


def known_files(conn: sqlite3.Connection, shas: list[str]) -> dict[str, int]:
    """``{sha256: file id}`` of the files already recorded."""
    out: dict[str, int] = {}
    for i in range(0, len(shas), 500):
        chunk = shas[i:i + 500]
        marks = ",".join("?" * len(chunk))
        out.update(conn.execute(f"SELECT sha256, id FROM files WHERE sha256 IN ({marks})", chunk))
    return out


def plan(conn: sqlite3.Connection, subs: list[Submission], lang: str = "vi",
         known: dict[str, int] | None = None) -> dict[str, Planned]:
    """Versions of the submissions not recorded yet (by SHA-256), with resubmission notes."""
    if known is None:
        known = known_files(conn, [s.sha256 for s in subs])
    groups: dict[tuple[str, str, str], list[Submission]] = {}
    for sub in subs:
        if sub.sha256 not in known and sub.unit_code and sub.period:
            groups.setdefault((sub.unit_code, sub.period, kind_of(sub)), []).append(sub)
    latest = _latest_versions(conn, sorted({k[0] for k in groups}))
    out: dict[str, Planned] = {}
    for key, group in groups.items():
        prev_id, prev_version = latest.get(key, (None, 0))
        prev_values = None
        # Two new files for one unit in one run: the older (by modification time) comes first.
        for sub in sorted(group, key=_mtime) if len(group) > 1 else group:
            if sub.sha256 in out:
                continue
            planned = Planned(prev_version + 1, prev_id)
            if prev_version:
                if prev_values is None:
                    prev_values = submission_values(conn, prev_id)
                planned.note = resubmission_note(sub, planned.version, prev_values, lang)
            out[sub.sha256] = planned
            if len(group) > 1:
                prev_id, prev_version, prev_values = None, planned.version, _with_cells(sub)
    return out


def _latest_versions(conn: sqlite3.Connection, units: list[str]
                     ) -> dict[tuple[str, str, str], tuple[int, int]]:
    """``{(unit, period, kind): (id, version)}`` of the latest stored version, for ``units``."""
    out: dict[tuple[str, str, str], tuple[int, int]] = {}
    for i in range(0, len(units), 500):
        chunk = units[i:i + 500]
        for unit, period, kind, sid, version in conn.execute(
                "SELECT unit_code, period, kind, id, version FROM submissions WHERE unit_code IN "
                f"({','.join('?' * len(chunk))})", chunk):
            key = (unit, period, kind)
            if version > out.get(key, (0, 0))[1]:
                out[key] = (sid, version)
    return out


def _mtime(sub: Submission) -> float:
    try:
        return os.stat(sub.path).st_mtime
    except OSError:
        return 0.0


def _with_cells(sub: Submission) -> dict[tuple[str, str], tuple[Number, str]]:
    return {k: (v, sub.cell(*k) or "") for k, v in sub.values.items()}


def resubmission_note(sub: Submission, version: int,
                      before: dict[tuple[str, str], tuple[Number, str]], lang: str) -> Finding:
    """"Xã Văn Vũ gửi lại (lần 2): 3 ô thay đổi so với lần trước — D8: 983 → 1.003; …"."""
    from ..catalogue import load_catalogue  # only for a resubmission: not on status's path
    from ..numfmt import format_number

    catalogue = load_catalogue()
    typed = {i.code for i in catalogue if not i.derived}
    after = {k: v for k, v in sub.values.items() if k[0] in typed}
    old = {k: v for k, (v, _c) in before.items() if k[0] in typed}
    changed = [k for k in {*after, *old} if after.get(k) != old.get(k)]
    cells = {k: sub.cell(*k) or before.get(k, (None, ""))[1] for k in changed}
    changed.sort(key=lambda k: _cell_order(cells[k]))

    def show(v):
        return "(trống)" if v is None and lang != "en" else "(blank)" if v is None \
            else format_number(v)
    parts = [f"{cells[k] or k[0]}: {show(old.get(k))} → {show(after.get(k))}"
             for k in changed[:MAX_SHOWN]]
    more = len(changed) - MAX_SHOWN
    name = sub.unit_name or sub.unit_code
    if lang == "en":
        text = (f"{name} sent again (version {version}): {len(changed)} cell(s) changed since the "
                f"last one — " + "; ".join(parts) + (f"; and {more} more" if more > 0 else "")
                if changed else f"{name} sent again (version {version}): no figure changed.")
    else:
        text = (f"{name} gửi lại (lần {version}): {len(changed)} ô thay đổi so với lần trước — "
                + "; ".join(parts) + (f"; và {more} ô khác" if more > 0 else "")
                if changed else f"{name} gửi lại (lần {version}): số liệu không thay đổi so với "
                "lần trước.")
    return Finding("gui_lai", Severity.THONG_TIN, text, unit=sub.unit_code, unit_name=name,
                   file=sub.path, left=version, right=len(changed))


def _cell_order(cell: str) -> tuple[int, str]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits) if digits else 0, cell)


def record_files(conn: sqlite3.Connection, files: list[FileResult], lang: str = "vi"
                 ) -> dict[str, tuple[int, Planned | None]]:
    """Record every file of a run (inside the caller's transaction, which holds the write lock:
    the ids are given here, so that every table is filled in one batch).

    Returns ``{sha256: (submission id, planned)}`` for the readable ones; ``planned`` is
    ``None`` for a file recorded by an earlier run."""
    stamp = now()
    files = [r for r in files if not r.skipped]  # not forms (a PDF sent instead): not recorded
    shas = {id(r): r.submission.sha256 if r.submission is not None else _sha256(r.path)
            for r in files}
    known = known_files(conn, [s for s in shas.values() if s])
    planned = plan(conn, [r.submission for r in files if r.submission is not None], lang, known)
    codes = Codes(conn)
    next_file = (conn.execute("SELECT max(id) FROM files").fetchone()[0] or 0) + 1
    next_sub = (conn.execute("SELECT max(id) FROM submissions").fetchone()[0] or 0) + 1
    out: dict[str, tuple[int, Planned | None]] = {}
    seen: set[str] = set()
    file_rows, sub_rows, findings, values = [], [], [], []
    for result in files:
        sub, sha = result.submission, shas[id(result)]
        if sha is None or sha in seen or sha in known:
            continue
        seen.add(sha)
        file_id, next_file = next_file, next_file + 1
        file_rows.append(_file_row(file_id, result.path, sha, stamp))
        findings += [(file_id, f.rule, f.severity.value, f.sheet, f.cell, f.message)
                     for f in result.findings if f.rule != "gui_lai"]
        if sub is None or sha not in planned:
            continue
        p = planned[sha]
        errors = sum(f.severity is Severity.LOI for f in result.findings)
        warnings = sum(f.severity is Severity.CANH_BAO for f in result.findings)
        sub_id, next_sub = next_sub, next_sub + 1
        sub_rows.append(_submission_row(sub_id, codes, sub, file_id, p, stamp, errors,
                                        warnings))
        values += _value_rows(sub_id, codes, sub)
        out[sha] = (sub_id, p)
    conn.executemany(f"INSERT INTO files(id, {_FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     file_rows)
    conn.executemany(f"INSERT INTO submissions(id, {_SUBMISSION_COLUMNS}) VALUES "
                     f"({_SUBMISSION_MARKS})", sub_rows)
    conn.executemany("INSERT INTO findings(file_id, rule, severity, sheet, cell, message) "
                     "VALUES (?, ?, ?, ?, ?, ?)", findings)
    conn.executemany(_VALUES_SQL, values)
    if known:  # seen again: recorded once, but the office may want to know when
        ids = list(known.values())
        conn.executemany("UPDATE files SET last_seen = ? WHERE id = ?", [(stamp, i) for i in ids])
        by_file = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            by_file.update(conn.execute(
                f"SELECT file_id, id FROM submissions WHERE file_id IN ({','.join('?' * len(chunk))})",
                chunk))
        for sha, file_id in known.items():
            if file_id in by_file:
                out[sha] = (by_file[file_id], None)
    return out


_FILE_COLUMNS = "sha256, path, size, mtime, first_seen, last_seen"
_SUBMISSION_COLUMNS = ("file_id, kind, unit_code, unit_name, parent_code, tier, period, scheme, "
                       "template_version, version, supersedes, received, nguoi_lap, chuc_vu, "
                       "dien_thoai, ngay_lap, errors, warnings, packed")
_SUBMISSION_MARKS = ", ".join("?" * 20)
_VALUES_SQL = ("INSERT INTO vals(submission_id, indicator_id, level, value, cell) "
               "VALUES (?, ?, ?, ?, ?)")


def _submission_row(sub_id: int | None, codes: Codes, sub: Submission, file_id: int,
                    p: Planned, stamp: str, errors: int, warnings: int,
                    kind: str | None = None) -> tuple:
    info, meta = sub.info, sub.meta
    return (sub_id, file_id, kind or kind_of(sub), sub.unit_code, sub.unit_name,
            meta.get("parent_code", ""), sub.tier, sub.period, sub.scheme,
            meta.get("template_version", ""), p.version, p.supersedes, stamp,
            info.get("nguoi_lap", ""), info.get("chuc_vu", ""), info.get("dien_thoai", ""),
            info.get("ngay_lap", ""), errors, warnings, pack(sub.values, codes))


def pack(values, codes: Codes) -> str:
    """The values as one JSON object keyed by indicator id and level: ``{"2.xa": 820, …}``
    (ids, not codes: a third of the size)."""
    ids, ident = codes.ids, codes.id
    return json.dumps({f"{ids.get(c) or ident(c)}.{lv}": v if type(v) is int else to_db(v)
                       for (c, lv), v in values.items()}, separators=(",", ":"))


def _value_rows(sub_id: int, codes: Codes, sub: Submission) -> list[tuple]:
    ids, ident, prov = codes.ids, codes.id, sub.provenance
    rows = []
    for key, v in sub.values.items():
        code = key[0]
        where = prov.get(key)
        rows.append((sub_id, ids.get(code) or ident(code), key[1],
                     v if type(v) is int else to_db(v), where.cell if where else ""))
    return rows


def insert_submission(conn: sqlite3.Connection, codes: Codes, sub: Submission, file_id: int,
                      p: Planned, stamp: str, errors: int = 0, warnings: int = 0,
                      kind: str | None = None) -> int:
    """Insert one submission and its values; returns its id."""
    row = _submission_row(None, codes, sub, file_id, p, stamp, errors, warnings, kind)
    sub_id = conn.execute(f"INSERT INTO submissions(id, {_SUBMISSION_COLUMNS}) VALUES "
                          f"({_SUBMISSION_MARKS})", row).lastrowid
    conn.executemany(_VALUES_SQL, _value_rows(sub_id, codes, sub))
    return sub_id


def _file_row(file_id: int | None, path: str, sha: str, stamp: str) -> tuple:
    try:
        st = os.stat(path)
        size, mtime = st.st_size, datetime.fromtimestamp(st.st_mtime, timezone.utc).isoformat(
            timespec="seconds")
    except OSError:
        size, mtime = 0, ""
    return (file_id, sha, os.path.abspath(path), size, mtime, stamp, stamp)


def _insert_file(conn: sqlite3.Connection, path: str, sha: str, stamp: str) -> int:
    return conn.execute(f"INSERT INTO files(id, {_FILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        _file_row(None, path, sha, stamp)).lastrowid


def _sha256(path: str) -> str | None:
    """The hash of an unreadable file, for the record; None for what is not a regular file
    (a device, a FIFO: never read) or cannot be opened."""
    import stat

    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        return h.hexdigest()
    except OSError:
        return None
