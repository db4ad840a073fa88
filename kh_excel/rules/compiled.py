"""Concrete rules: a rule expanded for one kind of form and bound to closures, ready to run.

Compiling happens once per (tier, scheme) when the rulebook is loaded, which is also how every
expression of every expansion gets validated before any form is checked.
"""
from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from ..catalogue import Catalogue
from ..model import Number, Submission
from ..tiers import LEVELS
from . import expand
from .expr import CONTEXT, Expr, ExprError, Fn, Ref, Undefined, parse, round_half_up
from .rulebook import Problem, Rule

# Float noise from a spreadsheet's binary value (12.344999999999999) is cut at this many decimals,
# far beyond anything printed, so that rounding at the printed precision is right.
STATED_PLACES = 10


def slot_key(ref: Ref) -> tuple:
    """The key of a referenced figure in :attr:`Env.typed` / :meth:`Env.lookup`."""
    return (ref.code, ref.level, "stated") if ref.stated else (ref.code, ref.level)


class Env:
    """The figures of one submission, prepared once for all rules: one dict lookup per figure.

    ``typed`` holds what the unit stated (a total the reader computed is left out: it is not a
    figure the unit gave), the ratios recomputed from those figures, and the derived cells as
    written in the file under ``(code, level, "stated")``.
    """

    __slots__ = ("sub", "ratios", "typed", "_full")

    def __init__(self, sub: Submission, ratios: tuple) -> None:
        self.sub, self.ratios, self._full = sub, ratios, None
        values = _exact(sub.values)
        prov = sub.provenance
        computed = {k for k in values if (p := prov.get(k)) is not None and p.how != "stated"}
        typed = {k: v for k, v in values.items() if k not in computed}
        self.typed = _with_ratios(typed, ratios, sub)

    def lookup(self, use_computed: bool) -> dict:
        """The figures a rule sees: stated only, or with the reader's computed totals too."""
        if not use_computed:
            return self.typed
        if self._full is None:
            self._full = _with_ratios(dict(_exact(self.sub.values)), self.ratios, self.sub)
        return self._full


def _with_ratios(d: dict, ratios: tuple, sub: Submission) -> dict:
    # Ratios are always recomputed from their parts, never read from the file.
    divide = CONTEXT.divide
    for code, num, den, scale in ratios:
        for lv in LEVELS:
            d.pop((code, lv), None)  # a ratio is what its parts give, whatever was put there
            n, dd = d.get((num, lv)), d.get((den, lv))
            if n is not None and dd:
                d[(code, lv)] = divide(n * scale, dd)
    for (code, lv), v in _exact(sub.stated).items():
        d[(code, lv, "stated")] = _clean(v)
    return d


def ratio_specs(cat: Catalogue) -> tuple:
    """(code, num, den, scale) of every derived indicator."""
    return tuple((i.code, i.num, i.den, i.scale) for i in cat if i.derived)


def _exact(values: dict) -> dict:
    if any(type(v) is float for v in values.values()):  # a reader should not, but be safe
        return {k: Decimal(repr(v)) if type(v) is float else v for k, v in values.items()}
    return values


def _clean(v: Number) -> Number:
    if isinstance(v, Decimal) and v.as_tuple().exponent < -STATED_PLACES:  # type: ignore[operator]
        return round_half_up(v, STATED_PLACES)
    return v


_CMP: dict[str, Callable[[Number, Number], bool]] = {
    "==": operator.eq, "!=": operator.ne, "<=": operator.le, "<": operator.lt,
    ">=": operator.ge, ">": operator.gt,
}
_PASS: dict[str, Callable[[Number, Number, Number], bool]] = {
    "==": lambda a, b, t: abs(a - b) <= t,
    "!=": lambda a, b, t: abs(a - b) > t,
    "<=": lambda a, b, t: a <= b + t,
    "<": lambda a, b, t: a < b + t,
    ">=": lambda a, b, t: a >= b - t,
    ">": lambda a, b, t: a > b - t,
}


