"""The generated forms: structure per tier and scheme, names, validation, protection, safety."""
from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kh_excel.catalogue import load_catalogue
from kh_excel.errors import OutputExists, SchemeMismatch, TierMismatch, UsageError
from kh_excel.forms.fill import fill_form
from kh_excel.forms.layout import (DATA_SHEET, GUIDE_SHEET, INFO_FIELDS, INFO_INPUT_KEYS,
                                   INFO_SHEET, META_KEYS, META_SHEET, TEMPLATE_VERSION,
                                   form_layout, info_name, text_name)
from kh_excel.forms.snapshot import workbook_snapshot
from kh_excel.forms.writer import (BLANK_FORMS, FormSpec, build_form, form_file_name,
                                   write_blank_templates, write_children_forms, write_form)
from kh_excel.periods import Period

ROOT = Path(__file__).resolve().parents[1]
P2023, P2025 = Period.parse("2023"), Period.parse("2025")


def _spec(units, kind: str) -> FormSpec:
    """A pre-filled form of each tier and scheme."""
    return {
        "xa": FormSpec("xa", "legacy-3tier", P2023, units["van_vu"], units["na_ri"]),
        "huyen": FormSpec("huyen", "legacy-3tier", P2023, units["na_ri"], units["bac_kan"]),
        "tinh": FormSpec("tinh", "legacy-3tier", P2023, units["bac_kan"]),
        "xa2": FormSpec("xa", "two-tier-2025", P2025, units["na_ri_2025"], units["thai_nguyen"]),
        "tinh2": FormSpec("tinh", "two-tier-2025", P2025, units["thai_nguyen"]),
    }[kind]


def _saved(tmp_path: Path, spec: FormSpec, name: str = "form.xlsx"):
    path = write_form(tmp_path / name, spec)
    return path, load_workbook(path)


def _ref(wb, name: str) -> tuple[str, str]:
    (sheet, ref), = wb.defined_names[name].destinations
    return sheet, ref.replace("$", "")


ALL_SPECS = [*[("blank", t, s) for t, s in BLANK_FORMS],
             *[("unit", k, None) for k in ("xa", "huyen", "tinh", "xa2", "tinh2")]]


@pytest.fixture(params=ALL_SPECS, ids=lambda p: f"{p[0]}-{p[1]}-{p[2] or ''}")
def form(request, tmp_path, units):
    kind, a, b = request.param
    spec = FormSpec(a, b) if kind == "blank" else _spec(units, a)
    path, wb = _saved(tmp_path, spec)
    return spec, path, wb


def test_sheets_and_meta(form):
    spec, _, wb = form
    assert wb.sheetnames == [DATA_SHEET, INFO_SHEET, GUIDE_SHEET, META_SHEET]
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible"] * 3 + ["veryHidden"]
    meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True)}
    assert list(meta) == list(META_KEYS)
    expected = {"template_id": f"kh-{spec.tier}-{spec.scheme}",
                "template_version": str(TEMPLATE_VERSION),
                "catalogue_version": str(load_catalogue().version), "tier": spec.tier,
                "scheme": spec.scheme,
                "unit_code": spec.unit.code if spec.unit else "",
                "unit_name": spec.unit.name if spec.unit else "",
                "parent_code": spec.parent.code if spec.parent else "",
                "parent_name": spec.parent.name if spec.parent else "",
                "period": str(spec.period) if spec.period else ""}
    # openpyxl reads an empty text cell back as None
    assert {k: v or "" for k, v in meta.items()} == expected
    assert {p.name: p.value or "" for p in wb.custom_doc_props} == expected


