"""Generating the forms (biểu mẫu): one workbook per tier and scheme, blank or for one unit."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import absolute_coordinate, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection

from ..outputs import check_writable, write_atomic
from ..periods import SCHEMES, TWO_TIER
from ..tiers import TIERS
from .children import write_children_forms  # noqa: F401  (the writer's public API)
from .data_sheet import write_data_sheet
from .layout import DATA_SHEET, GUIDE_SHEET, INFO_SHEET, META_SHEET, form_layout, template_id
from .package import workbook_bytes
from .sheets import write_guide_sheet, write_info_sheet, write_meta_sheet
from .spec import FormSpec, form_file_name  # noqa: F401  (the writer's public API)
from .texts import FormTexts


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


def write_form(path: str | os.PathLike, spec: FormSpec, force: bool = False) -> Path:
    """Generate the form of ``spec`` into ``path`` (atomically; an existing file needs ``force``)."""
    path = check_writable(path, force)
    data = workbook_bytes(build_form(spec))
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), force=force)


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



def form_skeleton_bytes(tier: str, scheme: str) -> bytes:
    """The skeleton of the forms for many units of a tier and scheme (see :mod:`.children`)."""
    from .children import CHILD_KEYS
    from .package import token

    texts = FormTexts(tier, scheme, unit_given=True, period_given=True,
                      **{key: token(key) for key in CHILD_KEYS})
    return workbook_bytes(_build(FormSpec(tier, scheme), texts), keep_tokens=True)


def write_form_skeletons(out_dir: str | os.PathLike) -> list[Path]:
    """The skeleton of every tier and scheme, overwriting older ones; returns the paths."""
    from .children import skeleton_name

    out_dir = Path(out_dir)
    written = []
    for tier, scheme in BLANK_FORMS:
        data = form_skeleton_bytes(tier, scheme)
        written.append(write_atomic(out_dir / skeleton_name(tier, scheme),
                                    lambda tmp, data=data: tmp.write_bytes(data), force=True))
    return written
