"""Drafting the narrative report (báo cáo, tin bài) from a filled form or a roll-up workbook."""
from .draft import Report, draft_report, write_report
from .inputs import ReportInput, load_report_input
from .narrative import STYLES
from .org import OrgDetails

__all__ = ["STYLES", "OrgDetails", "Report", "ReportInput", "draft_report", "load_report_input",
           "write_report"]
