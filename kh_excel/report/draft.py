"""Drafting a report from an input file, and writing it (docx, text, trace) — the application
layer the ``kh-excel report`` command calls.

    from kh_excel.report import draft_report, write_report
    report = draft_report("BinhSon_2023.xlsx", style="bao-cao", so="05", ngay="05/01/2024")
    print(report.markdown())
    write_report(report, "BinhSon_2023.docx", text="BinhSon_2023.md", trace="trace.json")
"""
from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ..dated_units import LEGACY, DatedUnit, in_force, unit_in
from ..errors import ReportHasErrors, ReportHasPrompts, UsageError
from ..freetext import markdown_escape as md
from ..outputs import check_writable, saved_bytes, write_atomic
from .annex import Annex, build_annex
from .docx import DRAFT_MARK, QUOC_HIEU, TIEU_NGU, build_docx
from .figures import Figures
from .inputs import ReportInput, load_report_input
from .marks import cell_ref
from .narrative import Narrative, render_narrative
from .org import (EVENT_KEYS, OrgDetails, default_org, event_details, load_org_config,
                  org_details, renamed)


@dataclass
class Report:
    """A drafted report: its input, frame, body and annex."""

    input: ReportInput
    style: str
    org: OrgDetails
    narrative: Narrative
    annex: Annex | None
    final: bool = False       # no "DỰ THẢO" mark

    @property
    def allowed_errors(self) -> int:
        """Errors in the input the report was drafted despite (``--allow-errors``)."""
        return self.input.errors

    def markdown(self) -> str:
        """The whole document as text (Markdown): frame, body, signature, annex."""
        body = self.narrative.markdown()
        org = self.org
        mark = "" if self.final else f"**{DRAFT_MARK}**\n\n"
        # Names and details come from the input and the options: shown as typed, never markup.
        if self.style != "bao-cao":
            return mark + body + (f"\n**{md(org.tac_gia)}**\n" if org.tac_gia else "")
        head = [md(org.co_quan_chu_quan.upper()), f"**{md(org.ten_to_chuc.upper())}**",
                md(org.so_ky_hieu), "", f"**{QUOC_HIEU}**", f"**{TIEU_NGU}**", "",
                f"*{md(org.dia_danh_ngay)}*", ""]
        sign = ["", "**Nơi nhận:**", *("- " + md(r[2:]) for r in org.recipients()), "",
                f"**{md(org.tham_quyen.upper())}**", f"**{md(org.chuc_vu.upper())}**", "",
                f"**{md(org.signer)}**", ""]
        text = mark + "\n".join(line for n, line in enumerate(head) if line or n) + "\n" + body
        text += "\n".join(sign)
        if self.annex is not None and self.annex.rows:
            text += "\n" + self.annex.markdown()
        return text

    def trace(self) -> dict:
        """Every sentence with the indicator codes and source cells it used."""
        items = self.narrative.items
        inp = self.input
        path = inp.path
        out = []
        section = ""
        n = 0
        for block in self.narrative.blocks:
            if block.kind == "heading" and block.level >= 2:
                section = block.text
            for sentence in block.sentences:
                n += 1
                used = [items[i] for i in sentence.items]
                codes = list(dict.fromkeys(f.code for it in used for f in it.figs))
                cells = list(dict.fromkeys(cell_ref(s, path) for it in used
                                           for s in it.all_sources()))
                out.append({
                    "n": n, "block": block.kind, "section": section, "text": sentence.text,
                    "codes": codes, "cells": cells,
                    "items": [it.to_dict(path) for it in used],
                })
        return {
            "input": {"path": inp.path, "sha256": inp.submission.sha256, "kind": inp.kind,
                      "unit_code": inp.unit.code, "unit_name": inp.unit.name, "tier": inp.tier,
                      "scheme": inp.scheme, "period": str(inp.period),
                      "errors": inp.errors, "warnings": inp.warnings,
                      "previous_source": inp.previous_source or None},
            "style": self.style, "template": self.narrative.template,
            "sentences": out,
            "unsourced_numbers": self.narrative.unsourced,
            "comparisons_left_out": [{"code": code, "level": level, "why": why} for
                                     (code, level), why in self.narrative.left_out.items()],
            # last, for the author: what is left to complete
            "prompts": self.narrative.prompts,
        }

    def docx(self):
        """The python-docx document."""
        return build_docx(self.narrative.blocks, self.style, self.org, self.annex,
                          draft=not self.final)


