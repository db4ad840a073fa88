"""Generating the forms (biểu mẫu): one workbook per tier and scheme, blank or for one unit."""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import absolute_coordinate, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection

from ..errors import OutputExists, TierMismatch, UsageError
from ..outputs import check_writable, write_atomic
from ..periods import SCHEMES, TWO_TIER, Period, check_scheme, scheme_for
from ..textnorm import ascii_slug
from ..tiers import ALL_TIERS, TIER_NAMES, TIER_NAMES_EN, TIERS
from ..units import Unit
from .data_sheet import write_data_sheet
from .layout import DATA_SHEET, GUIDE_SHEET, INFO_SHEET, META_SHEET, form_layout, template_id
from .package import Package, patchable, token, workbook_bytes
from .sheets import write_guide_sheet, write_info_sheet, write_meta_sheet
from .texts import FormTexts

# The unit strings that differ between the children of one parent.
UNIT_KEYS = ("unit_code", "unit_name", "association")


@dataclass(frozen=True)
class FormSpec:
    """Which form to generate: tier and scheme, and for a pre-filled form its unit and period."""

    tier: str
    scheme: str
    period: Period | None = None
    unit: Unit | None = None
    parent: Unit | None = None

    def __post_init__(self) -> None:
        check_scheme(self.scheme)
        if self.tier not in ALL_TIERS:
            raise UsageError(detail=f"Không có biểu mẫu cho cấp '{self.tier}'. Dùng xa, huyen "
                                    "hoặc tinh.",
                             detail_en=f"There is no form for tier '{self.tier}'. Use xa, huyen "
                                       "or tinh.")
        if self.tier == "huyen" and self.scheme == TWO_TIER:
            raise UsageError(detail="Hệ thống 'two-tier-2025' (từ 1/7/2025) không còn cấp huyện "
                                    "nên không có biểu mẫu cấp huyện.",
                             detail_en="The 'two-tier-2025' scheme (from 1/7/2025) has no "
                                       "districts, so there is no district form.")
        if self.period is not None:
            object.__setattr__(self, "period", Period.parse(self.period))
            scheme_for(self.period, self.scheme)
        if self.unit is not None:
            if self.unit.tier != self.tier:
                raise TierMismatch(unit=self.unit.name, actual=TIER_NAMES.get(self.unit.tier,
                                                                              self.unit.tier),
                                   wanted=TIER_NAMES[self.tier],
                                   actual_en=TIER_NAMES_EN.get(self.unit.tier, self.unit.tier),
                                   wanted_en=TIER_NAMES_EN[self.tier])
            if self.unit.scheme != self.scheme:
                raise UsageError(
                    detail=f"{self.unit.name} thuộc hệ thống '{self.unit.scheme}', không phải "
                           f"'{self.scheme}'.",
                    detail_en=f"{self.unit.name} belongs to scheme '{self.unit.scheme}', not "
                              f"'{self.scheme}'.")

    @property
    def template_id(self) -> str:
        return template_id(self.tier, self.scheme)

    def texts(self) -> FormTexts:
        return FormTexts.of(self.tier, self.scheme, self.unit, self.parent, self.period)


def build_form(spec: FormSpec) -> Workbook:
    """The form described by ``spec`` as an openpyxl workbook (not saved)."""
    return _build(spec, spec.texts())


def _build(spec: FormSpec, texts: FormTexts) -> Workbook:
    layout = form_layout(spec.tier, spec.scheme)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET
    names = {n: (DATA_SHEET, ref) for n, ref in write_data_sheet(data, layout, texts).items()}
    info = wb.create_sheet(INFO_SHEET)
    names.update({n: (INFO_SHEET, ref) for n, ref in write_info_sheet(info, layout, texts).items()})
    write_guide_sheet(wb.create_sheet(GUIDE_SHEET), layout)
    write_meta_sheet(wb.create_sheet(META_SHEET), texts)
    for name, (sheet, ref) in names.items():
        target = f"{quote_sheetname(sheet)}!{absolute_coordinate(ref)}"
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    for key, value in texts.meta().items():
        wb.custom_doc_props.append(StringProperty(name=key, value=value))
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.title = "Biểu số liệu công tác khuyến học, khuyến tài"
    wb.properties.creator = "kh-excel"
    wb.active = 0
    return wb


def form_file_name(period: Period | str, unit: Unit) -> str:
    """``2023_02011_xa-van-vu.xlsx``: period, unit code and an ASCII slug of the unit name."""
    return f"{Period.parse(period)}_{unit.code}_{ascii_slug(unit.name)}.xlsx"


def write_form(path: str | os.PathLike, spec: FormSpec, force: bool = False) -> Path:
    """Generate the form of ``spec`` into ``path`` (atomically; an existing file needs ``force``)."""
    path = check_writable(path, force)
    data = workbook_bytes(build_form(spec))
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), force=force)


class _ChildForms:
    """Forms for many units of one tier: built once with placeholders, then patched per unit."""

    def __init__(self, spec: FormSpec) -> None:
        placeholders = {key: token(key) for key in UNIT_KEYS}
        self.package = Package.of(_build(spec, replace(spec.texts(), **placeholders)))

    def render(self, spec: FormSpec) -> bytes:
        """The form of ``spec``, which differs from the built one only in its unit."""
        texts = spec.texts()
        values = {key: getattr(texts, key) for key in UNIT_KEYS}
        if all(patchable(v) for v in values.values()):
            return self.package.render(values)
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
    builders: dict[str, _ChildForms] = {}
    written = []
    for spec, path in targets:
        if spec.tier not in builders:
            builders[spec.tier] = _ChildForms(spec)
        data = builders[spec.tier].render(spec)
        written.append(write_atomic(path, lambda tmp, data=data: tmp.write_bytes(data), force=True))
    return written


BLANK_FORMS = tuple((tier, scheme) for scheme in SCHEMES for tier in TIERS
                    if not (tier == "huyen" and scheme == TWO_TIER))


def blank_template_name(tier: str, scheme: str) -> str:
    """``kh-xa-legacy-3tier.xlsx``."""
    return f"{template_id(tier, scheme)}.xlsx"


def write_blank_templates(out_dir: str | os.PathLike,
                          forms: Iterable[tuple[str, str]] = BLANK_FORMS) -> list[Path]:
    """The blank template of every tier and scheme, overwriting older ones; returns the paths."""
    out_dir = Path(out_dir)
    return [write_form(out_dir / blank_template_name(tier, scheme), FormSpec(tier, scheme),
                       force=True) for tier, scheme in forms]

