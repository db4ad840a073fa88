"""Benchmark of the rule engine: µs per submission for full, consistent forms.

Run: ``python bench/bench_rules.py [N]``. Speed is measured here, not asserted by tests.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from submissions import full_submission  # noqa: E402  (the tests' in-memory forms)

from kh_excel.periods import LEGACY, TWO_TIER  # noqa: E402
from kh_excel.rules import check_submission, load_rulebook  # noqa: E402


def main(argv: list[str]) -> None:
    n = int(argv[0]) if argv else 2000
    t0 = time.perf_counter()
    rb = load_rulebook()
    print(f"load_rulebook: {(time.perf_counter() - t0) * 1e3:.0f} ms")
    for tier, scheme in (("xa", LEGACY), ("huyen", LEGACY), ("tinh", LEGACY), ("tinh", TWO_TIER)):
        sub = full_submission(tier, scheme)
        found = check_submission(sub, rb)
        t0 = time.perf_counter()
        for _ in range(n):
            check_submission(sub, rb)
        us = (time.perf_counter() - t0) / n * 1e6
        print(f"{tier:5} {scheme:13} {len(rb.for_form(tier, scheme)):4} rules, "
              f"{len(sub.values):3} values, {len(found)} findings: {us:7.1f} µs/submission")


if __name__ == "__main__":
    main(sys.argv[1:])
