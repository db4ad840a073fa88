"""Regenerate the bundled examples in examples/ (illustrative figures, not real data).

    python scripts/make_examples.py [--no-libreoffice]

1. examples/na-ri-2023/: huyện Na Rì (tỉnh Bắc Kạn, legacy scheme), its 17 commune forms for
   2023 made by `kh-excel template --children-of` and filled with plausible figures, and the
   district association's own-level form (its `Cấp huyện` column).
2. examples/thai-nguyen-2025/: six communes of tỉnh Thái Nguyên in the two-tier scheme for 2025
   (the former Na Rì area), and the province's own-level form.
3. examples/broken/: copies of Na Rì forms with the mistakes a checker must catch.

Figures are drawn from a seeded generator so that the files are reproducible; the district's
totals are near those of the Na Rì 2023 news item (17/17 xã, ~10.360 hội viên, 274 chi hội).
Forms are re-saved through LibreOffice when it is installed, so that they carry computed values
like files saved by a spreadsheet application.
"""
from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
from pathlib import Path

from kh_excel.forms.fill import fill_form
from kh_excel.forms.writer import FormSpec, form_file_name, write_children_forms, write_form
from kh_excel.periods import Period
from kh_excel.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ILLUSTRATIVE = "Số liệu minh hoạ (không phải số liệu thật)"


def commune_values(rng: random.Random, population: int) -> dict[tuple[str, str], int]:
    """Plausible figures of one commune association for a year."""
    households = population // 4
    members = int(population * rng.uniform(0.20, 0.27))
    thon = rng.randint(8, 22)
    suat = rng.randint(20, 70)
    v = {
        "dan_so": population, "hoi_vien": members, "hoi_vien_moi": int(members * rng.uniform(0.02, 0.06)),
        "so_hoi_co_so": 1, "so_chi_hoi": thon + rng.randint(2, 5), "so_ban_khuyen_hoc": rng.randint(0, 2),
        "quy_van_dong": rng.randrange(25, 70) * 1_000_000 + rng.randrange(0, 10) * 100_000,
        "tong_quy": rng.randrange(30, 90) * 1_000_000,
        "heo_dat_so": rng.randint(5, 40), "hoc_bong_suat": suat,
        "hoc_bong_tien": suat * rng.choice((300_000, 400_000, 500_000)),
        "ho_tro_ngheo_suat": rng.randint(10, 40), "khen_hsg_suat": rng.randint(40, 150),
        "khen_nguoi_lon_suat": rng.randint(0, 8), "qua_suat": rng.randint(30, 120),
        "gia_dinh_hoc_tap": int(households * rng.uniform(0.55, 0.85)), "tong_so_ho": households,
        "dong_ho_hoc_tap": rng.randint(5, 20), "cong_dong_hoc_tap": int(thon * rng.uniform(0.5, 0.9)),
        "tong_thon": thon, "don_vi_hoc_tap": rng.randint(3, 8), "tong_don_vi": rng.randint(8, 12),
        "cdht_doi_tuong": int(population * 0.6), "tthtcd_lop": rng.randint(4, 15),
        "tthtcd_hoc_vien": rng.randint(150, 600), "lop_tap_huan": rng.randint(0, 2),
        "giay_khen": rng.randint(0, 6), "so_nhiem_vu": rng.randint(5, 8),
        "so_chi_tieu": rng.randint(4, 7), "so_giai_phap": rng.randint(4, 8),
        "xa_cdht_dat": int(rng.random() < 0.6),
    }
    v["tong_dong_ho"] = v["dong_ho_hoc_tap"] + rng.randint(2, 10)
    v["heo_dat_tien"] = v["heo_dat_so"] * rng.randrange(300_000, 900_000, 50_000)
    v["ho_tro_ngheo_tien"] = v["ho_tro_ngheo_suat"] * 500_000
    v["khen_hsg_tien"] = v["khen_hsg_suat"] * rng.choice((100_000, 150_000, 200_000))
    v["khen_nguoi_lon_tien"] = v["khen_nguoi_lon_suat"] * 200_000
    v["qua_tien"] = v["qua_suat"] * rng.choice((100_000, 150_000))
    v["cdht_dang_ky"] = int(v["cdht_doi_tuong"] * rng.uniform(0.6, 0.9))
    v["cdht_cong_nhan"] = int(v["cdht_dang_ky"] * rng.uniform(0.5, 0.8))
    v["hoc_vien_tap_huan"] = v["lop_tap_huan"] * rng.randint(25, 45)
    v["don_vi_hoc_tap"] = min(v["don_vi_hoc_tap"], v["tong_don_vi"])
    if v["khen_nguoi_lon_suat"] == 0:
        v["khen_nguoi_lon_tien"] = 0
    return {(code, "xa"): value for code, value in v.items()}


