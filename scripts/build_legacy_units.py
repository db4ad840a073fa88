#!/usr/bin/env python3
"""Build kh_excel/data/units_legacy-3tier.csv from the data of vietnam-provinces 0.6.0.

The legacy scheme (63 tỉnh, 696 huyện, 10,051 xã; valid until 30/6/2025) is no longer in the
current vietnam-provinces releases, so the package ships it as a data file built by this script.

    python scripts/build_legacy_units.py                 # pip-downloads the 0.6.0 wheel
    python scripts/build_legacy_units.py --source vietnam_provinces/data/nested-divisions.json
    python scripts/build_legacy_units.py --check         # exit 1 if the shipped file is stale

The output is deterministic (tree order, codes ascending, "\\n" line ends, UTF-8 without BOM), and
its header comment records the source version and the SHA-256 of the JSON it was built from.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "kh_excel" / "data" / "units_legacy-3tier.csv"
VERSION = "0.6.0"
MEMBER = "vietnam_provinces/data/nested-divisions.json"
EXPECTED = {"tinh": 63, "huyen": 696, "xa": 10051}

# In 0.6.0 every district is typed 'huyện' and every commune 'xã': the real division is the
# prefix of the name. Allowed prefixes per tier, with their official capitalisation.
PREFIXES = {
    "tinh": ("Thành phố", "Tỉnh"),
    "huyen": ("Thành phố", "Thị xã", "Huyện", "Quận"),
    "xa": ("Thị trấn", "Phường", "Xã"),
}
WIDTH = {"tinh": 2, "huyen": 3, "xa": 5}


def read_source(source: Path | None) -> bytes:
    """The bytes of nested-divisions.json: from a JSON file, a wheel, or a fresh pip download."""
    if source is not None and source.suffix == ".json":
        return source.read_bytes()
    if source is None:
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary", ":all:", f"vietnam-provinces=={VERSION}", "-d", tmp],
                           check=True)
            wheel = next(Path(tmp).glob("vietnam_provinces-*.whl"))
            return read_source(wheel)
    with zipfile.ZipFile(source) as zf:
        return zf.read(MEMBER)


def fix_name(name: str, tier: str, problems: list[str]) -> tuple[str, str]:
    """NFC, single spaces, the prefix in its official case ("Thành Phố" → "Thành phố")."""
    name = " ".join(unicodedata.normalize("NFC", name).split())
    for prefix in PREFIXES[tier]:
        if name.lower().startswith(prefix.lower() + " "):
            return prefix + name[len(prefix):], prefix
    problems.append(f"{tier} {name!r}: no prefix among {PREFIXES[tier]}")
    return name, ""


def build_rows(data: list[dict]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(code, parent_code, name) rows in tree order, and every problem found."""
    rows: list[tuple[str, str, str]] = []
    problems: list[str] = []
    counts = dict.fromkeys(EXPECTED, 0)

    def add(tier: str, raw: dict, parent: str) -> str:
        code = f"{int(raw['code']):0{WIDTH[tier]}d}"
        if len(code) != WIDTH[tier]:
            problems.append(f"{tier} code {code} is longer than {WIDTH[tier]} digits")
        name, _ = fix_name(raw["name"], tier, problems)
        rows.append((code, parent, name))
        counts[tier] += 1
        return code

    for province in sorted(data, key=lambda p: int(p["code"])):
        p_code = add("tinh", province, "")
        for district in sorted(province["districts"], key=lambda d: int(d["code"])):
            d_code = add("huyen", district, p_code)
            for commune in sorted(district["wards"], key=lambda w: int(w["code"])):
                add("xa", commune, d_code)
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes):
        problems.append("duplicate codes")
    if counts != EXPECTED:
        problems.append(f"counts {counts} != expected {EXPECTED}")
    return rows, problems


def render(rows: list[tuple[str, str, str]], digest: str) -> str:
    """The CSV text, header comment included."""
    out = io.StringIO()
    out.write("# kh-excel units, scheme legacy-3tier (until 30/6/2025): "
              f"{EXPECTED['tinh']} tinh, {EXPECTED['huyen']} huyen, {EXPECTED['xa']} xa.\n")
    out.write(f"# source: vietnam-provinces {VERSION}, {MEMBER}, sha256 {digest}\n")
    out.write("# built by scripts/build_legacy_units.py; do not edit by hand. "
              "tier = code length (2 tinh, 3 huyen, 5 xa); division = name prefix.\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "parent_code", "name"))
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the legacy units file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path,
                        help="nested-divisions.json or the 0.6.0 wheel (default: pip download)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)

    raw = read_source(args.source)
    rows, problems = build_rows(json.loads(raw))
    if problems:
        print("cannot build:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 2
    text = render(rows, hashlib.sha256(raw).hexdigest())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_legacy_units.py",
                  file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(rows)} units)")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(args.output)  # atomic: a half-written data file would break every command
    print(f"wrote {args.output} ({len(rows)} units)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
