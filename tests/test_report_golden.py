"""Golden cases (tests/golden/<case>/): figures typed into a form give the expected phrases.

Each case holds the source article (``article.txt``, a copy of ``shared/seeds/``), ``input.toml``
(the form: unit, period, values by indicator and level, texts; optionally last period's figures
and the document details given on the command line) and ``expected.toml`` (per style: the
headings in order, phrases written by hand from the article, and phrases that must be absent).
Cases are discovered by glob.
"""
from __future__ import annotations

import tomllib
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from kh_excel.catalogue import load_catalogue
from kh_excel.periods import Period
from kh_excel.registry import load_registry
from kh_excel.report import draft_report
from test_report_support import add_rollup, make_form, numbers_in, parse_vi

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.parent for p in GOLDEN.glob("*/input.toml"))


def _build(case: Path, tmp_path: Path) -> tuple[Path, dict]:
    spec = tomllib.loads((case / "input.toml").read_text("utf-8"))
    form = spec["form"]
    registry = load_registry(form["scheme"])
    unit = registry.get(form["unit"])
    parent = registry.get(form["parent"]) if "parent" in form else None
    values = {tuple(key.split(".")): value for key, value in spec["values"].items()}
    path = make_form(tmp_path, unit, parent, form["period"], values,
                     texts=spec.get("texts"), name=f"{case.name}.xlsx")
    if "previous" in spec:  # last period's figures, as a roll-up with --previous carries them
        prev = spec["previous"]
        add_rollup(path, [("meta", "previous_period", "", prev["period"]),
                          *(("previous", *key.split("."), v) for key, v in prev["values"].items())])
    return path, spec


def _draft(case: Path, style: str, tmp_path: Path):
    path, spec = _build(case, tmp_path)
    return draft_report(path, style, **spec.get("document", {})), spec


def test_there_are_the_three_seed_articles():
    assert [c.name for c in CASES] == ["binh-son-2023", "ha-tinh-2023-h1", "na-ri-2023"]
    assert all((c / "article.txt").read_text("utf-8").strip() for c in CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", ["bao-cao", "tin-bai"])
def test_golden_phrases(case, style, tmp_path):
    report, _spec = _draft(case, style, tmp_path)
    expected = tomllib.loads((case / "expected.toml").read_text("utf-8"))[style]
    text = report.markdown()
    folded = " ".join(text.split()).casefold()
    missing = [p for p in expected["phrases"] if " ".join(p.split()).casefold() not in folded]
    assert not missing, f"missing phrases: {missing}\n\n{text}"
    present = [p for p in expected.get("absent", []) if p in text]
    assert not present, f"phrases that must not appear: {present}\n\n{text}"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", ["bao-cao", "tin-bai"])
def test_golden_structure(case, style, tmp_path):
    """The headings, in order, every section of the skeleton included."""
    report, _spec = _draft(case, style, tmp_path)
    expected = tomllib.loads((case / "expected.toml").read_text("utf-8"))[style]["headings"]
    headings = [b.text for b in report.narrative.blocks if b.kind == "heading"]
    found = [h for h in headings if h in expected]
    assert found == expected, headings


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.name)
@pytest.mark.parametrize("style", ["bao-cao", "tin-bai"])
def test_every_number_of_the_text_comes_from_the_input(case, style, tmp_path):
    """Scan the body for numbers and map each back to the input (independently of the trace)."""
    report, spec = _draft(case, style, tmp_path)
    values = {Decimal(v) for v in spec["values"].values()}
    prev = {k: Decimal(v) for k, v in spec.get("previous", {}).get("values", {}).items()}
    values |= set(prev.values()) | {abs(Decimal(spec["values"][k]) - v) for k, v in prev.items()}
    period = Period.parse(spec["form"]["period"])
    years = {Decimal(period.year), Decimal(period.year + 1), Decimal(period.year - 1)}
    if period.half:  # "6 tháng đầu năm", "đến ngày 30/6/2023"
        years |= {Decimal(6), Decimal(30)}
    in_texts = {parse_vi(n) for t in [*spec.get("texts", {}).values(),
                                       *spec.get("document", {}).values()]
                for n in numbers_in(t)}
    v = {k: Decimal(x) for k, x in spec["values"].items()}
    rates = set()  # ratios of the catalogue recomputed here from the typed totals
    for ind in load_catalogue():
        num, den = v.get(f"{ind.num}.tong"), v.get(f"{ind.den}.tong")
        if ind.derived and num is not None and den:
            rate = num / den * ind.scale
            rates |= {rate.quantize(Decimal("0.01"), ROUND_HALF_UP),
                      rate.quantize(Decimal(1), ROUND_HALF_UP)}
    communes = Decimal(len(load_registry(spec["form"]["scheme"]).children(spec["form"]["unit"])))
    for block in report.narrative.blocks:
        if block.kind == "heading":
            continue
        for number in numbers_in(block.text):
            n = parse_vi(number)
            scaled = {n * Decimal(10) ** 9, n * Decimal(10) ** 6}
            ok = (n in values | years | in_texts | rates | {communes}
                  or any(abs(s - x) < Decimal(10) ** 7 for s in scaled for x in values))
            assert ok, f"{number!r} in {block.text!r} is not a figure of the input"
    assert report.narrative.unsourced == []
