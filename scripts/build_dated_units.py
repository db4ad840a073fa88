#!/usr/bin/env python3
"""Build kh_excel/data/units_legacy-dated.csv: the legacy units whose name, parent or existence
changed between the snapshots of the official list published in vietnam-provinces 0.2 … 0.6.0.

    python scripts/build_dated_units.py                    # pip-downloads the wheels
    python scripts/build_dated_units.py --wheels DIR       # wheels already downloaded
    python scripts/build_dated_units.py --check            # exit 1 if the shipped file is stale

Each release carries the GSO list of its day (the date is in its README: "Xa_2021-02-03.csv");
releases with the same data are one snapshot. A unit is written when its (name, parent) is not
the same in every snapshot, or when it is missing from one: one row per run of snapshots with the
same name and parent, valid from the date of the run's first snapshot (blank for the first
snapshot: it also stands for the time before it) to the date of the next snapshot (blank: still
in force). Units absent from the table are as in units_legacy-3tier.csv (the last snapshot) for
every period. The output is deterministic.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_legacy_units import MEMBER, WIDTH, fix_name  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "kh_excel" / "data" / "units_legacy-dated.csv"
VERSIONS = ("0.2", "0.2.1", "0.2.2", "0.3.0", "0.4.0", "0.4.1", "0.4.2", "0.4.3", "0.5.0", "0.5.8",
            "0.6.0")
_DATE = re.compile(r"(20\d\d)-(\d\d)-(\d\d)")


def wheels(folder: Path | None) -> list[Path]:
    """The wheels of VERSIONS, from ``folder`` or a fresh pip download into a temporary one."""
    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="vietnam-provinces-"))
        for version in VERSIONS:
            subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
                            "--only-binary", ":all:", f"vietnam-provinces=={version}", "-d",
                            str(folder)], check=True)
    found = []
    for version in VERSIONS:
        path = folder / f"vietnam_provinces-{version}-py3-none-any.whl"
        if not path.is_file():
            raise SystemExit(f"missing {path}")
        found.append(path)
    return found


def snapshot(wheel: Path) -> tuple[str, bytes]:
    """(date of the list, its nested-divisions.json) of a release."""
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith("dist-info/METADATA"))
        dates = sorted("-".join(m) for m in _DATE.findall(zf.read(meta).decode("utf-8")))
        return dates[-1], zf.read(MEMBER)


def units(data: list[dict]) -> dict[str, tuple[str, str]]:
    """code → (name, parent code) of every unit of a snapshot."""
    out: dict[str, tuple[str, str]] = {}
    problems: list[str] = []

    def add(tier: str, raw: dict, parent: str) -> str:
        code = f"{int(raw['code']):0{WIDTH[tier]}d}"
        out[code] = (fix_name(raw["name"], tier, problems)[0], parent)
        return code

    for province in data:
        p = add("tinh", province, "")
        for district in province["districts"]:
            d = add("huyen", district, p)
            for commune in district["wards"]:
                add("xa", commune, d)
    return out


def build(snapshots: list[tuple[str, dict[str, tuple[str, str]]]]) -> list[tuple]:
    """Rows (code, parent_code, name, valid_from, valid_to) of the units that changed."""
    dates = [d for d, _ in snapshots]
    codes = sorted(set().union(*(u for _, u in snapshots)), key=lambda c: (len(c), c))
    rows = []
    for code in codes:
        states = [u.get(code) for _, u in snapshots]
        if len(set(states)) == 1:
            continue  # the same in every snapshot: the current list says it
        i = 0
        while i < len(states):
            j = i
            while j + 1 < len(states) and states[j + 1] == states[i]:
                j += 1
            if states[i] is not None:
                name, parent = states[i]
                rows.append((code, parent, name, "" if i == 0 else dates[i],
                             "" if j == len(states) - 1 else dates[j + 1]))
            i = j + 1
    return rows


def render(snapshots: list[tuple[str, str, str]], rows: list[tuple]) -> str:
    out = io.StringIO()
    out.write("# kh-excel: legacy-3tier units whose name, parent or existence changed between the "
              "snapshots of the GSO list below; built by scripts/build_dated_units.py, do not "
              "edit by hand.\n")
    for date, versions, digest in snapshots:
        out.write(f"# snapshot {date}: vietnam-provinces {versions}, sha256 {digest}\n")
    out.write("# valid_from blank: since before the first snapshot; valid_to blank: still in "
              "force (until 30/6/2025). A unit not listed is as in units_legacy-3tier.csv.\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("code", "parent_code", "name", "valid_from", "valid_to"))
    writer.writerows(rows)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Build (or with --check, verify) the dated units file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheels", type=Path, help="folder with the downloaded wheels")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="compare with --output, write nothing")
    args = parser.parse_args(argv)

    by_date: dict[str, tuple[list[str], bytes]] = {}
    for wheel, version in zip(wheels(args.wheels), VERSIONS):
        date, raw = snapshot(wheel)
        if date in by_date and by_date[date][1] != raw:
            by_date[date] = ([version], raw)  # a later release of the same list corrects it
        else:
            by_date.setdefault(date, ([], raw))[0].append(version)
    ordered = sorted(by_date.items())
    snaps = [(d, units(json.loads(raw))) for d, (_v, raw) in ordered]
    rows = build(snaps)
    text = render([(d, ", ".join(v), hashlib.sha256(raw).hexdigest()[:16])
                   for d, (v, raw) in ordered], rows)
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date: run scripts/build_dated_units.py",
                  file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({len(rows)} rows)")
        return 0
    tmp = args.output.with_suffix(".tmp")
    tmp.write_bytes(text.encode("utf-8"))
    tmp.replace(args.output)
    print(f"wrote {args.output} ({len(rows)} rows, snapshots {', '.join(d for d, _ in ordered)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
