"""Recording a roll-up made: its inputs, totals, output path and hash, and the stored roll-up of
last period that it was compared with."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from ..forms import layout as L
from ..model import Provenance, Submission
from .record import ROLLUP, Codes, Planned, insert_submission, known_files, now, plan, \
    record_files, _insert_file


def rollup_submission(result, path: str, sha: str) -> Submission:
    """The roll-up workbook as a submission of its unit: the totals by level, with their cells."""
    unit, parent = result.unit, result.parent
    meta = {"kind": ROLLUP, "unit_code": unit.code, "unit_name": unit.name,
            "parent_code": parent.code if parent else "", "tier": unit.tier,
            "period": str(result.period), "scheme": result.scheme,
            "template_version": str(L.TEMPLATE_VERSION)}
    sub = Submission(path=path, sha256=sha, meta=meta, values=dict(result.values))
    for vc in L.form_layout(unit.tier, result.scheme).cells:
        if (vc.code, vc.level) in sub.values:
            sub.provenance[(vc.code, vc.level)] = Provenance(path, "Biểu số liệu", vc.ref, sha)
    return sub


def record_rollup(conn: sqlite3.Connection, result, output: Path, sha: str,
                  previous_id: int | None = None, lang: str = "vi") -> int:
    """Record the files read and the roll-up written (inside the caller's transaction)."""
    recorded = record_files(conn, result.files, lang)
    sub = rollup_submission(result, str(output), sha)
    stamp = now()
    file_id = known_files(conn, [sha]).get(sha)
    if file_id is None:
        file_id = _insert_file(conn, str(output), sha, stamp)
    found = conn.execute("SELECT id FROM submissions WHERE file_id = ?", (file_id,)).fetchone()
    if found:  # the very same workbook again (same bytes): nothing new to say
        sub_id = found[0]
    else:
        p = plan(conn, [sub], lang).get(sha) or Planned(1, None)
        errors = sum(f.severity.value == "loi" for f in result.findings)
        warnings = sum(f.severity.value == "canh_bao" for f in result.findings)
        sub_id = insert_submission(conn, Codes(conn), sub, file_id, p, stamp, errors, warnings)
    rollup_id = conn.execute(
        "INSERT INTO rollups(submission_id, made_at, received, expected, previous_submission) "
        "VALUES (?, ?, ?, ?, ?)",
        (sub_id, stamp, result.received, result.expected, previous_id)).lastrowid
    period = str(result.period)
    inputs = {sid for r in result.files if r.submission is not None
              and r.submission.period == period and r.submission.sha256 in recorded
              for sid in [recorded[r.submission.sha256][0]]}
    conn.executemany("INSERT INTO rollup_inputs(rollup_id, submission_id) VALUES (?, ?)",
                     [(rollup_id, sid) for sid in sorted(inputs)])
    return rollup_id
