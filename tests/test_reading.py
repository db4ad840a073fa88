"""Reading filled forms: values, provenance, metadata, legacy fonts, formulas, every bad input."""
from __future__ import annotations

import struct
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl.styles import Font

from kh_excel.checking import check_file
from kh_excel.errors import FormUnreadable, UnknownTemplate
from kh_excel.forms.layout import (DATA_SHEET, INFO_SHEET, META_KEYS, META_SHEET, form_layout,
                                   info_name, text_name)
from kh_excel.libreoffice import convert, resave_xlsx, soffice_available
from kh_excel.model import Severity
from kh_excel.reading import container, read_form

from formfiles import (HUYEN_VALUES, INFO, TEXTS, XA_VALUES, commune_spec, district_spec,
                       edited, filled, named_cell, rezip, sha, sheet_part, with_cells,
                       with_entity_bomb)

LAYOUT = form_layout("xa", "legacy-3tier")


@pytest.fixture(scope="module")
def form(tmp_path_factory, units) -> Path:
    """A commune form filled by name and saved by openpyxl (no cached formula values)."""
    return filled(tmp_path_factory.mktemp("form"), commune_spec(units), XA_VALUES,
                  info=INFO, texts=TEXTS)


@pytest.fixture
def copy_of(form, tmp_path):
    """``copy_of(cells)``: a copy of the filled form with some value cells overwritten."""
    def make(cells: dict, name: str = "edited.xlsx") -> Path:
        return with_cells(form, tmp_path / name, cells)
    return make


def _read(path: Path):
    """Read a file and check that reading did not change a byte of it."""
    before = sha(path)
    result = read_form(path)
    assert sha(path) == before
    return result


def _rules(result) -> list[str]:
    return [f.rule for f in result.findings]


# --- The happy path ---------------------------------------------------------------------------

def test_values_provenance_meta_info_and_texts(form):
    result = _read(form)
    sub = result.submission
    assert result.findings == []
    assert sub.values == XA_VALUES
    assert all(type(v) is int for v in sub.values.values())
    digest = sha(form)
    assert sub.sha256 == digest and sub.path == str(form)
    for key in XA_VALUES:
        prov = sub.provenance[key]
        assert (prov.file, prov.sheet, prov.cell, prov.sha256, prov.how) == \
            (str(form), DATA_SHEET, LAYOUT.cell(*key).ref, digest, "stated")
    assert sub.cell("quy_van_dong", "xa") == "D15"
    assert {k: sub.meta[k] for k in ("template_id", "tier", "scheme", "unit_code", "unit_name",
                                     "parent_code", "period")} == {
        "template_id": "kh-xa-legacy-3tier", "tier": "xa", "scheme": "legacy-3tier",
        "unit_code": "02137", "unit_name": "Xã Văn Vũ", "parent_code": "066", "period": "2023"}
    assert set(sub.meta) == set(META_KEYS)
    assert sub.info == INFO
    assert sub.texts == TEXTS
    assert sub.stated == {}  # openpyxl leaves the ratio formulas without values


def test_a_consistent_form_passes_every_rule(form):
    assert check_file(form).findings == []


def test_blank_is_missing_and_zero_is_zero(copy_of):
    sub = _read(copy_of({("hoi_vien_moi", "xa"): None, ("giay_khen", "xa"): 0})).submission
    assert ("hoi_vien_moi", "xa") not in sub.values
    assert sub.values[("giay_khen", "xa")] == 0


def test_a_form_without_any_figure_gives_one_warning(tmp_path, units):
    path = filled(tmp_path, commune_spec(units), {}, info=INFO)
    result = check_file(path)
    assert [(f.rule, f.severity) for f in result.findings] == \
        [("bieu_chua_co_so_lieu", Severity.CANH_BAO)]
    assert "chưa có số liệu" in result.findings[0].message
    assert result.findings[0].sheet == DATA_SHEET


