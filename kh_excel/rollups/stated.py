"""The totals a unit typed on its own form, against the totals rolled up from the forms below.

An officer may type the unit's figures only in the ``Tổng cộng`` column of the unit's own form.
Those figures are never ignored: each is compared with the computed total (a finding where they
differ), a warning says so when the forms below are missing and no comparison is possible, and
the roll-up workbook shows them (``Số liệu đơn vị tự ghi``).
"""
from __future__ import annotations

from ..catalogue import Catalogue
from ..forms.layout import PER_UNIT_SHEET
from ..model import Finding, Number, Severity, Submission
from ..numfmt import format_number
from ..units import Unit

Values = dict[tuple[str, str], Number]
_CHILD_WORDS = {"xa": "xã", "huyen": "huyện", "tinh": "tỉnh"}
SHOWN_IN = PER_UNIT_SHEET  # where the workbook shows them (rollups/workbook.py)


def stated_totals(own: Submission | None, catalogue: Catalogue) -> dict[str, Number]:
    """code → the ``Tổng cộng`` the own form states (typed, or a formula's calculated value)
    where it is more than the sum of the form's own levels.

    A total that is just that sum says nothing more: those levels are compared with the forms
    below (``cap_duoi_khac_tong_bieu``) and used."""
    if own is None:
        return {}
    parts: dict[str, Number] = {}
    for (code, level), v in own.values.items():
        if level != "tong":
            parts[code] = parts.get(code, 0) + v
    out = {}
    for ind in catalogue:
        key = (ind.code, "tong")
        prov = own.provenance.get(key)
        if ind.agg in ("sum", "count") and key in own.values and prov and \
                prov.how != "computed" and parts.get(ind.code) != own.values[key]:
            out[ind.code] = own.values[key]
    return out


def compare_stated(target: Unit, own: Submission, stated: dict[str, Number], computed: Values,
                   received: int, expected: int, complete: bool, child_tier: str,
                   catalogue: Catalogue, lang: str = "vi") -> list[Finding]:
    """A finding per indicator whose stated total differs from the computed one (an error when
    every form below is in, a warning while some are missing); one warning when none is in."""
    en = lang == "en"
    child = _CHILD_WORDS.get(child_tier, "đơn vị")
    typed = stated
    if not typed:
        return []
    if received == 0:
        sample = ", ".join(catalogue[c].label for c in list(typed)[:3])
        more = f" và {len(typed) - 3} chỉ tiêu khác" if len(typed) > 3 else ""
        return [Finding(
            "tong_tu_ghi_chua_so_duoc", Severity.CANH_BAO,
            f"{target.name}: biểu của đơn vị ghi số ở cột Tổng cộng cho {len(typed)} chỉ tiêu "
            f"({sample}{more}) nhưng chưa có biểu nào của các {child} trực thuộc (0/{expected}), "
            f"nên chưa so được với số tổng hợp. Số tự ghi được giữ ở trang '{SHOWN_IN}' (dòng "
            f"'Số liệu đơn vị tự ghi'). Hãy đưa biểu của các {child} vào lệnh tổng hợp; để lập "
            f"báo cáo từ chính biểu này, dùng: kh-excel report {own.path}"
            if not en else
            f"{target.name}: the unit's form states {len(typed)} total(s) in the Tổng cộng column "
            f"but no form from the units below is there (0/{expected}), so they cannot be compared. "
            f"They are shown on sheet '{SHOWN_IN}'. Add the forms below; to report from this form "
            f"alone, run: kh-excel report {own.path}",
            unit=target.code, unit_name=target.name, file=own.path,
            sheet=_sheet(own, next(iter(typed))), cell=None)]
    findings = []
    for code, value in typed.items():
        now = computed.get((code, "tong"))
        if now is not None and now == value:
            continue
        ind = catalogue[code]
        cell = own.cell(code, "tong")
        if now is None:
            vi = (f"{target.name}: {ind.label} ở cột Tổng cộng (ô {cell}) ghi {format_number(value)} "
                  f"{ind.unit}, nhưng các biểu đã nộp ({received}/{expected} {child}) không có số "
                  "liệu chỉ tiêu này nên không so được. Hãy kiểm tra lại.")
            en_ = (f"{target.name}: {code} total (cell {cell}) states {value}, but the forms received "
                   f"({received}/{expected}) have no figure for it.")
            severity = Severity.CANH_BAO
        else:
            vi = (f"{target.name}: {ind.label} ở cột Tổng cộng (ô {cell}) ghi {format_number(value)} "
                  f"{ind.unit}, nhưng tổng hợp từ các biểu được {format_number(now)} {ind.unit}, "
                  f"lệch {format_number(value - now)}.")
            en_ = (f"{target.name}: {code} total (cell {cell}) states {value}, but the roll-up "
                   f"gives {now}.")
            if complete:
                severity = Severity.LOI
                vi += " Hãy kiểm tra lại số tự ghi hoặc biểu của các đơn vị trực thuộc."
            else:
                severity = Severity.CANH_BAO
                vi += (f" Mới có biểu của {received}/{expected} {child}, nên chênh lệch có thể do "
                       "thiếu biểu.")
                en_ += f" Only {received}/{expected} forms are in."
        findings.append(Finding(
            "tong_tu_ghi_khac_tong_hop", severity, en_ if en else vi, unit=target.code,
            unit_name=target.name, file=own.path, sheet=_sheet(own, code), cell=cell,
            left=value, right=now))
    return findings


def _sheet(sub: Submission, code: str) -> str | None:
    p = sub.provenance.get((code, "tong"))
    return p.sheet if p else None
