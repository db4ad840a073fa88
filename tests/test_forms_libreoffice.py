"""Generated forms in a real spreadsheet application: filled by name, re-saved by LibreOffice."""
from __future__ import annotations

from dataclasses import replace

import pytest
from openpyxl import load_workbook

from kh_excel.forms.fill import fill_form
from kh_excel.forms.layout import (DATA_SHEET, INFO_SHEET, META_SHEET, form_layout, info_name,
                                   value_name)
from kh_excel.forms.writer import FormSpec, write_form
from kh_excel.libreoffice import resave_xlsx, soffice_available, to_pdf
from kh_excel.periods import Period

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed"),
]

# District of Na Rì, 2023: commune level (xa) and the district association's own level (huyen).
DISTRICT = {
    ("dan_so", "xa"): 45210,
    ("hoi_vien", "xa"): 10360, ("hoi_vien", "huyen"): 120,
    ("hoi_vien_moi", "xa"): 420, ("hoi_vien_moi", "huyen"): 5,
    ("quy_van_dong", "xa"): 1_250_000_000, ("quy_van_dong", "huyen"): 80_000_000,
    ("tong_quy", "xa"): 3_000_000_000, ("tong_quy", "huyen"): 500_000_000,
    ("hoc_bong_suat", "xa"): 340, ("hoc_bong_tien", "xa"): 170_000_000,
    ("hoc_bong_suat", "huyen"): 20,                      # money missing: "Thiếu"
    ("gia_dinh_hoc_tap", "xa"): 12000, ("tong_so_ho", "xa"): 11000,  # subset > superset: "Sai"
    ("cdht_dang_ky", "xa"): 5000, ("cdht_cong_nhan", "xa"): 4000, ("cdht_doi_tuong", "xa"): 8000,
    ("xa_cdht_dat", "xa"): 17,
    ("dong_ho_hoc_tap", "huyen"): 0, ("tong_dong_ho", "huyen"): 0,  # a 0 denominator: no ratio
    ("so_nhiem_vu", "huyen"): 6,
}
WRONG_TOTAL = {("tong_quy", "tong"): 3_400_000_000}    # should be 3.500.000.000: "Sai"

# Tỉnh Thái Nguyên, 2025 (two-tier scheme): communes (xa) and the province's own level (tinh).
PROVINCE = {
    ("dan_so", "xa"): 1_300_000,
    ("hoi_vien", "xa"): 300_000, ("hoi_vien", "tinh"): 1_500,
    ("quy_van_dong", "xa"): 40_000_000_000, ("quy_van_dong", "tinh"): 2_500_000_000,
    ("qua_suat", "xa"): 900, ("qua_tien", "xa"): 270_000_000,
    ("qua_suat", "tinh"): 100, ("qua_tien", "tinh"): 50_000_000,
}


def _sums(values: dict) -> dict[str, int]:
    """Expected Tổng cộng of every indicator typed in, computed here, not by the form."""
    sums: dict[str, int] = {}
    for (code, level), value in values.items():
        sums[code] = sums.get(code, 0) + value
    return sums


@pytest.fixture(scope="module")
def resaved(tmp_path_factory, units):
    """The forms as generated and filled, and the same forms after a LibreOffice re-save."""
    tmp = tmp_path_factory.mktemp("lo")
    specs = {
        "district": (FormSpec("huyen", "legacy-3tier", Period.parse("2023"), units["na_ri"],
                              units["bac_kan"]), {**DISTRICT, **WRONG_TOTAL}),
        "province": (FormSpec("tinh", "two-tier-2025", Period.parse("2025"),
                              units["thai_nguyen"]), PROVINCE),
        "evil": (FormSpec("xa", "legacy-3tier", Period.parse("2023-H1"),
                          replace(units["van_vu"], name="=1+1"), units["na_ri"]),
                 {("dan_so", "xa"): 3000, ("xa_cdht_dat", "xa"): 1}),
        "blank": (FormSpec("tinh", "legacy-3tier"), None),
    }
    filled = {}
    for key, (spec, values) in specs.items():
        blank = write_form(tmp / f"{key}-blank.xlsx", spec)
        filled[key] = blank if values is None else fill_form(
            blank, tmp / f"{key}.xlsx", values, info={"nguoi_lap": "Nguyễn Văn A"},
            texts={"noi_bat": "Quỹ khuyến học tăng."})
    outputs = resave_xlsx(list(filled.values()), tmp / "out")
    return {key: (specs[key][0], filled[key], out) for key, out in zip(filled, outputs)}


def _values(path, sheet=DATA_SHEET):
    return load_workbook(path, data_only=True)[sheet]


def _blank(value) -> bool:
    return value is None or value == ""


def test_libreoffice_opens_every_form(resaved):
    for spec, _, out in resaved.values():
        wb = load_workbook(out)
        assert wb.sheetnames[:3] == [DATA_SHEET, INFO_SHEET, "Hướng dẫn"]


