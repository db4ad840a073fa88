"""Rendering the narrative from jinja2 templates (``templates/docx_text``) into blocks.

The templates see the figures of the input through a few functions and filters (documented at
the top of ``_chung.md.j2``); every filter marks what it prints (:mod:`.marks`) so that each
sentence can be traced to its cells. Undefined names are errors (``StrictUndefined``), and so is
a filter given a missing figure: a template must test ``{% if … %}`` first, and the sentence
is left out — never printed with "None" or 0.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import jinja2

from ..catalogue import load_catalogue
from ..errors import ReportTemplateError
from ..model import Provenance
from ..packaged import packaged
from ..periods import TWO_TIER, Period
from . import filters as F
from .blocks import PROMPT, PROMPT_HEAD, Block, parse_blocks
from .figures import LEVEL_NAMES, Fig, Figures
from .inputs import ReportInput
from .marks import Tracer, TraceItem, strip_markers
from .org import EventDetails
from .phrases import cau, doan, liet_ke

STYLES = ("bao-cao", "tin-bai")
SUFFIX = ".md.j2"
TEMPLATE_DIR = ("templates", "docx_text")


@dataclass(frozen=True)
class Genre:
    """Rules chosen once per document."""

    pad: bool       # counts 1–9 before their noun written 01–09 ("07 nhiệm vụ")
    money: str      # "exact" (… đồng) or "rounded" (… tỷ đồng, … triệu đồng)


GENRES = {"bao-cao": Genre(pad=True, money="exact"), "tin-bai": Genre(pad=True, money="rounded")}
TIER_KIND = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh", "tw": "quốc"}  # "toàn quốc"
# Filters and functions of the templates: methods of the rendering context of the same name.
FILTERS = ("so", "tien", "tien_du", "tien_tron", "phan_tram", "binh_quan", "xap_xi", "so_voi",
           "thay_doi")
FUNCTIONS = ("so_lieu", "chenh_lech", "dem", "trong_do", "trong_do_doi", "phan_so", "ty_le",
             "bo_sung")


@dataclass
class Narrative:
    """A rendered document body: blocks, and the items its sentences use."""

    style: str
    template: str
    blocks: list[Block]
    items: list[TraceItem]
    left_out: dict[tuple[str, str], str] = field(default_factory=dict)  # comparisons, and why

    @property
    def unsourced(self) -> list[str]:
        return [n for b in self.blocks for n in b.unsourced]

    @property
    def prompts(self) -> list[dict[str, str]]:
        """The marked prompts left for the author ("[Hội bổ sung: …]"), with their section."""
        out, section = [], ""
        for b in self.blocks:
            if b.kind == "heading" and b.level >= 2:
                section = b.text
            out += [{"section": section, "text": t} for t in PROMPT.findall(b.text)]
        return out

    def markdown(self) -> str:
        out: list[str] = []
        for b in self.blocks:
            if out and not (b.kind == "item" and out[-1].startswith("- ")):
                out.append("")
            out.append(b.markdown())
        return "\n".join(out) + "\n"


@cache
def builtin_templates() -> Path:
    """The shipped templates: package data in a wheel, the repository folder when editable."""
    shipped = packaged(*TEMPLATE_DIR)
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2].joinpath(*TEMPLATE_DIR)


def template_candidates(style: str, tier: str, scheme: str) -> list[str]:
    """Most specific first: ``bao-cao-xa-two-tier-2025``, ``bao-cao-xa``, ``bao-cao``."""
    return [f"{style}-{tier}-{scheme}{SUFFIX}", f"{style}-{tier}{SUFFIX}", f"{style}{SUFFIX}"]


def environment(templates: str | os.PathLike | None = None) -> jinja2.Environment:
    """The jinja environment: the user's folder first (if any), then the shipped templates."""
    if templates is not None and not Path(templates).is_dir():
        raise ReportTemplateError(path=templates, detail="không phải thư mục.",
                                  detail_en="not a folder.")
    return _environment(None if templates is None else str(Path(templates).resolve()))


