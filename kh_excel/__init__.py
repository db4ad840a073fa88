"""kh-excel: forms, checks, roll-ups and reports for Vietnam's study-promotion associations."""
__version__ = "0.1.0"