def test_names_validations_protection_and_meta_survive(resaved):
    for key, (spec, before_path, after_path) in resaved.items():
        before, after = load_workbook(before_path), load_workbook(after_path)
        assert {n: d.attr_text for n, d in after.defined_names.items()} == \
            {n: d.attr_text for n, d in before.defined_names.items()}, key
        layout = form_layout(spec.tier, spec.scheme)
        ws_before, ws = before[DATA_SHEET], after[DATA_SHEET]
        for cell in layout.inputs():
            old = [dv for dv in ws_before.data_validations.dataValidation if cell.ref in dv.sqref]
            new = [dv for dv in ws.data_validations.dataValidation if cell.ref in dv.sqref]
            assert len(new) == 1 and new[0].showErrorMessage, (key, cell.name)
            assert (new[0].type, new[0].operator, new[0].formula1) == \
                (old[0].type, old[0].operator, old[0].formula1)
            if old[0].operator == "between":  # LibreOffice writes a formula2 for ≥ too
                assert new[0].formula2 == old[0].formula2
            assert new[0].error == old[0].error and new[0].errorTitle == old[0].errorTitle
        for sheet in after.worksheets:
            assert sheet.protection.sheet, (key, sheet.title)
        unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
        assert unlocked == {c.ref for c in layout.inputs()}
        assert {p.name: p.value for p in after.custom_doc_props} == \
            {p.name: p.value for p in before.custom_doc_props}
        # LibreOffice turns "veryHidden" into "hidden"; the keys and values stay.
        assert after[META_SHEET].sheet_state in ("hidden", "veryHidden")
        meta = {r[0]: r[1] for r in after[META_SHEET].iter_rows(values_only=True)}
        meta_before = {r[0]: r[1] for r in before[META_SHEET].iter_rows(values_only=True)}
        assert {k: v or "" for k, v in meta.items()} == {k: v or "" for k, v in meta_before.items()}


def _named(wb, code: str, level: str):
    (sheet, ref), = wb.defined_names[value_name(code, level)].destinations
    return wb[sheet][ref.replace("$", "")].value


def test_district_totals_ratios_and_checks_computed_by_libreoffice(resaved):
    spec, _, out = resaved["district"]
    wb = load_workbook(out, data_only=True)
    sums = _sums(DISTRICT)
    for code, expected in sums.items():
        if (code, "tong") in WRONG_TOTAL or code == "so_nhiem_vu":
            continue
        assert _named(wb, code, "tong") == expected, code
    assert _named(wb, "tong_quy", "tong") == 3_400_000_000  # the user's overwritten value
    assert _blank(_named(wb, "so_hoi_co_so", "tong"))      # nothing typed: blank, not 0
    assert _named(wb, "ty_le_hoi_vien", "xa") == pytest.approx(10360 / 45210 * 100)
    assert _named(wb, "ty_le_hoi_vien", "tong") == pytest.approx(10480 / 45210 * 100)
    assert _blank(_named(wb, "ty_le_hoi_vien", "huyen"))    # no population at district level
    assert _named(wb, "quy_binh_quan", "tong") == pytest.approx(1_330_000_000 / 45210)
    assert _named(wb, "ty_le_cong_dan_hoc_tap", "xa") == pytest.approx(50.0)
    assert _named(wb, "ty_le_gia_dinh_hoc_tap", "tong") == pytest.approx(12000 / 11000 * 100)
    assert _blank(_named(wb, "ty_le_dong_ho_hoc_tap", "huyen"))
    assert _blank(_named(wb, "ty_le_dong_ho_hoc_tap", "tong"))
    assert _blank(_named(wb, "ty_le_don_vi_hoc_tap", "xa"))

    layout = form_layout(spec.tier, spec.scheme)
    ws = wb[DATA_SHEET]

    def check(code):
        return ws.cell(layout.rows[code], layout.check_col).value

    assert check("tong_quy") == "Sai"            # overwritten total ≠ parts
    assert check("gia_dinh_hoc_tap") == "Sai"    # recognised households > households
    assert check("hoc_bong_suat") == "Thiếu"     # awards at district level without money
    for code in ("dan_so", "hoi_vien", "hoi_vien_moi", "quy_van_dong", "hoc_bong_tien",
                 "cdht_cong_nhan", "xa_cdht_dat", "so_nhiem_vu"):
        assert check(code) == "Đúng", code
    assert _blank(check("so_chi_hoi"))
    assert _blank(ws.cell(layout.section_rows["A"], layout.check_col).value)
    assert ws.cell(4, layout.check_col).value == "Số dòng sai: 2"


def test_province_two_tier_totals(resaved):
    spec, _, out = resaved["province"]
    wb = load_workbook(out, data_only=True)
    for code, expected in _sums(PROVINCE).items():
        assert _named(wb, code, "tong") == expected, code
    assert _named(wb, "ty_le_hoi_vien", "tong") == pytest.approx(301_500 / 1_300_000 * 100)
    assert _blank(_named(wb, "ty_le_hoi_vien", "tinh"))  # no population typed: no ratio
    layout = form_layout(spec.tier, spec.scheme)
    assert wb[DATA_SHEET].cell(4, layout.check_col).value == "Số dòng sai: 0"
    assert wb[DATA_SHEET].cell(layout.rows["qua_suat"], layout.check_col).value == "Đúng"


def test_unit_name_stays_text_in_libreoffice(resaved):
    _, _, out = resaved["evil"]
    wb = load_workbook(out, data_only=True)
    (sheet, ref), = wb.defined_names[info_name("unit_name")].destinations
    assert wb[sheet][ref.replace("$", "")].value == "=1+1"
    assert wb[DATA_SHEET]["A2"].value == "Hội Khuyến học =1+1"
    formulas = load_workbook(out)
    cell = formulas[sheet][ref.replace("$", "")]
    assert (cell.value, cell.data_type) == ("=1+1", "s")
    assert _named(wb, "xa_cdht_dat", "xa") == 1


def test_district_form_prints_to_pdf(resaved, tmp_path):
    _, _, out = resaved["district"]
    pdf, = to_pdf([out], tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