def test_headers_and_rows_follow_the_layout(form):
    spec, _, wb = form
    layout = form_layout(spec.tier, spec.scheme)
    ws = wb[DATA_SHEET]
    heads = [ws.cell(5, c).value for c in range(1, layout.code_col + 1)]
    levels = {"xa": ["Số liệu"], "huyen": ["Cấp xã", "Cấp huyện", "Tổng cộng"]}.get(spec.tier)
    if spec.tier == "tinh":
        levels = (["Cấp xã", "Cấp huyện", "Cấp tỉnh", "Tổng cộng"] if spec.scheme == "legacy-3tier"
                  else ["Cấp xã", "Cấp tỉnh", "Tổng cộng"])
    assert heads == ["STT", "Chỉ tiêu", "Đơn vị tính", *levels, "Kiểm tra", "Mã chỉ tiêu"]
    cat = load_catalogue()
    for ind in cat:
        row = layout.rows[ind.code]
        assert ws.cell(row, 2).value == ind.label
        assert ws.cell(row, layout.code_col).value == ind.code
    assert ws.cell(layout.section_rows["A"], 2).value == "TỔ CHỨC VÀ HỘI VIÊN"
    assert ws.column_dimensions[ws.cell(1, layout.code_col).column_letter].hidden
    assert "BIỂU SỐ LIỆU CÔNG TÁC KHUYẾN HỌC" in ws["A1"].value
    if spec.unit:
        assert ws["A2"].value == spec.unit.association_name
        assert ws["A3"].value == f"Kỳ báo cáo: {spec.period.label()}"


def test_a_defined_name_on_every_value_cell_and_info_field(form):
    spec, _, wb = form
    layout = form_layout(spec.tier, spec.scheme)
    for cell in layout.cells:
        assert _ref(wb, cell.name) == (DATA_SHEET, cell.ref), cell.name
    for key, _, row in INFO_FIELDS:
        assert _ref(wb, info_name(key)) == (INFO_SHEET, f"B{row}")
    for code, row in layout.text_rows().items():
        assert _ref(wb, text_name(code)) == (INFO_SHEET, f"B{row}")
    for name in wb.defined_names:
        assert wb.defined_names[name].localSheetId is None  # workbook scope


def test_validations_on_every_typed_cell(form):
    spec, _, wb = form
    layout = form_layout(spec.tier, spec.scheme)
    ws = wb[DATA_SHEET]
    cat = load_catalogue()
    for cell in layout.inputs():
        covering = [dv for dv in ws.data_validations.dataValidation if cell.ref in dv.sqref]
        assert len(covering) == 1, cell.name
        dv = covering[0]
        assert dv.showErrorMessage and dv.errorTitle and dv.error
        assert dv.errorStyle in (None, "stop")
        kind = cat[cell.code].kind
        if kind == "dong":
            assert (dv.type, dv.operator, dv.formula1) == ("decimal", "greaterThanOrEqual", "0")
        elif kind == "flag" and spec.tier == "xa":
            assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("whole", "between", "0", "1")
        else:
            assert (dv.type, dv.operator, dv.formula1) == ("whole", "greaterThanOrEqual", "0")
    derived = [c.ref for c in layout.cells if c.role == "derived"]
    assert not any(ref in dv.sqref for dv in ws.data_validations.dataValidation for ref in derived)


def test_protection_leaves_only_input_cells_unlocked(form):
    spec, _, wb = form
    layout = form_layout(spec.tier, spec.scheme)
    assert wb.security.lockStructure
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    ws = wb[DATA_SHEET]
    unlocked = {c.coordinate for row in ws.iter_rows() for c in row if not c.protection.locked}
    assert unlocked == {c.ref for c in layout.inputs()}
    info = wb[INFO_SHEET]
    unlocked = {c.coordinate for row in info.iter_rows() for c in row if not c.protection.locked}
    typed = set(INFO_INPUT_KEYS)
    if spec.unit is None:  # a blank template asks for the unit and period too
        typed |= {"unit_name", "unit_code", "parent_name", "period"}
    expected = {f"B{row}" for key, _, row in INFO_FIELDS if key in typed}
    expected |= {f"B{row}" for row in layout.text_rows().values()}
    assert unlocked == expected
    for row in layout.text_rows().values():
        assert info[f"B{row}"].alignment.wrap_text and info.row_dimensions[row].height >= 100
    for sheet in (wb[GUIDE_SHEET], wb[META_SHEET]):
        assert all(c.protection.locked for row in sheet.iter_rows() for c in row)


