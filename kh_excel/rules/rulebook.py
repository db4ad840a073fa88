"""The rulebook: declarative rules loaded from TOML, merged with a user's file, validated at once.

``load_rulebook()`` reads the rules shipped in ``kh_excel/data/rules.toml``; ``load_rulebook(FILE)``
adds the rules of a user's TOML file (``--rules FILE``): a rule with a new id is added, a rule with
the id of a shipped one replaces the fields it gives (the others are kept), and ``enabled = false``
turns a rule off. Every problem of the rulebook is collected and reported in one
:class:`~kh_excel.errors.BadDataFile`, so a user fixes the file in one go. The format is described
at the top of ``rules.toml``.
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path

from ..catalogue import Catalogue, load_catalogue
from ..errors import BadDataFile
from ..model import Severity
from ..packaged import packaged
from ..periods import SCHEMES
from ..tiers import ALL_TIERS, LEVELS
from . import expand

PACKAGED = "kh_excel/data/rules.toml"
OPS = ("==", "!=", "<=", ">=", "<", ">")
OP_HINTS = {"=": "==", "=<": "<=", "=>": ">=", "<>": "!=", "≤": "<=", "≥": ">=", "≠": "!="}
STRATEGIES = {
    "never_skip": "không bỏ qua; ô trống tính là 0",
    "skip_if_any_missing": "bỏ qua khi có ô trống (mặc định)",
    "skip_if_all_missing": "bỏ qua khi mọi ô đều trống",
    "skip_if_left_missing": "bỏ qua khi vế trái có ô trống",
    "skip_if_right_missing": "bỏ qua khi vế phải có ô trống",
    "skip_if_left_all_missing": "bỏ qua khi mọi ô của vế trái đều trống",
    "skip_if_right_all_missing": "bỏ qua khi mọi ô của vế phải đều trống",
}
# Message placeholders filled in when a finding is made (the others come from the expansion).
RUNTIME_KEYS = {"left", "right", "diff", "left_cell", "right_cell", "cell", "unit_name",
                "unit_code", "tolerance"}
RUNTIME_ARG_KEYS = {"value", "cell", "stated"}  # {value:code.level} and friends
FIELDS = {
    "id", "enabled", "description", "for_each", "exclude", "tiers", "schemes", "levels", "when",
    "left", "op", "right", "severity", "missing", "use_computed", "tolerance", "tolerance_rel",
    "precision", "places", "cell", "message", "message_en",
}
_ID = re.compile(r"^[a-z][a-z0-9_-]{0,79}$")
MAX_PLACES = 10


@dataclass(frozen=True)
class Rule:
    """One rule as written (a generic rule stands for many concrete ones)."""

    id: str
    left: str
    op: str
    right: str
    severity: Severity
    message: str
    message_en: str
    missing: tuple[str, ...] = ("skip_if_any_missing",)
    when: str | None = None
    for_each: str | None = None
    exclude: tuple[str, ...] = ()
    tiers: tuple[str, ...] = ALL_TIERS
    schemes: tuple[str, ...] = SCHEMES
    levels: str | tuple[str, ...] = "all"
    use_computed: bool = False
    tolerance: Decimal = Decimal(0)
    tolerance_rel: Decimal = Decimal(0)
    precision: int | None = None
    places: int = 2
    cell: str | None = None
    enabled: bool = True
    description: str = ""
    source: str = PACKAGED

    def to_dict(self) -> dict:
        """Plain data (for ``--json`` listings)."""
        return {
            "id": self.id, "enabled": self.enabled, "severity": self.severity.value,
            "for_each": self.for_each, "when": self.when, "left": self.left, "op": self.op,
            "right": self.right, "missing": list(self.missing), "tiers": list(self.tiers),
            "levels": self.levels if isinstance(self.levels, str) else list(self.levels),
            "message": self.message, "message_en": self.message_en, "source": self.source,
            "description": self.description,
        }


@dataclass(frozen=True)
class Problem:
    """One problem of a rulebook, in Vietnamese and English."""

    source: str
    rule: str | None
    vi: str
    en: str


@dataclass
class Rulebook:
    """Validated rules, compiled once per kind of form (tier, scheme)."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...]
    ratios: tuple = field(default=(), repr=False)  # (code, num, den, scale) of derived indicators
    _compiled: dict = field(default_factory=dict, repr=False)

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(r.id == rule_id for r in self.rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    @property
    def enabled(self) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.enabled)

    def for_form(self, tier: str, scheme: str) -> tuple:
        """The concrete rules for a form of this tier and scheme (compiled once, on first use)."""
        kind = (tier, scheme)
        if kind not in self._compiled:
            from .compiled import compile_rules
            problems: list[Problem] = []
            self._compiled.update(compile_rules(self.rules, load_catalogue(), problems, kinds=(kind,)))
            if problems:  # the rulebook was validated in full when it was loaded
                _raise(problems)
        return self._compiled.get(kind, ())

    def to_dict(self) -> dict:
        return {"sources": list(self.sources), "rules": [r.to_dict() for r in self.rules]}


