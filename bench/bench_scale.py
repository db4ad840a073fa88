"""Benchmark at national scale: `kh-excel check` and `kh-excel rollup` end to end, as a user runs
them, against a naive pandas + openpyxl baseline doing the same reading and summing.

    python bench/bench_scale.py                     # N = 100, 1000, 3321, 10000
    python bench/bench_scale.py --n 20 --quick      # smoke run (CI)

For each N it makes N filled commune forms with the toolkit's own form builder (the first N
communes of the two-tier scheme, period 2025; for N above 3,321 the legacy scheme, period 2023,
whose roll-up goes through the districts), kept in bench/out/ between runs. Then it runs, each in
a fresh process: `kh-excel check DIR`, `kh-excel rollup DIR --unit "Việt Nam"` and the baseline:
`pandas.read_excel(..., engine="openpyxl")` per file, of the three sheets kh-excel reads (the
figures, the unit's details, the metadata that says whose form it is), one form kept per unit,
summed with pandas. The baseline's fund total must equal the roll-up's, or the run stops. Peak
memory is the largest total RSS of the process and all its children (the reading pool), sampled
every 20 ms.
Up to N = 1,000 each variant runs several times (5 up to N = 100, then 3) and the fastest run
counts (``--repeat``); memory is then sampled in one more run, so that sampling never slows a
timed run. First (not with ``--quick``) it times making the pre-filled forms of the whole country:
`kh-excel template --children-of PROVINCE --period 2025` for each of the 34 provinces, one
process each (3,321 commune forms, written to bench/out/template/ and removed).
"""
from __future__ import annotations

import argparse
import compileall
import os
import platform
import random
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import kh_excel
from kh_excel.forms.layout import form_layout
from kh_excel.forms.package import Package, token
from kh_excel.forms.children import CHILD_KEYS
from kh_excel.forms.writer import FormSpec, _build, form_file_name
from kh_excel.periods import LEGACY, TWO_TIER, Period
from kh_excel.reading import read_form
from kh_excel.registry import NATION_CODE, load_registry

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
VARIANTS = 8  # distinct sets of figures; each form gets one, so sums are not trivial

BASELINE = r"""
import sys
from pathlib import Path
import pandas as pd
files = sorted(Path(sys.argv[1]).glob("*.xlsx"))
by_unit = {}
for f in files:
    # The sheets kh-excel reads: the figures, the unit's details and the form's metadata.
    sheets = pd.read_excel(f, sheet_name=["Biểu số liệu", "Thông tin chung", "_kh_meta"],
                           header=None, engine="openpyxl")
    meta = dict(zip(sheets["_kh_meta"][0], sheets["_kh_meta"][1]))
    df = sheets["Biểu số liệu"]
    # The value column (D) by the hidden code column (the last one), as a naive script would.
    values = pd.to_numeric(df.set_index(df.columns[-1])[3], errors="coerce")
    by_unit[meta["unit_code"]] = values[values.index.notna()]  # one form per unit
total = pd.concat(by_unit.values(), axis=1).sum(axis=1)
print(len(files), len(by_unit), int(total.get("quy_van_dong", 0)))
"""


