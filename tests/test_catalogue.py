"""The indicator catalogue honours the contract of shared/domain/indicators.md."""
import tomllib

import pytest

from kh_excel.catalogue import CatalogueError, load_catalogue, parse_catalogue

# Every code of shared/domain/indicators.md (typed from the contract, not from the catalogue).
CONTRACT = {
    "A": "dan_so hoi_vien hoi_vien_moi ty_le_hoi_vien so_hoi_co_so so_chi_hoi so_ban_khuyen_hoc",
    "B": "quy_van_dong tong_quy quy_binh_quan heo_dat_so heo_dat_tien",
    "C": "hoc_bong_suat hoc_bong_tien ho_tro_ngheo_suat ho_tro_ngheo_tien khen_hsg_suat "
         "khen_hsg_tien khen_nguoi_lon_suat khen_nguoi_lon_tien qua_suat qua_tien xay_truong_tien",
    "D": "gia_dinh_hoc_tap tong_so_ho ty_le_gia_dinh_hoc_tap dong_ho_hoc_tap tong_dong_ho "
         "ty_le_dong_ho_hoc_tap cong_dong_hoc_tap tong_thon ty_le_cong_dong_hoc_tap don_vi_hoc_tap "
         "tong_don_vi ty_le_don_vi_hoc_tap cdht_dang_ky cdht_cong_nhan cdht_doi_tuong "
         "ty_le_cong_dan_hoc_tap xa_cdht_dat tthtcd_lop tthtcd_hoc_vien",
    "E": "lop_tap_huan hoc_vien_tap_huan co_thi_dua ky_niem_chuong bang_khen giay_khen",
    "F": "so_nhiem_vu so_chi_tieu so_giai_phap",
}
RATIOS = {
    "ty_le_hoi_vien": ("hoi_vien", "dan_so", 100),
    "quy_binh_quan": ("quy_van_dong", "dan_so", 1),
    "ty_le_gia_dinh_hoc_tap": ("gia_dinh_hoc_tap", "tong_so_ho", 100),
    "ty_le_dong_ho_hoc_tap": ("dong_ho_hoc_tap", "tong_dong_ho", 100),
    "ty_le_cong_dong_hoc_tap": ("cong_dong_hoc_tap", "tong_thon", 100),
    "ty_le_don_vi_hoc_tap": ("don_vi_hoc_tap", "tong_don_vi", 100),
    # Contract: công dân học tập is recognised / eligible people, not / population.
    "ty_le_cong_dan_hoc_tap": ("cdht_cong_nhan", "cdht_doi_tuong", 100),
}


def test_every_contract_code_is_in_its_section():
    cat = load_catalogue()
    for section, codes in CONTRACT.items():
        for code in codes.split():
            assert code in cat, code
            assert cat[code].section == section, code


def test_ratios_are_recomputed_from_their_parts():
    cat = load_catalogue()
    derived = {i.code for i in cat if i.derived}
    assert derived == set(RATIOS)
    for code, (num, den, scale) in RATIOS.items():
        assert (cat[code].num, cat[code].den, cat[code].scale) == (num, den, scale)


def test_kinds_and_aggregations_of_special_indicators():
    cat = load_catalogue()
    assert cat["xa_cdht_dat"].kind == "flag" and cat["xa_cdht_dat"].agg == "count"
    assert {cat[c].agg for c in ("so_nhiem_vu", "so_chi_tieu", "so_giai_phap")} == {"none"}
    assert cat["quy_van_dong"].nature == "flow" and cat["tong_quy"].nature == "stock"
    assert all(cat[c].kind == "dong" for c in CONTRACT["C"].split() if c.endswith("_tien"))
    assert cat["hoc_bong_suat"].pair == "hoc_bong_tien"
    assert [t.code for t in cat.texts] == ["noi_bat", "han_che", "phuong_huong", "kien_nghi"]


def test_a_broken_catalogue_reports_every_problem_at_once():
    data = tomllib.loads("""
        [sections]
        A = "x"
        [[indicator]]
        code = "a"
        section = "Z"
        label = "a"
        kind = "bogus"
        unit = "u"
        agg = "ratio"
        nature = "stock"
        num = "missing"
        den = "a"
        [[indicator]]
        code = "a"
        section = "A"
        label = "dup"
        kind = "nguoi"
        unit = "u"
        agg = "sum"
        nature = "sometimes"
    """)
    with pytest.raises(CatalogueError) as err:
        parse_catalogue(data)
    text = str(err.value)
    for fragment in ("unknown section 'Z'", "kind 'bogus'", "ratio num 'missing'",
                     "duplicate code", "nature 'sometimes'"):
        assert fragment in text
