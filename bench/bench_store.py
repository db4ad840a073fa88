"""Benchmark of the history store at national scale, and what recording costs a roll-up.

    python bench/bench_store.py                    # 100,000 forms, then the roll-up overhead
    python bench/bench_store.py --forms 2000 --no-rollup   # smoke run

1. A store of 100,000 commune forms: 10,000 communes (the 3,321 of the two-tier scheme, then
   legacy communes) × 10 periods, each form with the 40 values of a real commune form (their
   indicators, levels and cells) and random figures. Forms go in through the store's own
   ``insert_submission`` in one transaction per period, not through the form reader (reading is
   measured by bench_scale.py). Measured: insert time per form, database size, ``status`` of
   Thành phố Hồ Chí Minh (168 communes; in-process and as a ``kh-excel status`` process), one
   unit's year-over-year look-up, a national per-indicator sum for one period.
2. The national roll-up of 3,321 forms (bench_scale.py's forms, kept in bench/out/3321), in one
   process (``app.rollup`` + ``app.write_rollup``), runs interleaved because the machine is
   shared: without a store, into a fresh store (every file new: the worst case), again into
   that store (every file known), and into a store holding the five years before (figures ±5%:
   outliers read from it). The store's own part (reading before, recording after) is timed
   directly and given as a share of the roll-up without a store. Best of ``--repeat`` runs.
"""
from __future__ import annotations

import argparse
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from kh_excel import app  # noqa: E402
from kh_excel.model import Submission  # noqa: E402
from kh_excel.periods import LEGACY, TWO_TIER  # noqa: E402
from kh_excel.reading import read_form  # noqa: E402
from kh_excel.registry import load_registry  # noqa: E402
from kh_excel.store import open_store  # noqa: E402
from kh_excel.store.record import Codes, Planned, insert_submission  # noqa: E402
from kh_excel.store.yoy import find_previous  # noqa: E402
from kh_excel.periods import Period  # noqa: E402

PERIODS = [str(y) for y in range(2016, 2026)]
PROVINCE = "Thành phố Hồ Chí Minh"
SAMPLE = ROOT / "examples" / "na-ri-2023" / "2023_02137_xa-van-vu.xlsx"


def communes(n: int):
    two = [u for u in load_registry(TWO_TIER) if u.tier == "xa" and not u.extra]
    legacy = [u for u in load_registry(LEGACY) if u.tier == "xa" and not u.extra]
    return (sorted(two, key=lambda u: u.code) + sorted(legacy, key=lambda u: u.code))[:n]


def fill_store(path: Path, units, periods) -> tuple[float, int]:
    """Insert len(units) × len(periods) forms; returns (seconds, forms)."""
    sample = read_form(SAMPLE).submission
    keys = list(sample.values)
    provenance = sample.provenance  # the same cells for every form: shared, not copied
    rng = random.Random(1)
    made = 0
    start = time.perf_counter()
    with open_store(path) as db:
        for period in periods:
            with db.transaction() as conn:
                codes = Codes(conn)
                rows = []
                for n, unit in enumerate(units):
                    rows.append((f"{period}-{unit.scheme}-{unit.code}", f"/nop/{period}/{n}.xlsx",
                                 40_000, "", "2024-01-05T08:00:00+00:00",
                                 "2024-01-05T08:00:00+00:00"))
                conn.executemany("INSERT INTO files(sha256, path, size, mtime, first_seen, "
                                 "last_seen) VALUES (?, ?, ?, ?, ?, ?)", rows)
                first = conn.execute("SELECT min(id) FROM files WHERE path LIKE ?",
                                     (f"/nop/{period}/%",)).fetchone()[0]
                for n, unit in enumerate(units):
                    meta = {"unit_code": unit.code, "unit_name": unit.name,
                            "parent_code": unit.parent_code or "", "tier": "xa",
                            "period": period, "scheme": unit.scheme, "template_version": "1"}
                    values = {k: rng.randrange(1, 5000) for k in keys}
                    sub = Submission(rows[n][1], rows[n][0], meta, values, provenance)
                    insert_submission(conn, codes, sub, first + n, Planned(1, None),
                                      "2024-01-05T08:00:00+00:00", 0, rng.random() < 0.1)
                    made += 1
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return time.perf_counter() - start, made


def history_of(path: Path, subs, years: list[int]) -> None:
    """Past periods for the units of ``subs``: their figures give or take 5%, one form each."""
    rng = random.Random(2)
    with open_store(path) as db, db.transaction() as conn:
        codes = Codes(conn)
        for year in years:
            for n, sub in enumerate(subs):
                sha = f"past-{year}-{n}"
                file_id = conn.execute("INSERT INTO files(sha256, path, size, mtime, first_seen, "
                                       "last_seen) VALUES (?, ?, 0, '', '', '')",
                                       (sha, f"/cu/{year}/{n}.xlsx")).lastrowid
                meta = dict(sub.meta, period=str(year))
                values = {k: int(v * rng.uniform(0.95, 1.05)) for k, v in sub.values.items()}
                old = Submission(f"/cu/{year}/{n}.xlsx", sha, meta, values, sub.provenance)
                insert_submission(conn, codes, old, file_id, Planned(1, None), "2024-01-05")
    with open_store(path) as db:  # as a store written over past years would be: checkpointed
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def best(repeat: int, fn) -> float:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return min(out)


