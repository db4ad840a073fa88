"""The indicator catalogue (chỉ tiêu): loaded once from ``data/indicators.toml`` and validated."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache

from .packaged import packaged

KINDS = {"nguoi", "to_chuc", "dong", "suat", "con", "lop", "pct", "dong_nguoi", "flag"}
AGGREGATIONS = {"sum", "ratio", "count", "none"}
NATURES = {"stock", "flow"}
LEVEL_RULES = {"all", "own", "xa"}
# Kinds whose values are whole numbers typed by users (everything but the derived ratios).
WHOLE_KINDS = {"nguoi", "to_chuc", "dong", "suat", "con", "lop", "flag"}


@dataclass(frozen=True)
class Indicator:
    code: str
    section: str
    label: str
    kind: str
    unit: str
    agg: str
    nature: str
    help: str = ""
    num: str | None = None
    den: str | None = None
    scale: int = 1
    le: tuple[str, ...] = ()
    pair: str | None = None
    levels: str = "all"

    @property
    def derived(self) -> bool:
        """True for ratios, which are computed and never typed in."""
        return self.agg == "ratio"

    @property
    def money(self) -> bool:
        return self.kind == "dong"


@dataclass(frozen=True)
class TextField:
    code: str
    label: str


@dataclass(frozen=True)
class Catalogue:
    version: int
    sections: dict[str, str]
    indicators: tuple[Indicator, ...]
    texts: tuple[TextField, ...]
    _by_code: dict[str, Indicator] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_code.update({i.code: i for i in self.indicators})

    def __getitem__(self, code: str) -> Indicator:
        return self._by_code[code]

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def in_section(self, section: str) -> list[Indicator]:
        return [i for i in self.indicators if i.section == section]

    def to_dict(self) -> dict:
        """Plain data for ``--json``."""
        return {
            "version": self.version,
            "sections": dict(self.sections),
            "indicators": [
                {
                    "code": i.code, "section": i.section, "label": i.label, "kind": i.kind,
                    "unit": i.unit, "agg": i.agg, "nature": i.nature, "derived": i.derived,
                    "formula": (f"{i.num} / {i.den} * {i.scale}" if i.derived else None),
                    "le": list(i.le), "pair": i.pair, "levels": i.levels, "help": i.help,
                }
                for i in self.indicators
            ],
            "texts": [{"code": t.code, "label": t.label} for t in self.texts],
        }


class CatalogueError(ValueError):
    """The catalogue data file is inconsistent; the message lists every problem."""


def parse_catalogue(data: dict) -> Catalogue:
    """Build a catalogue from parsed TOML, reporting every problem at once."""
    problems: list[str] = []
    sections = data.get("sections", {})
    raw = data.get("indicator", [])
    codes = [r.get("code") for r in raw]
    seen: set[str] = set()
    indicators: list[Indicator] = []
    allowed = set(Indicator.__dataclass_fields__)
    for n, r in enumerate(raw, 1):
        code = r.get("code")
        where = f"indicator #{n} ({code})"
        unknown = set(r) - allowed
        if unknown:
            problems.append(f"{where}: unknown fields {sorted(unknown)}")
        missing = [k for k in ("code", "section", "label", "kind", "unit", "agg", "nature") if k not in r]
        if missing:
            problems.append(f"{where}: missing {missing}")
            continue
        if code in seen:
            problems.append(f"{where}: duplicate code")
        seen.add(code)
        if r["section"] not in sections:
            problems.append(f"{where}: unknown section {r['section']!r}")
        for key, allowed_values in (("kind", KINDS), ("agg", AGGREGATIONS), ("nature", NATURES)):
            if r[key] not in allowed_values:
                problems.append(f"{where}: {key} {r[key]!r} not in {sorted(allowed_values)}")
        if r.get("levels", "all") not in LEVEL_RULES:
            problems.append(f"{where}: levels {r.get('levels')!r} not in {sorted(LEVEL_RULES)}")
        if r["agg"] == "ratio":
            for key in ("num", "den"):
                if r.get(key) not in codes:
                    problems.append(f"{where}: ratio {key} {r.get(key)!r} is not an indicator")
        for other in [*r.get("le", []), *([r["pair"]] if r.get("pair") else [])]:
            if other not in codes:
                problems.append(f"{where}: refers to unknown indicator {other!r}")
        if not unknown:
            indicators.append(Indicator(**{**r, "le": tuple(r.get("le", ()))}))
    texts = tuple(TextField(t["code"], t["label"]) for t in data.get("text", []))
    if problems:
        raise CatalogueError("indicator catalogue:\n  " + "\n  ".join(problems))
    return Catalogue(int(data.get("version", 1)), dict(sections), tuple(indicators), texts)


@cache
def load_catalogue() -> Catalogue:
    """The catalogue shipped with the package (loaded once)."""
    text = packaged("data", "indicators.toml").read_text("utf-8")
    return parse_catalogue(tomllib.loads(text))
