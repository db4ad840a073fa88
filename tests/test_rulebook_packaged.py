"""The shipped rulebook is compiled lazily in production; here it is validated in full."""
import tomllib
from importlib import resources

from kh_excel.rules import load_rulebook
from kh_excel.rules.expand import FORM_KINDS
from kh_excel.rules.rulebook import build_rulebook


def test_the_shipped_rulebook_compiles_for_every_kind_of_form_without_problems():
    text = resources.files("kh_excel").joinpath("data/rules.toml").read_text("utf-8")
    full = build_rulebook([("rules.toml", tomllib.loads(text))])  # raises on any problem
    lazy = load_rulebook()
    for kind in FORM_KINDS:
        assert len(lazy.for_form(*kind)) == len(full.for_form(*kind)) > 0, kind
    # The national form has the parts = total rule too.
    assert any(cr.rule.id == "tong_bang_tong_cac_cap" for cr in lazy.for_form("tw", "two-tier-2025"))
