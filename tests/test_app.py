"""The application layer (kh_excel.app): the one entry point of every front end."""
from pathlib import Path

import pytest

import kh_excel
from kh_excel import app
from kh_excel.errors import UsageError
from kh_excel.reading import read_form

ROOT = Path(__file__).resolve().parent.parent
NA_RI = ROOT / "examples" / "na-ri-2023"


def test_the_package_root_exports_every_use_case():
    for name in app.__all__:
        assert name in kh_excel.__all__
        assert getattr(kh_excel, name) is getattr(app, name)


def test_make_forms_one_unit_and_children(tmp_path):
    one = app.make_forms(period="2023", unit="Văn Vũ", parent="Na Rì", output=tmp_path / "v.xlsx")
    assert one.unit.name == "Xã Văn Vũ" and not one.children
    assert read_form(one.paths[0]).submission.unit_code == one.unit.code
    many = app.make_forms(period="2023", children_of="Huyện Na Rì", out_dir=tmp_path / "xa")
    assert many.children and len(many.paths) == 17
    assert {read_form(p).submission.meta["parent_code"] for p in many.paths} == {many.unit.code}
    with pytest.raises(UsageError):
        app.make_forms(period="2023", children_of="Na Rì", unit="Văn Vũ", out_dir=tmp_path)


def test_check_rollup_and_report_on_the_example(tmp_path):
    report = app.check([NA_RI])
    assert len(report.files) == 18 and not report.has_errors
    result = app.rollup([NA_RI], unit="Huyện Na Rì", period="2023")
    assert (result.received, result.expected) == (17, 17)
    # The district total is the sum of what the communes and the district itself stated.
    subs = [r.submission for r in report.files]
    stated = sum(s.value("hoi_vien", "xa") or 0 for s in subs if s.tier == "xa") \
        + sum(s.value("hoi_vien", "huyen") or 0 for s in subs if s.tier == "huyen")
    assert result.value("hoi_vien", "tong") == stated
    out = app.write_rollup(result, tmp_path / "r.xlsx")
    assert read_form(out).submission.value("hoi_vien", "tong") == stated
    draft = app.draft_report(out, "tin-bai")
    written = app.write_report(draft, tmp_path / "t.docx", text=tmp_path / "t.md")
    assert [p.name for p in written] == ["t.docx", "t.md"]
    assert "Na Rì" in (tmp_path / "t.md").read_text("utf-8")


def test_find_units_and_indicators():
    assert [u.name for u in app.find_units("na ri", scheme="legacy-3tier")] == ["Huyện Na Rì"]
    assert len(app.find_units(scheme="two-tier-2025")) == 34
    assert "quy_van_dong" in app.list_indicators()


def test_annotate_writes_copies_of_broken_forms(tmp_path):
    report = app.check([ROOT / "examples" / "broken"])
    done = app.annotate(report, tmp_path / "tra-lai")
    assert done.written and all(Path(p).exists() for p in done.written)
