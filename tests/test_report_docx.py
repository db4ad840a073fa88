"""The Word document: Nghị định 30 frame read back with python-docx, and printed by LibreOffice."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from kh_excel.errors import BadDataFile
from kh_excel.libreoffice import soffice_available, to_pdf
from kh_excel.registry import load_registry
from kh_excel.report import draft_report, write_report
from test_report_narrative import _form, full_values
from test_report_support import make_form

CONFIG = """
[van_ban]
so = "05"
ngay = 2024-01-05
nguoi_ky = "Nguyễn Văn An"
noi_nhan = ["Hội Khuyến học tỉnh Bắc Kạn (b/c)", "Thường trực Huyện ủy, UBND huyện (b/c)",
            "Lưu: VT, HKH"]
"""


@pytest.fixture
def district_docx(tmp_path, units):
    config = tmp_path / "van_ban.toml"
    config.write_text(CONFIG, "utf-8")
    report = draft_report(_form(tmp_path, units, "huyen-legacy"), "bao-cao", config=config)
    out = write_report(report, tmp_path / "bao_cao.docx")[0]
    return report, Document(out)


def _text(cell) -> str:
    return "\n".join(p.text for p in cell.paragraphs)


def test_page_fonts_and_body_paragraphs(district_docx):
    _report, doc = district_docx
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(14)
    fonts = normal.element.rPr.rFonts
    assert {fonts.get(f"{{{fonts.nsmap['w']}}}{k}") for k in ("ascii", "hAnsi", "eastAsia", "cs")} \
        == {"Times New Roman"}
    section = doc.sections[0]
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin,
             section.left_margin, section.right_margin]
    assert [round(x.mm) for x in sizes] == [210, 297, 20, 20, 30, 15]  # A4; stored in twips
    body = [p for p in doc.paragraphs if p.text.startswith("Toàn huyện có tổng số hội viên")]
    assert body and body[0].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert round(body[0].paragraph_format.first_line_indent.cm, 2) == 1.0
    for level in (2, 3, 4):
        style = doc.styles[f"Heading {level}"]
        assert style.font.name == "Times New Roman" and style.font.bold
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["Phần I. KẾT QUẢ THỰC HIỆN NHIỆM VỤ NĂM 2023",
                            "1. Tổ chức Hội và hội viên", "2. Quỹ khuyến học, khuyến tài"]


def test_header_block_title_and_number(district_docx):
    _report, doc = district_docx
    header = doc.tables[0]
    left, right = _text(header.cell(0, 0)), _text(header.cell(0, 1))
    assert left.startswith("HỘI KHUYẾN HỌC\nTỈNH BẮC KẠN\nHỘI KHUYẾN HỌC\nHUYỆN NA RÌ")
    assert header.cell(0, 0).paragraphs[1].runs[0].bold  # the issuing body in bold
    assert not header.cell(0, 0).paragraphs[0].runs[0].bold
    assert right.startswith("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    assert _text(header.cell(1, 0)) == "Số: 05/BC-HKH"
    date = header.cell(1, 1).paragraphs[0]
    assert date.text == "Na Rì, ngày 05 tháng 01 năm 2024" and date.runs[0].italic
    texts = [p.text for p in doc.paragraphs]
    title = texts.index("BÁO CÁO")
    assert texts[title + 1].startswith("Tổng kết công tác khuyến học, khuyến tài, xây dựng xã "
                                       "hội học tập năm 2023")
    p = doc.paragraphs[title]
    assert p.alignment == WD_ALIGN_PARAGRAPH.CENTER and p.runs[0].bold


def test_signature_block_and_recipients(district_docx):
    _report, doc = district_docx
    sign = doc.tables[1]
    assert _text(sign.cell(0, 0)).split("\n") == [
        "Nơi nhận:", "- Hội Khuyến học tỉnh Bắc Kạn (b/c);",
        "- Thường trực Huyện ủy, UBND huyện (b/c);", "- Lưu: VT, HKH."]
    right = [line for line in _text(sign.cell(0, 1)).split("\n") if line]
    assert right == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Văn An"]


def test_page_numbers_from_page_two(district_docx):
    _report, doc = district_docx
    first = doc.sections[0]
    assert first.different_first_page_header_footer
    assert "PAGE" in first.header._element.xml
    assert "PAGE" not in first.first_page_header._element.xml


def test_annex_table_of_all_figures_by_level(district_docx):
    report, doc = district_docx
    annex = doc.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == [
        "STT", "Chỉ tiêu", "Đơn vị tính", "Cấp xã", "Cấp huyện", "Tổng cộng"]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in annex.rows[1:]}
    assert rows["Quỹ vận động được trong kỳ"] == [
        "1", "Quỹ vận động được trong kỳ", "đồng", "1.250.000.000", "125.000.000",
        "1.375.000.000"]
    assert rows["Tỷ lệ hội viên so với dân số"][3:] == ["21,15", "21,15", "21,15"]
    assert rows["Số nhiệm vụ năm sau"][3:] == ["", "7", ""]
    assert "PHỤ LỤC" in [p.text for p in doc.paragraphs]
    assert len(doc.sections) == 2 and not doc.sections[1].different_first_page_header_footer
    assert len(report.annex.rows) == len(annex.rows) - 1


def test_news_item_has_no_official_frame(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "huyen-legacy"), "tin-bai", tac_gia="Ngọc Oánh")
    doc = Document(write_report(report, tmp_path / "tin.docx")[0])
    assert not doc.tables
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Hội Khuyến học huyện Na Rì tổng kết công tác khuyến học, khuyến tài năm 2023"
    assert doc.paragraphs[1].runs[0].bold  # the lead
    assert texts[-1] == "Ngọc Oánh"
    assert report.markdown().rstrip().endswith("**Ngọc Oánh**")


def test_defaults_leave_only_the_human_parts_blank(tmp_path, units):
    u = units["thai_nguyen"]
    path = make_form(tmp_path, u, None, "2025", full_values("tinh", u.scheme))
    report = draft_report(path)
    org = report.org
    assert org.ten_to_chuc == "HỘI KHUYẾN HỌC TỈNH THÁI NGUYÊN" and org.co_quan_chu_quan == ""
    assert org.so_ky_hieu == "Số: …/BC-HKH"
    assert org.dia_danh_ngay == "Thái Nguyên, ngày … tháng … năm …"
    assert org.recipients() == ["- Thường trực Tỉnh ủy, UBND tỉnh (b/c);",
                                "- Hội Khuyến học các xã, phường;", "- Lưu: VT."]
    assert (org.tham_quyen, org.chuc_vu) == ("TM. BAN THƯỜNG VỤ", "CHỦ TỊCH")


def test_a_bad_config_file_lists_its_problems(tmp_path, units):
    config = tmp_path / "van_ban.toml"
    config.write_text('so = 5\nngay = "32/13/2024"\nnoi_nhan = "Lưu: VT"\nchu_ky = "x"\n', "utf-8")
    with pytest.raises(BadDataFile) as err:
        draft_report(_form(tmp_path, units, "xa-legacy"), config=config)
    message = err.value.message()
    for part in ("chu_ky", "Ngày '32/13/2024' không hợp lệ", "noi_nhan phải là danh sách"):
        assert part in message


# -- LibreOffice: the document as printed -----------------------------------------------------

@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice (soffice) is not installed")
def test_docx_prints_as_an_official_report_in_libreoffice(tmp_path):
    registry = load_registry("legacy-3tier")
    values = {("hoi_vien", "tong"): 41_371, ("dan_so", "tong"): 206_855,
              ("quy_van_dong", "xa"): 3_827_053_000, ("quy_van_dong", "huyen"): 242_000_000,
              ("hoc_bong_suat", "tong"): 1007, ("hoc_bong_tien", "tong"): 688_100_000,
              ("so_nhiem_vu", "huyen"): 14}
    path = make_form(tmp_path, registry.get("524"), registry.get("51"), "2023", values)
    docs = []
    for style in ("bao-cao", "tin-bai"):
        report = draft_report(path, style, so="12", ngay="05/01/2024")
        docs.append(write_report(report, tmp_path / f"{style}.docx")[0])
    pdfs = to_pdf(docs, tmp_path / "pdf")
    report_text = _pdf_text(pdfs[0])
    for phrase in ("TỈNH QUẢNG NGÃI", "HUYỆN BÌNH SƠN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                   "Độc lập - Tự do - Hạnh phúc", "Số: 12/BC-HKH",
                   "Bình Sơn, ngày 05 tháng 01 năm 2024", "BÁO CÁO",
                   "Toàn huyện có tổng số hội viên là 41.371 người, chiếm tỷ lệ 20% dân số",
                   "4.069.053.000 đồng (trong đó: cấp xã 3.827.053.000 đồng, cấp huyện "
                   "242.000.000 đồng)", "đề ra 14 nhiệm vụ", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH",
                   "Nơi nhận:", "PHỤ LỤC", "BIỂU TỔNG HỢP SỐ LIỆU", "Tổng cộng"):
        assert _squeezed(phrase) in report_text, phrase
    pages = _pdf_pages(pdfs[0])
    assert len(pages) >= 2
    assert not pages[0].lstrip().startswith("1")      # no number on page 1
    assert pages[1].lstrip().startswith("2")          # "2" at the top of page 2
    news = _pdf_text(pdfs[1])
    assert _squeezed("hơn 4,069 tỷ đồng") in news and "CỘNGHÒA" not in news


def _pdf_pages(pdf) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("\f")


def _squeezed(text: str) -> str:
    # Justified lines come out of pdftotext with spaces inside words ("xây d ựng"): compare
    # without any white space.
    return "".join(text.split())


def _pdf_text(pdf) -> str:
    return _squeezed(" ".join(_pdf_pages(pdf)))


def test_place_names_after_decree_30():
    from kh_excel.report.org import place_name
    from kh_excel.units import Unit
    assert place_name(Unit("legacy-3tier", "524", "Huyện Bình Sơn", "huyen", "51", "Huyện")) \
        == "Bình Sơn"
    assert place_name(Unit("legacy-3tier", "26740", "Phường 12", "xa", "770", "Phường")) \
        == "Phường 12"
    assert place_name(Unit("legacy-3tier", "79", "Thành phố Hồ Chí Minh", "tinh", "VN",
                           "Thành phố")) == "Thành phố Hồ Chí Minh"
