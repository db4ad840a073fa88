"""A small safe evaluator for rule expressions over ``code.level`` references.

The text is parsed with :mod:`ast` (``mode="eval"``) and every node is checked against an
allow-list; nothing is ever passed to ``eval``. Arithmetic is exact: ints stay ints, a division
gives a :class:`~decimal.Decimal`. A parsed :class:`Expr` is bound to a table of reference slots
and becomes a plain closure, so a rule costs a few function calls per form.

Grammar (Python syntax, a subset):
  numbers (``50000``, ``50_000``, ``0.5``), ``code.level``, ``+ - * /``, unary ``-``,
  comparisons (``<``, ``<=``, ``==``, ``!=``, ``>=``, ``>``; give 1 or 0), ``and``/``or``/``not``,
  and the functions ``abs(x)``, ``min(a, b, …)``, ``max(a, b, …)``, ``sum(a, b, …)``,
  ``round(x, n)`` (half-up), ``present(code.level)`` (1 if the figure is there, else 0) and
  ``stated(code.level)`` (a derived cell as written in the file, not recomputed).
"""
from __future__ import annotations

import ast
import operator
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from functools import lru_cache
from typing import NamedTuple

Number = int | Decimal
Slots = Sequence["Number | None"]
Fn = Callable[[Slots], Number]

MAX_LENGTH = 2000
MAX_NODES = 400
MAX_ROUND_PLACES = 10
FUNCTIONS = ("abs", "min", "max", "sum", "round", "present", "stated")
# Exact enough for money in đồng and percentages; the context is explicit so that a caller's
# decimal settings never change a rule's result.
CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)
# "50.000" is fifty thousand to a Vietnamese reader but 50.0 to Python: refuse it.
_DOTTED_THOUSANDS = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+$")

_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt,
            ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge}


class ExprError(ValueError):
    """An expression that is not allowed; carries a Vietnamese and an English message."""

    def __init__(self, vi: str, en: str) -> None:
        super().__init__(en)
        self.vi, self.en = vi, en


class Undefined(Exception):
    """The value cannot be computed (a division by zero): the rule is skipped."""


class Ref(NamedTuple):
    """A reference to one figure: ``code.level``, or ``stated(code.level)`` when ``stated``."""

    code: str
    level: str
    stated: bool = False

    def __str__(self) -> str:
        return f"stated({self.code}.{self.level})" if self.stated else f"{self.code}.{self.level}"


class Expr:
    """A checked expression: its text, its references (in order) and its validated tree."""

    __slots__ = ("text", "tree", "refs")

    def __init__(self, text: str, tree: ast.expr, refs: tuple[Ref, ...]) -> None:
        self.text, self.tree, self.refs = text, tree, refs

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"

    @property
    def single_ref(self) -> Ref | None:
        """The reference if the whole expression is one ``code.level``."""
        return _ref_of(self.tree) if isinstance(self.tree, ast.Attribute) else None

    def bind(self, slots: Mapping[Ref, int]) -> Fn:
        """A closure computing the value from a list of slot values (None = missing)."""
        return _compile(self.tree, slots)


def _fail(vi: str, en: str) -> ExprError:
    return ExprError(vi, en)


def _ref_of(node: ast.Attribute) -> Ref:
    return Ref(node.value.id, node.attr)  # type: ignore[attr-defined]


@lru_cache(maxsize=8192)
def _parse_cached(text: str) -> Expr | ExprError:
    try:
        return _parse(text)
    except ExprError as exc:
        return exc


def parse(text: str) -> Expr:
    """Parse and check an expression; raises :class:`ExprError` for anything not allowed."""
    if not isinstance(text, str):
        raise _fail("biểu thức phải là một chuỗi", "an expression must be a string")
    result = _parse_cached(text)
    if isinstance(result, ExprError):
        raise result
    return result


def _parse(text: str) -> Expr:
    src = text.strip()
    if not src:
        raise _fail("biểu thức trống", "empty expression")
    if len(src) > MAX_LENGTH:
        raise _fail(f"biểu thức dài quá {MAX_LENGTH} ký tự", f"expression longer than {MAX_LENGTH}")
    try:
        tree = ast.parse(src, mode="eval")
    except SyntaxError as exc:
        col = f", cột {exc.offset}" if exc.offset else ""
        col_en = f", column {exc.offset}" if exc.offset else ""
        raise _fail(f"sai cú pháp trong '{src}'{col}", f"syntax error in '{src}'{col_en}") from None
    except (ValueError, RecursionError, MemoryError):  # NUL bytes, absurd nesting
        raise _fail("biểu thức không đọc được", "unreadable expression") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise _fail("biểu thức quá phức tạp", "expression too complex")
    refs: dict[Ref, None] = {}
    _check(tree.body, src, refs)
    return Expr(src, tree.body, tuple(refs))