def figures(rng: random.Random) -> dict[str, int]:
    """Plausible figures of one commune (every input cell of the commune form)."""
    population = rng.randrange(2000, 30000, 10)
    members = population // rng.randint(4, 6)
    v = {"dan_so": population, "hoi_vien": members, "hoi_vien_moi": members // 30,
         "so_hoi_co_so": 1, "so_chi_hoi": rng.randint(8, 30), "so_ban_khuyen_hoc": rng.randint(0, 4),
         "quy_van_dong": rng.randrange(20, 400) * 1_000_000, "tong_quy": rng.randrange(30, 900) * 1_000_000,
         "hoc_bong_suat": rng.randint(10, 90), "gia_dinh_hoc_tap": population // 6,
         "tong_so_ho": population // 4, "tong_thon": rng.randint(5, 25), "xa_cdht_dat": rng.randint(0, 1)}
    v["hoc_bong_tien"] = v["hoc_bong_suat"] * 500_000
    v["cong_dong_hoc_tap"] = v["tong_thon"] // 2
    return v


def make_forms(n: int, out: Path) -> tuple[str, str]:
    """N filled commune forms in ``out`` (reused when already there); returns (scheme, period)."""
    scheme, period = (TWO_TIER, "2025") if n <= 3321 else (LEGACY, "2023")
    done = out / ".complete"
    if done.exists():
        return scheme, period
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    registry = load_registry(scheme)
    communes = sorted((u for u in registry if u.tier == "xa" and not u.extra), key=lambda u: u.code)[:n]
    layout = form_layout("xa", scheme)
    rng = random.Random(n)
    packages = []
    for _ in range(VARIANTS):
        spec = FormSpec("xa", scheme, Period.parse(period), communes[0], registry.parent(communes[0]))
        wb = _build(spec, replace(spec.texts(), **{k: token(k) for k in CHILD_KEYS}))
        ws = wb[wb.sheetnames[0]]
        for code, value in figures(rng).items():
            ws[layout.cell(code, "xa").ref] = value
        packages.append(Package.of(wb))
    for i, unit in enumerate(communes):
        texts = FormSpec("xa", scheme, Period.parse(period), unit, registry.parent(unit)).texts()
        data = packages[i % VARIANTS].render({k: getattr(texts, k) for k in CHILD_KEYS})
        (out / form_file_name(period, unit)).write_bytes(data)
    done.touch()
    return scheme, period


def _tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants."""
    total, stack = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * page
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    stack.extend(int(c) for c in f.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def best_of(repeat: int, cmd: list[str]) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, output) of ``cmd``: the fastest of ``repeat`` runs (as
    timeit does: the slower ones were disturbed by the rest of the machine). With several runs,
    memory is sampled in one more run of its own, so that sampling never slows a timed run."""
    if repeat == 1:
        return timed(cmd, sample=True)
    seconds, _, code, _ = min(timed(cmd, sample=False) for _ in range(repeat))
    _, peak, _, out = timed(cmd, sample=True)
    return seconds, peak, code, out


def timed(cmd: list[str], sample: bool) -> tuple[float, float, int, str]:
    """Run ``cmd``; return (seconds, peak MB of its process tree or 0, exit code, output)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak = 0
    stop = threading.Event()

    def sampler() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.02)
    thread = threading.Thread(target=sampler, daemon=True)
    if sample:
        thread.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    if sample:
        thread.join()
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode("utf-8", "replace"))
    return seconds, peak / 2**20, proc.returncode, out.decode("utf-8", "replace")


def agree(baseline_output: str, rollup_file: Path) -> None:
    """The baseline and the roll-up read the same forms: their fund totals must be equal."""
    files, units, fund = map(int, baseline_output.split())
    ours = read_form(rollup_file).submission.value("quy_van_dong", "tong")
    if ours != fund:
        sys.exit(f"MISMATCH: the roll-up's quy_van_dong is {ours}, the baseline's {fund}")
    print(f"(sums agree: quy_van_dong {fund:,} đồng over {units} units, {files} files)")


def time_templates(kh: list[str], out: Path) -> tuple[float, float, int]:
    """``kh-excel template --children-of PROVINCE`` for each of the 34 provinces, one process
    each, as a user runs it: (seconds in all, largest peak MB, forms made)."""
    shutil.rmtree(out, ignore_errors=True)
    seconds = peak = 0.0
    for province in load_registry(TWO_TIER).children(NATION_CODE):
        s, mb, code, _ = timed([*kh, "template", "--children-of", province.name, "--period",
                                "2025", "--out-dir", str(out / province.code)], sample=True)
        if code != 0:
            sys.exit(f"template --children-of {province.name} failed (exit {code})")
        seconds, peak = seconds + s, max(peak, mb)
    made = sum(1 for _ in out.rglob("*.xlsx"))
    shutil.rmtree(out, ignore_errors=True)
    return seconds, peak, made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="*", default=[100, 1000, 3321, 10000])
    parser.add_argument("--quick", action="store_true", help="forms in a temporary folder")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs per variant, the fastest counts (default: 5 up to N = 100, "
                             "3 up to N = 1,000, else 1)")
    args = parser.parse_args()
    kh = [sys.executable, "-m", "kh_excel"]
    # As pip does when it installs kh-excel; from a checkout, with PYTHONDONTWRITEBYTECODE set,
    # every run would otherwise compile the package's sources again (about 50 ms).
    compileall.compile_dir(Path(kh_excel.__file__).parent, quiet=1)
    print(f"# {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.system()} {platform.machine()}")
    print(f"{'variant':<10} {'N':>6} {'seconds':>8} {'forms/s':>8} {'peak MB':>8} {'× baseline':>10}")
    if not args.quick:
        seconds, peak, made = time_templates(kh, OUT / "template")
        print(f"{'template':<10} {made:>6} {seconds:>8.2f} {made / seconds:>8.0f} {peak:>8.0f} "
              f"{'—':>10}   (template --children-of, each of the 34 provinces)")
    for n in args.n:
        folder = OUT / (f"quick-{n}" if args.quick else str(n))
        t0 = time.perf_counter()
        scheme, period = make_forms(n, folder)
        gen = time.perf_counter() - t0
        repeat = args.repeat or (5 if n <= 100 else 3 if n <= 1000 else 1)
        rows = {}
        rows["check"] = best_of(repeat, [*kh, "check", str(folder)])
        rows["rollup"] = best_of(repeat, [*kh, "rollup", str(folder), "--unit", "Việt Nam", "--period", period,
                                "--scheme", scheme, "-o", str(folder.parent / f"vn-{n}.xlsx"),
                                "--force", "--quiet"])
        if not args.no_baseline:
            rows["baseline"] = best_of(repeat, [sys.executable, "-c", BASELINE, str(folder)])
        base = rows.get("baseline", (None,))[0]
        for name, (seconds, peak, code, _) in rows.items():
            ratio = f"{base / seconds:.1f}" if base and name != "baseline" else "—"
            print(f"{name:<10} {n:>6} {seconds:>8.2f} {n / seconds:>8.0f} {peak:>8.0f} {ratio:>10}"
                  + ("" if code in (0, 1) else f"   (exit {code})"))
        print(f"{'(forms made in ' + format(gen, '.1f') + ' s)':<40}")
        if "baseline" in rows and rows["rollup"][2] in (0, 1):
            agree(rows["baseline"][3], folder.parent / f"vn-{n}.xlsx")
        if args.quick:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
