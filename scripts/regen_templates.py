"""Regenerate the workbooks committed in the repository: the blank forms in templates/xlsx/ (one
per tier and scheme), the roll-up skeletons in kh_excel/data/rollup/ and the skeletons of the
forms for many units in kh_excel/data/forms/.

    python scripts/regen_templates.py            # rewrite them
    python scripts/regen_templates.py --check    # only say whether they are up to date (exit 1 if not)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from kh_excel.forms.snapshot import workbook_snapshot
from kh_excel.forms.writer import write_blank_templates, write_form_skeletons
from kh_excel.rollups.skeleton import write_skeletons

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates" / "xlsx"
SKELETONS = ROOT / "kh_excel" / "data" / "rollup"
FORM_SKELETONS = ROOT / "kh_excel" / "data" / "forms"
SETS: list[tuple[Path, Callable[[Path], list[Path]]]] = [
    (TEMPLATES, write_blank_templates), (SKELETONS, write_skeletons),
    (FORM_SKELETONS, write_form_skeletons)]


def stale_workbooks() -> list[Path]:
    """The committed workbooks that differ in content from freshly generated ones."""
    stale = []
    for directory, write in SETS:
        with tempfile.TemporaryDirectory() as tmp:
            for fresh in write(Path(tmp)):
                committed = directory / fresh.name
                if not committed.is_file() \
                        or workbook_snapshot(fresh) != workbook_snapshot(committed):
                    stale.append(committed)
    return stale


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args()
    if args.check:
        stale = stale_workbooks()
        for path in stale:
            print(f"cũ, cần tạo lại: {path.relative_to(ROOT)}", file=sys.stderr)
        return 1 if stale else 0
    for directory, write in SETS:
        directory.mkdir(parents=True, exist_ok=True)
        for path in write(directory):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
