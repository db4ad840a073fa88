"""Reading filled forms (xlsx, xlsm, xls) into submissions with provenance and findings."""
from .reader import read_form

__all__ = ["read_form"]