def test_totals_without_cached_values_are_computed(tmp_path, units):
    path = filled(tmp_path, district_spec(units), HUYEN_VALUES)
    sub = _read(path).submission
    layout = form_layout("huyen", "legacy-3tier")
    for code in ("hoi_vien", "quy_van_dong", "hoc_bong_suat", "hoc_bong_tien"):
        parts = HUYEN_VALUES[(code, "xa")] + HUYEN_VALUES[(code, "huyen")]
        assert sub.values[(code, "tong")] == parts
        prov = sub.provenance[(code, "tong")]
        assert prov.how == "computed" and prov.cell == layout.cell(code, "tong").ref
    assert sub.values[("dan_so", "tong")] == 45210  # a single part is its own total
    assert ("so_chi_hoi", "tong") not in sub.values  # nothing typed: no total, not 0
    assert check_file(path).findings == []


def test_xlsm_is_read(form, tmp_path):
    with zipfile.ZipFile(form) as z:
        types = z.read("[Content_Types].xml")
    macro = types.replace(b"spreadsheetml.sheet.main+xml",
                          b"sheet.macroEnabled.main+xml")
    assert macro != types
    path = rezip(form, tmp_path / "form.xlsm", {"[Content_Types].xml": macro})
    assert _read(path).submission.values == XA_VALUES


# --- Legacy Vietnamese fonts ------------------------------------------------------------------

def test_text_in_tcvn3_and_vni_fonts_becomes_unicode(form, tmp_path):
    def edit(wb):
        for name, text, font in (
                (info_name("nguoi_lap"), "NguyÔn V¨n Thµnh", ".VnTime"),
                (info_name("chuc_vu"), "CHñ TÞCH", ".VnTimeH"),
                (text_name("noi_bat"), "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam", "VNI-Times"),
                (text_name("han_che"), "Céng hoµ x· héi chñ nghÜa ViÖt Nam", ".VnTime")):
            (sheet, ref), = wb.defined_names[name].destinations
            cell = wb[sheet][ref.replace("$", "")]
            cell.value, cell.font = text, Font(name=font, size=13)
        wb[INFO_SHEET]["D20"] = "Céng hoµ"  # a TCVN3-looking text in a Unicode font stays
        cell = named_cell(wb, "tong_quy", "xa")  # a number typed as text in a legacy font
        cell.value, cell.data_type, cell.font = "1,5 tû", "s", Font(name=".VnTime")
    result = _read(edited(form, tmp_path / "legacy.xlsx", edit))
    sub = result.submission
    assert sub.values.pop(("tong_quy", "xa")) == 1_500_000_000
    assert [(f.rule, f.cell) for f in result.findings] == [("so_dang_chu", "D16")]
    assert "'1,5 tỷ'" in result.findings[0].message
    assert sub.info["nguoi_lap"] == "Nguyễn Văn Thành"
    assert sub.info["chuc_vu"] == "CHỦ TỊCH"  # .VnTimeH shows every letter in capitals
    assert sub.texts["noi_bat"] == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert sub.texts["han_che"] == "Cộng hoà xã hội chủ nghĩa Việt Nam"
    assert sub.values == {k: v for k, v in XA_VALUES.items() if k != ("tong_quy", "xa")}


# --- Files saved by LibreOffice: xlsx re-saved, xls and xlsm converted ------------------------

