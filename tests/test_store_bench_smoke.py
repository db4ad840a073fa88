"""A small run of the store benchmark (200 forms, no roll-up): it runs end to end and counts
what it stored. No timing is asserted: figures come from the full run, in the README."""
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_store.py"


def test_bench_store_smoke():
    done = subprocess.run([sys.executable, str(BENCH), "--forms", "200", "--repeat", "1",
                           "--no-rollup"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = {line.split()[0]: line for line in done.stdout.splitlines() if line.strip()}
    assert lines["forms"].split()[2] == "200" and "values 8,000" in lines["forms"]
    for key in ("insert", "database", "status", "year", "national"):
        assert key in lines, key
    assert "status (in process)" in done.stdout and "168 communes" in done.stdout
