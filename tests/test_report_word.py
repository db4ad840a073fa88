"""The Word file (issue 13 §6): valid Office Open XML for every style, tier and scheme; the
signature block on one page as printed; annex columns that fit their numbers; the draft mark."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Cm

from kh_excel.libreoffice import soffice_available, to_pdf
from kh_excel.report import draft_report, write_report
from kh_excel.report.docx import value_width
from ooxml import assert_valid_ooxml
from test_report_narrative import FORMS, _form, full_values
from test_report_support import add_rollup, make_form

def _pages(pdf) -> list[str]:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the PDF")
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")


def test_docx_is_valid_ooxml_for_every_style_tier_and_scheme(tmp_path, units):
    docs = []
    for kind in FORMS:
        form = _form(tmp_path, units, kind)
        docs.append(write_report(draft_report(form, "bao-cao"), tmp_path / f"{kind}.docx")[0])
    # a roll-up with last period (an annex column more) and the news items of both schemes
    rolled = add_rollup(_form(tmp_path, units, "huyen-legacy"), [
        ("meta", "children_expected", "", 17), ("meta", "children_received", "", 4),
        ("meta", "previous_period", "", "2022"), ("previous", "hoi_vien", "tong", 9000),
        ("missing", "02140", "Xã Văn Lang", "")])
    docs.append(write_report(draft_report(rolled, "bao-cao", final=True),
                             tmp_path / "rollup.docx")[0])
    for kind in ("huyen-legacy", "tinh-two-tier"):
        news = draft_report(_form(tmp_path, units, kind), "tin-bai", tac_gia="Ngọc Oánh")
        docs.append(write_report(news, tmp_path / f"tin-{kind}.docx")[0])
    assert_valid_ooxml(*docs)


def _xml(doc) -> str:
    return doc.element.xml


def test_signature_row_cannot_split_and_keeps_with_the_text(tmp_path, units):
    report = draft_report(_form(tmp_path, units, "huyen-legacy"), "bao-cao")
    doc = Document(write_report(report, tmp_path / "bc.docx")[0])
    sign = doc.tables[1]
    assert "Nơi nhận:" in sign.cell(0, 0).text
    assert sign.rows[0]._tr.trPr.find(qn("w:cantSplit")) is not None
    for cell in sign.rows[0].cells:
        assert all(p.paragraph_format.keep_with_next for p in cell.paragraphs)
    body = sign._tbl.getprevious()  # the last paragraph of the body goes with the signature
    assert body.tag == qn("w:p") and body.pPr.keepNext is not None
    for level in (2, 3, 4):  # a heading stays with its first paragraph
        assert doc.styles[f"Heading {level}"].paragraph_format.keep_with_next
    titles = [p for p in doc.paragraphs if p.text == "BÁO CÁO"]
    assert titles and titles[0].paragraph_format.keep_with_next


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice is not installed")
def test_signature_block_is_printed_on_one_page(tmp_path, units):
    """Bodies growing 3 lines at a time over more than a page: wherever the page ends, Nơi nhận,
    the authority, the title and the signer's name are printed on the same page."""
    docs = []
    for k in range(0, 45, 3):
        texts = {"noi_bat": "", "han_che": "", "phuong_huong": "",
                 "kien_nghi": "\n".join(f"Đề nghị số {i + 1}" for i in range(k + 1))}
        form = _form(tmp_path, units, "huyen-legacy", texts=texts)
        report = draft_report(form, "bao-cao", nguoi_ky="Nguyễn Văn An")
        docs.append(write_report(report, tmp_path / f"bc-{k:02d}.docx")[0])
    pages_seen = set()
    for pdf in to_pdf(docs, tmp_path / "pdf"):
        pages = _pages(pdf)
        where = {w: {n for n, page in enumerate(pages) if w in page}
                 for w in ("Nơi nhận:", "TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Nguyễn Văn An")}
        assert all(len(v) == 1 for v in where.values()), (pdf.name, where)
        assert len(set.union(*where.values())) == 1, (pdf.name, where)
        page = pages[next(iter(where["Nơi nhận:"]))]
        pages_seen.add(next(iter(where["Nơi nhận:"])))
        assert page.index("Nơi nhận:") < page.index("Nguyễn Văn An")
    assert len(pages_seen) >= 2  # the bodies did cross a page end