# ---------------------------------------------------------------- loading

def load_rulebook(extra: str | os.PathLike | None = None) -> Rulebook:
    """The shipped rulebook, plus a user's rule file if given; every problem is reported at once."""
    if extra is None:
        return _packaged()
    path = str(extra)
    try:
        text = Path(path).read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise BadDataFile(path=path, detail="tệp không phải văn bản UTF-8. Lưu lại tệp với mã "
                          "UTF-8.", detail_en="the file is not UTF-8 text.") from None
    except FileNotFoundError:
        raise BadDataFile(path=path, detail="không mở được tệp (không có tệp này).",
                          detail_en="cannot open the file (no such file).") from None
    except OSError as exc:
        raise BadDataFile(path=path, detail=f"không mở được tệp ({exc.strerror}).",
                          detail_en=f"cannot open the file ({exc.strerror}).") from None
    # Checking many files calls this once per file: the same text is built only once.
    return _with_user_file(path, text)


def _packaged_text() -> str:
    return packaged("data", "rules.toml").read_text("utf-8")


@cache
def _packaged() -> Rulebook:
    # The shipped rulebook is validated in full by the test suite; here each kind of form is
    # compiled when first needed, so that checking one commune form does not pay for all seven.
    return build_rulebook([(PACKAGED, _parse_toml(PACKAGED, _packaged_text()))], lazy=True)


@lru_cache(maxsize=8)
def _with_user_file(path: str, text: str) -> Rulebook:
    return build_rulebook([(PACKAGED, _parse_toml(PACKAGED, _packaged_text())),
                           (path, _parse_toml(path, text))])