def test_formulas_of_the_district_form(tmp_path, units):
    _, wb = _saved(tmp_path, _spec(units, "huyen"))
    ws = wb[DATA_SHEET]
    layout = form_layout("huyen", "legacy-3tier")
    r = layout.rows
    assert ws[f"F{r['dan_so']}"].value == f'=IF(COUNT(D{r["dan_so"]}:E{r["dan_so"]})=0,"",SUM(D{r["dan_so"]}:E{r["dan_so"]}))'
    # a ratio per level column, the Tổng cộng column using the total cells
    ratio = ws[f"F{r['ty_le_hoi_vien']}"].value
    assert ratio == f'=IF(AND(ISNUMBER(F{r["hoi_vien"]}),N(F{r["dan_so"]})>0),F{r["hoi_vien"]}/F{r["dan_so"]}*100,"")'
    assert ws[f"D{r['ty_le_hoi_vien']}"].number_format == "0.00"
    assert ws[f"D{r['quy_binh_quan']}"].number_format == "#,##0"
    assert ws[f"D{r['quy_van_dong']}"].number_format == "#,##0"
    check = ws[f"G{r['hoi_vien_moi']}"].value
    assert '"Sai"' in check and f"D{r['hoi_vien_moi']}>D{r['hoi_vien']}" in check
    assert f"F{r['hoi_vien_moi']}>F{r['hoi_vien']}" in check  # the totals too
    assert '"Thiếu"' in ws[f"G{r['hoc_bong_suat']}"].value
    assert ws["G4"].value.startswith('="Số dòng sai: "&COUNTIF(G6:G')
    # not applicable: commune flag at district level, next year's plan at commune level
    for ref in (f"E{r['xa_cdht_dat']}", f"D{r['so_nhiem_vu']}", f"F{r['so_nhiem_vu']}"):
        assert ws[ref].value is None and ws[ref].protection.locked
        assert ws[ref].fill.fgColor.rgb.endswith("D9D9D9")
    assert ws[f"F{r['xa_cdht_dat']}"].value == f'=IF(COUNT(D{r["xa_cdht_dat"]})=0,"",SUM(D{r["xa_cdht_dat"]}))'
    assert ws.freeze_panes == "D6"
    assert ws.print_title_rows == "$5:$5"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert wb[GUIDE_SHEET].max_row > len(load_catalogue())


def test_data_is_written_as_text_never_as_a_formula(tmp_path, units):
    evil = replace(units["van_vu"], name="=1+1", code="=2+2")
    spec = FormSpec("xa", "legacy-3tier", P2023, evil, replace(units["na_ri"], name="=HYPERLINK(1)"))
    path, wb = _saved(tmp_path, spec)
    info = wb[INFO_SHEET]
    for key, value in (("unit_name", "=1+1"), ("unit_code", "=2+2"),
                       ("parent_name", "=HYPERLINK(1)")):
        sheet, ref = _ref(wb, info_name(key))
        assert (info[ref].value, info[ref].data_type) == (value, "s")
    meta = {r[0].value: r[1] for r in wb[META_SHEET].iter_rows()}
    assert (meta["unit_name"].value, meta["unit_name"].data_type) == ("=1+1", "s")
    with zipfile.ZipFile(path) as zf:
        sheets = b"".join(zf.read(n) for n in zf.namelist() if n.startswith("xl/worksheets/"))
    assert b"<t>=1+1</t>" in sheets
    assert not re.search(rb"<f>[^<]*(1\+1|2\+2|HYPERLINK)", sheets)
    # and it stays text when the form is filled and saved again
    filled = fill_form(path, tmp_path / "filled.xlsx", {("dan_so", "xa"): 5},
                       info={"nguoi_lap": "=cmd()"})
    wb = load_workbook(filled)
    assert (wb[INFO_SHEET]["B3"].value, wb[INFO_SHEET]["B3"].data_type) == ("=1+1", "s")
    sheet, ref = _ref(wb, info_name("nguoi_lap"))
    assert (wb[sheet][ref].value, wb[sheet][ref].data_type) == ("=cmd()", "s")


