"""Sorting the files of a roll-up: which form belongs to which unit, and which cannot be used.

A form is used only if it is for the roll-up's period and scheme and for a unit of the registry
inside the roll-up's unit (or the unit itself: its own-level form). Two forms for one unit are
an error naming both, unless the newest is preferred.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..model import FileResult, Finding, Severity, Submission
from ..periods import Period
from ..registry import Registry
from ..tiers import TIER_NAMES
from ..units import Unit

# Reader findings that keep a form out of every roll-up until its file is fixed: its hidden
# metadata names another unit or period than the sheet its user sees.
HELD_BY = frozenset({"thong_tin_an_khac_hien"})


@dataclass
class Collected:
    by_unit: dict[str, Submission] = field(default_factory=dict)   # unit code → its form
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # unit code → files
    held: dict[str, str] = field(default_factory=dict)  # unit code → file held back (see HELD_BY)
    findings: list[Finding] = field(default_factory=list)


def _finding(lang: str, rule: str, severity: Severity, vi: str, en: str, sub: Submission | None,
             path: str | None = None) -> Finding:
    return Finding(rule, severity, en if lang == "en" else vi,
                   unit=sub.unit_code if sub else None, unit_name=sub.unit_name if sub else None,
                   file=path or (sub.path if sub else None))


def collect(results: list[FileResult], target: Unit, period: Period, scheme: str,
            registry: Registry, prefer_newest: bool, lang: str) -> Collected:
    """Assign each readable form to its unit; report forms that cannot be used."""
    out = Collected()
    candidates: dict[str, list[Submission]] = {}
    for result in results:
        sub = result.submission
        if sub is None:
            continue  # unreadable: the reading finding is already there
        if sub.meta.get("kind") == "rollup" and sub.unit_code == target.code:
            # An earlier roll-up of this very unit, written into its input folder: not its form.
            out.findings.append(_finding(
                lang, "bo_qua_tong_hop_cu", Severity.THONG_TIN,
                f"Đã bỏ qua {sub.path}: đây là tệp tổng hợp của chính {target.name} do kh-excel "
                "tạo, không phải biểu số liệu của đơn vị.",
                f"Skipped {sub.path}: a roll-up of {target.name} made by kh-excel, not a form.",
                sub))
            continue
        problem = _problem(sub, target, period, scheme, registry, lang)
        if problem:
            out.findings.append(problem)
            continue
        if any(f.rule in HELD_BY for f in result.findings):
            out.held[sub.unit_code] = sub.path  # the reader's error says why and what to do
            continue
        candidates.setdefault(sub.unit_code, []).append(sub)
    for code, subs in candidates.items():
        if len(subs) == 1:
            out.by_unit[code] = subs[0]
            continue
        files = ", ".join(s.path for s in subs)
        name = subs[0].unit_name
        if prefer_newest:
            chosen = max(subs, key=lambda s: (os.path.getmtime(s.path), s.path))
            out.by_unit[code] = chosen
            out.findings.append(_finding(
                lang, "trung_tep_chon_moi_nhat", Severity.THONG_TIN,
                f"{name} có {len(subs)} tệp ({files}); đã dùng tệp mới nhất: {chosen.path}.",
                f"{name} has {len(subs)} files ({files}); used the newest: {chosen.path}.", chosen))
        else:
            out.duplicates[code] = [s.path for s in subs]
            out.findings.append(_finding(
                lang, "trung_tep", Severity.LOI,
                f"{name} có {len(subs)} tệp: {files}. Chưa tổng hợp đơn vị này; hãy giữ lại một "
                "tệp đúng, hoặc chạy lại với --prefer-newest để dùng tệp mới nhất.",
                f"{name} has {len(subs)} files: {files}. The unit was left out; keep one file, "
                "or run again with --prefer-newest.", subs[0]))
    return out


def _problem(sub: Submission, target: Unit, period: Period, scheme: str, registry: Registry,
             lang: str) -> Finding | None:
    """Why this form cannot be used in this roll-up, or None."""
    name = sub.unit_name or sub.path
    if sub.period != str(period):
        return _finding(lang, "sai_ky_bao_cao", Severity.LOI,
                        f"Tệp của {name} là biểu kỳ {sub.period or '(không rõ)'}, không phải kỳ "
                        f"{period}. Không tổng hợp tệp này.",
                        f"The form of {name} is for period {sub.period}, not {period}; left out.", sub)
    if sub.scheme != scheme:
        return _finding(lang, "sai_he_thong", Severity.LOI,
                        f"Tệp của {name} theo hệ thống đơn vị '{sub.scheme}', không phải '{scheme}'. "
                        "Không tổng hợp tệp này.",
                        f"The form of {name} is in scheme '{sub.scheme}', not '{scheme}'; left out.", sub)
    if sub.unit_code not in registry:
        return _finding(lang, "don_vi_khong_ro", Severity.LOI,
                        f"Tệp ghi mã đơn vị '{sub.unit_code}' ({name}) không có trong danh mục đơn "
                        "vị hành chính. Không tổng hợp tệp này.",
                        f"Unit code '{sub.unit_code}' ({name}) is not in the registry; left out.", sub)
    unit = registry.get(sub.unit_code)
    if unit.tier != sub.tier:
        return _finding(lang, "sai_cap_bieu", Severity.LOI,
                        f"{unit.name} là đơn vị {TIER_NAMES[unit.tier]} nhưng tệp là biểu "
                        f"{TIER_NAMES.get(sub.tier, sub.tier)}. Không tổng hợp tệp này.",
                        f"{unit.name} is a {unit.tier} unit but the form is a {sub.tier} form; left out.",
                        sub)
    if unit.code != target.code and target.code not in {a.code for a in registry.ancestors(unit)}:
        return _finding(lang, "ngoai_don_vi", Severity.LOI,
                        f"{registry.label(unit)} không thuộc {target.name}. Không tổng hợp tệp này.",
                        f"{registry.label(unit)} is not part of {target.name}; left out.", sub)
    return None