@pytest.fixture(scope="module")
def lo_files(form, tmp_path_factory):
    out = tmp_path_factory.mktemp("lo")
    return {"xlsx": resave_xlsx([form], out / "xlsx")[0],
            "xls": convert([form], out / "xls", fmt="xls")[0],
            "xlsm": convert([form], out / "xlsm", fmt="xlsm")[0]}


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
@pytest.mark.parametrize("kind", ["xlsx", "xls", "xlsm"])
def test_libreoffice_saved_forms_read_back_the_same(lo_files, kind):
    path = lo_files[kind]
    assert path.suffix == f".{kind}"
    result = _read(path)
    sub = result.submission
    assert result.findings == []
    assert sub.values == XA_VALUES
    assert sub.info == INFO and sub.texts == TEXTS
    assert sub.meta["unit_code"] == "02137" and sub.meta["template_version"] == "1"
    for key in XA_VALUES:
        assert sub.cell(*key) == LAYOUT.cell(*key).ref
    # LibreOffice computed the ratio cells: they are read as stated, with their cell.
    assert sub.stated[("ty_le_hoi_vien", "xa")] == pytest.approx(Decimal(820 * 100) / 3280)
    assert sub.cell("ty_le_hoi_vien", "xa") == LAYOUT.cell("ty_le_hoi_vien", "xa").ref
    assert check_file(path).findings == []


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_libreoffice_computed_totals_are_stated(tmp_path, units):
    path = filled(tmp_path, district_spec(units), HUYEN_VALUES)
    out = resave_xlsx([path], tmp_path / "out")[0]
    sub = _read(out).submission
    assert sub.values[("quy_van_dong", "tong")] == 1_330_000_000
    assert sub.provenance[("quy_van_dong", "tong")].how == "stated"


# --- Numbers typed badly ----------------------------------------------------------------------

def test_numbers_typed_as_text_are_parsed_with_a_warning(copy_of):
    result = _read(copy_of({("quy_van_dong", "xa"): "4.069.053.000",
                            ("tong_quy", "xa"): "1,5 tỷ", ("hoi_vien", "xa"): "820 người"}))
    sub = result.submission
    assert sub.values[("quy_van_dong", "xa")] == 4_069_053_000
    assert sub.values[("tong_quy", "xa")] == 1_500_000_000
    assert sub.values[("hoi_vien", "xa")] == 820
    found = {(f.rule, f.severity, f.cell) for f in result.findings}
    assert found == {("so_dang_chu", Severity.CANH_BAO, "D15"),
                     ("so_dang_chu", Severity.CANH_BAO, "D16"),
                     ("so_dang_chu", Severity.CANH_BAO, "D8")}
    msg = next(f.message for f in result.findings if f.cell == "D15")
    assert "'4.069.053.000', đã hiểu là 4.069.053.000" in msg


def test_text_that_is_not_a_number_is_an_error_never_zero(copy_of):
    result = _read(copy_of({("hoi_vien", "xa"): "mười", ("dan_so", "xa"): "chưa có"}))
    assert ("hoi_vien", "xa") not in result.submission.values
    assert ("dan_so", "xa") not in result.submission.values
    assert {(f.rule, f.severity, f.cell) for f in result.findings} == {
        ("khong_phai_so", Severity.LOI, "D8"), ("khong_phai_so", Severity.LOI, "D7")}
    assert any("chứa 'mười', không phải là số" in f.message for f in result.findings)


def test_negative_value_is_an_error(copy_of):
    result = _read(copy_of({("hoc_bong_suat", "xa"): -3}))
    assert ("hoc_bong_suat", "xa") not in result.submission.values
    (f,) = result.findings
    assert (f.rule, f.severity, f.sheet, f.cell) == ("so_am", Severity.LOI, DATA_SHEET, "D21")
    assert "là số âm (-3)" in f.message


def test_decimals_in_a_count_are_an_error(copy_of):
    result = _read(copy_of({("so_chi_hoi", "xa"): 12.5, ("quy_van_dong", "xa"): 45_600_000.5}))
    rules = {(f.rule, f.cell) for f in result.findings}
    assert rules == {("so_le", "D12"), ("so_le", "D15")}
    assert "có phần thập phân (12,5)" in next(f.message for f in result.findings if f.cell == "D12")


def test_a_date_in_a_number_cell_is_an_error(copy_of):
    from datetime import datetime
    result = _read(copy_of({("hoi_vien", "xa"): datetime(2023, 12, 15)}))
    assert _rules(result) == ["ngay_trong_o_so"]


def test_a_flag_other_than_0_or_1_is_an_error(copy_of):
    result = _read(copy_of({("xa_cdht_dat", "xa"): 2}))
    assert [(f.rule, f.cell) for f in result.findings] == [("co_khong_hop_le", "D49")]


