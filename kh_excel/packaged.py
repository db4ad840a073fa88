"""Files shipped inside the package: the data files, the roll-up skeletons, the templates."""
from __future__ import annotations

from pathlib import Path

# kh-excel is installed as plain files (pip, editable or not), so its files are found next to
# this module; importlib.resources, which would also cover a zip import, costs 4 ms to import
# on every run.
ROOT = Path(__file__).parent


def packaged(*parts: str) -> Path:
    """The path of a file shipped in the package: ``packaged("data", "rules.toml")``."""
    return ROOT.joinpath(*parts)