def _parse_toml(path: str, text: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BadDataFile(path=path, detail=f"sai cú pháp TOML: {exc}. Kiểm tra dấu ngoặc kép, "
                          "dấu = và tên bảng [[rule]].",
                          detail_en=f"TOML syntax error: {exc}.") from None


def build_rulebook(files: list[tuple[str, dict]], catalogue: Catalogue | None = None,
                   lazy: bool = False) -> Rulebook:
    """Merge parsed rule files (later ones add and override), validate and compile everything
    (``lazy``: validate the fields now, compile each kind of form on first use)."""
    from .compiled import compile_rules, ratio_specs  # compiled.py imports Rule from here

    cat = catalogue or load_catalogue()
    problems: list[Problem] = []
    raws: dict[str, tuple[dict, str]] = {}
    for source, data in files:
        for rule_id, raw in _file_rules(source, data, problems):
            if rule_id in raws:  # override: the fields given replace the shipped ones
                raw = {**raws[rule_id][0], **raw}
            raws[rule_id] = (raw, source)
    rules, broken = [], set()
    for raw, source in raws.values():
        rule, ok = _build_rule(raw, source, cat, problems)
        rules.append(rule)
        if not ok:
            broken.add(rule.id)
    # Broken rules are compiled too, so that the problems of their expressions are reported
    # with the others in one go.
    compiled = {} if lazy and not problems else compile_rules(rules, cat, problems, broken)
    if problems:
        _raise(problems)
    return Rulebook(tuple(rules), tuple(s for s, _ in files), ratio_specs(cat), compiled)


def _file_rules(source: str, data: dict, problems: list[Problem]):
    """(id, raw table) of each rule of one file, with the file-level problems recorded."""
    def bad(vi: str, en: str, rule: str | None = None) -> None:
        problems.append(Problem(source, rule, vi, en))

    for key in data:
        if key not in ("version", "rule"):
            bad(f"khoá '{key}' không dùng được ở đầu tệp (chỉ có version và các bảng [[rule]])",
                f"unknown top-level key '{key}' (only version and [[rule]] tables)")
    if data.get("version", 1) != 1:
        bad(f"phiên bản sổ quy tắc {data.get('version')!r} chưa được hỗ trợ (dùng version = 1)",
            f"rulebook version {data.get('version')!r} is not supported (use version = 1)")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        bad("'rule' phải là các bảng [[rule]]", "'rule' must be [[rule]] tables")
        return
    seen: set[str] = set()
    for n, raw in enumerate(tables, 1):
        rule_id = raw.get("id") if isinstance(raw, dict) else None
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            bad(f"quy tắc thứ {n}: thiếu id hoặc id {rule_id!r} không hợp lệ "
                "(chữ thường không dấu, số, dấu _ ; ví dụ quy_tong_bang_tong_cap)",
                f"rule #{n}: missing or invalid id {rule_id!r} (lower-case letters, digits, _)")
            continue
        if rule_id in seen:
            bad(f"id “{rule_id}” bị trùng trong cùng một tệp", f"duplicate id '{rule_id}' in one "
                "file", rule_id)
            continue
        seen.add(rule_id)
        yield rule_id, raw


def _build_rule(raw: dict, source: str, cat: Catalogue,
                problems: list[Problem]) -> tuple[Rule, bool]:
    """Check the fields of one rule (not yet its expressions) and build it; False if broken.

    A broken rule is still built, with harmless stand-ins for its bad fields, so that its
    expressions can be checked as well.
    """
    rule_id = raw["id"]
    found: list[tuple[str, str]] = []

    def bad(vi: str, en: str) -> None:
        found.append((vi, en))

    for key in raw:
        if key not in FIELDS:
            hint = difflib.get_close_matches(key, FIELDS, n=1)
            bad(f"trường '{key}' không có" + (f" (có phải '{hint[0]}'?)" if hint else ""),
                f"unknown field '{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else ""))
    enabled = raw.get("enabled", True)
    if not isinstance(enabled, bool):
        bad("enabled phải là true hoặc false", "enabled must be true or false")
    if enabled is False:
        # A rule turned off is not checked further: turning off a broken rule must work.
        _record(problems, source, rule_id, found)
        return Rule(rule_id, str(raw.get("left", "")), str(raw.get("op", "")),
                    str(raw.get("right", "")), Severity.LOI, str(raw.get("message", "")),
                    str(raw.get("message_en", "")), enabled=False, source=source), not found

    text = {k: raw.get(k) for k in ("left", "right", "when", "cell", "message", "message_en",
                                    "description")}
    for key in ("left", "right", "message"):
        if not isinstance(text[key], str) or not text[key].strip():
            bad(f"thiếu {key}", f"missing {key}")
    for key in ("when", "cell", "message_en", "description"):
        if text[key] is not None and not isinstance(text[key], str):
            bad(f"{key} phải là chuỗi", f"{key} must be a string")
    op = raw.get("op")
    if op not in OPS:
        op = None
        hint = OP_HINTS.get(str(raw.get("op")))
        bad(f"phép so sánh {raw.get('op')!r} không hợp lệ"
            + (f" (có phải '{hint}'?)" if hint else "") + f"; dùng {' '.join(OPS)}",
            f"invalid op {raw.get('op')!r}" + (f" (did you mean '{hint}'?)" if hint else "")
            + f"; use {' '.join(OPS)}")
    severity = raw.get("severity")
    if severity not in {s.value for s in Severity}:
        bad(f"mức độ {severity!r} không hợp lệ; dùng loi, canh_bao hoặc thong_tin",
            f"invalid severity {severity!r}; use loi, canh_bao or thong_tin")
    missing = _strings(raw.get("missing", "skip_if_any_missing"))
    for m in missing or ["?"]:
        if m not in STRATEGIES:
            bad(f"cách xử lý ô trống {m!r} không có; dùng {', '.join(STRATEGIES)}",
                f"unknown missing-value strategy {m!r}; use {', '.join(STRATEGIES)}")
            missing = None
    for_each = raw.get("for_each")
    if for_each is not None and for_each not in expand.FOR_EACH:
        bad(f"for_each {for_each!r} không có; dùng {', '.join(expand.FOR_EACH)}",
            f"unknown for_each {for_each!r}; use {', '.join(expand.FOR_EACH)}")
        for_each = None
    exclude = _strings(raw.get("exclude", []))
    if exclude and raw.get("for_each") is None:
        bad("exclude chỉ dùng cùng for_each", "exclude needs for_each")
    for code in exclude or []:
        if code not in cat:
            bad(f"exclude: không có chỉ tiêu '{code}'", f"exclude: unknown indicator '{code}'")
    tiers = _subset(raw.get("tiers", list(ALL_TIERS)), ALL_TIERS, "tiers", bad)
    schemes = _subset(raw.get("schemes", list(SCHEMES)), SCHEMES, "schemes", bad)
    levels = raw.get("levels", "all")
    if levels not in ("all", "input"):
        levels = _subset(levels, LEVELS, "levels", bad)
    flags = {k: raw.get(k, False) for k in ("use_computed",)}
    if not isinstance(flags["use_computed"], bool):
        bad("use_computed phải là true hoặc false", "use_computed must be true or false")
    tol = {k: _number(raw.get(k, 0), k, bad) for k in ("tolerance", "tolerance_rel")}
    precision = _int(raw.get("precision"), "precision", bad)
    places = _int(raw.get("places", 2), "places", bad)
    for key in _check_placeholders(text, for_each, bad):
        text[key] = "0" if key in ("left", "right") else None  # reported: do not parse it again
    _record(problems, source, rule_id, found)
    for key in ("left", "right", "message", "message_en", "when", "cell", "description"):
        if not isinstance(text[key], str) or not text[key].strip():
            text[key] = "0" if key in ("left", "right") else (None if key in ("when", "cell")
                                                               else "")
    return Rule(
        id=rule_id, left=text["left"], op=op or "==", right=text["right"],
        severity=Severity(severity) if severity in {s.value for s in Severity} else Severity.LOI,
        message=text["message"], message_en=text["message_en"] or text["message"],
        missing=tuple(missing or ("skip_if_any_missing",)), when=text["when"], for_each=for_each,
        exclude=tuple(exclude or ()), tiers=tiers, schemes=schemes, levels=levels,
        use_computed=flags["use_computed"], tolerance=tol["tolerance"],
        tolerance_rel=tol["tolerance_rel"], precision=precision, places=places,
        cell=text["cell"], description=text["description"], source=source), not found


def _check_placeholders(text: dict, for_each: str | None, bad) -> set[str]:
    """Every ``{name}`` must be one this kind of rule provides; the fields with a bad one."""
    wrong: set[str] = set()
    expr_keys = expand.EXPR_KEYS.get(for_each, set()) | expand.COMMON_EXPR_KEYS
    text_keys = expr_keys | expand.TEXT_KEYS.get(for_each, set()) | expand.COMMON_TEXT_KEYS
    for key in ("left", "right", "when", "cell"):
        if not isinstance(text[key], str):
            continue
        for name, arg in expand.placeholders(text[key]):
            if arg is not None or name not in expr_keys:
                wrong.add(key)
                bad(f"{key}: chỗ điền {{{name}}} không dùng được ở đây"
                    + (f" (với for_each = {for_each} có: {', '.join(sorted(expr_keys))})"
                       if for_each else " (quy tắc không có for_each chỉ có {level})"),
                    f"{key}: placeholder {{{name}}} is not available here")
    exprs = [text[k] for k in ("left", "right", "when", "cell") if isinstance(text[k], str)]
    # Without the placeholder in its expressions, a generic rule would repeat the same check.
    if for_each and not any("{code}" in e for e in exprs):
        bad("quy tắc có for_each phải dùng {code} trong biểu thức",
            "a rule with for_each must use {code} in its expressions")
    by_level = any("{level}" in e for e in exprs)
    for key in ("message", "message_en"):
        if not isinstance(text[key], str):
            continue
        if "{level_name}" in text[key] and not by_level:
            wrong.add(key)
            bad(f"{key}: {{level_name}} chỉ dùng khi biểu thức có {{level}}",
                f"{key}: {{level_name}} needs {{level}} in the expressions")
        inner = expand.substitute(text[key], {k: "x.xa" for k in text_keys})
        for name, arg in expand.placeholders(inner):
            if (arg is None and name not in RUNTIME_KEYS) or \
                    (arg is not None and name not in RUNTIME_ARG_KEYS):
                wrong.add(key)
                bad(f"{key}: chỗ điền {{{name}{':' + arg if arg else ''}}} không có",
                    f"{key}: unknown placeholder {{{name}{':' + arg if arg else ''}}}")
    return wrong


def _record(problems: list[Problem], source: str, rule_id: str, found) -> None:
    problems.extend(Problem(source, rule_id, vi, en) for vi, en in found)


def _strings(value) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _subset(value, allowed: tuple[str, ...], key: str, bad) -> tuple[str, ...]:
    items = _strings(value)
    wrong = [v for v in items or ["?"] if v not in allowed]
    if items is None or wrong or not items:
        shown = ", ".join(map(str, wrong or [value]))
        bad(f"{key}: {shown} không hợp lệ; dùng {', '.join(allowed)}",
            f"{key}: invalid {shown}; use {', '.join(allowed)}")
        return allowed
    return tuple(items)


def _number(value, key: str, bad) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        bad(f"{key} phải là một số không âm", f"{key} must be a number >= 0")
        return Decimal(0)
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _int(value, key: str, bad) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_PLACES:
        bad(f"{key} phải là số nguyên từ 0 đến {MAX_PLACES}",
            f"{key} must be a whole number from 0 to {MAX_PLACES}")
        return None
    return value


def _raise(problems: list[Problem]) -> None:
    seen: dict[tuple, None] = {}
    for p in problems:
        seen.setdefault((p.source, p.rule, p.vi, p.en), None)
    unique = [Problem(*k) for k in seen]
    order = {r: n for n, r in enumerate(dict.fromkeys(p.rule for p in unique))}
    unique.sort(key=lambda p: order[p.rule])  # each rule's problems together
    sources = list(dict.fromkeys(p.source for p in unique))
    several = len(sources) > 1

    def line(p: Problem, lang: str) -> str:
        where = "" if not p.rule else (f"quy tắc “{p.rule}”: " if lang == "vi"
                                       else f"rule '{p.rule}': ")
        origin = (f" [{p.source}]" if several else "")
        return f"\n  - {where}{p.vi if lang == 'vi' else p.en}{origin}"

    n = len(unique)
    vi = f"sổ quy tắc có {n} lỗi:" + "".join(line(p, "vi") for p in unique)
    en = f"the rulebook has {n} problem{'s' if n > 1 else ''}:" + "".join(line(p, "en")
                                                                        for p in unique)
    raise BadDataFile(path=", ".join(sources), detail=vi, detail_en=en)