def _check(node: ast.AST, src: str, refs: dict[Ref, None]) -> None:
    """Walk the tree and refuse every node that is not on the allow-list."""
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _fail(f"chỉ được dùng số, không dùng {node.value!r}",
                        f"only numbers are allowed, not {node.value!r}")
        if isinstance(node.value, float):
            seg = ast.get_source_segment(src, node) or ""
            if _DOTTED_THOUSANDS.match(seg):
                plain = seg.replace(".", "")
                raise _fail(f"số '{seg}' dễ nhầm: viết {plain} (hoặc {int(plain):_}) nếu là "
                            f"số nguyên; dấu chấm trong quy tắc là dấu thập phân",
                            f"ambiguous number '{seg}': write {plain} for an integer; "
                            f"a dot is the decimal point in rules")
        return
    if isinstance(node, ast.Attribute):
        if not isinstance(node.value, ast.Name) or not isinstance(node.ctx, ast.Load):
            raise _fail("chỉ được tham chiếu dạng mã_chỉ_tiêu.cấp (ví dụ quy_van_dong.xa)",
                        "only code.level references are allowed (e.g. quy_van_dong.xa)")
        if node.value.id.startswith("_") or node.attr.startswith("_"):
            raise _fail(f"tên '{node.value.id}.{node.attr}' không hợp lệ",
                        f"invalid name '{node.value.id}.{node.attr}'")
        refs.setdefault(_ref_of(node), None)
        return
    if isinstance(node, ast.Name):
        raise _fail(f"'{node.id}' thiếu cấp: viết {node.id}.xa, {node.id}.huyen, {node.id}.tinh "
                    f"hoặc {node.id}.tong",
                    f"'{node.id}' has no level: write {node.id}.xa, .huyen, .tinh or .tong")
    if isinstance(node, ast.BinOp):
        if not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise _fail("chỉ được dùng các phép + - * /", "only + - * / are allowed")
        _check(node.left, src, refs)
        _check(node.right, src, refs)
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd, ast.Not)):
            raise _fail("phép toán một ngôi không được phép", "unary operator not allowed")
        _check(node.operand, src, refs)
        return
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _check(value, src, refs)
        return
    if isinstance(node, ast.Compare):
        if not all(type(op) in _COMPARE for op in node.ops):
            raise _fail("chỉ được so sánh bằng < <= == != >= >", "only < <= == != >= > compare")
        for value in (node.left, *node.comparators):
            _check(value, src, refs)
        return
    if isinstance(node, ast.Call):
        _check_call(node, src, refs)
        return
    raise _fail(f"không được dùng '{ast.get_source_segment(src, node) or type(node).__name__}' "
                f"trong quy tắc", f"'{ast.get_source_segment(src, node) or type(node).__name__}' "
                f"is not allowed in a rule")


def _check_call(node: ast.Call, src: str, refs: dict[Ref, None]) -> None:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in FUNCTIONS:
        shown = ast.get_source_segment(src, node.func) or "?"
        raise _fail(f"không được gọi hàm '{shown}' (chỉ dùng: {', '.join(FUNCTIONS)})",
                    f"function '{shown}' is not allowed (only: {', '.join(FUNCTIONS)})")
    if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
        raise _fail(f"hàm {name}() chỉ nhận đối số theo vị trí", f"{name}() takes positional "
                    f"arguments only")
    args = node.args
    if name in ("present", "stated"):
        if len(args) != 1 or not isinstance(args[0], ast.Attribute):
            raise _fail(f"{name}() nhận đúng một tham chiếu mã_chỉ_tiêu.cấp",
                        f"{name}() takes exactly one code.level reference")
        _check(args[0], src, {})
        ref = _ref_of(args[0])
        refs.setdefault(Ref(ref.code, ref.level, name == "stated"), None)
        return
    if name == "round":
        if len(args) != 2 or not isinstance(args[1], ast.Constant) \
                or type(args[1].value) is not int or not 0 <= args[1].value <= MAX_ROUND_PLACES:
            raise _fail(f"round(x, n) cần n là số nguyên từ 0 đến {MAX_ROUND_PLACES}",
                        f"round(x, n) needs n a whole number from 0 to {MAX_ROUND_PLACES}")
        _check(args[0], src, refs)
        return
    if name == "abs" and len(args) != 1:
        raise _fail("abs() nhận đúng một đối số", "abs() takes exactly one argument")
    if not args:
        raise _fail(f"{name}() cần ít nhất một đối số", f"{name}() needs at least one argument")
    for a in args:
        _check(a, src, refs)


