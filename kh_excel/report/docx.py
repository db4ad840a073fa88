"""The Word document (python-docx), laid out after Nghị định 30/2020/NĐ-CP.

A4, margins 20/20/30/15 mm; Times New Roman; body 14 pt, justified, first-line indent 1 cm,
6 pt between paragraphs; header block of two columns (organisation and number on the left,
quốc hiệu, tiêu ngữ and địa danh–date in italics on the right); title and trích yếu centred in
bold; signature block (thẩm quyền, chức vụ, name) beside "Nơi nhận"; page numbers at the top
centre from page 2; the annex table in a section of its own (landscape when it is wide).
"""
from __future__ import annotations

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..freetext import clean
from .annex import Annex
from .blocks import PROMPT, Block
from .org import OrgDetails

FONT = "Times New Roman"
BODY_PT = 14
INDENT = Cm(1)
PAGE_W, PAGE_H = Mm(210), Mm(297)
MARGINS = {"top": Mm(20), "bottom": Mm(20), "left": Mm(30), "right": Mm(15)}
TEXT_W = PAGE_W - MARGINS["left"] - MARGINS["right"]   # 16,5 cm
# The header columns fill the text width (LibreOffice shrinks a wider table to it): the quốc
# hiệu needs ~9 cm at 12 pt; an organisation name longer than fits (~0,32 cm a letter at 13 pt)
# is broken after "HỘI KHUYẾN HỌC", as these documents do.
LEFT_COL, RIGHT_COL = Cm(7.0), Cm(9.5)
NAME_CHARS = 21
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
ANNEX_PT = 11
SIGN_SPACE = 4  # empty lines for the signature and the seal
DRAFT_MARK = "DỰ THẢO"
# Child order of the property elements we add to (ECMA-376 Part 1, §17.3.1.26, §17.4.60, …):
# Word validates it, and python-docx only places the children it knows.
_ORDER = {
    "w:pPr": ("w:pStyle", "w:keepNext", "w:keepLines", "w:pageBreakBefore", "w:framePr",
              "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
              "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
              "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
              "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
              "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
              "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr",
              "w:sectPr", "w:pPrChange"),
    "w:tblPr": ("w:tblStyle", "w:tblpPr", "w:tblOverlap", "w:bidiVisual",
                "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
                "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout",
                "w:tblCellMar", "w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:trPr": ("w:cnfStyle", "w:divId", "w:gridBefore", "w:gridAfter", "w:wBefore", "w:wAfter",
               "w:cantSplit", "w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc",
               "w:hidden", "w:ins", "w:del", "w:trPrChange"),
    "w:tcPr": ("w:cnfStyle", "w:tcW", "w:gridSpan", "w:hMerge", "w:vMerge", "w:tcBorders",
               "w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
               "w:hideMark"),
    "w:rPr": ("w:rStyle", "w:rFonts", "w:b", "w:bCs", "w:i", "w:iCs", "w:caps", "w:smallCaps",
              "w:strike", "w:dstrike", "w:outline", "w:shadow", "w:emboss", "w:imprint",
              "w:noProof", "w:snapToGrid", "w:vanish", "w:webHidden", "w:color", "w:spacing",
              "w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u",
              "w:effect", "w:bdr", "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs",
              "w:em", "w:lang", "w:eastAsianLayout", "w:specVanish", "w:oMath"),
}


# -- low-level helpers ------------------------------------------------------------------------

def _put(parent, tag: str, **attrs):
    """The child ``tag`` of a property element, added in schema order if absent."""
    el = parent.find(qn(tag))
    if el is None:
        el = OxmlElement(tag)
        order = _ORDER[parent.tag.replace(f"{{{parent.nsmap['w']}}}", "w:")]
        after = order[order.index(tag) + 1:]
        parent.insert_element_before(el, *after)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _fonts(rpr) -> None:
    """Times New Roman for every script, theme fonts removed (they would override it)."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "vi-VN")


def _para(container, text: str = "", *, bold=False, italic=False, size=BODY_PT,
          align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=None, before=0, after=6, keep=False):
    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent is not None:
        fmt.first_line_indent = indent
    if keep:
        fmt.keep_with_next = True
    if text:
        run = p.add_run(clean(text))  # no control character: XML cannot hold it
        run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return p


def _rule(container, width, before=0, after=0) -> None:
    """A short horizontal line, centred, ``width`` long (a bordered empty paragraph)."""
    cell_w = getattr(container, "width", None) or TEXT_W
    side = max(0, int((cell_w - width) / 2))
    p = _para(container, align=WD_ALIGN_PARAGRAPH.CENTER, before=before, after=after)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.line_spacing = Pt(2)
    ppr = p._p.get_or_add_pPr()
    border = _put(ppr, "w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    _put(_put(ppr, "w:rPr"), "w:sz", **{"w:val": "4"})


def _table(doc, rows: int, widths, style: str | None = None, margin=None):
    table = doc.add_table(rows=rows, cols=len(widths))
    if style:
        table.style = doc.styles[style]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if margin is not None:  # narrow cell margins: more room for the header's long lines
        mar = _put(table._tbl.tblPr, "w:tblCellMar")
        for side in ("left", "right"):
            el = OxmlElement(f"w:{side}")
            el.set(qn("w:w"), str(int(margin.twips)))
            el.set(qn("w:type"), "dxa")
            mar.append(el)
    table.autofit = False
    for col, width in zip(table.columns, widths):
        col.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
    return table


def _cell(table, row: int, col: int):
    cell = table.cell(row, col)
    # A new cell holds one empty paragraph; use it for the first line.
    cell.paragraphs[0]._p.getparent().remove(cell.paragraphs[0]._p)
    return cell


def _page_number(section) -> None:
    """Page number at the top centre, not on the first page."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    run.font.size = Pt(13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def _setup(doc: DocumentObject) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(BODY_PT)
    _fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Table Grid",):
        _fonts(doc.styles[name].element.get_or_add_rPr())
    for level in (1, 2, 3, 4):
        style = doc.styles[f"Heading {level}"]
        style.font.name, style.font.size = FONT, Pt(BODY_PT)
        style.font.bold, style.font.italic = True, level == 4
        style.font.color.rgb = RGBColor(0, 0, 0)
        _fonts(style.element.get_or_add_rPr())
        fmt = style.paragraph_format
        fmt.space_before, fmt.space_after = Pt(6), Pt(6)
        fmt.first_line_indent, fmt.keep_with_next = INDENT, True
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT  # a justified heading line stretches its spaces
        fmt.line_spacing = 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    for side, value in MARGINS.items():
        setattr(section, f"{side}_margin", value)
    section.header_distance = Mm(10)
    _page_number(section)


# -- parts of the document --------------------------------------------------------------------

def _header_block(doc, org: OrgDetails) -> None:
    t = _table(doc, 2, (LEFT_COL, RIGHT_COL), margin=Cm(0.05))
    left, right = _cell(t, 0, 0), _cell(t, 0, 1)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if org.co_quan_chu_quan:
        _name(left, org.co_quan_chu_quan.upper(), bold=False)
    _name(left, org.ten_to_chuc.upper(), bold=True)
    _rule(left, Cm(2.4), before=2)
    _para(right, QUOC_HIEU, bold=True, size=12, align=center, after=0)
    _para(right, TIEU_NGU, bold=True, size=13, align=center, after=0)
    _rule(right, Cm(5.9), before=2)
    _para(_cell(t, 1, 0), org.so_ky_hieu, size=13, align=center, before=6, after=0)
    _para(_cell(t, 1, 1), org.dia_danh_ngay, italic=True, size=14, align=center, before=6,
          after=0)


def _name(cell, name: str, bold: bool) -> None:
    """An organisation line of the header, broken after "HỘI KHUYẾN HỌC" when too long."""
    p = _para(cell, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    head = "HỘI KHUYẾN HỌC "
    lines = [name]
    if len(name) > NAME_CHARS and name.startswith(head):
        lines = [head.strip(), name[len(head):]]
    for n, line in enumerate(lines):
        run = p.add_run(clean(line))
        run.bold, run.font.size = bold, Pt(13)
        if n < len(lines) - 1:
            run.add_break()


def _body(doc, blocks: list[Block], style: str) -> None:
    titles = [b for b in blocks if b.kind == "heading" and b.level == 1]
    first_title = titles[0] if titles else None
    for block in blocks:
        if block.kind == "heading" and block.level == 1:
            first = block is first_title
            size = BODY_PT if style == "bao-cao" else 16
            _para(doc, block.text, bold=True, size=size, align=WD_ALIGN_PARAGRAPH.CENTER,
                  before=18 if first else 0, after=0 if style == "bao-cao" else 12, keep=True)
            if style == "bao-cao" and block is titles[-1]:
                _rule(doc, Cm(5.5), before=2, after=12)
            continue
        if block.kind == "heading":
            p = doc.add_paragraph(style=f"Heading {block.level}")
            p.add_run(clean(block.text))
            continue
        p = _para(doc, indent=INDENT)
        _runs(p, block.text if block.kind == "para" else f"- {block.text}",
              bold=block.emphasis == "bold", italic=block.emphasis == "italic")


def _runs(p, text: str, bold=False, italic=False, size=BODY_PT) -> None:
    """The text of a paragraph; the prompts left for the author italic and highlighted."""
    text = clean(text)  # no control character: XML cannot hold it
    pos = 0
    for m in [*PROMPT.finditer(text), None]:
        end = m.start() if m else len(text)
        if end > pos:
            run = p.add_run(text[pos:end])
            run.bold, run.italic, run.font.size = bold, italic, Pt(size)
        if m:
            run = p.add_run(m.group(0))
            run.bold, run.italic, run.font.size = bold, True, Pt(size)
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
            pos = m.end()


def _signature(doc, org: OrgDetails) -> None:
    """Nơi nhận and the signature, one table row that never breaks across pages (``cantSplit``,
    every paragraph kept with the next: Word then keeps the row with what precedes it too)."""
    t = _table(doc, 1, (Cm(7.5), Cm(9.0)))
    _put(t.rows[0]._tr.get_or_add_trPr(), "w:cantSplit")
    left, right = _cell(t, 0, 0), _cell(t, 0, 1)
    _para(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT,
          before=12, after=0)
    for line in org.recipients():
        _para(left, line, size=11, align=WD_ALIGN_PARAGRAPH.LEFT, after=0)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(right, org.tham_quyen.upper(), bold=True, size=14, align=center, before=12, after=0)
    _para(right, org.chuc_vu.upper(), bold=True, size=14, align=center, after=0)
    for _ in range(SIGN_SPACE):
        _para(right, "", align=center, after=0)
    _para(right, org.signer, bold=True, size=14, align=center, after=0)
    for cell in (left, right):
        for p in cell.paragraphs:
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.keep_together = True


# Widths at the annex's 11 pt Times New Roman: a digit is half an em, a separator a quarter.
_DIGIT_CM, _SEP_CM, _PAD_CM = 0.5 * ANNEX_PT / 28.35, 0.25 * ANNEX_PT / 28.35, 0.45
_MIN_VALUE, _MIN_LABEL = Cm(1.7), Cm(6.0)


def value_width(texts) -> int:
    """The width (EMU) a column of numbers needs so that none wraps."""
    widest = max((sum(_DIGIT_CM if ch.isdigit() else _SEP_CM for ch in t) for t in texts),
                 default=0)
    return max(_MIN_VALUE, Cm(round(widest + _PAD_CM, 2)))


def _annex(doc, annex: Annex, org: OrgDetails) -> None:
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.different_first_page_header_footer = False  # the annex pages are numbered too
    values = [value_width(r.cells[c] for r in annex.rows if r.kind == "indicator")
              for c in range(3, len(annex.columns))]
    fixed = [Cm(1.2), None, Cm(2.0)]
    width = TEXT_W
    if width - fixed[0] - fixed[2] - sum(values) < _MIN_LABEL:  # too wide: landscape
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = PAGE_H, PAGE_W
        section.left_margin, section.right_margin = Mm(20), Mm(15)
        section.top_margin, section.bottom_margin = Mm(25), Mm(20)
        width = PAGE_H - Mm(35)
    center = WD_ALIGN_PARAGRAPH.CENTER
    head, _, rest = annex.title.partition(":")
    _para(doc, head.upper(), bold=True, align=center, after=0, keep=True)
    _para(doc, rest.strip().upper(), bold=True, align=center, after=0, keep=True)
    _para(doc, annex.subtitle, italic=True, size=13, align=center, after=0, keep=True)
    _para(doc, f"(Kèm theo Báo cáo số {org.so_ky_hieu_ngan})", italic=True, size=13,
          align=center, after=12, keep=True)
    label_w = max(Cm(3), width - fixed[0] - fixed[2] - sum(values))
    widths = [fixed[0], label_w, fixed[2], *values]
    table = _table(doc, 1 + len(annex.rows), widths, style="Table Grid")
    _row_props(table.rows[0], header=True)
    for col, text in enumerate(annex.columns):
        _table_text(table.cell(0, col), text, bold=True, align=center, keep=True)
    last = len(annex.rows)
    for r, row in enumerate(annex.rows, 1):
        _row_props(table.rows[r])
        if row.kind == "section":  # kept with the first row of its section
            _table_text(table.cell(r, 0), row.cells[0], bold=True, align=center, keep=True)
            merged = table.cell(r, 1).merge(table.cell(r, len(annex.columns) - 1))
            _table_text(merged, row.cells[1], bold=True, align=WD_ALIGN_PARAGRAPH.LEFT,
                        keep=True)
            continue
        for col, text in enumerate(row.cells):
            align = center if col in (0, 2) else WD_ALIGN_PARAGRAPH.LEFT if col == 1 else \
                WD_ALIGN_PARAGRAPH.RIGHT
            _table_text(table.cell(r, col), text, align=align, no_wrap=col >= 3,
                        keep=r == last)
    if annex.note:
        _para(doc, annex.note, italic=True, size=12, before=6, indent=INDENT)


def _row_props(row, header: bool = False) -> None:
    """A row never breaks across pages; the header row repeats on every page."""
    trpr = row._tr.get_or_add_trPr()
    _put(trpr, "w:cantSplit")
    if header:
        _put(trpr, "w:tblHeader")


def _table_text(cell, text: str, bold=False, align=WD_ALIGN_PARAGRAPH.LEFT, no_wrap=False,
                keep=False) -> None:
    p = cell.paragraphs[0]
    p.paragraph_format.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(1)
    p.paragraph_format.line_spacing = 1.0
    if keep:
        p.paragraph_format.keep_with_next = True
    if no_wrap:
        _put(cell._tc.get_or_add_tcPr(), "w:noWrap")
    run = p.add_run(clean(text))
    run.bold, run.font.size = bold, Pt(ANNEX_PT)


def _draft_mark(section) -> None:
    """``DỰ THẢO`` in bold at the top right of page 1 (the first page's own header)."""
    p = section.first_page_header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = p.add_run(DRAFT_MARK)
    run.bold, run.font.size = True, Pt(13)


# -- the document -----------------------------------------------------------------------------

def build_docx(blocks: list[Block], style: str, org: OrgDetails,
               annex: Annex | None = None, draft: bool = True) -> DocumentObject:
    """The Word document of a narrative: the official frame for a report, plain for news;
    a draft carries the mark ``DỰ THẢO`` at the top of page 1."""
    doc = Document()
    _setup(doc)
    if draft:
        _draft_mark(doc.sections[0])
    doc.core_properties.author = "kh-excel"
    titles = [b.text for b in blocks if b.kind == "heading" and b.level == 1]
    doc.core_properties.title = " – ".join(titles)[:250]
    doc.core_properties.language = "vi-VN"
    if style == "bao-cao":
        _header_block(doc, org)
    _body(doc, blocks, style)
    if style == "bao-cao":
        if doc.paragraphs:  # the last lines of the body go with the signature
            doc.paragraphs[-1].paragraph_format.keep_with_next = True
        _signature(doc, org)
        if annex is not None and annex.rows:
            _annex(doc, annex, org)
    elif org.tac_gia:
        _para(doc, org.tac_gia, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.RIGHT,
              before=6)
    return doc
