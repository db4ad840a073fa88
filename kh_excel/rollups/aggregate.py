"""Adding up the unit tree: children's figures per level, the unit's own level, ratios recomputed.

Works on plain submissions, no files. A unit's figures come from the forms below it where there
are any (communes of a district, districts of a province), and from its own form otherwise (a
district form typed by hand). Where both exist, the form's stated lower levels are compared with
the sum of the forms below it, and the sum is used.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from ..catalogue import Catalogue
from ..model import Finding, Number, Severity, Submission
from ..registry import Registry
from ..tiers import TIER_NAMES, form_levels
from ..units import Unit
from .model import DUPLICATE, HELD, MISSING, PARTIAL, SUBMITTED, ChildRow

Values = dict[tuple[str, str], Number]


@dataclass
class Node:
    values: Values
    leaf_received: int
    leaf_expected: int
    complete: bool


@dataclass
class Aggregate:
    values: Values
    children: list[ChildRow]
    findings: list[Finding] = field(default_factory=list)
    leaf_received: int = 0
    leaf_expected: int = 0


def _add(into: Values, values: Values) -> None:
    for key, v in values.items():
        into[key] = into.get(key, 0) + v


class _Tree:
    def __init__(self, registry: Registry, by_unit: dict[str, Submission], catalogue: Catalogue,
                 lang: str) -> None:
        self.registry, self.by_unit, self.lang = registry, by_unit, lang
        self.summable = {i.code for i in catalogue if i.agg in ("sum", "count")}
        self.labels = {i.code: i.label for i in catalogue}
        self.findings: list[Finding] = []
        self._leaf_counts: dict[str, int] = {}
        self.with_data: set[str] = set()
        for code in by_unit:
            self.with_data.add(code)
            self.with_data.update(a.code for a in registry.ancestors(code))

    def _own_values(self, sub: Submission, levels: set[str] | None = None) -> Values:
        return {(c, lv): v for (c, lv), v in sub.values.items()
                if lv != "tong" and c in self.summable and (levels is None or lv in levels)}

    def node(self, unit: Unit) -> Node | None:
        sub = self.by_unit.get(unit.code)
        kids = self.registry.children(unit)
        if not kids:
            return Node(self._own_values(sub), 1, 1, True) if sub else None
        below = {k.code: self.node(k) for k in kids if k.code in self.with_data}
        below = {code: n for code, n in below.items() if n is not None}
        expected = sum(self._leaves(k) for k in kids)
        if not below:
            if sub is None:
                return None
            return Node(self._own_values(sub), expected, expected, True)
        values: Values = {}
        for n in below.values():
            _add(values, n.values)
        received = sum(n.leaf_received for n in below.values())
        if sub is not None:
            self._compare_stated(unit, sub, values)
            values.update(self._own_values(sub, {unit.tier}))
        complete = sub is not None and len(below) == len(kids) and all(n.complete for n in below.values())
        return Node(values, received, expected, complete)

    def _leaves(self, unit: Unit) -> int:
        """How many communes (leaf units) a unit covers."""
        if unit.code not in self._leaf_counts:
            kids = self.registry.children(unit)
            self._leaf_counts[unit.code] = sum(self._leaves(k) for k in kids) if kids else 1
        return self._leaf_counts[unit.code]

    def _compare_stated(self, unit: Unit, sub: Submission, summed: Values) -> None:
        """A form's stated lower levels (e.g. its Cấp xã) must equal the sum of the forms below."""
        for (code, level), stated in sub.values.items():
            if level in ("tong", unit.tier) or code not in self.summable:
                continue
            computed = summed.get((code, level))
            if computed is None or computed == stated:
                continue
            level_name = TIER_NAMES.get(level, level)
            vi = (f"{unit.name}: {self.labels[code]} {level_name} ghi {_n(stated)} (ô "
                  f"{sub.cell(code, level)}) nhưng cộng các biểu {level_name} đã nộp được "
                  f"{_n(computed)}, lệch {_n(stated - computed)}. Đã dùng số cộng từ các biểu.")
            en = (f"{unit.name}: {code} at level {level} states {stated} (cell {sub.cell(code, level)}) "
                  f"but the forms below add up to {computed}; the sum was used.")
            self.findings.append(Finding(
                "cap_duoi_khac_tong_bieu", Severity.LOI, en if self.lang == "en" else vi,
                unit=unit.code, unit_name=unit.name, file=sub.path, sheet=_sheet(sub, code, level),
                cell=sub.cell(code, level), left=stated, right=computed))


def _sheet(sub: Submission, code: str, level: str) -> str | None:
    p = sub.provenance.get((code, level))
    return p.sheet if p else None


def _n(v: Number) -> str:
    from ..numfmt import format_number
    return format_number(v)


def aggregate(target: Unit, scheme: str, registry: Registry, by_unit: dict[str, Submission],
              duplicates: dict[str, list[str]], catalogue: Catalogue, lang: str = "vi",
              held: dict[str, str] | None = None) -> Aggregate:
    """The target's figures by level (its form's levels, ``tong`` included) and its children."""
    tree = _Tree(registry, by_unit, catalogue, lang)
    children: list[ChildRow] = []
    values: Values = {}
    leaf_received = leaf_expected = 0
    for kid in registry.children(target):
        node = tree.node(kid) if kid.code in tree.with_data else None
        sub = by_unit.get(kid.code)
        expected = tree._leaves(kid)
        leaf_expected += expected
        if kid.code in duplicates:
            status = DUPLICATE
        elif node is None:
            status = HELD if held and kid.code in held else MISSING
        else:
            status = SUBMITTED if node.complete else PARTIAL
            _add(values, node.values)
            leaf_received += node.leaf_received
        path = sub.path if sub else (held or {}).get(kid.code)
        children.append(ChildRow(
            kid, status, node.values if node else {}, path,
            sub.sha256 if sub else None,
            received=node.leaf_received if node and registry.children(kid) else None,
            expected=expected if registry.children(kid) else None))
    own = by_unit.get(target.code)
    if own is not None:
        tree._compare_stated(target, own, values)
        values.update(tree._own_values(own, {target.tier}))
        for ind in catalogue:  # the unit's own plan (số nhiệm vụ …) is not summed from below
            if ind.agg == "none" and (ind.code, target.tier) in own.values:
                values[(ind.code, target.tier)] = own.values[(ind.code, target.tier)]
    levels = form_levels(target.tier, scheme)
    totals_and_ratios(values, levels, catalogue)
    return Aggregate(values, children, tree.findings, leaf_received, leaf_expected)


def totals_and_ratios(values: Values, levels: tuple[str, ...], catalogue: Catalogue,
                      keep: frozenset[tuple[str, str]] = frozenset()) -> None:
    """Add ``tong`` (sum of the input levels, except the totals in ``keep``) and recompute
    every ratio from its parts."""
    inputs = [lv for lv in levels if lv != "tong"]
    if "tong" in levels:
        for ind in catalogue:
            if ind.agg in ("sum", "count") and (ind.code, "tong") not in keep:
                parts = [values[(ind.code, lv)] for lv in inputs if (ind.code, lv) in values]
                if parts:
                    values[(ind.code, "tong")] = sum(parts)
    for ind in catalogue:
        if not ind.derived:
            continue
        for lv in levels:
            num, den = values.get((ind.num, lv)), values.get((ind.den, lv))
            if num is not None and den:
                values[(ind.code, lv)] = Decimal(num) * ind.scale / Decimal(den)