def store_figures(n_forms: int, repeat: int) -> None:
    per_period = max(1, n_forms // len(PERIODS))
    units = communes(per_period)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "kh-excel.sqlite"
        seconds, made = fill_store(path, units, PERIODS)
        size = path.stat().st_size
        with sqlite3.connect(path) as conn:
            rows = conn.execute("SELECT count(*) FROM vals").fetchone()[0]
        print(f"forms stored        {made:>10,}   values {rows:,}")
        print(f"insert              {seconds:>10.1f} s   {seconds / made * 1000:.3f} ms/form")
        print(f"database size       {size / 2**20:>10.0f} MB   ({size / made:,.0f} bytes/form)")
        hcm_n = len(load_registry(TWO_TIER).children(load_registry(TWO_TIER).find(PROVINCE)))
        t = best(repeat, lambda: app.status(unit=PROVINCE, period="2025", store=path))
        print(f"status (in process) {t * 1000:>10.1f} ms  {PROVINCE}, {hcm_n} communes")
        cmd = [sys.executable, "-m", "kh_excel", "status", "--unit", PROVINCE, "--period",
               "2025", "--store", str(path)]
        t = best(repeat, lambda: subprocess.run(cmd, capture_output=True, check=True))
        print(f"status (process)    {t * 1000:>10.1f} ms  kh-excel status, end to end")
        unit = units[len(units) // 2]
        with open_store(path) as db:
            t = best(repeat * 20, lambda: find_previous(db.conn, unit.code, "xa", unit.scheme,
                                                        Period(2025)))
            print(f"year over year      {t * 1000:>10.2f} ms  one unit, 2024 for 2025")
            sql = ("SELECT sum(v.value) FROM vals v JOIN submissions s ON s.id = v.submission_id "
                   "WHERE s.period = ? AND v.level = 'xa' AND v.indicator_id = "
                   "(SELECT id FROM indicator_codes WHERE code = 'quy_van_dong')")
            t = best(repeat, lambda: db.conn.execute(sql, ("2025",)).fetchone())
            print(f"national sum        {t * 1000:>10.1f} ms  quy_van_dong, 2025, "
                  f"{len(units):,} forms")


def rollup_overhead(repeat: int) -> None:
    """The national roll-up with and without the store, in one process, runs interleaved (the
    machine is shared: the fastest of each counts); the store's own part is timed directly."""
    from bench_scale import make_forms

    folder = HERE / "out" / "3321"
    scheme, period = make_forms(3321, folder)
    timings: dict[str, list[float]] = {k: [] for k in (
        "none", "new", "known", "history", "store_new", "store_known", "store_history")}
    real_from, real_record = app._rollup_from_store, app._record_rollup
    spent = [0.0]

    def clocked(fn):
        def inner(*args, **kwargs):
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[0] += time.perf_counter() - t
        return inner
    app._rollup_from_store, app._record_rollup = clocked(real_from), clocked(real_record)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "vn.xlsx"

        def once(store: Path | None) -> float:
            spent[0] = 0.0
            t = time.perf_counter()
            result = app.rollup([folder], unit="Việt Nam", period=period, scheme=scheme,
                                store=store)
            app.write_rollup(result, out, force=True, store=store)
            return time.perf_counter() - t
        subs = [r.submission for r in app.check([folder]).files if r.submission]
        for n in range(repeat):
            timings["none"].append(once(None))
            store = Path(tmp) / f"kho-{n}.sqlite"
            timings["new"].append(once(store))
            timings["store_new"].append(spent[0])
            timings["known"].append(once(store))
            timings["store_known"].append(spent[0])
            store = Path(tmp) / f"lich-su-{n}.sqlite"
            history_of(store, subs, list(range(int(period) - 5, int(period))))
            timings["history"].append(once(store))
            timings["store_history"].append(spent[0])
    none = min(timings["none"])
    print(f"rollup 3,321 forms  {none:>10.2f} s   no store (in process, best of {repeat})")
    for key, label in (("new", "new store: every file recorded"),
                       ("known", "same forms again: every file known"),
                       ("history", "5 past years stored: last year and outliers read")):
        part = min(timings["store_" + key])
        print(f"                    {min(timings[key]):>10.2f} s   {label}; the store's part "
              f"{part:.2f} s = +{part / none * 100:.0f}% of the roll-up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-rollup", action="store_true")
    parser.add_argument("--only-rollup", action="store_true")
    args = parser.parse_args()
    if not args.only_rollup:
        store_figures(args.forms, args.repeat)
    if not args.no_rollup:
        rollup_overhead(args.repeat)


if __name__ == "__main__":
    main()
