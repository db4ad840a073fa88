"""Running the rulebook on one submission: findings as data, messages in the user's language."""
from __future__ import annotations

import re
from decimal import Decimal, localcontext

from ..model import Finding, Number, Provenance, Severity, Submission
from ..numfmt import format_number
from . import expand
from .compiled import CompiledRule, Env, slot_key
from .expr import Ref
from .rulebook import Rulebook, load_rulebook

BLANK = {"vi": "(trống)", "en": "(blank)"}
_PLACEHOLDER = expand.PLACEHOLDER
DECIMAL_DIGITS = 60


def check_submission(sub: Submission, rulebook: Rulebook | None = None,
                     lang: str = "vi") -> list[Finding]:
    """Every finding of the rulebook's single-form rules on one submission."""
    rb = rulebook if rulebook is not None else load_rulebook()
    lang = "en" if lang == "en" else "vi"
    if (sub.tier, sub.scheme) not in expand.FORM_KINDS:
        return [_unknown_form(sub, lang)]
    # The reader refuses figures above a ceiling per unit (cells.CEILINGS), but a submission
    # may come from elsewhere: with 28 digits (the default) a figure of 10^26 could not be
    # rounded for its message. 60 digits hold any sum of figures below the ceilings.
    with localcontext(prec=DECIMAL_DIGITS):
        return _check(sub, rb, lang)


def _check(sub: Submission, rb: Rulebook, lang: str) -> list[Finding]:
    env = Env(sub, rb.ratios)
    failed = []
    stated_get = env.lookup(False).get
    for cr in rb.for_form(sub.tier, sub.scheme):
        result = cr.run(env.lookup(True).get if cr.use_computed else stated_get)
        if result is not None:
            failed.append((cr, result))
    return [make_finding(cr, env, left, right, lang)
            for cr, (left, right) in _without_repeats(failed)]


def _without_repeats(failed: list) -> list:
    """Leave out failures that only repeat another one."""
    # A total that fails only because one of its parts does would say the same thing twice.
    in_parts = {cr.family for cr, _ in failed if cr.level not in (None, "tong")}
    # A warning about exactly the cells of an error adds nothing to it (a rate over 100 % when
    # the numerator exceeds the denominator); one that also names other cells may well.
    errors = {cr.cells for cr, _ in failed if cr.rule.severity is Severity.LOI}
    return [(cr, result) for cr, result in failed
            if not (cr.level == "tong" and cr.family in in_parts)
            and not (cr.rule.severity is not Severity.LOI and cr.cells in errors)]


def make_finding(cr: CompiledRule, env: Env, left: Number, right: Number, lang: str) -> Finding:
    """A finding for a failed rule: where it is, the figures, and the rendered message."""
    sub = env.sub
    prov = _provenance(sub, cr.cell)
    if prov is None and cr.cell is not None and (cr.cell.code, cr.cell.level) in sub.blanks:
        # The cell of interest is blank but located: point at it, the one to fill in.
        sheet, ref = sub.blanks[(cr.cell.code, cr.cell.level)]
        prov = Provenance(sub.path, sheet, ref, sub.sha256)
    if prov is None:  # the cell of interest is blank: point at a filled one of the same rule
        prov = next((p for r in cr.refs if (p := _provenance(sub, r)) is not None), None)
    # Without any recorded cell the finding still names the sheet the figures are on.
    sheet = prov.sheet if prov else next((p.sheet for p in sub.provenance.values()), None)
    return Finding(
        rule=cr.id, severity=cr.rule.severity, message=render(cr, env, left, right, lang),
        unit=sub.unit_code or None, unit_name=sub.unit_name or None,
        file=prov.file if prov else (sub.path or None), sheet=sheet,
        cell=prov.cell if prov else None, left=left, right=right)


def _provenance(sub: Submission, ref: Ref | None) -> Provenance | None:
    return sub.provenance.get((ref.code, ref.level)) if ref is not None else None


def render(cr: CompiledRule, env: Env, left: Number, right: Number, lang: str) -> str:
    """Fill in a message template with the figures and cells of this finding."""
    rule, sub = cr.rule, env.sub
    places = rule.places

    def cell_text(ref: Ref | None) -> str:
        if ref is None:
            return ""
        p = _provenance(env.sub, ref)
        if p is not None:
            return p.cell
        if (ref.code, ref.level) in env.sub.blanks:  # a blank cell the reader located
            return env.sub.blanks[(ref.code, ref.level)][1]
        # A blank cell has no recorded address: name its column, the label names the row.
        return ("cột " if lang == "vi" else "column ") + expand.column_name(ref.level)

    def figure(ref: Ref) -> str:
        v = env.lookup(rule.use_computed).get(slot_key(ref))
        if ref.stated:  # as written in the file, every digit
            return BLANK[lang] if v is None else format_number(v)
        return show(v, places, lang)

    fixed = {
        "left": show(left, places, lang), "right": show(right, places, lang),
        "diff": show(abs(left - right), places, lang), "left_cell": cell_text(cr.left_ref),
        "right_cell": cell_text(cr.right_ref), "cell": cell_text(cr.cell),
        "unit_name": sub.unit_name, "unit_code": sub.unit_code,
        "tolerance": show(rule.tolerance, places, lang),
    }

    def repl(m: re.Match) -> str:
        name, arg = m.group(1), m.group(2)
        if arg is None:
            return fixed.get(name, m.group(0))
        code, _, level = arg.partition(".")
        ref = Ref(code.strip(), level.strip(), name == "stated")
        return cell_text(ref) if name == "cell" else figure(ref)

    return _PLACEHOLDER.sub(repl, cr.messages[lang])


def show(value: Number | None, places: int, lang: str = "vi") -> str:
    """A figure for a message: whole numbers in full, others rounded half-up to ``places``."""
    if value is None:
        return BLANK[lang]
    if isinstance(value, Decimal) and value != value.to_integral_value():
        # A small figure keeps its first significant digit: "0,01 đồng/người", never "0".
        while places < 6 and abs(value) < Decimal(5).scaleb(-places - 1):
            places += 1
        return format_number(value, places, trim=True)
    return format_number(int(value))


def _unknown_form(sub: Submission, lang: str) -> Finding:
    vi = (f"Không kiểm tra được biểu: không rõ cấp ('{sub.tier}') hoặc hệ thống đơn vị "
          f"('{sub.scheme}') của biểu. Dùng biểu mẫu do kh-excel tạo.")
    en = (f"Cannot check the form: unknown tier ('{sub.tier}') or scheme ('{sub.scheme}'). "
          "Use a form made by kh-excel.")
    return Finding("bieu_khong_ro_cap", Severity.LOI, en if lang == "en" else vi,
                   unit=sub.unit_code or None, unit_name=sub.unit_name or None,
                   file=sub.path or None)
