"""Make the 2022 roll-up of huyện Na Rì in examples/na-ri-2022/ (illustrative figures): last
year's file that the 2023 report compares with, through the history store.

    python scripts/make_example_2022.py

The 2022 commune forms are the 2023 example forms with every figure scaled down by a factor per
commune (0.88–0.97, so that parts stay within their wholes) and are not kept: only the roll-up
is, as an office keeps last year's roll-up.
"""
from __future__ import annotations

import random
import tempfile
from pathlib import Path

import kh_excel
from kh_excel.catalogue import load_catalogue
from kh_excel.forms.fill import fill_form
from kh_excel.forms.writer import FormSpec, form_file_name, write_children_forms, write_form
from kh_excel.periods import Period
from kh_excel.reading import read_form
from kh_excel.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "examples" / "na-ri-2023"
TARGET = ROOT / "examples" / "na-ri-2022"
ILLUSTRATIVE = "Số liệu minh hoạ (không phải số liệu thật)"


def scaled(path: Path, factor: float) -> dict[tuple[str, str], int]:
    """The typed figures of a 2023 form, scaled (flags and counts of plans kept)."""
    catalogue = load_catalogue()
    keep = {i.code for i in catalogue if i.kind == "flag" or i.agg == "none"} | {
        "so_hoi_co_so", "so_nhiem_vu", "so_chi_tieu", "so_giai_phap"}
    typed = {i.code for i in catalogue if not i.derived}
    out = {}
    for (code, level), v in read_form(path).submission.values.items():
        if code in typed and level != "tong":
            out[(code, level)] = int(v) if code in keep else int(int(v) * factor)
    return out


def main() -> None:
    registry = load_registry("legacy-3tier")
    na_ri = registry.find("Huyện Na Rì")
    period = Period(2022)
    rng = random.Random(2022)
    TARGET.mkdir(parents=True, exist_ok=True)
    info = {"nguoi_lap": ILLUSTRATIVE, "chuc_vu": "Chủ tịch Hội", "ngay_lap": "15/12/2022"}
    with tempfile.TemporaryDirectory() as tmp:
        forms = Path(tmp) / "forms"
        forms.mkdir()
        blanks = write_children_forms(Path(tmp) / "blank", na_ri, period, "legacy-3tier", registry)
        for blank in blanks:
            code = blank.name.split("_")[1]
            src = next(SOURCE.glob(f"2023_{code}_*.xlsx"))
            fill_form(blank, forms / blank.name, scaled(src, rng.uniform(0.88, 0.97)), info=info)
        own_blank = write_form(Path(tmp) / "own.xlsx",
                               FormSpec("huyen", "legacy-3tier", period, na_ri, registry.parent(na_ri)))
        own_src = next(SOURCE.glob("2023_066_*_cap-rieng.xlsx"))
        fill_form(own_blank, forms / "own.xlsx", scaled(own_src, 0.9), info=info)
        result = kh_excel.rollup([forms], unit="Huyện Na Rì", period="2022")
        name = form_file_name(period, na_ri).replace(".xlsx", "_tong-hop.xlsx")
        written = kh_excel.write_rollup(result, TARGET / name, force=True)
    print(f"Đã ghi {written.relative_to(ROOT)}: {result.received}/{result.expected} xã, "
          f"{len(result.findings)} phát hiện.")


if __name__ == "__main__":
    main()