@cache
def _environment(folder: str | None) -> jinja2.Environment:
    # Compiled once per folder (jinja reloads a template whose file changed). The filters and
    # functions reach the state of one rendering through the variable ``_kh``.
    loaders = [jinja2.FileSystemLoader(folder)] if folder else []
    loaders.append(jinja2.FileSystemLoader(str(builtin_templates())))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             autoescape=False, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, extensions=["jinja2.ext.do"])
    env.filters.update({name: _bound(name) for name in FILTERS})
    env.globals.update({name: _bound(name) for name in FUNCTIONS})
    env.globals.update(cau=cau, doan=doan, liet_ke=liet_ke)
    return env


def _bound(name: str):
    @jinja2.pass_context
    def call(context, *args, **kwargs):
        return getattr(context["_kh"], name)(*args, **kwargs)
    call.__name__ = name
    return call


class _Missing(Exception):
    """A filter was given a missing figure: the template forgot an ``{% if %}``."""


def render_narrative(inp: ReportInput, style: str = "bao-cao",
                     templates: str | os.PathLike | None = None,
                     allow_errors: bool = False, event: EventDetails | None = None) -> Narrative:
    """Render the body of the report (``bao-cao``) or news item (``tin-bai``) for ``inp``;
    ``event`` is the conference a news item reports."""
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}")
    env = environment(templates)
    ctx = _Context(inp, GENRES[style], allow_errors, event or EventDetails())
    names = template_candidates(style, inp.tier, inp.scheme)
    try:
        template = env.select_template(names)
        marked = template.render(ctx.variables())
    except jinja2.TemplatesNotFound:
        raise ReportTemplateError(path=templates or builtin_templates(),
                                  detail=f"không có mẫu {names[-1]}.",
                                  detail_en=f"no template {names[-1]}.") from None
    except _Missing as exc:
        raise ReportTemplateError(path=_where(exc), detail=str(exc.args[0]),
                                  detail_en=str(exc.args[0])) from None
    except jinja2.TemplateSyntaxError as exc:
        raise ReportTemplateError(path=f"{exc.filename or exc.name}, dòng {exc.lineno}",
                                  detail=exc.message, detail_en=exc.message) from None
    except (jinja2.UndefinedError, TypeError, AttributeError, ValueError) as exc:
        # Chained, so that --debug shows where it came from (a template or this program).
        raise ReportTemplateError(path=_where(exc), detail=str(exc), detail_en=str(exc)) from exc
    return Narrative(style, template.filename or template.name, parse_blocks(marked),
                     ctx.tracer.items, dict(ctx.figs.left_out))


def _where(exc: BaseException) -> str:
    """The template file and line an exception was raised from."""
    tb, where = exc.__traceback__, "mẫu văn bản"
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(SUFFIX):
            where = f"{name}, dòng {tb.tb_lineno}"
        tb = tb.tb_next
    return where


