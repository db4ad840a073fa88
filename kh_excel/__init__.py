"""kh-excel: forms, checks, roll-ups and reports for Vietnam's study-promotion associations.

    import kh_excel
    result = kh_excel.rollup(["examples/na-ri-2023"], unit="Huyện Na Rì", period="2023")

The use cases (``kh_excel.app``) are exported here: make_forms, check, annotate, rollup,
write_rollup, draft_report, write_report, find_units, unit_label, list_indicators; and from the
history store: status, history, export, store_location, store_verify, store_backup.
"""
__version__ = "0.1.0"

_APP = ("FormsMade", "annotate", "check", "check_output", "draft_report", "find_units",
        "list_indicators", "make_forms", "rollup", "unit_label", "write_report", "write_rollup",
        "status", "history", "export", "store_location", "store_verify", "store_backup",
        "write_status_workbook")
__all__ = [*_APP, "check_paths", "read_form"]


def __getattr__(name: str):
    # Imported on first use so that `import kh_excel` (and the CLI's start) stays fast.
    if name in _APP:
        from . import app
        return getattr(app, name)
    if name == "check_paths":
        from .checking import check_paths
        return check_paths
    if name == "read_form":
        from .reading import read_form
        return read_form
    raise AttributeError(name)