@pytest.mark.parametrize("typed, rules", [
    (0.334, {"ty_le_ghi_dang_thap_phan"}),                 # a fraction, not a percentage
    ("0,334", {"so_dang_chu", "ty_le_ghi_dang_thap_phan"}),
    ("33,4", {"so_dang_chu"}),                             # right, but typed as text
    (33.4, set()),                                         # right
    (40, {"ty_le_ghi_khac_tinh_lai"}),                     # wrong
])
def test_percentage_typed_into_a_ratio_cell(copy_of, typed, rules):
    # 334 members of 1.000 inhabitants: 33,4 %.
    path = copy_of({("dan_so", "xa"): 1000, ("hoi_vien", "xa"): 334,
                    ("ty_le_hoi_vien", "xa"): typed})
    result = check_file(path)
    assert {f.rule for f in result.findings} == rules
    for f in result.findings:
        assert (f.sheet, f.cell) == (DATA_SHEET, "D10")  # the ratio cell itself
    if "ty_le_ghi_dang_thap_phan" in rules:
        f = next(f for f in result.findings if f.rule == "ty_le_ghi_dang_thap_phan")
        assert "(D10) ghi 0,334" in f.message and "Ghi 33,4" in f.message
    if "ty_le_ghi_khac_tinh_lai" in rules:
        f = next(f for f in result.findings if f.rule == "ty_le_ghi_khac_tinh_lai")
        assert "(D10) ghi 40" in f.message and "33,4%" in f.message


# --- Moved, renamed and damaged forms ---------------------------------------------------------

def _drop_names(wb, prefix: str = "KH_") -> None:
    for name in [n for n in wb.defined_names if n.startswith(prefix)]:
        del wb.defined_names[name]


def test_rows_inserted_above_the_table_without_names(form, tmp_path):
    def edit(wb):
        wb[DATA_SHEET].insert_rows(2, amount=3)
        _drop_names(wb)
    result = _read(edited(form, tmp_path / "rows.xlsx", edit))
    assert result.submission.values == XA_VALUES
    assert result.submission.cell("quy_van_dong", "xa") == "D18"  # D15 moved down by 3
    assert _rules(result) == ["dong_bi_chen"]
    assert result.findings[0].severity is Severity.THONG_TIN


def test_rows_inserted_with_stale_names_use_the_code_column(form, tmp_path):
    # openpyxl, unlike Excel, does not move defined names with inserted rows.
    result = _read(edited(form, tmp_path / "stale.xlsx",
                          lambda wb: wb[DATA_SHEET].insert_rows(2, amount=2)))
    assert result.submission.values == XA_VALUES
    assert result.submission.cell("hoi_vien", "xa") == "D10"
    assert _rules(result) == ["dong_bi_chen"]


def _rename(wb, new: str, update_names: bool) -> None:
    wb[DATA_SHEET].title = new
    for name, dn in list(wb.defined_names.items()):
        if update_names:
            dn.attr_text = dn.attr_text.replace(f"'{DATA_SHEET}'", f"'{new}'")
        elif dn.attr_text.startswith(f"'{DATA_SHEET}'"):
            del wb.defined_names[name]


@pytest.mark.parametrize("update_names", [True, False], ids=["names-updated", "names-lost"])
def test_renamed_data_sheet(form, tmp_path, update_names):
    path = edited(form, tmp_path / "renamed.xlsx",
                  lambda wb: _rename(wb, "Số liệu 2023", update_names))
    result = _read(path)
    assert result.submission.values == XA_VALUES
    assert result.submission.provenance[("hoi_vien", "xa")].sheet == "Số liệu 2023"
    assert _rules(result) == ["doi_ten_trang"]
    assert "đã bị đổi tên thành 'Số liệu 2023'" in result.findings[0].message


def test_meta_sheet_removed_falls_back_to_document_properties(form, tmp_path):
    path = edited(form, tmp_path / "nometa.xlsx", lambda wb: wb.remove(wb[META_SHEET]))
    sub = _read(path).submission
    assert sub.meta["unit_code"] == "02137" and sub.values == XA_VALUES


