"""A workbook's content as plain data, to compare forms by content rather than by bytes."""
from __future__ import annotations

import os

from openpyxl import Workbook, load_workbook


def workbook_snapshot(source: str | os.PathLike | Workbook) -> dict:
    """Values and formulas, styles that matter, defined names, validations, protection, meta."""
    wb = source if isinstance(source, Workbook) else load_workbook(source)
    snap: dict = {
        "sheets": [(ws.title, ws.sheet_state) for ws in wb.worksheets],
        "names": {name: dn.attr_text for name, dn in wb.defined_names.items()},
        "custom_props": {p.name: getattr(p, "value", None) for p in wb.custom_doc_props},
        "structure_locked": bool(wb.security and wb.security.lockStructure),
    }
    for ws in wb.worksheets:
        snap[ws.title] = {
            "cells": {c.coordinate: (c.value, c.data_type, c.protection.locked, c.number_format,
                                     c.fill.fgColor.rgb if c.fill.fill_type else None)
                      for row in ws.iter_rows() for c in row
                      if c.value is not None or c.fill.fill_type},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted(
                (dv.type, dv.operator, dv.formula1, dv.formula2, str(dv.sqref),
                 bool(dv.showErrorMessage), dv.errorTitle, dv.error)
                for dv in ws.data_validations.dataValidation),
            "conditional": sorted(
                (str(cf.sqref), rule.type, rule.operator, tuple(rule.formula or ()))
                for cf in ws.conditional_formatting for rule in cf.rules),
            "protected": bool(ws.protection.sheet),
            "hidden_columns": sorted(k for k, d in ws.column_dimensions.items() if d.hidden),
            "freeze": ws.freeze_panes,
            "print_titles": ws.print_title_rows,
        }
    return snap
