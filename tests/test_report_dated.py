"""Names and unit lists as they were in the period (issue 13 §2): the dated legacy table."""
from __future__ import annotations

import csv

from kh_excel.dated_units import descendants_in, in_force, period_end, unit_in
from kh_excel.packaged import packaged
from kh_excel.periods import Period
from kh_excel.registry import load_registry
from kh_excel.report import draft_report
from kh_excel.report.figures import Figures
from test_report_support import make_form

SNAPSHOTS = {"2020-02-25", "2021-02-03", "2023-05-07", "2025-01-04"}


def test_the_table_records_its_snapshots_and_uses_only_their_dates():
    text = packaged("data", "units_legacy-dated.csv").read_text("utf-8")
    header = [line for line in text.splitlines() if line.startswith("# snapshot ")]
    assert {line.split()[2].rstrip(":") for line in header} == SNAPSHOTS
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert rows and {r["valid_from"] for r in rows} <= SNAPSHOTS | {""}
    assert {r["valid_to"] for r in rows} <= SNAPSHOTS | {""}


def test_a_district_that_became_a_thi_xa_has_its_name_of_the_period():
    registry = load_registry("legacy-3tier")
    viet_yen = registry.get("222")          # Bắc Giang: thị xã since 2024
    assert viet_yen.name == "Thị xã Việt Yên"
    assert unit_in(viet_yen, Period(2022, None)).name == "Huyện Việt Yên"
    assert unit_in(viet_yen, Period(2022, None)).division == "Huyện"
    assert unit_in(viet_yen, Period(2025, 1)).name == "Thị xã Việt Yên"
    assert in_force("00001", Period(2022, None)) is None  # Phúc Xá: the current list holds
    # Văn Vũ was made in 2020 from Vũ Loan (whose code it kept) and Văn Học
    assert in_force("02137", Period(2019, None)).name == "Xã Vũ Loan"
    assert period_end(Period(2023, 1)).isoformat() == "2023-06-30"


def test_communes_merged_later_are_in_the_earlier_lists():
    # Na Rì (Bắc Kạn) had 22 communes until the mergers of 2020, 17 since
    registry = load_registry("legacy-3tier")
    na_ri = registry.get("066")
    assert len(descendants_in(registry, na_ri, Period(2019, None))) == 22
    assert len(descendants_in(registry, na_ri, Period(2023, None))) == 17
    assert len(registry.descendants(na_ri, tier="xa")) == 17


def test_each_snapshot_is_reproduced_in_full():
    # the counts of the GSO lists in vietnam-provinces 0.2, 0.3.0, 0.5.0 and 0.6.0, counted from
    # their nested-divisions.json (provinces, districts, communes)
    registry = load_registry("legacy-3tier")
    nation = registry.get("VN")
    for period, counts in ((Period(2019, None), (63, 707, 10_767)),
                           (Period(2022, None), (63, 705, 10_603)),
                           (Period(2024, 1), (63, 705, 10_598)),
                           (Period(2025, 1), (63, 696, 10_051))):
        got = (len(descendants_in(registry, nation, period, "tinh")),
               len(descendants_in(registry, nation, period, "huyen")),
               len(descendants_in(registry, nation, period, "xa")))
        assert got == counts, period


def test_the_report_of_2022_names_the_district_as_it_was(tmp_path):
    registry = load_registry("legacy-3tier")
    values = {("hoi_vien", "tong"): 20_000, ("so_hoi_co_so", "tong"): 17}
    form = make_form(tmp_path, registry.get("222"), registry.get("24"), "2022", values)
    report = draft_report(form, "bao-cao")
    text = report.markdown()
    assert "**HỘI KHUYẾN HỌC HUYỆN VIỆT YÊN**" in text
    assert "Toàn huyện có tổng số hội viên là 20.000 người" in text
    assert "- Thường trực Huyện ủy, UBND huyện (b/c);" in text
    assert "thị xã" not in text.lower().replace("thị xã việt yên", "")
    assert Figures(report.input).communes()[0].value == 17
    later = make_form(tmp_path, registry.get("222"), registry.get("24"), "2025-H1", values,
                      name="2025.xlsx")
    assert "**HỘI KHUYẾN HỌC THỊ XÃ VIỆT YÊN**" in draft_report(later, "bao-cao").markdown()
    named = draft_report(form, "bao-cao", ten_don_vi="Thị xã Việt Yên").markdown()
    assert "**HỘI KHUYẾN HỌC THỊ XÃ VIỆT YÊN**" in named