def _expect(path: Path, error: type, fragment: str) -> str:
    """Reading fails with ``error`` whose message holds ``fragment``; the file is unchanged;
    ``check_file`` turns it into one error finding naming the file."""
    before = sha(path)
    with pytest.raises(error) as info:
        read_form(path)
    message = info.value.message("vi")
    assert fragment in message and str(path) in message
    (f,) = check_file(path).findings
    assert f.severity is Severity.LOI and f.message == message and f.file == str(path)
    assert sha(path) == before
    return message


def test_meta_removed_everywhere(form, tmp_path):
    def edit(wb):
        wb.remove(wb[META_SHEET])
        wb.custom_doc_props.props.clear()
    path = edited(form, tmp_path / "nometa.xlsx", edit)
    _expect(path, UnknownTemplate, "không có thông tin biểu mẫu")


def test_newer_template_version(form, tmp_path):
    def edit(wb):
        row = META_KEYS.index("template_version") + 1
        wb[META_SHEET].cell(row=row, column=2).value = "99"
        for prop in wb.custom_doc_props.props:
            if prop.name == "template_version":
                prop.value = "99"
    path = edited(form, tmp_path / "v99.xlsx", edit)
    _expect(path, UnknownTemplate, "biểu mẫu phiên bản 99 do kh-excel mới hơn tạo")


def test_unknown_template(form, tmp_path):
    def edit(wb):
        wb[META_SHEET].cell(row=1, column=2).value = "mau-tu-ke"
    _expect(edited(form, tmp_path / "own.xlsx", edit), UnknownTemplate,
            "thông tin biểu mẫu không hợp lệ (mẫu 'mau-tu-ke'")


def test_data_sheet_deleted(form, tmp_path):
    def edit(wb):
        wb.remove(wb[DATA_SHEET])
        _drop_names(wb)
    _expect(edited(form, tmp_path / "nodata.xlsx", edit), UnknownTemplate,
            "không tìm thấy trang 'Biểu số liệu'")


# --- Files that are not (usable) workbooks ----------------------------------------------------

def test_pdf_renamed_xlsx(tmp_path):
    path = tmp_path / "bieu.xlsx"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n")
    _expect(path, FormUnreadable, "đây là tệp PDF, không phải tệp Excel")


def test_text_file(tmp_path):
    path = tmp_path / "bieu.xls"
    path.write_text("Số liệu: hội viên 820, quỹ 45.600.000\n", "utf-8")
    _expect(path, FormUnreadable, "không phải tệp Excel (.xlsx hoặc .xls)")


def test_empty_file(tmp_path):
    path = tmp_path / "bieu.xlsx"
    path.write_bytes(b"")
    _expect(path, FormUnreadable, "tệp rỗng")


