"""kh-excel: forms, checks, roll-ups and reports for Vietnam's study-promotion associations.

    import kh_excel
    result = kh_excel.rollup(["examples/na-ri-2023"], unit="Huyện Na Rì", period="2023")
"""
__version__ = "0.1.0"


def __getattr__(name: str):
    # Imported on first use so that `import kh_excel` (and the CLI's start) stays fast.
    if name == "rollup":
        from .rollups import rollup
        return rollup
    if name == "check_paths":
        from .checking import check_paths
        return check_paths
    if name == "read_form":
        from .reading import read_form
        return read_form
    raise AttributeError(name)