class _Context:
    """The variables, functions and filters one rendering sees, all marking what they print."""

    def __init__(self, inp: ReportInput, genre: Genre, allow_errors: bool,
                 event: EventDetails) -> None:
        self.inp, self.genre, self.allow_errors, self.event = inp, genre, allow_errors, event
        self.figs = Figures(inp)
        self.tracer = Tracer()
        self.cat = load_catalogue()
        self.prev_period = self.figs.previous_period()

    # -- marking helpers --------------------------------------------------------------------

    def _fig(self, fig: Fig | None, what: str) -> Fig:
        if not isinstance(fig, Fig):
            raise _Missing(f"bộ lọc '{what}' được dùng cho một số liệu không có; hãy đặt câu "
                           "trong {% if … %}.")
        return fig

    def mark_figs(self, text: str, *figs: Fig, note: str = "") -> str:
        if self.allow_errors:  # a figure the checker found wrong is not stated as fact
            for fig in figs:
                if self.figs.error_in(fig) is not None:
                    return self.bo_sung(f"{self.cat[fig.code].label}: số liệu còn lỗi, cần "
                                        "kiểm tra, sửa lại")
        return self.tracer.mark(text, "so_lieu", figs, note=note)

    def period_source(self) -> Provenance:
        return self.inp.meta_source("period")

    def mark_period(self, text: str) -> str:
        return self.tracer.mark(text, "ky", sources=(self.period_source(),))

    def mark_name(self, text: str, key: str = "unit_name") -> str:
        return self.tracer.mark(text, "ten", sources=(self.inp.meta_source(key),))

    # -- filters ----------------------------------------------------------------------------

    def so(self, fig, noun: str = "") -> str:
        """A count: ``41.371 người``; ``07 nhiệm vụ`` (the document's rule pads a small count
        written before its noun; a bare count, as in "là 3" or "3/108", is not padded)."""
        fig = self._fig(fig, "so")
        pad = self.genre.pad and bool(noun)
        return self.mark_figs(f"{F.count(fig.value, pad)} {noun}".strip(), fig)

    def tien(self, fig) -> str:
        """Money in the document's way: exact in a report, rounded in a news item."""
        return self.tien_du(fig) if self.genre.money == "exact" else self.tien_tron(fig)

    def tien_du(self, fig) -> str:
        fig = self._fig(fig, "tien_du")
        return self.mark_figs(F.money_exact(fig.value), fig)

    def tien_tron(self, fig, rounding: str = "down") -> str:
        fig = self._fig(fig, "tien_tron")
        return self.mark_figs(F.money_rounded(fig.value, rounding), fig)

    def phan_tram(self, fig) -> str:
        fig = self._fig(fig, "phan_tram")
        return self.mark_figs(F.percent(fig.value), fig, note=fig.note)

    def binh_quan(self, fig) -> str:
        fig = self._fig(fig, "binh_quan")
        return self.mark_figs(F.per_person(fig.value), fig, note=fig.note)

    def xap_xi(self, fig, step: int = 100, noun: str = "") -> str:
        fig = self._fig(fig, "xap_xi")
        return self.mark_figs(f"{F.approx_count(fig.value, step)} {noun}".strip(), fig)

    def _change(self, fig: Fig, noun: str) -> str:
        """The net change of ``fig`` since last period, '' without a trusted comparison."""
        if fig.prev is None or self.prev_period is None or self.figs.distrust(fig):
            return ""
        money = F.money_exact if self.genre.money == "exact" else F.money_rounded
        text = F.change(fig.value, fig.prev.value, fig.kind, noun,
                        self.genre.pad and bool(noun), money=money)
        rel = F.relative(fig.value, fig.prev.value) if fig.kind == "dong" else ""
        if rel and self.genre.money == "exact":  # the report gives the percentage too
            text += f" ({rel})"
        return text

    def thay_doi(self, fig, noun: str = "") -> str:
        """``tăng 20 suất`` (no "so với …"); '' without a trusted comparison."""
        text = self._change(self._fig(fig, "thay_doi"), noun)
        return self.mark_figs(text, fig, fig.prev, note="so sánh với kỳ trước") if text else ""

    def so_voi(self, fig, noun: str = "") -> str:
        """``tăng 1.234 hội viên so với năm 2022``; '' without last period's figure, or when
        the checker doubts it or the change (the trace says why)."""
        fig = self._fig(fig, "so_voi")
        text = self._change(fig, noun)
        if not text:
            return ""
        return self.mark_figs(f"{text} so với {self.prev_label()}", fig, fig.prev,
                              note="so sánh với kỳ trước")

    def prev_label(self) -> str:
        prev, cur = self.prev_period, self.inp.period
        if prev.half == cur.half == 1 and prev.year == cur.year - 1:
            return f"cùng kỳ năm {prev.year}"
        return prev.label()

    # -- functions --------------------------------------------------------------------------

    def bo_sung(self, hint: str) -> str:
        """A marked prompt for the author, ``[Hội bổ sung: hint]`` (italic, highlighted in Word;
        listed at the end of the trace; ``--strict`` refuses a document that has one)."""
        hint = " ".join(str(hint).replace("[", "(").replace("]", ")").split())
        return self.tracer.mark(f"{PROMPT_HEAD} {hint}]", "bo_sung")

    def chenh_lech(self, fig) -> Fig | None:
        """This period's figure minus last period's (None without last period's figure)."""
        return self.figs.delta(self._fig(fig, "chenh_lech"))

    def so_lieu(self, code: str, level: str | None = None) -> Fig | None:
        """The figure of an indicator (the unit's total), None if missing or 0."""
        if code not in self.cat:
            raise ValueError(f"không có chỉ tiêu '{code}' trong danh mục")
        return self.figs.get(code, level)

    def dem(self, code: str):
        """A COUNT indicator: ``(x, y)`` figures (``y`` may be None), or None."""
        return self.figs.count(code)

    def phan_so(self, part, whole) -> str:
        part, whole = self._fig(part, "phan_so"), self._fig(whole, "phan_so")
        return self.mark_figs(F.fraction(part.value, whole.value), part, whole)

    def ty_le(self, part, whole) -> str:
        """``95,41%``: ``part`` of ``whole`` as a percentage ('' for a whole of 0)."""
        part, whole = self._fig(part, "ty_le"), self._fig(whole, "ty_le")
        if not whole.value:
            return ""
        return self.mark_figs(F.percent(Decimal(part.value) / Decimal(whole.value) * 100),
                              part, whole)

    def trong_do(self, fig, noun: str = "") -> str:
        """`` (trong đó: cấp xã …, cấp huyện …)`` for a total, '' when there is no split."""
        fig = self._fig(fig, "trong_do")
        parts = self.figs.parts(fig.code)
        if not parts:
            return ""
        money = fig.kind == "dong"
        shown = [f"{LEVEL_NAMES[p.level]} " + (self.tien(p) if money else self.so(p, noun))
                 for p in parts]
        return " (trong đó: " + ", ".join(shown) + ")"

    def trong_do_doi(self, count_code: str, money_code: str, noun: str = "suất",
                     joiner: str = "với số tiền") -> str:
        """``, trong đó cấp xã 791 suất với số tiền …, cấp huyện …`` for an award."""
        rows = self.figs.pair_parts(count_code, money_code)
        shown = []
        for name, n, t in rows:
            bits = [self.so(n, noun)] if n else []
            if t:
                bits.append(f"{joiner} {self.tien(t)}" if n else self.tien(t))
            shown.append(f"{name} " + " ".join(bits))
        return (", trong đó " + ", ".join(shown)) if shown else ""

    # -- variables --------------------------------------------------------------------------

    def variables(self) -> dict:
        inp, figs = self.inp, self.figs
        unit = inp.unit
        kind = (unit.division or "").lower() or TIER_KIND.get(inp.tier, "đơn vị")
        ten_hoi = self.mark_name(unit.association_name)
        dv = SimpleNamespace(
            ten=self.mark_name(unit.name), ten_hoi=ten_hoi, loai=kind, cap=inp.tier,
            toan=f"toàn {kind}", Toan=f"Toàn {kind}", hai_cap=inp.scheme == TWO_TIER,
            cap_ten=LEVEL_NAMES.get(inp.tier, ""))
        communes, words = figs.communes()
        received_expected = figs.completeness()
        reported = figs.communes_reported()
        own_texts = self._own_texts()
        return {
            "_kh": self,
            "dv": dv,
            "ky": self._period_vars(inp.period),
            "ky_truoc": self._prev_marked() if self.prev_period and inp.previous else None,
            "xa": SimpleNamespace(tong=communes, ten=words, bao_cao=reported),
            "tong_hop": None if received_expected is None else SimpleNamespace(
                nhan=received_expected[0], tong=received_expected[1], ten=figs.child_words(),
                thieu=[self.tracer.mark(name, "ten", sources=self._missing_sources([(code, name)]))
                       for code, name in inp.missing],
                so_thieu=Fig("chua_nop", "tong", len(inp.missing), "to_chuc", "đơn vị",
                             self._missing_sources(inp.missing)) if inp.missing else None),
            "loi": self._errors(),
            "nd": own_texts,
            "y_kien": self._child_texts(own_texts),
            "ten_noi_dung": {t.code: t.label for t in self.cat.texts},
            "la_tong_hop": inp.is_rollup,
            "xu_huong": self._trend(),
            "su_kien": self._event(),
        }

    def _event(self) -> SimpleNamespace:
        ev = self.event

        def given(text: str, key: str) -> str:
            src = Provenance("thông tin tin bài", "tin_bai", key, how="tuy_chon")
            return self.tracer.mark(text, "tuy_chon", sources=(src,)) if text else ""
        day = F.date_text(ev.ngay_to_chuc) if ev.ngay_to_chuc else ""
        return SimpleNamespace(co=ev.given, ten=given(ev.su_kien, "su_kien"),
                               ngay=given(day, "ngay_to_chuc"),
                               dia_diem=given(ev.dia_diem, "dia_diem"),
                               thanh_phan=given(ev.thanh_phan, "thanh_phan"))

    def _prev_marked(self) -> str:
        src = self.inp.rollup_source("meta", "previous_period")
        return self.tracer.mark(self.prev_label(), "ky", sources=(src,) if src else ())

    def _trend(self) -> SimpleNamespace:
        trend = self.figs.trend()
        labels = {"hoi_vien": "số hội viên", "quy_van_dong": "số tiền vận động cho Quỹ",
                  "tong_quy": "số dư Quỹ khuyến học, khuyến tài"}
        return SimpleNamespace(
            co_so_sanh=bool(trend.compared), so_sanh=len(trend.compared), tang=len(trend.up),
            giam=len(trend.down), giam_hoi_vien=trend.members_fell, giam_quy=trend.fund_fell,
            giam_chinh=[labels[c] for c in labels if c in trend.down],
            ky_truoc=self._prev_marked() if trend.compared else None)

    def _missing_sources(self, missing) -> tuple[Provenance, ...]:
        return tuple(s for code, name in missing
                     if (s := self.inp.rollup_source("missing", code, name)) is not None)

    def _period_vars(self, p: Period) -> SimpleNamespace:
        nxt = Period(p.year, None) if p.half else Period(p.year + 1, None)
        after = f"6 tháng cuối năm {p.year}" if p.half else nxt.label()
        end = f"ngày 30/6/{p.year}" if p.half else f"cuối năm {p.year}"
        return SimpleNamespace(
            nhan=self.mark_period(p.label()), nhan_sau=self.mark_period(after),
            cuoi=self.mark_period(end), loai=p.report_kind(), Loai=p.report_kind().capitalize(),
            ca_nam=p.annual, nam=self.mark_period(str(p.year)))

    def _errors(self):
        if not (self.allow_errors and self.inp.errors):
            return None
        where = Provenance(self.inp.path, "Kiểm tra" if self.inp.is_rollup else "", "",
                           how="kiem_tra")
        return self.tracer.mark(f"{F.count(self.inp.errors)} lỗi", "kiem_tra", sources=(where,))

    def _lines(self, text: str, source: Provenance) -> list[str]:
        lines = [ln.strip().lstrip("-+•*").strip().rstrip(".;,").strip()
                 for ln in text.splitlines()]
        return [self.tracer.mark(ln, "van_ban", sources=(source,)) for ln in lines if ln]

    def _own_texts(self) -> dict[str, list[str]]:
        sub = self.inp.submission
        out = {}
        for t in self.cat.texts:
            text = sub.texts.get(t.code, "")
            sheet, cell = self.inp.text_cells.get(t.code, ("", ""))
            src = Provenance(sub.path, sheet, cell, sub.sha256, how="van_ban")
            out[t.code] = self._lines(text, src) if text else []
        return out

    def _child_texts(self, own_texts: dict[str, list[str]]) -> dict[str, list[SimpleNamespace]]:
        """The children's answers by theme; units that wrote the same text are listed together,
        and an answer the unit's own assessment already gives is left out."""
        grouped: dict[str, dict[str, tuple[str, list[str]]]] = {t.code: {} for t in self.cat.texts}
        for code, unit_name, text in self.inp.child_texts:
            text = " ".join(text.split()).rstrip(" .;,")
            # The same answer, give or take a full stop or capitals, is said once.
            entry = grouped.setdefault(code, {}).setdefault(text.casefold(), (text, []))
            entry[1].append(unit_name)
        own = {code: {strip_markers(ln).casefold() for ln in lines}
               for code, lines in own_texts.items()}
        out: dict[str, list[SimpleNamespace]] = {}
        for code, by_text in grouped.items():
            out[code] = []
            for text, units in by_text.values():
                if text.casefold() in own.get(code, set()):
                    continue
                srcs = tuple(s for u in units
                             if (s := self.inp.rollup_source("text", code, u)) is not None)
                everyone = len(units) >= 2 and len(units) == self.inp.received
                names = f"Tất cả các {self.figs.child_words()}" if everyone else ", ".join(units)
                out[code].append(SimpleNamespace(
                    don_vi=self.tracer.mark(names, "ten", sources=srcs),
                    noi_dung=self.tracer.mark(text, "van_ban", sources=srcs)))
        return out
