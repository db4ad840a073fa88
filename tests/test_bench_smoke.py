"""A small run of the reading benchmark (N = 20): it runs end to end and prints its table.

No timing is asserted: figures come from the full run, reported in the README.
"""
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_read.py"


def test_bench_read_smoke():
    done = subprocess.run([sys.executable, str(BENCH), "--n", "20", "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    table = {(r[0], r[1]): r for r in rows if r and r[0] in ("read_form", "check", "check-par",
                                                             "baseline")}
    saved_by = {"openpyxl", "libreoffice"} if "libreoffice" in done.stdout else {"openpyxl"}
    assert set(table) == {(v, s) for v in ("read_form", "check", "check-par", "baseline")
                          for s in saved_by}
    for row in table.values():
        assert row[2] == "20" and float(row[3]) > 0 and float(row[4]) > 0 and float(row[5]) > 0
    guards = [line for line in done.stdout.splitlines() if line.startswith("guards")]
    assert len(guards) == len(saved_by) and all("with the guards" in g for g in guards)
