"""The store's tables, and the forward migrations from one schema version to the next.

``PRAGMA user_version`` holds the version. Migrations only ever add: a database written by an
older kh-excel is brought forward in one transaction; one written by a newer kh-excel is refused.
"""
from __future__ import annotations

import sqlite3

# Version 1: the first schema, as shipped. Kept verbatim: a test builds it and migrates forward.
SCHEMA_1 = """
CREATE TABLE files (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime TEXT NOT NULL,
    first_seen TEXT NOT NULL
);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL UNIQUE REFERENCES files(id),
    kind TEXT NOT NULL,                -- 'form' (a unit's form) or 'rollup' (a roll-up workbook)
    unit_code TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    parent_code TEXT NOT NULL,
    tier TEXT NOT NULL,
    period TEXT NOT NULL,
    scheme TEXT NOT NULL,
    template_version TEXT NOT NULL,
    version INTEGER NOT NULL,          -- 1, 2, … for one unit, period and kind
    supersedes INTEGER REFERENCES submissions(id),
    received TEXT NOT NULL,
    nguoi_lap TEXT NOT NULL DEFAULT '',
    chuc_vu TEXT NOT NULL DEFAULT '',
    dien_thoai TEXT NOT NULL DEFAULT '',
    ngay_lap TEXT NOT NULL DEFAULT '',
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX submissions_unit ON submissions(unit_code, period, kind, version);
CREATE INDEX submissions_parent ON submissions(parent_code, period);
CREATE TABLE indicator_codes (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE
);
CREATE TABLE vals (
    submission_id INTEGER NOT NULL,
    indicator_id INTEGER NOT NULL,
    level TEXT NOT NULL,
    value,                             -- an integer, or an exact decimal as text
    cell TEXT NOT NULL,
    PRIMARY KEY (submission_id, indicator_id, level)
) WITHOUT ROWID;
CREATE TABLE findings (
    file_id INTEGER NOT NULL REFERENCES files(id),
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    sheet TEXT,
    cell TEXT,
    message TEXT NOT NULL
);
CREATE INDEX findings_file ON findings(file_id);
CREATE TABLE rollups (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    made_at TEXT NOT NULL,
    received INTEGER NOT NULL,
    expected INTEGER NOT NULL,
    previous_submission INTEGER REFERENCES submissions(id)
);
CREATE TABLE rollup_inputs (
    rollup_id INTEGER NOT NULL REFERENCES rollups(id),
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    PRIMARY KEY (rollup_id, submission_id)
) WITHOUT ROWID;
"""

# Version 2: when a file was last seen (a file seen again is not recorded again, but the office
# wants to know it was sent again), and a look-up of the roll-ups that used a submission.
MIGRATION_2 = """
ALTER TABLE files ADD COLUMN last_seen TEXT;
UPDATE files SET last_seen = first_seen;
CREATE INDEX rollup_inputs_submission ON rollup_inputs(submission_id);
"""

# Version 3: each submission's values also packed as one JSON object keyed by indicator id and
# level ({"2.xa": 820, …}),
# so that reading the history of thousands of units at once (outliers) reads one row per form
# instead of forty. Filled in for the submissions already stored.
MIGRATION_3 = """
ALTER TABLE submissions ADD COLUMN packed TEXT;
UPDATE submissions SET packed = (
    SELECT json_group_object(v.indicator_id || '.' || v.level, v.value)
    FROM vals v WHERE v.submission_id = submissions.id);
"""

MIGRATIONS = {1: SCHEMA_1, 2: MIGRATION_2, 3: MIGRATION_3}
VERSION = max(MIGRATIONS)


def migrate(conn: sqlite3.Connection, current: int) -> None:
    """Bring a database at ``current`` to :data:`VERSION` inside the caller's transaction."""
    for version in range(current + 1, VERSION + 1):
        for statement in MIGRATIONS[version].split(";"):
            if statement.strip():
                conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {VERSION}")
