"""A small run of the scale benchmark (N = 20): it runs end to end and prints its table.

No timing is asserted: figures come from the full run, reported in the README.
"""
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench" / "bench_scale.py"


def test_bench_scale_smoke():
    done = subprocess.run([sys.executable, str(BENCH), "--n", "20", "--quick"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    rows = [line.split() for line in done.stdout.splitlines()]
    by_variant = {r[0]: r for r in rows if r and r[0] in ("check", "rollup", "baseline")}
    assert set(by_variant) == {"check", "rollup", "baseline"}
    for row in by_variant.values():
        assert row[1] == "20" and float(row[2]) > 0 and "exit" not in row
    # The baseline (pandas + openpyxl) and kh-excel's roll-up found the same total.
    assert "(sums agree: quy_van_dong" in done.stdout and "over 20 units, 20 files)" in done.stdout
