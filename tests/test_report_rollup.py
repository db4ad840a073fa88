"""The report drafted from real roll-up workbooks (kh_excel.rollups): the contract end to end."""
from __future__ import annotations

from pathlib import Path

import pytest

from kh_excel.report import draft_report
from kh_excel.rollups import rollup, write_rollup_workbook

NA_RI = Path(__file__).resolve().parents[1] / "examples" / "na-ri-2023"


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    result = rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    return result, write_rollup_workbook(result, tmp_path_factory.mktemp("r") / "na-ri.xlsx")


def test_district_rollup_report(district):
    result, path = district
    report = draft_report(path, "bao-cao")
    assert report.input.is_rollup and (report.input.received, report.input.expected) == (17, 17)
    text = report.markdown()
    members = f"{result.value('hoi_vien', 'tong'):,}".replace(",", ".")
    assert f"Toàn huyện có tổng số hội viên là {members} người" in text
    assert "Số liệu trong văn bản được tổng hợp từ báo cáo của 17/17 xã, thị trấn." in text
    assert report.narrative.unsourced == []
    cells = {c for s in report.trace()["sentences"] for c in s["cells"]}
    assert any(c.startswith("_kh_rollup!") for c in cells)
    assert any(c.startswith("Biểu số liệu!") for c in cells)


def test_national_rollup_report(tmp_path):
    result = rollup([NA_RI], unit="Việt Nam", period="2023")
    path = write_rollup_workbook(result, tmp_path / "vn.xlsx")
    report = draft_report(path, "tin-bai", allow_errors=True)
    text = report.markdown()
    assert text.startswith("**DỰ THẢO**\n\n# Hội Khuyến học Việt Nam tổng kết công tác khuyến học, khuyến tài")
    assert "(số liệu tổng hợp từ 1/63 tỉnh, thành phố)" in text and "Toàn quốc" in text
    bao_cao = draft_report(path, "bao-cao", allow_errors=True)
    assert "chưa có báo cáo của 62 đơn vị" in bao_cao.narrative.markdown()
    assert bao_cao.org.dia_danh_ngay == "…, ngày … tháng … năm …"
    # one district's figures: the levels of the provinces and the nation are empty throughout
    assert bao_cao.annex.columns[3:] == ["Cấp xã", "Cấp huyện", "Tổng cộng"]