def own_values(rng: random.Random, level: str) -> dict[tuple[str, str], int]:
    """The district (or province) association's own activity: fund, awards, training, plan."""
    v = {
        "hoi_vien": rng.randint(120, 260), "so_ban_khuyen_hoc": rng.randint(3, 6),
        "quy_van_dong": rng.randrange(120, 260) * 1_000_000, "tong_quy": rng.randrange(150, 320) * 1_000_000,
        "hoc_bong_suat": rng.randint(40, 120), "khen_hsg_suat": rng.randint(50, 90),
        "lop_tap_huan": rng.randint(2, 5), "co_thi_dua": 1, "ky_niem_chuong": 1, "bang_khen": 1,
        "giay_khen": rng.randint(20, 40), "so_nhiem_vu": 7, "so_chi_tieu": 7, "so_giai_phap": 8,
    }
    v["hoc_bong_tien"] = v["hoc_bong_suat"] * 1_000_000
    v["khen_hsg_tien"] = v["khen_hsg_suat"] * 1_000_000
    v["hoc_vien_tap_huan"] = v["lop_tap_huan"] * rng.randint(40, 60)
    return {(code, level): value for code, value in v.items()}


TEXTS = {
    "noi_bat": "Tổ chức Hội được củng cố; quỹ khuyến học tăng; trao học bổng đúng đối tượng.",
    "han_che": "Một số chi hội hoạt động chưa đều; việc vận động quỹ ở thôn vùng cao còn khó khăn.",
    "phuong_huong": "Tiếp tục phát triển hội viên, xây dựng mô hình học tập trong gia đình, dòng họ.",
    "kien_nghi": "Đề nghị cấp ủy, chính quyền quan tâm hỗ trợ kinh phí hoạt động cho Hội.",
}


def make_children(parent_query: str, scheme: str, period: str, out: Path, seed: int,
                  only: list[str] | None = None) -> list[Path]:
    """Blank pre-filled forms for the children of a unit (or those with the codes in ``only``),
    filled with plausible figures."""
    registry = load_registry(scheme)
    parent = registry.find(parent_query)
    with tempfile.TemporaryDirectory() as tmp:
        blanks = write_children_forms(tmp, parent, Period.parse(period), scheme, registry)
        rng = random.Random(seed)
        written = []
        for blank in blanks:
            if only and blank.name.split("_")[1] not in only:
                continue
            values = commune_values(rng, rng.randrange(1800, 4200, 10))
            target = out / blank.name
            fill_form(blank, target, values, info=_info(rng), texts=TEXTS, force=True)
            written.append(target)
    return written


def _info(rng: random.Random) -> dict[str, str]:
    return {"nguoi_lap": ILLUSTRATIVE, "chuc_vu": "Chủ tịch Hội",
            "dien_thoai": f"0209.38{rng.randint(10000, 99999)}", "ngay_lap": "15/12/2023"}


