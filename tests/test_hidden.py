"""Hidden data never wins over what the user sees (issue 11 §4): the hidden metadata against the
visible "Thông tin chung", defined names that point elsewhere, rows and columns moved by a
script that did not update the names. Every hostile file is built here from a generated form."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kh_excel.cli.main import cli
from kh_excel.errors import UnknownTemplate
from kh_excel.forms.layout import DATA_SHEET, INFO_SHEET, META_SHEET, form_layout
from kh_excel.libreoffice import resave_xlsx, soffice_available
from kh_excel.model import Severity
from kh_excel.reading import read_form
from kh_excel.units import Unit

from formfiles import HUYEN_VALUES, XA_VALUES, commune_spec, district_spec, edited, filled, sha

LAYOUT = form_layout("xa", "legacy-3tier")
VAN_LANG = ("02140", "Xã Văn Lang")  # another commune of huyện Na Rì
# A good form of a third commune, so that a roll-up has something to add up.
NA_RI = Path(__file__).resolve().parents[1] / "examples" / "na-ri-2023"
KIM_HY = NA_RI / "2023_02146_xa-kim-hy.xlsx"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def form(tmp_path_factory, units) -> Path:
    """Xã Văn Vũ's form, filled by name (saved by openpyxl)."""
    return filled(tmp_path_factory.mktemp("vanvu"), commune_spec(units), XA_VALUES,
                  name="2023_02137_xa-van-vu.xlsx")


def _set_meta(wb, sheet: bool = True, props: bool = True, **values: str) -> None:
    """Change keys of the hidden metadata: the sheet _kh_meta and/or the document properties."""
    if sheet:
        for key_cell, value_cell in wb[META_SHEET].iter_rows(max_col=2):
            if key_cell.value in values:
                value_cell.value = values[key_cell.value]
    if props:
        for prop in wb.custom_doc_props.props:
            if prop.name in values:
                prop.value = values[prop.name]


def _read(path: Path):
    before = sha(path)
    result = read_form(path)
    assert sha(path) == before
    return result


def _only(result, rule: str):
    found = [f for f in result.findings if f.rule == rule]
    assert len(found) == 1, [f.rule for f in result.findings]
    return found[0]


# --- The hidden metadata against "Thông tin chung" --------------------------------------------

@pytest.fixture(scope="module")
def van_lang_inside(form, tmp_path_factory) -> Path:
    """Văn Vũ's form (visible sheet, figures, file name) whose hidden metadata says Văn Lang."""
    out = tmp_path_factory.mktemp("meta") / "2023_02137_xa-van-vu.xlsx"
    return edited(form, out, lambda wb: _set_meta(wb, unit_code=VAN_LANG[0],
                                                  unit_name=VAN_LANG[1]))


def test_hidden_unit_differs_from_the_visible_one_is_an_error_naming_both(van_lang_inside):
    result = _read(van_lang_inside)
    f = _only(result, "thong_tin_an_khac_hien")
    assert f.severity is Severity.LOI
    assert f.sheet == INFO_SHEET and f.cell == "B3"
    assert "trang ẩn _kh_meta và thuộc tính tệp" in f.message
    assert "ghi đơn vị Xã Văn Lang (mã 02140)" in f.message
    assert "'Thông tin chung' ghi đơn vị Xã Văn Vũ (mã 02137)" in f.message
    assert "không tổng hợp biểu này cho đến khi sửa" in f.message
    # The form follows what its user sees.
    sub = result.submission
    assert (sub.unit_code, sub.unit_name) == ("02137", "Xã Văn Vũ")
    assert f.unit == "02137" and sub.values == XA_VALUES


def test_check_exits_1_with_the_message(van_lang_inside):
    before = sha(van_lang_inside)
    result = run("check", str(van_lang_inside))
    assert result.exit_code == 1
    assert "Thông tin chung!B3:" in result.output
    assert "Xã Văn Lang (mã 02140)" in result.output and "Xã Văn Vũ (mã 02137)" in result.output
    assert sha(van_lang_inside) == before