class FakeRegistry:
    """The part of the unit registry that write_children_forms uses."""

    def __init__(self, children):
        self._children = children

    def children(self, unit):
        return list(self._children)


def _communes(units, n: int):
    base = units["van_vu"]
    names = ["Xã Văn Vũ", "Xã Lương Thượng", "Thị trấn Yến Lạc", "Xã Đổng Xá", "=1+1",
             "Xã A & B <Cũ>", "Xã Cuối "]
    return [replace(base, code=f"0213{k}", name=names[k % len(names)]) for k in range(n)]


def test_children_forms_have_their_names_and_equal_a_full_build(tmp_path, units):
    children = _communes(units, 7)
    paths = write_children_forms(tmp_path / "out", units["na_ri"], "2023", None,
                                 FakeRegistry(children))
    assert [p.name for p in paths] == [
        "2023_02130_xa-van-vu.xlsx", "2023_02131_xa-luong-thuong.xlsx",
        "2023_02132_thi-tran-yen-lac.xlsx", "2023_02133_xa-dong-xa.xlsx", "2023_02134_1-1.xlsx",
        "2023_02135_xa-a-b-cu.xlsx", "2023_02136_xa-cuoi.xlsx"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)
    for unit, path in zip(children, paths):
        # forms patched from one build are the same as forms built for the unit alone
        spec = FormSpec("xa", "legacy-3tier", P2023, unit, units["na_ri"])
        assert workbook_snapshot(path) == workbook_snapshot(build_form(spec)), path.name
    wb = load_workbook(paths[4])
    assert (wb[INFO_SHEET]["B3"].value, wb[INFO_SHEET]["B3"].data_type) == ("=1+1", "s")
    assert wb[DATA_SHEET]["A2"].value == "Hội Khuyến học =1+1"


def test_form_file_name(units):
    assert form_file_name(P2023, units["van_vu"]) == "2023_02137_xa-van-vu.xlsx"
    assert form_file_name("2024-H1", units["na_ri"]) == "2024-H1_066_huyen-na-ri.xlsx"


def test_children_refuse_existing_files_and_write_nothing(tmp_path, units):
    children = _communes(units, 3)
    out = tmp_path / "out"
    out.mkdir()
    existing = out / "2023_02131_xa-luong-thuong.xlsx"
    existing.write_bytes(b"mine")
    with pytest.raises(OutputExists):
        write_children_forms(out, units["na_ri"], P2023, "legacy-3tier", FakeRegistry(children))
    assert [p.name for p in out.iterdir()] == [existing.name]
    assert existing.read_bytes() == b"mine"
    paths = write_children_forms(out, units["na_ri"], P2023, "legacy-3tier",
                                 FakeRegistry(children), force=True)
    assert len(paths) == 3 and existing.read_bytes() != b"mine"
    with pytest.raises(UsageError):
        write_children_forms(out, units["van_vu"], P2023, None, FakeRegistry([]))