def make_own(unit_query: str, scheme: str, period: str, out: Path, seed: int) -> Path:
    registry = load_registry(scheme)
    unit = registry.find(unit_query)
    spec = FormSpec(unit.tier, scheme, Period.parse(period), unit, registry.parent(unit))
    with tempfile.TemporaryDirectory() as tmp:
        blank = write_form(Path(tmp) / "blank.xlsx", spec)
        target = out / form_file_name(Period.parse(period), unit).replace(".xlsx", "_cap-rieng.xlsx")
        fill_form(blank, target, own_values(random.Random(seed), unit.tier),
                  info=_info(random.Random(seed)), texts=TEXTS, force=True)
    return target


def resave_with_libreoffice(files: list[Path]) -> None:
    """Give the files computed values, as a spreadsheet application would."""
    from kh_excel.libreoffice import resave_xlsx, soffice_available
    if not soffice_available():
        print("LibreOffice không có: các tệp chưa có giá trị công thức đã tính.", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as tmp:
        for src, out in zip(files, resave_xlsx(files, tmp)):
            shutil.copyfile(out, src)


def make_broken(src_dir: Path, out: Path) -> list[Path]:
    """Copies of real forms with the mistakes the checker must report."""
    from openpyxl import load_workbook

    files = sorted(src_dir.glob("2023_*.xlsx"))
    cases = {
        "chu-trong-o-so": [("quy_van_dong", "xa", "45.600.000 đồng"), ("hoi_vien", "xa", "mười")],
        "am-va-so-le": [("hoc_bong_suat", "xa", -3), ("so_chi_hoi", "xa", 12.5)],
        "vuot-tong-so": [("hoi_vien_moi", "xa", 99999), ("hoc_bong_tien", "xa", None)],
        "tien-ghi-trieu": [("quy_van_dong", "xa", 45), ("tong_quy", "xa", 60)],
    }
    own = next(src_dir.glob("*_cap-rieng.xlsx"))
    files.append(own)
    cases["sai-tong-cong"] = [("quy_van_dong", "tong", 999_000_000)]
    written = []
    for (case, edits), src in zip(cases.items(), files[:4] + [own]):
        wb = load_workbook(src)
        for code, level, value in edits:
            sheet, ref = _named_cell(wb, f"KH_{code}__{level}")
            wb[sheet][ref].value = value
            if isinstance(value, str):
                wb[sheet][ref].data_type = "s"
        target = out / f"{src.stem}_{case}.xlsx"
        wb.save(target)
        written.append(target)
    return written


def _named_cell(wb, name: str) -> tuple[str, str]:
    sheet, ref = next(iter(wb.defined_names[name].destinations))
    return sheet, ref.replace("$", "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-libreoffice", action="store_true")
    args = parser.parse_args()
    for sub in ("na-ri-2023", "thai-nguyen-2025", "broken"):
        shutil.rmtree(EXAMPLES / sub, ignore_errors=True)
        (EXAMPLES / sub).mkdir(parents=True)
    na_ri = make_children("Huyện Na Rì", "legacy-3tier", "2023", EXAMPLES / "na-ri-2023", seed=2023)
    na_ri.append(make_own("Huyện Na Rì", "legacy-3tier", "2023", EXAMPLES / "na-ri-2023", seed=66))
    tn = make_children("Tỉnh Thái Nguyên", "two-tier-2025", "2025", EXAMPLES / "thai-nguyen-2025",
                       seed=2025, only=["02143", "02152", "02155", "02176", "02185", "02191"])
    tn.append(make_own("Tỉnh Thái Nguyên", "two-tier-2025", "2025", EXAMPLES / "thai-nguyen-2025", seed=19))
    if not args.no_libreoffice:
        resave_with_libreoffice(na_ri + tn)
    broken = make_broken(EXAMPLES / "na-ri-2023", EXAMPLES / "broken")
    print(f"{len(na_ri)} tệp Na Rì, {len(tn)} tệp Thái Nguyên, {len(broken)} tệp lỗi mẫu.")


if __name__ == "__main__":
    main()