def test_truncated_zip(form, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(form.read_bytes()[: form.stat().st_size // 2])
    _expect(path, FormUnreadable, "tệp bị hỏng")


def test_corrupt_part_inside_the_zip(form, tmp_path):
    data = bytearray(form.read_bytes())
    with zipfile.ZipFile(form) as z:
        info = z.getinfo("xl/workbook.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start:start + 40] = b"\x00" * 40  # damage the compressed bytes of workbook.xml
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(data))
    _expect(path, FormUnreadable, "tệp bị hỏng")


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/styles.xml"])
def test_part_with_a_wrong_checksum_after_an_intact_copy_was_read(form, tmp_path, part):
    # Parts read before are remembered by their compressed bytes; a copy whose bytes are the
    # same but whose CRC is not is still found corrupt.
    assert read_form(form).submission.values == XA_VALUES
    data = bytearray(form.read_bytes())
    with zipfile.ZipFile(form) as z:
        info = z.getinfo(part)
    central = data.index(part.encode(), info.header_offset + 30 + len(part)) - 46
    assert data[central:central + 4] == b"PK\x01\x02"
    for at in (info.header_offset + 14, central + 16):  # local header, central directory
        struct.pack_into("<I", data, at, info.CRC ^ 0xFFFF)
    path = tmp_path / "crc.xlsx"
    path.write_bytes(bytes(data))
    _expect(path, FormUnreadable, "tệp bị hỏng")


def test_what_is_remembered_of_parts_stays_small(form, tmp_path):
    # A large part (here the data sheet padded to 300 KB) is read, but neither it nor its
    # workbook is kept for the next form: the memory kept stays bounded whatever comes in.
    name = sheet_part(form)
    with zipfile.ZipFile(form) as z:
        xml = z.read(name)
    padded = xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 300_000, 1)
    big = rezip(form, tmp_path / "lon.xlsx", {name: padded,
                                              "xl/workbook.xml": None}, add={
        "xl/workbook.xml": _workbook_xml(form).replace(b"<sheets>", b" " * 200_000 + b"<sheets>")})
    assert read_form(big).submission.values == XA_VALUES
    limit = container._SHARED_PART_BYTES
    assert all(len(v) <= limit for v in container._INFLATED.items.values())
    assert all(len(k[-1]) <= limit for k in container._WORKBOOKS.items)
    assert all(len(k[-1]) <= limit for k in container._DTD_SCANS.items)


def _workbook_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/workbook.xml")


def test_word_document(tmp_path):
    path = tmp_path / "bieu.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    _expect(path, FormUnreadable, "đây là tệp Word")


def test_password_protected_workbook(form, tmp_path):
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile
    path = tmp_path / "matkhau.xlsx"
    with open(form, "rb") as src, open(path, "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    assert msoffcrypto.OfficeFile(open(path, "rb")).is_encrypted()
    _expect(path, FormUnreadable, "tệp được đặt mật khẩu")


def test_oversized_file(form, monkeypatch):
    monkeypatch.setattr(container, "MAX_FILE_BYTES", 10_000)
    _expect(form, FormUnreadable, "tệp quá lớn")


def test_zip_bomb(form, tmp_path):
    path = rezip(form, tmp_path / "bomb.xlsx", add={"xl/media/image1.bin": b"\0" * (8 * 2**20)})
    assert path.stat().st_size < 200_000
    _expect(path, FormUnreadable, "nghi là 'bom nén'")


def test_zip_bomb_by_total_size(form, tmp_path, monkeypatch):
    monkeypatch.setattr(container, "MAX_UNZIPPED_BYTES", 50_000)
    _expect(form, FormUnreadable, "nghi là 'bom nén'")


@pytest.mark.parametrize("part", ["xl/workbook.xml", "data-sheet", "docProps/custom.xml",
                                  "xl/styles.xml"])
def test_xml_entity_bomb(form, tmp_path, part):
    name = sheet_part(form) if part == "data-sheet" else part
    with zipfile.ZipFile(form) as z:
        xml = z.read(name)
    path = rezip(form, tmp_path / "lol.xlsx", {name: with_entity_bomb(xml)})
    _expect(path, FormUnreadable, "khai báo XML nguy hiểm")


def test_entity_bomb_declared_after_a_long_comment(form, tmp_path):
    # A DOCTYPE pushed far from the start of the part is still refused.
    name = sheet_part(form)
    with zipfile.ZipFile(form) as z:
        xml = z.read(name)
    bomb = with_entity_bomb(xml).replace(
        b"<!DOCTYPE", b"<!-- <a> " + b"x" * 100_000 + b" --><?pi x?><!DOCTYPE", 1)
    assert bomb.index(b"<!DOCTYPE") > 100_000
    path = rezip(form, tmp_path / "lol.xlsx", {name: bomb})
    _expect(path, FormUnreadable, "khai báo XML nguy hiểm")


def test_zip_bomb_lying_about_its_size(form, tmp_path, monkeypatch):
    # The package declares 1.000 bytes for a part that inflates to 5 MB.
    path = rezip(form, tmp_path / "liar.xlsx", add={"xl/media/image1.bin": b"\0" * (5 * 2**20)})
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/media/image1.bin")
    struct.pack_into("<I", data, info.header_offset + 22, 1000)
    name = b"xl/media/image1.bin"  # its next occurrence is in the central directory
    central = data.index(name, info.header_offset + 30 + len(name)) - 46
    assert data[central:central + 4] == b"PK\x01\x02"
    struct.pack_into("<I", data, central + 24, 1000)
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as z:
        assert z.getinfo("xl/media/image1.bin").file_size == 1000
    monkeypatch.setattr(container, "MAX_UNZIPPED_BYTES", 2**20)
    _expect(path, FormUnreadable, "nghi là 'bom nén'")


def test_xml_in_another_encoding_is_parsed_by_defusedxml():
    from kh_excel.reading.container import _Forbidden, parse_xml
    xml = '<?xml version="1.0" encoding="UTF-16"?><a><b>Hội</b></a>'.encode("utf-16")
    assert parse_xml(xml).find("b").text == "Hội"
    with pytest.raises(_Forbidden):
        parse_xml(('<?xml version="1.0" encoding="UTF-16"?>' + "<!DOCTYPE a [<!ENTITY e 'x'>]>"
                   "<a>&e;</a>").encode("utf-16"))
    with pytest.raises(_Forbidden):
        parse_xml(b"<?xml version='1.0'?><!DOCTYPE a SYSTEM 'file:///etc/passwd'><a/>")


def test_file_not_found(tmp_path):
    with pytest.raises(FormUnreadable) as info:
        read_form(tmp_path / "khong-co.xlsx")
    assert "không tìm thấy tệp" in info.value.message("vi")


def test_permission_denied(form, monkeypatch):
    def denied(self):
        raise PermissionError(13, "Permission denied", str(self))
    monkeypatch.setattr(Path, "read_bytes", denied)
    with pytest.raises(FormUnreadable) as info:
        read_form(form)
    assert "không có quyền đọc tệp" in info.value.message("vi")
    assert "Permission denied" not in info.value.message("vi")


def test_english_messages(tmp_path):
    path = tmp_path / "bieu.xlsx"
    path.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(FormUnreadable) as info:
        read_form(path)
    assert info.value.message("en").startswith(f"Cannot read {path}: ")


def test_reader_findings_in_english(copy_of):
    result = read_form(copy_of({("hoi_vien", "xa"): -1}), lang="en")
    assert result.findings[0].message == "Cell D8 (Tổng số hội viên) is negative (-1)."


def test_provenance_of_a_renamed_value_sheet_is_used_by_rules(form, tmp_path):
    path = edited(form, tmp_path / "renamed.xlsx", lambda wb: (
        _rename(wb, "Số liệu", True),
        setattr(named_cell(wb, "hoi_vien_moi", "xa"), "value", 9999)))
    f = next(f for f in check_file(path).findings if f.severity is Severity.LOI)
    assert (f.sheet, f.cell) == ("Số liệu", "D9")


@pytest.fixture
def with_formula(form, tmp_path) -> Path:
    """The form with a formula typed into an input cell, saved by openpyxl (never calculated)."""
    def edit(wb):
        named_cell(wb, "hoi_vien", "xa").value = "=800+20"
    return edited(form, tmp_path / "formula.xlsx", edit)


def test_a_formula_typed_into_an_input_cell_never_calculated_is_reported(with_formula):
    result = _read(with_formula)
    assert ("hoi_vien", "xa") not in result.submission.values
    (f,) = result.findings
    assert (f.rule, f.severity, f.cell) == ("cong_thuc_chua_tinh", Severity.LOI, "D8")
    assert "chứa công thức nhưng tệp chưa được tính lại" in f.message


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_a_formula_in_an_input_cell_calculated_by_libreoffice_is_read(with_formula, tmp_path):
    result = _read(resave_xlsx([with_formula], tmp_path / "out")[0])
    assert result.findings == [] and result.submission.values == XA_VALUES
