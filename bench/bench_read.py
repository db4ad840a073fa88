"""Benchmark of reading filled forms: kh-excel's reader and checker against a naive pandas baseline.

    python bench/bench_read.py                 # N = 200 forms
    python bench/bench_read.py --n 1000
    python bench/bench_read.py --n 20 --quick  # smoke run (a test runs it), one round per variant

It makes N commune forms of the two-tier scheme with the toolkit's own writer
(``write_children_forms`` for the provinces, in order, until N), fills every input cell by its
defined name (patching the sheet XML: openpyxl would take 0,1 s per file), and a second copy
re-saved by LibreOffice when it is installed, as a unit's spreadsheet application would. Then,
each variant in a fresh Python process, for both copies:

    read_form      kh_excel.reading.read_form per file, one process
    check          kh_excel.checking.check_paths (read + rulebook), one process
    check-par      check_paths over a process pool (every core)
    baseline       pandas.read_excel(path, sheet_name=None, engine="openpyxl") per file
    guards         read_form with the reader's guards and without them (see GUARDS)

Seconds are measured inside the process, after its imports; the best of three rounds (one with
--quick). Peak memory is the process's maximum resident set (getrusage); for check-par it is the
main process plus its largest worker. "× baseline" is the baseline's time over the variant's.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

VARIANTS = ("read_form", "check", "check-par", "baseline")

# The cost of the reader's guards (issue 11): read_form with them, and with them switched off
# (no check of the sheets' cell references, calamine given the file as it is, without the
# CRC-checked copy), alternately in one process; CPU seconds, the best of the rounds.
GUARDS = r"""
import json, sys, time
from pathlib import Path
from kh_excel.reading import read_form
from kh_excel.reading import extent, grid
folder, rounds = Path(sys.argv[1]), int(sys.argv[2])
files = sorted(folder.glob("*.xlsx"))
guarded = grid.Grid.__init__

def unguarded(self, container):
    self.c, self.path, self.stray, self._parts, self._rows = container, container.path, {}, {}, {}
    self._vetted = {name for name, _ in container.sheets}
    self.wb = self._open()
    self.names = list(self.wb.sheet_names)
    self.name_set = set(self.names)

best = {"on": float("inf"), "off": float("inf")}
for f in files[:3]:
    read_form(f)
for _ in range(max(rounds, 3)):
    for mode, init in (("on", guarded), ("off", unguarded)):
        grid.Grid.__init__ = init
        grid._VETTED.items.clear()
        start = time.process_time()
        for f in files:
            read_form(f)
        best[mode] = min(best[mode], time.process_time() - start)
print(json.dumps(best))
"""

# Run in a fresh interpreter: argv = variant, folder, rounds; prints one JSON line.
WORKER = r"""
import json, os, resource, sys, time
from pathlib import Path
variant, folder, rounds = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
files = sorted(folder.glob("*.xlsx"))
if variant == "baseline":
    import pandas as pd
    def run():
        for f in files:
            pd.read_excel(f, sheet_name=None, engine="openpyxl")
elif variant == "read_form":
    from kh_excel.reading import read_form
    def run():
        for f in files:
            read_form(f)
else:
    from kh_excel import checking
    jobs = 1 if variant == "check" else os.cpu_count()
    checking.PARALLEL_THRESHOLD = 2  # the pool even for a small smoke run
    def run():
        report = checking.check_paths([folder], jobs=jobs)
        assert len(report.files) == len(files) and not checking.unreadable_count(report)
best = float("inf")
for _ in range(rounds):
    start = time.perf_counter()
    run()
    best = min(best, time.perf_counter() - start)
kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kb += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": best, "peak_mb": kb / 1024}))
"""


def figures(rng: random.Random) -> dict[str, int]:
    """Plausible, consistent figures for every input cell of a commune form."""
    pop = rng.randrange(2000, 30000, 10)
    members = pop // rng.randint(4, 6)
    thon, ho, dong_ho, don_vi = rng.randint(5, 25), pop // 4, rng.randint(5, 30), rng.randint(6, 15)
    v = {"dan_so": pop, "hoi_vien": members, "hoi_vien_moi": members // 30, "so_hoi_co_so": 1,
         "so_chi_hoi": thon + 2, "so_ban_khuyen_hoc": rng.randint(0, 4),
         "quy_van_dong": rng.randrange(pop // 1000 + 1, 400) * 1_000_000,
         "tong_quy": rng.randrange(400, 900) * 1_000_000, "xay_truong_tien": 0,
         "gia_dinh_hoc_tap": ho * 2 // 3, "tong_so_ho": ho, "dong_ho_hoc_tap": dong_ho // 2,
         "tong_dong_ho": dong_ho, "cong_dong_hoc_tap": thon // 2, "tong_thon": thon,
         "don_vi_hoc_tap": don_vi // 2, "tong_don_vi": don_vi, "cdht_doi_tuong": pop // 2,
         "cdht_dang_ky": pop // 3, "cdht_cong_nhan": pop // 4, "xa_cdht_dat": rng.randint(0, 1),
         "tthtcd_lop": rng.randint(3, 12), "tthtcd_hoc_vien": rng.randint(100, 600),
         "lop_tap_huan": 1, "hoc_vien_tap_huan": rng.randint(20, 40), "co_thi_dua": 0,
         "ky_niem_chuong": 0, "bang_khen": 0, "giay_khen": rng.randint(0, 5),
         "so_nhiem_vu": 6, "so_chi_tieu": 5, "so_giai_phap": 6}
    for award, each in (("heo_dat", 400_000), ("hoc_bong", 500_000), ("ho_tro_ngheo", 500_000),
                        ("khen_hsg", 150_000), ("khen_nguoi_lon", 200_000), ("qua", 100_000)):
        count = rng.randint(5, 80)
        v[f"{award}_{'so' if award == 'heo_dat' else 'suat'}"] = count
        v[f"{award}_tien"] = count * each
    return v


def fill_by_name(data: bytes, values: dict[str, int]) -> bytes:
    """A form's bytes with each value written into the cell of its name ``KH_<code>__xa``."""
    from kh_excel.reading.container import parse_xml
    from kh_excel.reading.locate import column_letter, parse_ref
    src = zipfile.ZipFile(io.BytesIO(data))
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    names = {d.get("name"): d.text
             for d in parse_xml(src.read("xl/workbook.xml")).iter(f"{ns}definedName")}
    sheet_xml = src.read("xl/worksheets/sheet1.xml").decode("utf-8")
    for code, value in values.items():
        _, row, col = parse_ref(names[f"KH_{code}__xa"])
        ref = f"{column_letter(col)}{row}"
        sheet_xml, n = re.subn(rf'<c r="{ref}"([^>]*?)(?:/>|></c>)',
                               rf'<c r="{ref}"\1><v>{value}</v></c>', sheet_xml, count=1)
        if n != 1:
            raise ValueError(f"no empty input cell {ref} for {code}")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = sheet_xml.encode("utf-8") if info.filename == "xl/worksheets/sheet1.xml" \
                else src.read(info.filename)
            dst.writestr(info, part)
    return out.getvalue()


def make_forms(n: int, folder: Path) -> list[Path]:
    """N filled commune forms (two-tier scheme, 2025) in ``folder``, saved by openpyxl."""
    from kh_excel.forms.writer import write_children_forms
    from kh_excel.registry import load_registry
    registry = load_registry("two-tier-2025")
    folder.mkdir(parents=True)
    rng, made = random.Random(n), []
    with tempfile.TemporaryDirectory() as tmp:
        for province in registry.children(registry.nation):
            for blank in write_children_forms(Path(tmp) / province.code, province, "2025", None,
                                              registry):
                target = folder / blank.name
                target.write_bytes(fill_by_name(blank.read_bytes(), figures(rng)))
                made.append(target)
                if len(made) == n:
                    return made
    raise SystemExit(f"only {len(made)} communes in the registry")


def measure(variant: str, folder: Path, rounds: int) -> dict:
    done = subprocess.run([sys.executable, "-c", WORKER, variant, str(folder), str(rounds)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{variant} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_guards(folder: Path, rounds: int) -> dict:
    done = subprocess.run([sys.executable, "-c", GUARDS, str(folder), str(rounds)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"guards failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="number of forms (default 200)")
    parser.add_argument("--quick", action="store_true", help="one round per variant")
    parser.add_argument("--no-libreoffice", action="store_true", help="skip the re-saved copy")
    parser.add_argument("--keep", metavar="DIR", help="keep the forms in DIR")
    args = parser.parse_args()
    from kh_excel.libreoffice import resave_xlsx, soffice_available
    tmp = Path(tempfile.mkdtemp(prefix="kh-bench-read-"))
    try:
        folders = {"openpyxl": tmp / "openpyxl"}
        files = make_forms(args.n, folders["openpyxl"])
        if soffice_available() and not args.no_libreoffice:
            folders["libreoffice"] = tmp / "libreoffice"
            resave_xlsx(files, folders["libreoffice"])
        print(f"# {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"{platform.system()} {platform.machine()}; {args.n} commune forms "
              f"(~{files[0].stat().st_size // 1024} KB each)")
        print(f"{'variant':<10} {'saved by':<12} {'N':>5} {'seconds':>8} {'ms/form':>8} "
              f"{'peak MB':>8} {'× baseline':>10}")
        rounds = 1 if args.quick else 3
        for saved_by, folder in folders.items():
            rows = {v: measure(v, folder, rounds) for v in VARIANTS}
            base = rows["baseline"]["seconds"]
            for variant, r in rows.items():
                ratio = "—" if variant == "baseline" else f"{base / r['seconds']:.1f}"
                print(f"{variant:<10} {saved_by:<12} {args.n:>5} {r['seconds']:>8.3f} "
                      f"{r['seconds'] / args.n * 1000:>8.2f} {r['peak_mb']:>8.0f} {ratio:>10}")
            g = measure_guards(folder, rounds)
            print(f"guards     {saved_by:<12} {args.n:>5}  read_form {g['on'] / args.n * 1000:.3f} "
                  f"ms/form (CPU) with the guards, {g['off'] / args.n * 1000:.3f} without: "
                  f"{(g['on'] / g['off'] - 1) * 100:+.1f}%")
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