def test_the_form_is_not_rolled_up_and_its_unit_is_not_counted_as_another(van_lang_inside,
                                                                          tmp_path):
    before = sha(van_lang_inside)
    result = run("rollup", str(van_lang_inside), str(KIM_HY), "--unit", "Huyện Na Rì",
                 "--period", "2023", "-o", str(tmp_path / "out.xlsx"), "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    status = {c["name"]: c["status"] for c in data["children"]}
    assert status["Xã Văn Vũ"] == "chua_tong_hop"      # sent, held back: not "chưa nộp"
    assert status["Xã Văn Lang"] == "chua_nop"         # never counted as Văn Lang
    vanvu = next(c for c in data["children"] if c["name"] == "Xã Văn Vũ")
    assert vanvu["file"] == str(van_lang_inside)
    assert data["completeness"]["received"] == 1         # Kim Hỷ only
    kim_hy = json.loads(run("rollup", str(KIM_HY), "--unit", "Huyện Na Rì", "--period", "2023",
                            "-o", str(tmp_path / "kim-hy.xlsx"), "--json").output)
    assert data["totals"]["hoi_vien"] == kim_hy["totals"]["hoi_vien"]  # Văn Vũ's not added
    errors = [f for f in data["findings"] if f["rule"] == "thong_tin_an_khac_hien"]
    assert len(errors) == 1 and errors[0]["file"] == str(van_lang_inside)
    assert sha(van_lang_inside) == before


def test_an_own_form_held_back_is_not_said_to_be_missing(district, tmp_path):
    path = edited(district, tmp_path / "own.xlsx", lambda wb: _set_meta(wb, period="2022"))
    result = run("rollup", str(path), str(KIM_HY), "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "out.xlsx"), "--json")
    assert result.exit_code == 1
    rules = [f["rule"] for f in json.loads(result.output)["findings"]]
    assert "thong_tin_an_khac_hien" in rules and "chua_co_bieu_cap_rieng" not in rules


def test_held_alone_there_is_nothing_to_roll_up(van_lang_inside, tmp_path):
    result = run("rollup", str(van_lang_inside), "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "out.xlsx"))
    assert result.exit_code == 1 and "Không có biểu hợp lệ nào" in result.output
    assert not (tmp_path / "out.xlsx").exists()


def test_report_stops_on_such_a_form(van_lang_inside, tmp_path):
    before = sha(van_lang_inside)
    result = run("report", str(van_lang_inside), "-o", str(tmp_path / "r.docx"))
    assert result.exit_code == 1 and f"kh-excel check {van_lang_inside}" in result.output
    assert not (tmp_path / "r.docx").exists() and sha(van_lang_inside) == before


def test_english_message(van_lang_inside):
    f = _only(read_form(van_lang_inside, lang="en"), "thong_tin_an_khac_hien")
    assert "says unit Xã Văn Lang (code 02140)" in f.message
    assert "does not roll this form up until it is fixed" in f.message


def test_hidden_period_differs_from_the_visible_one(form, tmp_path):
    # A form of 2022 whose visible period was typed over as 2023 (or the reverse): which is
    # right cannot be known; the form says 2023 (what its user sees) and is held back.
    path = edited(form, tmp_path / "period.xlsx", lambda wb: _set_meta(wb, period="2022"))
    f = _only(_read(path), "thong_tin_an_khac_hien")
    assert f.cell == "B6"
    assert "ghi kỳ năm 2022" in f.message and "'Thông tin chung' ghi kỳ năm 2023" in f.message
    assert read_form(path).submission.period == "2023"
    result = run("rollup", str(path), str(KIM_HY), "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", str(tmp_path / "out.xlsx"), "--json")
    assert result.exit_code == 1
    status = {c["name"]: c["status"] for c in json.loads(result.output)["children"]}
    assert status["Xã Văn Vũ"] == "chua_tong_hop"


def test_only_the_document_properties_disagree(form, tmp_path):
    # The sheet _kh_meta removed: the properties are the hidden metadata, and they disagree.
    def edit(wb):
        _set_meta(wb, sheet=False, unit_code=VAN_LANG[0], unit_name=VAN_LANG[1])
        wb.remove(wb[META_SHEET])
    f = _only(_read(edited(form, tmp_path / "props.xlsx", edit)), "thong_tin_an_khac_hien")
    assert "(thuộc tính tệp)" in f.message and "Xã Văn Lang (mã 02140)" in f.message


def test_the_visible_unit_typed_over_is_followed(form, tmp_path):
    # The other way round: the visible sheet was unprotected and retyped.
    def edit(wb):
        wb[INFO_SHEET]["B3"] = VAN_LANG[1]
        wb[INFO_SHEET]["B4"] = VAN_LANG[0]
    result = _read(edited(form, tmp_path / "typed.xlsx", edit))
    f = _only(result, "thong_tin_an_khac_hien")
    assert "ghi đơn vị Xã Văn Vũ (mã 02137)" in f.message
    assert "'Thông tin chung' ghi đơn vị Xã Văn Lang (mã 02140)" in f.message
    assert result.submission.unit_code == VAN_LANG[0]


def test_same_unit_written_differently_is_no_conflict(form, tmp_path):
    # Tone placement, case and spacing are not a different unit; a code typed as a number
    # loses its leading zero.
    def edit(wb):
        wb[INFO_SHEET]["B3"] = "xã  VĂN VŨ"
        wb[INFO_SHEET]["B4"] = 2137
        wb[INFO_SHEET]["B6"] = "Năm 2023"
    result = _read(edited(form, tmp_path / "spelling.xlsx", edit))
    assert "thong_tin_an_khac_hien" not in [f.rule for f in result.findings]
    assert result.submission.unit_name == "Xã Văn Vũ"


def test_a_name_to_a_hidden_sheet_does_not_give_the_visible_unit(form, tmp_path):
    # The visible unit is read from "Thông tin chung", even if its name was re-pointed.
    def edit(wb):
        _set_meta(wb, unit_code=VAN_LANG[0], unit_name=VAN_LANG[1])
        wb.defined_names["KH_info_unit_name"].attr_text = f"'{META_SHEET}'!$B$7"
        wb.defined_names["KH_info_unit_code"].attr_text = f"'{META_SHEET}'!$B$6"
    f = _only(_read(edited(form, tmp_path / "infoname.xlsx", edit)), "thong_tin_an_khac_hien")
    assert "'Thông tin chung' ghi đơn vị Xã Văn Vũ (mã 02137)" in f.message


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_through_libreoffice(van_lang_inside, tmp_path):
    # LibreOffice turns the very hidden sheet into a hidden one and keeps the properties.
    out = resave_xlsx([van_lang_inside], tmp_path / "lo")[0]
    result = _read(out)
    f = _only(result, "thong_tin_an_khac_hien")
    assert "Xã Văn Lang (mã 02140)" in f.message and result.submission.unit_code == "02137"
    assert result.submission.values == XA_VALUES


# --- Defined names that point elsewhere -------------------------------------------------------

def _repoint(name: str, target: str):
    def edit(wb):
        wb.defined_names[name].attr_text = target
    return edit


def _into_hidden_sheet(wb):
    ws = wb.create_sheet("x")
    ws["A1"] = 999_999
    ws.sheet_state = "hidden"
    _repoint("KH_hoi_vien__xa", "x!$A$1")(wb)


def test_a_name_pointing_into_a_hidden_sheet_is_an_error_not_a_value(form, tmp_path):
    path = edited(form, tmp_path / "hidden.xlsx", _into_hidden_sheet)
    result = _read(path)
    f = _only(result, "ten_o_sai_cho")
    read = LAYOUT.cell("hoi_vien", "xa").ref
    assert f.severity is Severity.LOI and (f.sheet, f.cell) == (DATA_SHEET, read)
    assert ("KH_hoi_vien__xa trỏ tới 'x'!A1 (trang ẩn), không phải ô nhập "
            f"{read} của chỉ tiêu 'Tổng số hội viên'") in f.message
    assert f"đã đọc ô {LAYOUT.cell('hoi_vien', 'xa').ref}" in f.message
    assert result.submission.values == XA_VALUES  # 820 from the visible cell, not 999 999
    assert result.submission.cell("hoi_vien", "xa") == LAYOUT.cell("hoi_vien", "xa").ref
    before = sha(path)
    cli = run("check", str(path))
    assert cli.exit_code == 1 and f"{DATA_SHEET}!{read}: Tên ô KH_hoi_vien__xa" in cli.output
    assert sha(path) == before


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_a_name_into_a_hidden_sheet_through_libreoffice(form, tmp_path):
    path = edited(form, tmp_path / "hidden.xlsx", _into_hidden_sheet)
    result = _read(resave_xlsx([path], tmp_path / "lo")[0])
    assert "trang ẩn" in _only(result, "ten_o_sai_cho").message
    assert result.submission.value("hoi_vien", "xa") == XA_VALUES[("hoi_vien", "xa")]


def test_a_name_pointing_at_another_row_is_an_error(form, tmp_path):
    other = LAYOUT.cell("dan_so", "xa").ref
    path = edited(form, tmp_path / "row.xlsx",
                  _repoint("KH_hoi_vien__xa", f"'{DATA_SHEET}'!${other[0]}${other[1:]}"))
    result = _read(path)
    f = _only(result, "ten_o_sai_cho")
    assert (f.sheet, f.cell) == (DATA_SHEET, LAYOUT.cell("hoi_vien", "xa").ref)
    assert f"trỏ tới '{DATA_SHEET}'!{other}" in f.message
    assert result.submission.value("hoi_vien", "xa") == XA_VALUES[("hoi_vien", "xa")]
    assert run("check", str(path)).exit_code == 1


def test_a_name_to_another_sheet_when_the_code_column_is_gone(form, tmp_path):
    # Without the code column the names are the only guide, but never off the data sheet.
    def edit(wb):
        ws = wb[DATA_SHEET]
        for row in ws.iter_rows(min_col=LAYOUT.code_col, max_col=LAYOUT.code_col):
            row[0].value = None
        _repoint("KH_hoi_vien__xa", f"'{INFO_SHEET}'!$B$9")(wb)
    result = _read(edited(form, tmp_path / "nocodes.xlsx", edit))
    f = _only(result, "ten_o_sai_trang")
    assert f"không phải trang '{DATA_SHEET}'" in f.message
    assert ("hoi_vien", "xa") not in result.submission.values
    assert result.submission.value("dan_so", "xa") == XA_VALUES[("dan_so", "xa")]


def test_a_hidden_data_sheet_behind_a_visible_copy_is_an_error(form, tmp_path):
    # The real sheet hidden, a visible copy with other figures shown instead.
    def edit(wb):
        copy = wb.copy_worksheet(wb[DATA_SHEET])
        copy.title = "Số liệu"
        copy[LAYOUT.cell("hoi_vien", "xa").ref] = 5  # the names still point at the hidden one
        wb[DATA_SHEET].sheet_state = "hidden"
    path = edited(form, tmp_path / "hiddendata.xlsx", edit)
    f = _only(_read(path), "trang_so_lieu_bi_an")
    assert f.severity is Severity.LOI and f"Trang '{DATA_SHEET}' đang bị ẩn" in f.message
    assert run("check", str(path)).exit_code == 1


# --- Rows and columns moved by a script that did not update the names -------------------------
# openpyxl's insert_rows/delete_rows/insert_cols move cells but not the defined names.

def test_a_deleted_row_never_gives_the_next_rows_number(form, tmp_path):
    row = LAYOUT.rows["hoi_vien"]
    path = edited(form, tmp_path / "del.xlsx", lambda wb: wb[DATA_SHEET].delete_rows(row))
    result = _read(path)
    sub = result.submission
    assert ("hoi_vien", "xa") not in sub.values      # not hoi_vien_moi's 31 read in its place
    assert {k: v for k, v in sub.values.items() if k != ("hoi_vien", "xa")} == \
        {k: v for k, v in XA_VALUES.items() if k != ("hoi_vien", "xa")}
    f = _only(result, "dong_chi_tieu_mat")
    assert f.severity is Severity.LOI and "Tổng số hội viên" in f.message
    assert sub.cell("hoi_vien_moi", "xa") == f"D{LAYOUT.rows['hoi_vien_moi'] - 1}"
    cli = run("check", str(path))
    assert cli.exit_code == 1
    assert "không còn dòng của chỉ tiêu: Tổng số hội viên" in cli.output


def test_rows_inserted_in_the_middle(form, tmp_path):
    row = LAYOUT.rows["quy_van_dong"]
    result = _read(edited(form, tmp_path / "ins.xlsx",
                          lambda wb: wb[DATA_SHEET].insert_rows(row, amount=2)))
    assert result.submission.values == XA_VALUES
    assert result.submission.cell("quy_van_dong", "xa") == f"D{row + 2}"
    assert result.submission.cell("hoi_vien", "xa") == LAYOUT.cell("hoi_vien", "xa").ref
    assert [f.rule for f in result.findings] == ["dong_bi_chen"]


def test_a_column_inserted_before_the_values(form, tmp_path):
    # Before: every value lost behind a warning "the form has no figures".
    result = _read(edited(form, tmp_path / "col.xlsx", lambda wb: wb[DATA_SHEET].insert_cols(2)))
    assert result.submission.values == XA_VALUES
    assert result.submission.cell("hoi_vien", "xa") == f"E{LAYOUT.rows['hoi_vien']}"
    assert [f.rule for f in result.findings] == ["dong_bi_chen"]


@pytest.fixture(scope="module")
def district(tmp_path_factory, units) -> Path:
    return filled(tmp_path_factory.mktemp("huyen"), district_spec(units), HUYEN_VALUES)


def test_a_column_inserted_between_the_levels_follows_the_headers(district, tmp_path):
    layout = form_layout("huyen", "legacy-3tier")
    col = layout.level_cols["huyen"]
    result = _read(edited(district, tmp_path / "col.xlsx",
                          lambda wb: wb[DATA_SHEET].insert_cols(col)))
    values = {k: v for k, v in result.submission.values.items() if k[1] != "tong"}
    assert values == HUYEN_VALUES
    row = layout.rows["hoi_vien"]
    assert result.submission.cell("hoi_vien", "huyen") == f"F{row}"  # moved right, from E
    assert result.submission.cell("hoi_vien", "xa") == f"D{row}"     # stayed


def test_columns_moved_without_their_headers_is_a_clear_error(form, tmp_path):
    def edit(wb):
        ws = wb[DATA_SHEET]
        ws.insert_cols(2)
        for row in ws.iter_rows(max_row=LAYOUT.rows["hoi_vien"] - 1):
            for cell in row:
                if cell.value == "Số liệu":
                    cell.value = None
    path = edited(form, tmp_path / "noheader.xlsx", edit)
    before = sha(path)
    with pytest.raises(UnknownTemplate) as info:
        read_form(path)
    assert "không xác định được ô số liệu" in info.value.message("vi")
    result = run("check", str(path))
    assert result.exit_code == 3 and "không xác định được ô số liệu" in result.output
    assert sha(path) == before


def test_a_stale_name_at_the_template_cell_is_not_an_error(form, tmp_path):
    # After an insertion every name still points at the template's cell: that is the table
    # having moved (information), not a name pointing elsewhere (error).
    result = _read(edited(form, tmp_path / "stale.xlsx",
                          lambda wb: wb[DATA_SHEET].insert_rows(2, amount=4)))
    assert [f.rule for f in result.findings] == ["dong_bi_chen"]
    assert result.submission.values == XA_VALUES


def test_a_column_deleted_before_the_values(form, tmp_path):
    result = _read(edited(form, tmp_path / "delcol.xlsx", lambda wb: wb[DATA_SHEET].delete_cols(3)))
    assert result.submission.values == XA_VALUES
    assert result.submission.cell("hoi_vien", "xa") == f"C{LAYOUT.rows['hoi_vien']}"
    assert [f.rule for f in result.findings] == ["dong_bi_chen"]


def test_a_level_column_deleted_is_a_clear_error(district, tmp_path):
    col = form_layout("huyen", "legacy-3tier").level_cols["huyen"]
    path = edited(district, tmp_path / "dellevel.xlsx", lambda wb: wb[DATA_SHEET].delete_cols(col))
    before = sha(path)
    result = run("check", str(path))
    assert result.exit_code == 3
    assert "mất các cột số liệu 'Cấp huyện'" in result.output
    assert sha(path) == before


def test_a_copied_indicator_row_is_an_error_and_the_named_row_is_read(form, tmp_path):
    row = LAYOUT.rows["hoi_vien"]

    def edit(wb):  # the row copied below itself with another figure; names not updated
        ws = wb[DATA_SHEET]
        ws.insert_rows(row + 1)
        for col in range(1, LAYOUT.code_col + 1):
            ws.cell(row + 1, col).value = ws.cell(row, col).value
        ws.cell(row + 1, LAYOUT.level_cols["xa"]).value = 5
    result = _read(edited(form, tmp_path / "twin.xlsx", edit))
    f = _only(result, "dong_chi_tieu_trung")
    assert f.severity is Severity.LOI and f"(dòng {row}, {row + 1}; " in f.message
    assert f"Đã đọc dòng {row}." in f.message
    assert result.submission.values == XA_VALUES  # 820 from the named row, not the copy's 5


def _without_code_column(wb):
    for row in wb[DATA_SHEET].iter_rows(min_col=LAYOUT.code_col, max_col=LAYOUT.code_col):
        row[0].value = None


def test_no_code_column_and_stale_names_is_an_error_not_the_wrong_rows(form, tmp_path):
    def edit(wb):
        _without_code_column(wb)
        wb[DATA_SHEET].insert_rows(LAYOUT.rows["quy_van_dong"])
    path = edited(form, tmp_path / "nocode.xlsx", edit)
    result = _read(path)
    f = _only(result, "ten_o_sai_dong")
    assert f.severity is Severity.LOI and "KH_quy_van_dong__xa" in f.message
    assert "không còn cột mã chỉ tiêu" in f.message
    sub = result.submission
    above = {k: v for k, v in XA_VALUES.items() if LAYOUT.rows[k[0]] < LAYOUT.rows["quy_van_dong"]}
    assert sub.values == above  # nothing read from a row of another indicator
    assert run("check", str(path)).exit_code == 1


def test_no_code_column_with_right_names_reads_by_name(form, tmp_path):
    result = _read(edited(form, tmp_path / "nocode.xlsx", _without_code_column))
    assert result.submission.values == XA_VALUES and result.findings == []