def draft_report(source: str | os.PathLike | ReportInput, style: str = "bao-cao", *,
                 templates: str | os.PathLike | None = None, allow_errors: bool = False,
                 config: str | os.PathLike | None = None, period: str | None = None,
                 lang: str = "vi", final: bool = False, strict: bool = False,
                 previous: str | os.PathLike | None = None,
                 **org_values) -> Report:
    """Draft the report (``bao-cao``) or news item (``tin-bai``) of a form or roll-up.

    ``config`` is a TOML file of organisation details and ``org_values`` override it (``so``,
    ``ngay``, ``nguoi_ky``, … as in :class:`OrgDetails`; ``ten_don_vi`` replaces the unit's
    name in the whole document); ``final`` leaves out the mark
    "DỰ THẢO"; the event of a news item (``su_kien``, ``ngay_to_chuc``, ``dia_diem``,
    ``thanh_phan``) comes from the ``[tin_bai]`` table of ``config`` and these values;
    ``strict`` raises :class:`ReportHasPrompts` while a prompt for the author is left;
    ``previous`` is last period's roll-up or filled form of the same unit, for the comparisons.
    Raises :class:`ReportHasErrors` when
    the input has error-severity findings, unless ``allow_errors``.
    """
    inp = source if isinstance(source, ReportInput) else \
        load_report_input(source, period=period, lang=lang)
    if previous is not None:  # last period's roll-up or form: year over year without a roll-up
        from ..rollups.compare import read_previous
        from ..tiers import form_levels
        inp.previous, inp.previous_period = read_previous(
            previous, inp.unit, inp.scheme, inp.period, form_levels(inp.tier, inp.scheme), lang)
        inp.previous_source = str(previous)
    if inp.errors and not allow_errors:
        if inp.is_rollup:
            how = "Xem trang 'Kiểm tra' trong tệp tổng hợp."
            how_en = "See the sheet 'Kiểm tra' of the roll-up workbook."
        else:
            how = f"Xem chi tiết bằng lệnh: kh-excel check {inp.path}."
            how_en = f"See them with: kh-excel check {inp.path}."
        raise ReportHasErrors(path=inp.path, count=inp.errors, how=how, how_en=how_en)
    name = org_values.pop("ten_don_vi", None) or \
        (load_org_config(config).get("ten_don_vi") if config else None)
    if name:
        inp = dataclasses.replace(inp, unit=renamed(inp.unit, name))
    else:  # the name in force for the period (a district that became a thị xã later)
        inp = dataclasses.replace(inp, unit=unit_in(inp.unit, inp.period))
    parent_name = inp.submission.meta.get("parent_name", "")
    parent_code = inp.submission.meta.get("parent_code", "")
    if parent_code and inp.scheme == LEGACY:
        state = in_force(parent_code, inp.period)
        parent_name = state.name if isinstance(state, DatedUnit) else parent_name
    figs = Figures(inp)
    _communes, words = figs.communes()
    child_words = figs.child_words() if inp.tier != "xa" else words
    defaults = default_org(inp.unit, parent_name, child_words)
    event = event_details(config, **{k: org_values.pop(k) for k in EVENT_KEYS
                                     if k in org_values})
    org = org_details(defaults, config, **org_values)
    narrative = render_narrative(inp, style, templates, allow_errors=allow_errors, event=event)
    if strict and narrative.prompts:
        sections = list(dict.fromkeys(p["section"] or "đầu văn bản" for p in narrative.prompts))
        raise ReportHasPrompts(count=len(narrative.prompts), where="; ".join(sections))
    annex = build_annex(figs) if style == "bao-cao" else None
    return Report(inp, style, org, narrative, annex, final)


def write_report(report: Report, docx: str | os.PathLike, text: str | os.PathLike | None = None,
                 trace: str | os.PathLike | None = None, force: bool = False) -> list[Path]:
    """Write the docx (and the text and trace if asked); nothing is written if any exists
    and ``force`` is not given. Returns the paths written."""
    targets = [Path(p) for p in (docx, text, trace) if p is not None]
    if len({p.resolve() for p in targets}) != len(targets):
        raise UsageError(detail="Các tệp kết quả (-o, --text, --trace) phải khác nhau.",
                         detail_en="The output files (-o, --text, --trace) must differ.")
    if Path(docx).suffix.lower() != ".docx":
        raise UsageError(detail=f"Tệp báo cáo {docx} phải có đuôi .docx.",
                         detail_en=f"The report file {docx} must end in .docx.")
    for path in targets:
        check_writable(path, force)
    data = saved_bytes(report.docx().save)
    written = [write_atomic(docx, lambda tmp: tmp.write_bytes(data), force=force)]
    if text is not None:
        content = report.markdown()
        written.append(write_atomic(text, lambda tmp: tmp.write_text(content, "utf-8"),
                                    force=force))
    if trace is not None:
        data = json.dumps(report.trace(), ensure_ascii=False, indent=2)
        written.append(write_atomic(trace, lambda tmp: tmp.write_text(data + "\n", "utf-8"),
                                    force=force))
    return written
