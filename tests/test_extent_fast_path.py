"""The sheet check's quick search (one regular-expression pass) never lets through what the
full pass over every cell reference would catch: both agree on the hostile corpus and on every
example form and template."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from kh_excel.forms.layout import DATA_SHEET, ROLLUP_DATA_SHEET
from kh_excel.reading.extent import BadReference, vet_sheet

from hostile import BATCH_CORPUS, dimension, far_cell, with_sheet

ROOT = Path(__file__).resolve().parents[1]
VAN_VU = ROOT / "examples" / "na-ri-2023" / "2023_02137_xa-van-vu.xlsx"

# Beyond the §1 corpus: references the quick search must treat as suspect (a prefixed cell, a
# cell without a reference, odd quoting and spacing, lower case, a far row within 3 letters).
EXTRA = {
    "prefixed": lambda s, d: _edit(s, lambda x: re.sub(
        rb'<c r="D8"([^>]*)>(.*?)</c>', rb'<x:c r="XFD9"\1>\2</x:c>', x, count=1, flags=re.S), d),
    "no-ref": lambda s, d: _edit(s, lambda x: x.replace(b'<c r="D8"', b"<c", 1), d),
    "single-quotes": lambda s, d: _edit(s, lambda x: x.replace(b'<c r="D8"', b"<c r='ZZ8'", 1), d),
    "tab": lambda s, d: _edit(s, lambda x: x.replace(b'<c r="D8"', b'<c\tr="D8000"', 1), d),
    "lower": lambda s, d: _edit(s, lambda x: x.replace(b'<c r="D8"', b'<c r="bz8"', 1), d),
    "far-row": lambda s, d: far_cell(s, d, "A1001"),
    "far-col": lambda s, d: far_cell(s, d, "BA8"),
    "dimension-far": lambda s, d: dimension(s, d, "A1:XFD1048576"),
}


def _edit(src: Path, edit, dst: Path) -> Path:
    """A copy of ``src`` with its data sheet's XML edited."""
    return with_sheet(src, dst, edit)


def _outcome(data: bytes, sheet: str, full: bool):
    try:
        v = vet_sheet(data, sheet, full=full)
    except BadReference as bad:
        return ("refused", bad.ref)
    return ("read", v.stray, v.patched)


def _sheets(path: Path):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if re.match(r"xl/worksheets/[^/]+\.xml$", name):
                yield name, z.read(name)


def _files(tmp: Path) -> list[Path]:
    files = sorted((ROOT / "examples").rglob("*.xlsx")) + sorted((ROOT / "templates").rglob("*.xlsx"))
    for name, make in {**BATCH_CORPUS, **EXTRA}.items():
        files.append(make(VAN_VU, tmp / f"{name}.xlsx"))
    return [f for f in files if zipfile.is_zipfile(f)]


def test_the_quick_search_and_the_full_pass_agree(tmp_path):
    outcomes = set()
    checked = 0
    for path in _files(tmp_path):
        for part, data in _sheets(path):
            for sheet in (DATA_SHEET, ROLLUP_DATA_SHEET):  # both extents
                quick, full = _outcome(data, sheet, False), _outcome(data, sheet, True)
                assert quick == full, (path.name, part, sheet)
                outcomes.add((path.name, quick[0], quick[0] == "read" and quick[2] is not None))
                checked += 1
    assert checked > 100
    # The corpus is hostile: the full pass refuses some sheets and patches others.
    assert ("o-khong-the-co.xlsx", "refused", False) in outcomes
    for name in ("xa-xfd1048576.xlsx", "prefixed.xlsx", "far-row.xlsx", "far-col.xlsx",
                 "lower.xlsx", "single-quotes.xlsx", "dimension-far.xlsx"):
        assert (name, "read", True) in outcomes, name
