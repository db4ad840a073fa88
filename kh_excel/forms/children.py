"""The forms of many units (``template --children-of``), filled from committed skeletons.

A skeleton is the form of one tier and scheme built with openpyxl, its unit, parent and period
strings replaced by tokens. The skeletons are committed in ``kh_excel/data/forms/``
(``scripts/regen_templates.py`` rewrites them, a test keeps them current), so that the forms of
168 communes are written without importing openpyxl: each is its skeleton with the tokens
replaced in the XML parts.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ..errors import OutputExists, UsageError
from ..outputs import write_atomic
from ..packaged import packaged
from ..periods import Period, scheme_for
from ..units import Unit
from .package import Package, patchable
from .spec import FormSpec, form_file_name

# The strings that differ between the forms of one tier and scheme.
CHILD_KEYS = ("unit_code", "unit_name", "association", "parent_code", "parent_name", "period",
              "period_label")
SKELETON_DIR = "data/forms"


def skeleton_name(tier: str, scheme: str) -> str:
    """``kh-form-xa-two-tier-2025.xlsx``."""
    return f"kh-form-{tier}-{scheme}.xlsx"


@lru_cache(maxsize=None)
def _skeleton(tier: str, scheme: str) -> Package:
    """The committed skeleton; built with openpyxl if it is missing (a development checkout)."""
    committed = packaged(SKELETON_DIR, skeleton_name(tier, scheme))
    if committed.is_file():
        return Package(committed.read_bytes())
    from .writer import form_skeleton_bytes
    return Package(form_skeleton_bytes(tier, scheme))


def form_bytes(spec: FormSpec) -> bytes:
    """The xlsx bytes of the pre-filled form ``spec``: its skeleton with the tokens replaced,
    or (for an empty string, or one that cannot replace a token in place) built in full."""
    texts = spec.texts()
    values = {key: getattr(texts, key) for key in CHILD_KEYS}
    # An empty string is written by openpyxl as a cell without text: built in full too.
    if all(v and patchable(v) for v in values.values()):
        return _skeleton(spec.tier, spec.scheme).render(values)
    from .package import workbook_bytes
    from .writer import build_form
    return workbook_bytes(build_form(spec))


def write_children_forms(out_dir: str | os.PathLike, parent: Unit, period: Period | str,
                         scheme: str | None, registry, force: bool = False) -> list[Path]:
    """One pre-filled form per child unit of ``parent`` in ``out_dir``; returns the paths.

    Nothing is written if any target exists and ``force`` is not given.
    """
    period = Period.parse(period)
    scheme = scheme_for(period, scheme)
    children = list(registry.children(parent))
    if not children:
        raise UsageError(detail=f"{parent.name} không có đơn vị trực thuộc trong danh mục "
                                f"'{scheme}'.",
                         detail_en=f"{parent.name} has no child units in scheme '{scheme}'.")
    # Every child is checked before anything is written.
    specs = [FormSpec(unit.tier, scheme, period, unit, parent) for unit in children]
    out_dir = Path(out_dir)
    targets = [(spec, out_dir / form_file_name(period, spec.unit)) for spec in specs]
    if not force:
        for _, path in targets:
            if path.exists():
                raise OutputExists(path=path)
    written = []
    for spec, path in targets:
        data = form_bytes(spec)
        written.append(write_atomic(path, lambda tmp, data=data: tmp.write_bytes(data), force=True))
    return written
