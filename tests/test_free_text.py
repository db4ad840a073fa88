"""Free text that reaches documents: control characters, Markdown and HTML, private-use
characters, texts over Excel's cell limit, and file names that hold a line break."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import load_workbook

from kh_excel.annotation import REPORT_SHEET
from kh_excel.cli.main import cli
from kh_excel.forms.layout import DATA_SHEET, FINDINGS_SHEET
from kh_excel.freetext import cell_text, clean, escape_controls, markdown_escape

from formfiles import INFO, XA_VALUES, commune_spec, filled, rezip, sha, with_cells
from ooxml import assert_valid_ooxml

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "examples" / "broken"

# What a user typed, as Python sees it after reading: Word's Shift+Enter (U+000B), a control
# character, HTML, a javascript: link, an image, an HTML comment, and private-use characters
# (U+E000–U+E003, the first three being the report's own markers).
HOSTILE = ("Dòng một\x0bDòng hai\x01ba <script>alert(1)</script> [bấm](javascript:alert(1)) "
           "![ảnh](http://x.invalid/a.png) <!-- ẩn --> mã \ue000b\ue0011\ue002c\ue003d hết")
FAKE_MARKUP = "# Tiêu đề giả"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def xml_text(text: str) -> str:
    """``text`` as it is stored in an xlsx part: entities, and ``_xHHHH_`` for control
    characters (how Excel writes Shift+Enter)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group()):04X}_", text)


def with_raw_text(src: Path, dst: Path, texts: dict[str, str]) -> Path:
    """A copy of ``src`` whose placeholder strings are replaced by ``texts`` at the XML level
    (openpyxl refuses control characters, Excel writes them as ``_x000B_``)."""
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    replace = {}
    for name, data in parts.items():
        new = data
        for placeholder, text in texts.items():
            new = new.replace(placeholder.encode(), xml_text(text).encode("utf-8"))
        if new != data:
            replace[name] = new
    assert replace, "no placeholder found"
    return rezip(src, dst, replace)


@pytest.fixture
def hostile_form(tmp_path, units) -> Path:
    """A commune form whose free-text answers hold HOSTILE and a fake heading."""
    base = filled(tmp_path / "base", commune_spec(units), XA_VALUES, "base.xlsx", info=INFO,
                  texts={"noi_bat": "PLACEHOLDER_A", "kien_nghi": "PLACEHOLDER_B"})
    folder = tmp_path / "in"
    folder.mkdir()
    return with_raw_text(base, folder / "van-vu.xlsx",
                         {"PLACEHOLDER_A": HOSTILE, "PLACEHOLDER_B": FAKE_MARKUP})


def docx_text(path: Path) -> str:
    """Every paragraph of a Word document, those in tables (header, signature) included."""
    doc = Document(str(path))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_report_keeps_hostile_free_text_as_typed(hostile_form, tmp_path):
    before = sha(hostile_form)
    out, md, trace = tmp_path / "bc.docx", tmp_path / "bc.md", tmp_path / "bc.json"
    result = run("report", hostile_form, "-o", out, "--text", md, "--trace", trace)
    assert result.exit_code == 0, result.output
    assert sha(hostile_form) == before
    text = docx_text(out)
    # Shift+Enter is a line break (the answer's lines are two items), the control character a
    # space, and everything else exactly as typed, private-use characters included.
    assert "Dòng một" in text
    assert ("Dòng hai ba <script>alert(1)</script> [bấm](javascript:alert(1)) "
            "![ảnh](http://x.invalid/a.png) <!-- ẩn --> mã \ue000b\ue0011\ue002c\ue003d hết"
            ) in text
    assert "# Tiêu đề giả" in text
    printed = [it["printed"] for s in json.loads(trace.read_text("utf-8"))["sentences"]
               for it in s["items"]]
    assert any(p.endswith("mã \ue000b\ue0011\ue002c\ue003d hết") for p in printed)