# ---------------------------------------------------------------- compiling to closures

def divide(a: Number, b: Number) -> Decimal:
    """Exact-enough division; raises :class:`Undefined` for a zero divisor."""
    if b == 0:
        raise Undefined()
    return CONTEXT.divide(Decimal(a), Decimal(b))


def round_half_up(v: Number, places: int) -> Decimal:
    """Round half-up to ``places`` decimals (people's rounding, not banker's)."""
    return Decimal(v).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=CONTEXT)


_BINOPS: dict[type, Callable[[Number, Number], Number]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: divide,
}


def _compile(node: ast.expr, slots: Mapping[Ref, int]) -> Fn:
    if isinstance(node, ast.Constant):
        value = node.value if isinstance(node.value, int) else Decimal(repr(node.value))
        return lambda v: value
    if isinstance(node, ast.Attribute):
        i = slots[_ref_of(node)]

        def ref(v: Slots) -> Number:
            x = v[i]
            return 0 if x is None else x  # blank counts as 0 once the rule is not skipped
        return ref
    if isinstance(node, ast.BinOp):
        op, left, right = _BINOPS[type(node.op)], _compile(node.left, slots), \
            _compile(node.right, slots)
        return lambda v: op(left(v), right(v))
    if isinstance(node, ast.UnaryOp):
        operand = _compile(node.operand, slots)
        if isinstance(node.op, ast.Not):
            return lambda v: 0 if operand(v) else 1
        if isinstance(node.op, ast.USub):
            return lambda v: -operand(v)
        return operand
    if isinstance(node, ast.BoolOp):
        parts = [_compile(p, slots) for p in node.values]
        if isinstance(node.op, ast.And):
            return lambda v: 1 if all(p(v) for p in parts) else 0
        return lambda v: 1 if any(p(v) for p in parts) else 0
    if isinstance(node, ast.Compare):
        return _compile_compare(node, slots)
    if isinstance(node, ast.Call):
        return _compile_call(node, slots)
    raise AssertionError(f"unchecked node {type(node).__name__}")  # _check refused it already


def _compile_compare(node: ast.Compare, slots: Mapping[Ref, int]) -> Fn:
    terms = [_compile(t, slots) for t in (node.left, *node.comparators)]
    ops = [_COMPARE[type(op)] for op in node.ops]
    if len(ops) == 1:
        op, a, b = ops[0], terms[0], terms[1]
        return lambda v: 1 if op(a(v), b(v)) else 0

    def chained(v: Slots) -> int:
        values = [t(v) for t in terms]
        return 1 if all(op(values[k], values[k + 1]) for k, op in enumerate(ops)) else 0
    return chained


def _compile_call(node: ast.Call, slots: Mapping[Ref, int]) -> Fn:
    name = node.func.id  # type: ignore[attr-defined]
    if name in ("present", "stated"):
        ref = _ref_of(node.args[0])  # type: ignore[arg-type]
        i = slots[Ref(ref.code, ref.level, name == "stated")]
        if name == "present":
            return lambda v: 0 if v[i] is None else 1

        def stated(v: Slots) -> Number:
            x = v[i]
            return 0 if x is None else x
        return stated
    if name == "round":
        x, places = _compile(node.args[0], slots), node.args[1].value  # type: ignore[attr-defined]
        return lambda v: round_half_up(x(v), places)
    args = [_compile(a, slots) for a in node.args]
    if name == "abs":
        a = args[0]
        return lambda v: abs(a(v))
    fn = {"min": min, "max": max, "sum": sum}[name]
    return lambda v: fn([a(v) for a in args])


def evaluate(text: str, values: Mapping[tuple[str, str], Number],
             stated: Mapping[tuple[str, str], Number] | None = None) -> Number:
    """Evaluate an expression over plain dicts (missing values count as 0); for tests and REPLs."""
    expr = parse(text)
    slots = {ref: n for n, ref in enumerate(expr.refs)}
    data = [((stated or {}) if r.stated else values).get((r.code, r.level)) for r in expr.refs]
    return expr.bind(slots)(data)
