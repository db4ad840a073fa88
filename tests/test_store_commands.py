"""What users get from the store: status, history, export."""
from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel import app
from kh_excel.cli.main import cli
from kh_excel.model import Severity
from kh_excel.reading import read_form
from tests.formfiles import named_cell
from tests.ooxml import assert_valid_ooxml

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"
BROKEN_VAN_LANG = ROOT / "examples" / "broken" / "2023_02140_xa-van-lang_am-va-so-le.xlsx"
LAST_YEAR = ROOT / "examples" / "na-ri-2022" / "2022_066_huyen-na-ri_tong-hop.xlsx"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sent_folder(tmp_path: Path) -> Path:
    """15 clean commune forms, the broken Văn Lang, no Văn Vũ nor Kim Hỷ; the district's own."""
    folder = tmp_path / "nop"
    folder.mkdir()
    for f in CLEAN.glob("*.xlsx"):
        if not any(c in f.name for c in ("02137", "02146", "02140")):
            shutil.copy(f, folder)
    shutil.copy(BROKEN_VAN_LANG, folder)
    return folder


def test_status_of_a_collection(tmp_path):
    store = tmp_path / "kho.sqlite"
    folder = sent_folder(tmp_path)
    app.check([folder], store=store)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    result = run("status", "--unit", "Huyện Na Rì", "--period", "2023", "--deadline", tomorrow,
                 "--store", str(store))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Huyện Na Rì, năm 2023:"
    assert lines[-1] == "15/17 đã gửi, 1 còn lỗi, 0 gửi muộn."
    assert len(lines) == 19
    van_vu = next(line for line in lines if "Xã Văn Vũ" in line)
    assert van_vu.endswith("chưa gửi")
    van_lang = next(line for line in lines if "Xã Văn Lang" in line)
    assert "lần 1" in van_lang and "lỗi" in van_lang
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = json.loads(run("status", "--unit", "Na Rì", "--period", "2023", "--deadline",
                          yesterday, "--json", "--store", str(store)).output)
    assert data["summary"] == {"expected": 17, "sent": 15, "with_errors": 1, "late": 15}
    by_name = {c["name"]: c for c in data["children"]}
    assert by_name["Xã Văn Vũ"]["sent"] is False
    # What the store says is left is what a check of that file (without the store) finds.
    errors = app.check([BROKEN_VAN_LANG]).count(Severity.LOI)
    assert errors and by_name["Xã Văn Lang"]["errors"] == errors
    assert by_name["Xã Văn Lang"]["version"] == 1
    assert all(c["changed_since_rollup"] is None for c in data["children"])


def test_status_knows_what_changed_since_the_last_rollup_and_writes_the_wall(tmp_path):
    store = tmp_path / "kho.sqlite"
    folder = sent_folder(tmp_path)
    assert run("rollup", str(folder), "--unit", "Huyện Na Rì", "--period", "2023", "-o",
               str(tmp_path / "th.xlsx"), "--store", str(store)).exit_code == 1
    fixed = tmp_path / "sua" / "2023_02140_xa-van-lang.xlsx"
    fixed.parent.mkdir()
    shutil.copy(CLEAN / "2023_02140_xa-van-lang.xlsx", fixed)
    app.check([fixed], store=store)
    wall = tmp_path / "tinh-hinh.xlsx"
    data = json.loads(run("status", "--unit", "Na Rì", "--period", "2023", "--json", "-o",
                          str(wall), "--store", str(store)).output)
    changed = [c["name"] for c in data["children"] if c["changed_since_rollup"]]
    assert changed == ["Xã Văn Lang"]
    assert data["summary"]["with_errors"] == 0
    ws = load_workbook(wall).active
    assert ws["A2"].value == "15/17 đã gửi, 0 còn lỗi"
    rows = {r[2].value: r for r in ws.iter_rows(min_row=4)}
    assert len(rows) == 17 and rows["Xã Văn Vũ"][3].value == "Chưa gửi"
    assert rows["Xã Văn Lang"][5].value == 2 and rows["Xã Văn Lang"][8].value == "Có"
    export = tmp_path / "xuat.xlsx"
    assert run("export", "--unit", "Na Rì", "--period", "2023", "--format", "xlsx", "-o",
               str(export), "--store", str(store)).exit_code == 0
    assert_valid_ooxml(wall, export)


