"""Regenerate the blank forms committed in templates/xlsx/, one per tier and scheme.

    python scripts/regen_templates.py            # rewrite templates/xlsx/*.xlsx
    python scripts/regen_templates.py --check    # only say whether they are up to date (exit 1 if not)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from kh_excel.forms.snapshot import workbook_snapshot
from kh_excel.forms.writer import write_blank_templates

TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "xlsx"


def stale_templates(directory: Path = TEMPLATES) -> list[str]:
    """Names of the committed templates that differ in content from freshly generated ones."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = write_blank_templates(tmp)
        return [f.name for f in fresh
                if not (directory / f.name).is_file()
                or workbook_snapshot(f) != workbook_snapshot(directory / f.name)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only, write nothing")
    args = parser.parse_args()
    if args.check:
        stale = stale_templates()
        for name in stale:
            print(f"cũ, cần tạo lại: templates/xlsx/{name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_blank_templates(TEMPLATES):
        print(path.relative_to(TEMPLATES.parents[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