def test_annex_hides_empty_levels_and_sizes_columns_to_the_numbers(tmp_path, units):
    big = 123_456_789_012
    totals_only = {("hoi_vien", "tong"): 41_371, ("quy_van_dong", "tong"): big,
                   ("so_nhiem_vu", "huyen"): 14}
    form = make_form(tmp_path, units["na_ri"], units["bac_kan"], "2023", totals_only)
    report = draft_report(form, "bao-cao")
    # Cấp xã is blank throughout; Cấp huyện holds the own-level count of tasks only
    assert report.annex.columns == ["STT", "Chỉ tiêu", "Đơn vị tính", "Cấp huyện", "Tổng cộng"]
    doc = Document(write_report(report, tmp_path / "bc.docx")[0])
    table = doc.tables[-1]
    assert [c.text for c in table.rows[0].cells][3:] == ["Cấp huyện", "Tổng cộng"]
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None and header.find(qn("w:cantSplit")) \
        is not None
    money = next(r for r in table.rows if r.cells[1].text == "Quỹ vận động được trong kỳ")
    cell = money.cells[4]
    assert cell.text == "123.456.789.012"
    assert cell._tc.tcPr.find(qn("w:noWrap")) is not None
    # 12 digits of 11 pt Times New Roman (half an em each) and 3 dots: about 2,6 cm, plus margins
    assert cell.width >= Cm(2.9) and abs(value_width(["123.456.789.012"]) - cell.width) < Cm(0.01)
    sections = [r for r in table.rows if r.cells[0].text in ("A", "B")]
    assert sections and all(r.cells[0].paragraphs[0].paragraph_format.keep_with_next
                            for r in sections)


@pytest.mark.libreoffice
@pytest.mark.skipif(not soffice_available(), reason="LibreOffice is not installed")
def test_annex_numbers_never_wrap_and_the_draft_mark_tops_page_one(tmp_path, units):
    values = full_values("tinh", "legacy-3tier")
    values.update({("quy_van_dong", "xa"): 100_000_000_000, ("quy_van_dong", "huyen"):
                   20_000_000_000, ("quy_van_dong", "tinh"): 3_456_789_012,
                   ("tong_quy", "xa"): 400_000_000_000, ("tong_quy", "huyen"): 50_000_000_000,
                   ("tong_quy", "tinh"): 9_999_999_999})
    form = make_form(tmp_path, units["bac_kan"], None, "2023", values)
    docs = [write_report(draft_report(form, "bao-cao"), tmp_path / "draft.docx")[0],
            write_report(draft_report(form, "bao-cao", final=True), tmp_path / "final.docx")[0]]
    draft, final = (_pages(p) for p in to_pdf(docs, tmp_path / "pdf"))
    first = next(n for n, p in enumerate(draft) if "BIỂU TỔNG HỢP SỐ LIỆU" in p)
    annex_pages = [p for p in draft[first:] if p.strip()]
    assert len(annex_pages) >= 2  # a long annex: the header row repeats on every page
    assert all("STT" in p and "Chỉ tiêu" in p and "Tổng cộng" in p for p in annex_pages)
    annex = "".join(annex_pages)
    for number in ("123.456.789.012", "459.999.999.999", "100.000.000.000"):
        assert number in annex, number  # one piece: not broken over two lines
    first_line = next(line for line in draft[0].splitlines() if line.strip())
    assert first_line.strip() == "DỰ THẢO" and first_line.startswith(" " * 40)  # right
    assert "DỰ THẢO" not in "".join(final) and "DỰ THẢO" not in "".join(draft[1:])


def test_draft_mark_is_in_the_first_page_header_not_the_body(tmp_path, units):
    form = _form(tmp_path, units, "xa-legacy")
    for style in ("bao-cao", "tin-bai"):
        draft = draft_report(form, style)
        doc = Document(write_report(draft, tmp_path / f"{style}.docx")[0])
        mark = doc.sections[0].first_page_header.paragraphs[0]
        assert mark.text == "DỰ THẢO" and mark.runs[0].bold
        assert mark.alignment == 2  # right
        assert all("DỰ THẢO" not in p.text and "Dự thảo" not in p.text for p in doc.paragraphs)
        assert draft.markdown().startswith("**DỰ THẢO**\n")
        final = draft_report(form, style, final=True)
        doc = Document(write_report(final, tmp_path / f"{style}-final.docx")[0])
        assert "DỰ THẢO" not in doc.sections[0].first_page_header._element.xml
        assert "DỰ THẢO" not in final.markdown()