def test_history_of_a_unit(tmp_path):
    store = tmp_path / "kho.sqlite"
    app.check([LAST_YEAR], store=store)
    run("rollup", str(CLEAN), "--unit", "Huyện Na Rì", "--period", "2023", "-o",
        str(tmp_path / "th.xlsx"), "--store", str(store))
    data = json.loads(run("history", "--unit", "Huyện Na Rì", "--indicator", "hoi_vien",
                          "--json", "--store", str(store)).output)
    kinds = [(e["period"], e["kind"], e["version"]) for e in data["entries"]]
    assert kinds == [("2022", "rollup", 1), ("2023", "form", 1), ("2023", "rollup", 1)]
    last = read_form(LAST_YEAR).submission
    made = read_form(tmp_path / "th.xlsx").submission
    assert data["entries"][0]["values"]["hoi_vien.tong"] == last.value("hoi_vien", "tong")
    assert data["entries"][2]["values"]["hoi_vien.tong"] == made.value("hoi_vien", "tong")
    text = run("history", "--unit", "Na Rì", "--indicator", "hoi_vien", "--store", str(store)).output
    assert "Tổng số hội viên:" in text
    assert f"  2022     {last.value('hoi_vien', 'tong'):,}".replace(",", ".") in text
    bad = run("history", "--unit", "Na Rì", "--indicator", "khong_co", "--store", str(store))
    assert bad.exit_code == 2 and "Không có chỉ tiêu mã 'khong_co'" in bad.output


def test_export_every_value_of_the_children(tmp_path):
    store = tmp_path / "kho.sqlite"
    app.check([CLEAN], store=store)
    wide = run("export", "--unit", "Huyện Na Rì", "--period", "2023", "--store", str(store))
    rows = list(csv.DictReader(io.StringIO(wide.output)))
    assert len(rows) == 17
    van_vu = read_form(CLEAN / "2023_02137_xa-van-vu.xlsx").submission
    row = next(r for r in rows if r["ma_don_vi"] == "02137")
    assert int(row["hoi_vien.xa"]) == van_vu.value("hoi_vien", "xa")
    assert row["ky"] == "2023" and row["lan_gui"] == "1"
    long = run("export", "--unit", "Huyện Na Rì", "--long", "--labels", "--store", str(store))
    long_rows = list(csv.DictReader(io.StringIO(long.output)))
    expected = sum(len(read_form(f).submission.values) for f in CLEAN.glob("2023_02*.xlsx"))
    assert len(long_rows) == expected
    assert {"Tổng số hội viên"} <= {r["chi_tieu"] for r in long_rows}
    out = tmp_path / "xuat.csv"
    assert run("export", "--unit", "Na Rì", "-o", str(out), "--store", str(store)).exit_code == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbfma_don_vi,")  # BOM: Excel reads UTF-8
    edited = load_workbook(CLEAN / "2023_02137_xa-van-vu.xlsx")
    named_cell(edited, "hoi_vien", "xa").value = 999
    edited.save(tmp_path / "lan2.xlsx")
    app.check([tmp_path / "lan2.xlsx"], store=store)
    rows = list(csv.DictReader(io.StringIO(run("export", "--unit", "Na Rì", "--store",
                                               str(store)).output)))
    row = next(r for r in rows if r["ma_don_vi"] == "02137")
    assert (row["hoi_vien.xa"], row["lan_gui"]) == ("999", "2")


def test_reading_commands_without_a_store_or_with_a_bad_deadline(tmp_path):
    missing = tmp_path / "khong-co.sqlite"
    for args in (["status", "--unit", "Na Rì", "--period", "2023"],
                 ["history", "--unit", "Na Rì"], ["export", "--unit", "Na Rì"],
                 ["store", "--verify"]):
        result = run(*args, "--store", str(missing))
        assert result.exit_code == 2, args
        assert result.output.strip() == (
            f"Lỗi: Chưa có kho lịch sử {missing}: kho được tạo khi chạy kh-excel check hoặc "
            "rollup lần đầu. Kiểm tra lại --store hoặc KH_EXCEL_STORE.")
        assert not missing.exists()
    store = tmp_path / "kho.sqlite"
    app.check([CLEAN / "2023_02137_xa-van-vu.xlsx"], store=store)
    result = run("status", "--unit", "Na Rì", "--period", "2023", "--deadline", "20/12/2023",
                 "--store", str(store))
    assert result.exit_code == 2
    assert result.output.strip() == ("Lỗi: Hạn nộp '20/12/2023' không hợp lệ: ghi dạng "
                                     "YYYY-MM-DD (ví dụ 2024-01-10).")
    result = run("--lang", "en", "status", "--unit", "Na Rì", "--period", "2023", "--store",
                 str(store))
    assert result.output.splitlines()[-1] == "1/17 sent, 0 with errors."