@dataclass(slots=True, frozen=True)
class CompiledRule:
    """One concrete rule: closures over a list of slots, one slot per referenced figure."""

    rule: Rule
    code: str | None
    level: str | None
    family: tuple  # (for_each or id, code, other): the same check of the same indicator
    refs: tuple[Ref, ...]
    cells: frozenset  # the (code, level) typed in that the rule looks at (ratios: their parts)
    keys: tuple[tuple, ...]  # slot_key of each ref
    use_computed: bool
    skip_any: bool  # skip_if_any_missing, the common case, tested at C speed
    skip: tuple[tuple[bool, tuple[int, ...]], ...]  # (all missing?, slots): skip when true
    when: Fn | None
    left: Fn
    right: Fn
    cmp: Callable[[Number, Number], bool] | None  # plain comparison (no tolerance, precision)
    cell: Ref | None
    left_ref: Ref | None
    right_ref: Ref | None
    messages: dict  # lang → template with the expansion placeholders filled in

    @property
    def id(self) -> str:
        return self.rule.id

    def run(self, get: Callable[[tuple], Number | None]) -> tuple[Number, Number] | None:
        """(left, right) when the rule fails, else None (passed or skipped).

        ``get`` is the ``.get`` of :meth:`Env.lookup` for this rule's ``use_computed``.
        """
        vals = list(map(get, self.keys))
        if self.skip_any and None in vals:
            return None
        for all_missing, slots in self.skip:
            if all_missing:
                if all(vals[i] is None for i in slots):
                    return None
            elif any(vals[i] is None for i in slots):
                return None
        try:
            if self.when is not None and not self.when(vals):
                return None
            left, right = self.left(vals), self.right(vals)
        except Undefined:
            return None
        if self.cmp is not None:
            return None if self.cmp(left, right) else (left, right)
        rule = self.rule
        a, b = left, right
        if rule.precision is not None:
            a, b = round_half_up(a, rule.precision), round_half_up(b, rule.precision)
        tol = rule.tolerance
        if rule.tolerance_rel:
            tol = max(tol, rule.tolerance_rel * max(abs(a), abs(b)))
        return None if _PASS[rule.op](a, b, tol) else (left, right)


def compile_rules(rules, cat: Catalogue, problems: list, broken: frozenset = frozenset(),
                  kinds: tuple = expand.FORM_KINDS) -> dict:
    """Compile every enabled rule for the given kinds of form (default all); problems are
    appended, not raised. Rules in ``broken`` (bad fields, already reported) are only checked.
    """
    out: dict[tuple[str, str], list[CompiledRule]] = {kind: [] for kind in kinds}
    cells = {kind: expand.form_cells(cat, *kind) for kind in kinds}
    every_kind = set(kinds) == set(expand.FORM_KINDS)
    for rule in rules:
        if not rule.enabled:
            continue
        errors: dict[tuple[str, str], None] = {}
        applies = False
        for tier, scheme in kinds:
            if tier not in rule.tiers or scheme not in rule.schemes:
                continue
            for concrete in _expand(rule, cat, tier, scheme, cells[(tier, scheme)], errors):
                if rule.id not in broken:
                    out[(tier, scheme)].append(concrete)
                applies = True
        problems.extend(Problem(rule.source, rule.id, vi, en) for vi, en in errors)
        if every_kind and not errors and not applies and rule.id not in broken:
            problems.append(Problem(
                rule.source, rule.id,
                "quy tắc không áp dụng được cho biểu nào "
                "(kiểm tra tiers, levels và các ô tham chiếu)",
                "the rule applies to no form (check tiers, levels and the cells it refers to)"))
    return {kind: tuple(crs) for kind, crs in out.items()}


def _expand(rule, cat: Catalogue, tier: str, scheme: str, on_form: frozenset, errors: dict):
    by_level = any("{level}" in (t or "") for t in (rule.left, rule.right, rule.when, rule.cell))
    levels = expand.rule_levels(rule.levels, tier, scheme) if by_level else (None,)
    for item in expand.items(rule.for_each, cat, rule.exclude):
        for level in levels:
            values = {lang: {**item, **expand.tier_values(item, cat, tier, scheme, lang),
                             **(expand.level_values(level, lang) if level else {})}
                      for lang in ("vi", "en")}
            concrete = _concrete(rule, cat, values, level, on_form, errors)
            if concrete is not None:
                yield concrete