def test_report_markdown_shows_free_text_literally(hostile_form, tmp_path):
    md = tmp_path / "bc.md"
    result = run("report", hostile_form, "-o", tmp_path / "bc.docx", "--text", md)
    assert result.exit_code == 0, result.output
    text = md.read_text("utf-8")
    assert (r"Dòng hai ba \<script\>alert(1)\</script\> \[bấm\](javascript:alert(1)) "
            r"!\[ảnh\](http://x.invalid/a.png) \<!-- ẩn --\> mã "
            "\ue000b\ue0011\ue002c\ue003d hết") in text
    assert "<script>" not in text and "](javascript:" not in text.replace(r"\](javascript:", "")
    assert r"- \# Tiêu đề giả" in text  # an item, not a heading
    assert "\x0b" not in text and "\x01" not in text


def test_report_markdown_renders_as_text_not_html(hostile_form, tmp_path):
    markdown_it = pytest.importorskip("markdown_it")
    md = tmp_path / "bc.md"
    assert run("report", hostile_form, "-o", tmp_path / "bc.docx", "--text", md).exit_code == 0
    html = markdown_it.MarkdownIt("commonmark").render(md.read_text("utf-8"))
    assert "<script" not in html and "<img" not in html and "<a " not in html
    assert "<!--" not in html and "<h1>Tiêu đề giả" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[bấm](javascript:alert(1))" in html
    assert "&lt;!-- ẩn --&gt;" in html


def test_document_details_from_options_are_escaped_in_markdown(hostile_form, tmp_path):
    md = tmp_path / "bc.md"
    signer = "<img src=x onerror=alert(1)> [Nông Văn A](javascript:alert(2))"
    result = run("report", hostile_form, "-o", tmp_path / "bc.docx", "--text", md,
                 "--nguoi-ky", signer)
    assert result.exit_code == 0, result.output
    text = md.read_text("utf-8")
    assert r"**\<img src=x onerror=alert(1)\> \[Nông Văn A\](javascript:alert(2))**" in text
    assert signer in docx_text(tmp_path / "bc.docx")  # the Word document shows it as typed


@pytest.fixture
def long_text_form(tmp_path, units) -> Path:
    """A commune form with 40,000 characters (and a Shift+Enter) typed in a number cell, and
    in a free-text answer."""
    base = filled(tmp_path / "base", commune_spec(units), XA_VALUES, "base.xlsx", info=INFO,
                  texts={"noi_bat": "PLACEHOLDER_T"})
    typed = with_cells(base, tmp_path / "base" / "typed.xlsx", {("hoi_vien", "xa"): "PLACEHOLDER_N"})
    folder = tmp_path / "in"
    folder.mkdir()
    return with_raw_text(typed, folder / "van-vu.xlsx",
                         {"PLACEHOLDER_N": "ab\x0bc" + "y" * 40_000,
                          "PLACEHOLDER_T": "Ý kiến\x0b" + "z" * 40_000})


def test_texts_over_32767_characters_are_cut_in_every_workbook(long_text_form, tmp_path):
    before = sha(long_text_form)
    rollup = tmp_path / "tong-hop.xlsx"
    result = run("rollup", long_text_form.parent, "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", rollup)
    assert result.exit_code == 1, result.output  # text in a number cell is an error
    annotated = tmp_path / "tra-lai"
    assert run("check", long_text_form, "--annotate", annotated).exit_code == 1
    copy = annotated / "van-vu_kiem-tra.xlsx"
    assert sha(long_text_form) == before

    wb = load_workbook(rollup)
    messages = [r[5] for r in wb[FINDINGS_SHEET].iter_rows(min_row=4, values_only=True)
                if r[5] and "D8" in r[5]]
    assert len(messages) == 1
    assert len(messages[0]) == 32_767 and messages[0].endswith("y…")
    assert "ab\nc" in messages[0]  # Shift+Enter as a line break, not a control character
    longest = max(len(c.value) for ws in wb.worksheets for row in ws.iter_rows()
                  for c in row if isinstance(c.value, str))
    assert longest == 32_767

    wb = load_workbook(copy)
    report_rows = [r for r in wb[REPORT_SHEET].iter_rows(min_row=2, values_only=True)
                   if r[2] == "D8"]
    assert len(report_rows[0][3]) == 32_767 and report_rows[0][3].endswith("…")
    cell = wb[DATA_SHEET]["D8"]
    assert len(cell.value) == 32_767 and cell.value.endswith("y…")
    assert len(cell.comment.text) <= 32_767
    assert_valid_ooxml(rollup, copy)


