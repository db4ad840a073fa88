"""Rolling up forms across tiers: totals by level, completeness, cross-form and year-over-year checks."""
from .api import rollup
from .model import ChildRow, RollupResult
from .workbook import write_rollup_workbook

__all__ = ["rollup", "RollupResult", "ChildRow", "write_rollup_workbook"]
