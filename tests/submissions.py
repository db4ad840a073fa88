"""Full, consistent submissions built in memory (no files), for rule tests and bench/bench_rules.py."""
from __future__ import annotations

from decimal import Decimal

from kh_excel.catalogue import load_catalogue
from kh_excel.model import Provenance, Submission
from kh_excel.periods import LEGACY, TWO_TIER
from kh_excel.tiers import form_levels, indicator_levels

# Plausible commune-level figures of a district (sums over its communes); other levels are scaled.
BASE = {
    "dan_so": 180_000, "hoi_vien": 45_000, "hoi_vien_moi": 3_000, "so_hoi_co_so": 17,
    "so_chi_hoi": 210, "so_ban_khuyen_hoc": 95, "quy_van_dong": 3_827_053_000,
    "tong_quy": 5_100_000_000, "heo_dat_so": 320, "heo_dat_tien": 96_000_000,
    "hoc_bong_suat": 850, "hoc_bong_tien": 850_000_000, "ho_tro_ngheo_suat": 400,
    "ho_tro_ngheo_tien": 200_000_000, "khen_hsg_suat": 1_200, "khen_hsg_tien": 360_000_000,
    "khen_nguoi_lon_suat": 150, "khen_nguoi_lon_tien": 30_000_000, "qua_suat": 2_000,
    "qua_tien": 200_000_000, "xay_truong_tien": 150_000_000, "gia_dinh_hoc_tap": 32_000,
    "tong_so_ho": 45_000, "dong_ho_hoc_tap": 300, "tong_dong_ho": 420, "cong_dong_hoc_tap": 180,
    "tong_thon": 210, "don_vi_hoc_tap": 120, "tong_don_vi": 150, "cdht_dang_ky": 60_000,
    "cdht_cong_nhan": 52_000, "cdht_doi_tuong": 90_000, "xa_cdht_dat": 12, "tthtcd_lop": 340,
    "tthtcd_hoc_vien": 25_000, "lop_tap_huan": 17, "hoc_vien_tap_huan": 900, "co_thi_dua": 2,
    "ky_niem_chuong": 15, "bang_khen": 10, "giay_khen": 60, "so_nhiem_vu": 8, "so_chi_tieu": 10,
    "so_giai_phap": 6,
}
SCALE = {"xa": 1, "huyen": 10, "tinh": 20}  # the own level of a district/province is smaller
COLUMNS = {"xa": "D", "huyen": "E", "tinh": "F", "tong": "G"}


def full_submission(tier: str = "huyen", scheme: str = LEGACY) -> Submission:
    """A form of this tier with every value filled in, totals stated and consistent."""
    cat = load_catalogue()
    path = f"bench_{tier}.xlsx"
    sub = Submission(path=path, sha256="0" * 64, meta={
        "tier": tier, "scheme": scheme, "unit_code": "00000", "unit_name": "Đơn vị mẫu",
        "period": "2024"})
    for row, ind in enumerate(cat, start=6):
        if ind.derived:
            continue
        levels = indicator_levels(ind, tier, scheme)
        for lv in levels:
            # A commune's own flag is 0/1; above, the row counts the communes that meet it.
            v = 1 if (tier, ind.code) == ("xa", "xa_cdht_dat") else BASE[ind.code] // SCALE[lv]
            sub.values[(ind.code, lv)] = v
            sub.provenance[(ind.code, lv)] = Provenance(path, "Biểu số liệu", f"{COLUMNS[lv]}{row}")
        if tier != "xa" and ind.levels in ("all", "xa"):
            sub.values[(ind.code, "tong")] = sum(sub.values[(ind.code, lv)] for lv in levels)
            sub.provenance[(ind.code, "tong")] = Provenance(path, "Biểu số liệu", f"G{row}")
    for ind in cat:
        if not ind.derived:
            continue
        for lv in form_levels(tier, scheme):
            n, d = sub.values.get((ind.num, lv)), sub.values.get((ind.den, lv))
            if n is not None and d:
                # What a spreadsheet caches: a binary float, shown rounded.
                sub.stated[(ind.code, lv)] = Decimal(repr(n / d * ind.scale))
    return sub