def test_write_form_is_atomic_and_refuses_to_overwrite(tmp_path, units):
    spec = _spec(units, "xa")
    path = write_form(tmp_path / "a.xlsx", spec)
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]  # no temporary file left
    before = path.read_bytes()
    with pytest.raises(OutputExists) as err:
        write_form(path, _spec(units, "huyen"))
    # From Python the message names the argument; the command line names the flag.
    assert err.value.message() == (f"Tệp {path} đã có. Gọi lại với force=True để ghi đè, hoặc "
                                   "chọn tên tệp khác.")
    assert err.value.message(cli=True) == (f"Tệp {path} đã có. Thêm --force để ghi đè, hoặc "
                                           "chọn tên tệp khác.")
    assert path.read_bytes() == before
    write_form(path, spec, force=True)
    assert path.read_bytes() == before  # reproducible: no timestamps
    assert [p.name for p in tmp_path.iterdir()] == ["a.xlsx"]


def test_written_files_get_the_usual_mode_not_a_private_one(tmp_path, units):
    umask = os.umask(0o022)
    try:
        path = write_form(tmp_path / "a.xlsx", _spec(units, "xa"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # readable by colleagues, as cp makes it
        path.chmod(0o664)
        write_form(path, _spec(units, "xa"), force=True)
        assert stat.S_IMODE(path.stat().st_mode) == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(umask)


def test_spec_checks(units):
    with pytest.raises(UsageError):
        FormSpec("huyen", "two-tier-2025")
    with pytest.raises(TierMismatch) as err:
        FormSpec("huyen", "legacy-3tier", P2023, units["van_vu"])
    assert err.value.message() == ("Xã Văn Vũ là đơn vị cấp xã, không phải cấp huyện. Bỏ --tier "
                                   "hoặc chọn đúng đơn vị.")
    with pytest.raises(SchemeMismatch):
        FormSpec("xa", "legacy-3tier", P2025)
    with pytest.raises(UsageError):
        FormSpec("xa", "two-tier-2025", P2025, units["van_vu"])


def test_fill_form_writes_by_defined_name(tmp_path, units):
    src, _ = _saved(tmp_path, _spec(units, "huyen"))
    dst = fill_form(src, tmp_path / "filled.xlsx",
                    {("dan_so", "xa"): 45210, ("quy_van_dong", "huyen"): 1.5e6,
                     ("hoi_vien", "xa"): "12 người", ("quy_van_dong", "tong"): 7},
                    info={"nguoi_lap": "Nguyễn Văn A", "dien_thoai": "0912345678"},
                    texts={"noi_bat": "Quỹ tăng."})
    wb = load_workbook(dst)
    ws = wb[DATA_SHEET]
    r = form_layout("huyen", "legacy-3tier").rows
    assert ws[f"D{r['dan_so']}"].value == 45210
    assert ws[f"E{r['quy_van_dong']}"].value == 1.5e6
    assert (ws[f"D{r['hoi_vien']}"].value, ws[f"D{r['hoi_vien']}"].data_type) == ("12 người", "s")
    assert ws[f"F{r['quy_van_dong']}"].value == 7  # an overwritten total
    assert wb[INFO_SHEET]["B9"].value == "Nguyễn Văn A"
    assert wb[INFO_SHEET]["B11"].value == "0912345678"
    assert wb[INFO_SHEET]["B15"].value == "Quỹ tăng."
    # the rest of the form is kept
    original = workbook_snapshot(src)
    filled = workbook_snapshot(dst)
    assert filled["names"] == original["names"]
    assert filled[DATA_SHEET]["validations"] == original[DATA_SHEET]["validations"]
    assert filled["custom_props"] == original["custom_props"]
    with pytest.raises(KeyError):
        fill_form(src, tmp_path / "x.xlsx", {("no_such", "xa"): 1})
    with pytest.raises(OutputExists):
        fill_form(src, dst, {})


def test_blank_templates_are_up_to_date(tmp_path):
    fresh = write_blank_templates(tmp_path)
    assert [p.name for p in fresh] == [
        "kh-xa-legacy-3tier.xlsx", "kh-huyen-legacy-3tier.xlsx", "kh-tinh-legacy-3tier.xlsx",
        "kh-xa-two-tier-2025.xlsx", "kh-tinh-two-tier-2025.xlsx"]
    committed = ROOT / "templates" / "xlsx"
    for path in fresh:
        assert (committed / path.name).is_file(), f"run scripts/regen_templates.py ({path.name})"
        assert workbook_snapshot(committed / path.name) == workbook_snapshot(path), (
            f"templates/xlsx/{path.name} is stale: run python scripts/regen_templates.py")


def test_form_skeletons_are_up_to_date(tmp_path):
    from kh_excel.forms.children import SKELETON_DIR, skeleton_name
    from kh_excel.forms.writer import write_form_skeletons

    fresh = write_form_skeletons(tmp_path)
    assert [p.name for p in fresh] == [skeleton_name(t, s) for t, s in BLANK_FORMS]
    committed = ROOT / "kh_excel" / SKELETON_DIR
    for path in fresh:
        assert (committed / path.name).is_file(), f"run scripts/regen_templates.py ({path.name})"
        assert workbook_snapshot(committed / path.name) == workbook_snapshot(path), (
            f"kh_excel/{SKELETON_DIR}/{path.name} is stale: run python scripts/regen_templates.py")


def _parts(data: bytes) -> dict[str, bytes]:
    """The parts of an xlsx, numeric character references written as the characters (openpyxl
    writes "&#7897;" where the skeleton's filled text has "ộ" in UTF-8: the same XML)."""
    from io import BytesIO
    with zipfile.ZipFile(BytesIO(data)) as zf:
        return {name: re.sub(rb"&#(\d+);", lambda m: chr(int(m.group(1))).encode("utf-8"),
                             zf.read(name)) for name in zf.namelist()}


@pytest.mark.parametrize("kind", ["xa", "huyen", "tinh", "xa2", "tinh2"])
def test_forms_from_a_skeleton_are_the_openpyxl_build_part_by_part(units, kind):
    from kh_excel.forms.children import form_bytes
    from kh_excel.forms.package import workbook_bytes

    spec = _spec(units, kind)
    data = form_bytes(spec)
    built = workbook_bytes(build_form(spec))
    assert _parts(data) == _parts(built)  # every part, in order, the same XML
    assert list(_parts(data)) == list(_parts(built))
    from io import BytesIO
    assert workbook_snapshot(load_workbook(BytesIO(data))) == \
        workbook_snapshot(load_workbook(BytesIO(built)))


def test_children_of_a_city_are_written_without_openpyxl_and_are_valid(tmp_path):
    """The 168 communes of Hồ Chí Minh: openpyxl is never imported, the forms are valid OOXML
    and each is its unit's own form."""
    import subprocess
    import sys

    from ooxml import assert_valid_ooxml

    out = tmp_path / "hcm"
    probe = (
        "import sys\nfrom kh_excel.cli.main import cli\n"
        "try:\n    cli.main(['template', '--children-of', 'Hồ Chí Minh', '--period', '2025', "
        f"'--out-dir', {str(out)!r}], prog_name='kh-excel')\nexcept SystemExit as e:\n"
        "    print('exit', e.code)\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'openpyxl', 'numpy'}))\n")
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True)
    assert run.stdout.splitlines()[-2:] == ["exit 0", "[]"], run.stdout + run.stderr
    paths = sorted(out.glob("*.xlsx"))
    assert len(paths) == 168
    from kh_excel.registry import load_registry
    registry = load_registry("two-tier-2025")
    city = registry.find("Hồ Chí Minh", as_parent=True)
    by_code = {u.code: u for u in registry.children(city)}
    for path in paths[:2] + paths[-1:]:
        unit = by_code[path.name.split("_")[1]]
        spec = FormSpec(unit.tier, "two-tier-2025", P2025, unit, city)
        assert workbook_snapshot(path) == workbook_snapshot(build_form(spec)), path.name
    assert_valid_ooxml(paths[0], paths[-1])