def test_report_from_a_rollup_with_hostile_child_texts(hostile_form, tmp_path):
    rollup = tmp_path / "tong-hop.xlsx"
    result = run("rollup", hostile_form.parent, "--unit", "Huyện Na Rì", "--period", "2023",
                 "-o", rollup)
    assert result.exit_code in (0, 1), result.output
    md = tmp_path / "bc.md"
    result = run("report", rollup, "-o", tmp_path / "bc.docx", "--text", md, "--allow-errors")
    assert result.exit_code == 0, result.output
    text = docx_text(tmp_path / "bc.docx")
    assert "<script>alert(1)</script>" in text
    assert "mã \ue000b\ue0011\ue002c\ue003d hết" in text
    assert r"\<script\>" in md.read_text("utf-8")


def test_a_file_name_with_a_line_break_cannot_forge_a_line_of_check(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    forged = "x.xlsx\n  Lỗi       Biểu số liệu!A1: giả\nĐã kiểm tra 99 tệp"
    src = BROKEN / "2023_02137_xa-van-vu_chu-trong-o-so.xlsx"
    target = folder / (forged + ".xlsx")
    shutil.copy(src, target)
    before = sha(target)
    result = run("check", folder)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "Xã Văn Vũ — " + str(folder) + "/" + forged.replace("\n", r"\n") + ".xlsx"
    assert not any(ln.startswith("Đã kiểm tra 99") for ln in lines)
    assert lines[-1].startswith("Đã kiểm tra 1 tệp")
    assert sha(target) == before


# -- the functions, by hand --------------------------------------------------------------------

def test_clean_turns_breaks_into_newlines_and_controls_into_spaces():
    assert clean("a\x0bb\r\nc\rd\u2028e") == "a\nb\nc\nd\ne"
    assert clean("a\x01b\x7fc\x9fd\te") == "a b c d\te"
    assert clean("a\ufffeb\ud800c") == "a\ufffdb\ufffdc"
    assert clean("Văn Vũ \ue000") == "Văn Vũ \ue000"  # private-use characters are text


def test_cell_text_cuts_at_excels_limit_with_an_ellipsis():
    assert cell_text("x" * 32_767) == "x" * 32_767
    assert cell_text("x" * 32_768) == "x" * 32_766 + "…"


def test_markdown_escape_by_hand():
    assert markdown_escape("<b>[a](b) *c* _d_ `e` ~f~ \\g &amp; & h") == \
        r"\<b\>\[a\](b) \*c\* \_d\_ \`e\` \~f\~ \\g \&amp; & h"
    assert markdown_escape("# a") == r"\# a"
    assert markdown_escape("12. a") == r"12\. a"
    assert markdown_escape("- a") == r"\- a"
    assert markdown_escape("> a") == r"\> a"
    assert markdown_escape("1. Kết quả", line_start=False) == "1. Kết quả"


def test_escape_controls_by_hand():
    assert escape_controls("a\nb\tc\x07d\u2028e") == r"a\nb\tc\x07d\u2028e"
    assert escape_controls("Xã Văn Vũ — tệp.xlsx") == "Xã Văn Vũ — tệp.xlsx"
