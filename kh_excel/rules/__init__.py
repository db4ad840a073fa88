"""The rulebook and the rule engine for single forms (checks of kinds 1–4 of DESIGN §4)."""
from .engine import check_submission
from .rulebook import Rule, Rulebook, load_rulebook

__all__ = ["Rule", "Rulebook", "check_submission", "load_rulebook"]
