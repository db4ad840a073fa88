"""The roll-up workbook written from a committed skeleton at the XML level: the skeletons are
current, the cells and styles are right, the previous-period sheet comes and goes, LibreOffice
computes it, and a roll-up never imports openpyxl."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from zipfile import ZipFile

import pytest
from openpyxl import load_workbook

from kh_excel.forms import layout as L
from kh_excel.forms.fill import fill_form
from kh_excel.forms.sheetxml import Formula, SheetXml, Skeleton, cell_xml
from kh_excel.forms.snapshot import workbook_snapshot
from kh_excel.forms.writer import FormSpec, write_form
from kh_excel.libreoffice import resave_xlsx, soffice_available
from kh_excel.periods import Period
from kh_excel.registry import load_registry
from kh_excel.rollups import rollup, write_rollup_workbook
from kh_excel.rollups.skeleton import write_skeletons
from kh_excel.rollups.workbook import KINDS, PREVIOUS_SHEET, SKELETON_DIR, skeleton_name

ROOT = Path(__file__).resolve().parents[1]
NA_RI = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"


def test_committed_skeletons_are_up_to_date(tmp_path):
    fresh = write_skeletons(tmp_path)
    assert sorted(p.name for p in fresh) == sorted(skeleton_name(t, s) for t, s in KINDS)
    committed = ROOT / "kh_excel" / SKELETON_DIR
    for path in fresh:
        assert workbook_snapshot(committed / path.name) == workbook_snapshot(path), (
            f"kh_excel/{SKELETON_DIR}/{path.name} is stale: run python scripts/regen_templates.py")


def test_a_rollup_never_imports_openpyxl(tmp_path):
    code = (f"import sys\nfrom kh_excel.rollups import rollup, write_rollup_workbook\n"
            f"r = rollup([{str(NA_RI)!r}], unit='Na Rì', period='2023')\n"
            f"write_rollup_workbook(r, {str(tmp_path / 'x.xlsx')!r})\n"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in ('openpyxl', 'numpy')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    assert (tmp_path / "x.xlsx").is_file()


def test_rows_styles_and_titles(tmp_path):
    result = rollup([NA_RI, BROKEN], unit="Na Rì", period="2023")
    wb = load_workbook(write_rollup_workbook(result, tmp_path / "out.xlsx"))
    assert wb.sheetnames == [L.DATA_SHEET, L.INFO_SHEET, L.GUIDE_SHEET, L.META_SHEET,
                             L.PER_UNIT_SHEET, L.FINDINGS_SHEET, L.MISSING_SHEET,
                             L.ROLLUP_DATA_SHEET]
    per_unit = wb[L.PER_UNIT_SHEET]
    assert per_unit["A1"].value == "CHI TIẾT THEO ĐƠN VỊ — Hội Khuyến học huyện Na Rì, năm 2023"
    assert per_unit["A4"].value == 1 and per_unit["C4"].value == result.children[0].unit.name
    submitted = next(r for r in range(4, per_unit.max_row) if per_unit.cell(r, 4).value == "Đã nộp")
    assert isinstance(per_unit.cell(submitted, 7).value, int)
    assert per_unit.cell(submitted, 7).number_format == "#,##0"
    assert per_unit["C4"].font.name == "Times New Roman"
    total_row = 4 + len(result.children)
    assert per_unit.cell(total_row, 3).value == "Cộng các đơn vị"
    assert per_unit.cell(total_row, 6).value == f"=SUM(F4:F{total_row - 1})"
    assert per_unit.cell(total_row, 6).font.b
    assert per_unit.max_row == total_row  # the palette row is gone
    findings = wb[L.FINDINGS_SHEET]
    severities = [findings.cell(r, 1).value for r in range(4, findings.max_row + 1)]
    assert severities[0] == "Lỗi" and "Cảnh báo" in severities
    assert len(severities) == len(result.findings)
    assert findings["A4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert findings["F4"].alignment.wrap_text
    info = wb[L.INFO_SHEET]
    (_, ref), = wb.defined_names[L.info_name("nguoi_lap")].destinations
    assert info[ref.replace("$", "")].value == "Tổng hợp bằng kh-excel"
    meta = {r[0]: r[1] for r in wb[L.META_SHEET].iter_rows(values_only=True)}
    assert meta["kind"] == "rollup" and meta["unit_name"] == "Huyện Na Rì"
    assert meta["period"] == "2023"
    with ZipFile(tmp_path / "out.xlsx") as zf:
        assert not any(b"@@K" in zf.read(n) for n in zf.namelist())


def _previous_form(tmp_path: Path) -> Path:
    registry = load_registry("legacy-3tier")
    unit = registry.find("Na Rì", as_parent=True)
    blank = write_form(tmp_path / "blank.xlsx", FormSpec("huyen", "legacy-3tier",
                                                         Period.parse("2022"), unit,
                                                         registry.parent(unit)))
    return fill_form(blank, tmp_path / "2022.xlsx", {("hoi_vien", "xa"): 11000,
                                                     ("hoi_vien", "huyen"): 100,
                                                     ("tong_quy", "xa"): 700_000_000})


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_the_previous_period_sheet_is_there_with_previous_and_libreoffice_computes_it(tmp_path):
    result = rollup([NA_RI], unit="Na Rì", period="2023", previous=_previous_form(tmp_path))
    out = write_rollup_workbook(result, tmp_path / "out.xlsx")
    saved, = resave_xlsx([out], tmp_path / "lo")
    wb = load_workbook(saved, data_only=True)
    assert wb.sheetnames[-1] == PREVIOUS_SHEET
    ws = wb[PREVIOUS_SHEET]
    assert ws["A1"].value == "SO SÁNH VỚI NĂM 2022"
    assert [c.value for c in ws[3]][3:5] == ["2022", "2023"]
    rows = {(r[0], r[2]): r for r in ws.iter_rows(min_row=4, values_only=True)}
    members = rows[("Tổng số hội viên", "Cấp xã")]
    assert members[3] == 11000 and members[4] == result.value("hoi_vien", "xa")
    assert members[5] == result.value("hoi_vien", "xa") - 11000  # the formula, computed by LO
    # Still the next tier's input after LibreOffice saved it.
    back = load_workbook(saved)
    assert back[L.META_SHEET] is not None and L.ROLLUP_DATA_SHEET in back.sheetnames


def test_cell_xml_writes_text_as_text_and_refuses_what_xlsx_cannot_hold():
    assert cell_xml("A1", "=1+1", "3") == \
        '<c r="A1" s="3" t="inlineStr"><is><t>=1+1</t></is></c>'
    # A control character (XML 1.0 cannot hold it) becomes a space, Shift+Enter a line break.
    assert cell_xml("A1", " a\x01 <b>\x0b") == \
        '<c r="A1" t="inlineStr"><is><t xml:space="preserve"> a  &lt;b&gt;\n</t></is></c>'
    assert cell_xml("B2", 1234567890123) == '<c r="B2"><v>1234567890123</v></c>'
    assert cell_xml("B2", 0.25, "4") == '<c r="B2" s="4"><v>0.25</v></c>'
    assert cell_xml("C3", Formula("SUM(A1:A2)")) == '<c r="C3"><f>SUM(A1:A2)</f><v></v></c>'
    with pytest.raises(ValueError):
        cell_xml("A1", float("nan"))


def test_a_sheet_refuses_rows_out_of_order_and_unknown_cells():
    sheet = SheetXml(b'<worksheet><dimension ref="A1:B3"/><sheetData><row r="3"><c r="B3" s="2"/>'
                     b'</row></sheetData></worksheet>')
    sheet.set("B3", 7)
    with pytest.raises(KeyError):
        sheet.set("Z9", 1)
    with pytest.raises(ValueError):
        sheet.append(3, [])
    sheet.styles["x"] = "5"
    sheet.append(4, [(3, "t", "x")])
    text = sheet.to_bytes().decode()
    assert '<c r="B3" s="2"><v>7</v></c>' in text and '<dimension ref="A1:C4"/>' in text


def test_only_the_last_sheet_can_be_dropped():
    from kh_excel.rollups.workbook import skeleton_bytes
    book = Skeleton(skeleton_bytes("huyen", "legacy-3tier"))
    with pytest.raises(ValueError):
        book.drop_last_sheet(L.MISSING_SHEET)