def _concrete(rule, cat: Catalogue, values: dict, level: str | None, on_form, errors: dict):
    """The concrete rule for one expansion; None if invalid or if the form lacks its cells."""
    ctx = values["vi"]
    exprs: dict[str, Expr | None] = {}
    ok = True
    for key in ("left", "right", "when", "cell"):
        template = getattr(rule, key)
        if not template:
            exprs[key] = None
            continue
        try:
            exprs[key] = expr = parse(expand.substitute(template, ctx))
        except ExprError as exc:
            errors.setdefault((f"{key}: {exc.vi}", f"{key}: {exc.en}"), None)
            ok = False
            continue
        ok &= _check_refs(key, expr.refs, cat, errors)
        if key == "cell" and expr.single_ref is None:
            errors.setdefault(("cell phải là một ô dạng mã_chỉ_tiêu.cấp",
                               "cell must be one code.level reference"), None)
            ok = False
    messages = {}
    for lang, key in (("vi", "message"), ("en", "message_en")):
        text = expand.substitute(getattr(rule, key), values[lang])
        ok &= _check_message_refs(key, text, cat, errors)
        messages[lang] = text
    if not ok:
        return None
    refs = tuple(dict.fromkeys(r for k in ("when", "left", "right") if exprs[k]
                               for r in exprs[k].refs))
    if not all((r.code, r.level) in on_form for r in refs):
        return None  # e.g. a district column on a two-tier province form: the rule does not apply
    slots = {r: i for i, r in enumerate(refs)}
    side = {k: tuple(slots[r] for r in exprs[k].refs) if exprs[k] else () for k in
            ("when", "left", "right")}
    every = tuple(range(len(refs)))
    skip_sets = {
        "skip_if_any_missing": (False, every), "skip_if_all_missing": (True, every),
        "skip_if_left_missing": (False, side["left"]), "skip_if_right_missing":
            (False, side["right"]), "skip_if_left_all_missing": (True, side["left"]),
        "skip_if_right_all_missing": (True, side["right"]),
    }
    # An empty set of slots never skips (a constant side has nothing missing).
    skip = tuple(skip_sets[m] for m in rule.missing
                 if m not in ("never_skip", "skip_if_any_missing") and skip_sets[m][1])
    plain = rule.precision is None and not rule.tolerance and not rule.tolerance_rel
    left_ref = exprs["left"].refs[0] if exprs["left"].refs else None
    right_ref = exprs["right"].refs[0] if exprs["right"].refs else None
    cell = exprs["cell"].single_ref if exprs["cell"] else left_ref or (refs[0] if refs else None)
    return CompiledRule(
        rule=rule, code=ctx.get("code"), level=level,
        family=(rule.for_each or rule.id, ctx.get("code"), ctx.get("other")), refs=refs,
        cells=_cells(refs, cat),
        keys=tuple(slot_key(r) for r in refs), use_computed=rule.use_computed,
        skip_any="skip_if_any_missing" in rule.missing,
        skip=skip, when=exprs["when"].bind(slots) if exprs["when"] else None,
        left=exprs["left"].bind(slots), right=exprs["right"].bind(slots),
        cmp=_CMP[rule.op] if plain else None,
        cell=cell, left_ref=left_ref, right_ref=right_ref, messages=messages)


def _cells(refs, cat: Catalogue) -> frozenset:
    out = set()
    for r in refs:
        ind = cat[r.code]
        if ind.derived and not r.stated:
            out.update(((ind.num, r.level), (ind.den, r.level)))
        else:
            out.add((r.code, r.level))
    return frozenset(out)


def _check_refs(key: str, refs, cat: Catalogue, errors: dict) -> bool:
    ok = True
    for r in refs:
        if r.code not in cat:
            errors.setdefault((f"{key}: không có chỉ tiêu '{r.code}' trong danh mục",
                               f"{key}: unknown indicator '{r.code}'"), None)
            ok = False
        elif r.stated and not cat[r.code].derived:
            errors.setdefault((f"{key}: stated() chỉ dùng cho chỉ tiêu tự tính, không cho "
                               f"'{r.code}'", f"{key}: stated() is for derived indicators only, "
                               f"not '{r.code}'"), None)
            ok = False
        if r.level not in LEVELS:
            errors.setdefault((f"{key}: cấp '{r.level}' không có (dùng {', '.join(LEVELS)})",
                               f"{key}: unknown level '{r.level}' (use {', '.join(LEVELS)})"),
                              None)
            ok = False
    return ok


def _check_message_refs(key: str, text: str, cat: Catalogue, errors: dict) -> bool:
    """``{value:code.level}`` and friends must name real figures."""
    ok = True
    for name, arg in expand.placeholders(text):
        if arg is None:
            continue
        try:
            expr = parse(arg)
        except ExprError:
            expr = None
        ref = expr.single_ref if expr else None
        if ref is None:
            errors.setdefault((f"{key}: {{{name}:{arg}}} phải chỉ một ô mã_chỉ_tiêu.cấp",
                               f"{key}: {{{name}:{arg}}} must name one code.level"), None)
            ok = False
            continue
        ok &= _check_refs(key, [Ref(ref.code, ref.level, name == "stated")], cat, errors)
    return ok
