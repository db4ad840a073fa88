"""The history store itself: creation, recording once, versions and what changed, integrity
(corrupt, truncated, newer, migrated, two writers, failed runs), verify and backup."""
from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from kh_excel import app
from kh_excel.cli.main import cli
from kh_excel.errors import StoreUnreadable
from kh_excel.store import open_store
from kh_excel.store import schema
from kh_excel.store.connection import APPLICATION_ID
from tests.formfiles import XA_VALUES, commune_spec, filled, named_cell, sha

ROOT = Path(__file__).resolve().parents[1]
CLEAN = ROOT / "examples" / "na-ri-2023"


def run(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_store_is_created_on_first_use_and_its_path_said_once(tmp_path):
    store = tmp_path / "sub" / "kho.sqlite"
    first = run("check", str(CLEAN / "2023_02137_xa-van-vu.xlsx"), "--store", str(store))
    assert first.exit_code == 0
    assert f"Đã tạo kho lịch sử: {store} (bỏ qua kho bằng --no-store)" in first.output
    second = run("check", str(CLEAN / "2023_02140_xa-van-lang.xlsx"), "--store", str(store))
    assert "Đã tạo kho lịch sử" not in second.output
    assert count(store, "files") == 2


def test_no_store_touches_nothing(tmp_path):
    store = tmp_path / "kho.sqlite"
    result = run("check", str(CLEAN), "--store", str(store), "--no-store")
    assert result.exit_code == 2  # both is a usage error
    result = run("check", str(CLEAN), "--no-store")
    assert result.exit_code == 0 and not store.exists()


def test_what_is_recorded_of_a_form(tmp_path):
    store = tmp_path / "kho.sqlite"
    path = CLEAN / "2023_02137_xa-van-vu.xlsx"
    app.check([path], store=store)
    wb = load_workbook(path)
    with sqlite3.connect(store) as conn:
        f = conn.execute("SELECT path, sha256, size FROM files").fetchone()
        s = conn.execute("SELECT kind, unit_code, unit_name, tier, period, scheme, version, "
                         "supersedes, nguoi_lap FROM submissions").fetchone()
        value, cell = conn.execute(
            "SELECT v.value, v.cell FROM vals v JOIN indicator_codes c ON c.id = v.indicator_id "
            "WHERE c.code = 'hoi_vien' AND v.level = 'xa'").fetchone()
    assert f == (str(path), sha(path), path.stat().st_size)
    assert s == ("form", "02137", "Xã Văn Vũ", "xa", "2023", "legacy-3tier", 1, None,
                 wb["Thông tin chung"]["B9"].value)
    hv = named_cell(wb, "hoi_vien", "xa")
    assert (value, cell) == (hv.value, hv.coordinate)


def test_the_same_file_is_recorded_once_even_under_another_name(tmp_path):
    store = tmp_path / "kho.sqlite"
    copy = shutil.copy(CLEAN / "2023_02137_xa-van-vu.xlsx", tmp_path / "ban-sao.xlsx")
    app.check([CLEAN / "2023_02137_xa-van-vu.xlsx"], store=store)
    again = app.check([copy], store=store)
    assert count(store, "files") == 1 and count(store, "submissions") == 1
    assert again.findings == []


def test_a_resubmission_is_a_new_version_and_says_what_changed(tmp_path, units):
    store = tmp_path / "kho.sqlite"
    first = filled(tmp_path / "lan1", commune_spec(units), XA_VALUES, name="van-vu.xlsx")
    changed = dict(XA_VALUES)
    changed[("hoi_vien", "xa")] = 1003
    changed[("hoi_vien_moi", "xa")] = 40
    second = filled(tmp_path / "lan2", commune_spec(units), changed, name="van-vu-sua.xlsx")
    wb = load_workbook(second)
    d_hv = named_cell(wb, "hoi_vien", "xa").coordinate
    d_new = named_cell(wb, "hoi_vien_moi", "xa").coordinate
    assert app.check([first], store=store).findings == []
    report = app.check([second], store=store)
    notes = [f for f in report.findings if f.rule == "gui_lai"]
    assert [f.message for f in notes] == [
        f"Xã Văn Vũ gửi lại (lần 2): 2 ô thay đổi so với lần trước — {d_hv}: 820 → 1.003; "
        f"{d_new}: 31 → 40"]
    assert notes[0].severity.value == "thong_tin"
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT id, version, supersedes FROM submissions ORDER BY id").fetchall()
    assert rows == [(1, 1, None), (2, 2, 1)]
    # The CLI shows it under the file, and a third check of the same file says nothing more.
    result = run("check", str(second), "--store", str(store))
    assert "gửi lại" not in result.output


def test_a_failed_run_records_nothing(tmp_path, monkeypatch):
    store = tmp_path / "kho.sqlite"
    from kh_excel.store import record
    calls = []
    real = record._value_rows

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("mất điện")
        return real(*args, **kwargs)
    monkeypatch.setattr(record, "_value_rows", failing)
    with pytest.raises(RuntimeError):
        app.check([CLEAN], store=store)
    assert count(store, "files") == 0 and count(store, "submissions") == 0 and len(calls) == 3


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other-db"])
def test_a_damaged_store_exits_3_and_is_left_as_it_was(tmp_path, damage):
    store = tmp_path / "kho.sqlite"
    app.check([CLEAN], store=store)
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = store.read_bytes()
    if damage == "garbage":
        store.write_bytes(b"\x00garbage header" + data[16:])
    elif damage == "truncated":
        store.write_bytes(data[: len(data) // 2])
    elif damage == "empty":
        store.write_bytes(b"")
    else:
        store.unlink()
        with sqlite3.connect(store) as conn:
            conn.execute("CREATE TABLE ke_toan(so INTEGER)")
    before = store.read_bytes()
    result = run("check", str(CLEAN / "2023_02137_xa-van-vu.xlsx"), "--store", str(store))
    assert result.exit_code == 3
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Lỗi: Kho lịch sử {store} không dùng được: ")
    assert "không bị tạo lại" in line and "--no-store" in line
    assert "Traceback" not in result.output
    assert store.read_bytes() == before


def test_a_store_from_a_newer_kh_excel_is_refused(tmp_path):
    store = tmp_path / "kho.sqlite"
    open_store(store).close()
    with sqlite3.connect(store) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(StoreUnreadable) as err:
        open_store(store)
    assert "kho do kh-excel mới hơn tạo (lược đồ phiên bản 99" in err.value.message()
    result = run("status", "--unit", "Na Rì", "--period", "2023", "--store", str(store))
    assert result.exit_code == 3
    with sqlite3.connect(store) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 99


def test_a_store_of_the_first_schema_is_migrated_forward(tmp_path):
    store = tmp_path / "kho.sqlite"
    with sqlite3.connect(store) as conn:  # what the first kh-excel with a store wrote
        conn.executescript(schema.SCHEMA_1)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        conn.execute("INSERT INTO files(sha256, path, size, mtime, first_seen) "
                     "VALUES ('ab', '/x.xlsx', 10, '2023-01-01', '2023-12-15T08:00:00+00:00')")
        conn.execute("INSERT INTO submissions(file_id, kind, unit_code, unit_name, parent_code, "
                     "tier, period, scheme, template_version, version, received) VALUES "
                     "(1, 'form', '02137', 'Xã Văn Vũ', '066', 'xa', '2022', 'legacy-3tier', "
                     "'1', 1, '2023-12-15T08:00:00+00:00')")
        conn.executemany("INSERT INTO indicator_codes(id, code) VALUES (?, ?)",
                         [(1, "hoi_vien"), (2, "ty_le_hoi_vien")])
        conn.executemany("INSERT INTO vals VALUES (1, ?, 'xa', ?, ?)",
                         [(1, 800, "D8"), (2, "25.5", "D10")])
    with open_store(store) as db:
        assert db.conn.execute("PRAGMA user_version").fetchone()[0] == schema.VERSION == 3
        assert db.conn.execute("SELECT path, last_seen FROM files").fetchall() == [
            ("/x.xlsx", "2023-12-15T08:00:00+00:00")]
        packed = db.conn.execute("SELECT packed FROM submissions").fetchone()[0]
    assert json.loads(packed) == {"1.xa": 800, "2.xa": "25.5"}  # indicator ids 1 and 2
    app.check([CLEAN / "2023_02137_xa-van-vu.xlsx"], store=store)
    assert count(store, "files") == 2
    history = app.history(unit="Xã Văn Vũ", store=store)
    assert [(e.period, e.values.get(("hoi_vien", "xa"))) for e in history.entries][0] == \
        ("2022", 800)


WRITER = textwrap.dedent("""
    import sys, time
    from kh_excel.store import open_store
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        with open_store(path) as db, db.transaction() as conn:
            conn.execute("INSERT INTO files(sha256, path, size, mtime, first_seen) "
                         "VALUES (?, ?, 0, '', '')", (f"{tag}{i}", f"{tag}{i}"))
            time.sleep(0.01)  # hold the write lock while the other process wants it
    print("ok")
""")


def test_two_processes_writing_at_once(tmp_path):
    store = tmp_path / "kho.sqlite"
    open_store(store).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(store), tag, "40"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for tag in ("a", "b")]
    # And two real check runs against the same store at the same time.
    checks = [subprocess.Popen([sys.executable, "-m", "kh_excel", "check", str(folder),
                                "--store", str(store)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
              for folder in (CLEAN, ROOT / "examples" / "thai-nguyen-2025")]
    for p in procs + checks:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        assert "locked" not in err and "Traceback" not in err
    assert count(store, "files") == 80 + 18 + 7
    assert count(store, "submissions") == 18 + 7


def test_two_processes_creating_the_store_at_once(tmp_path):
    store = tmp_path / "neu" / "kho.sqlite"
    checks = [subprocess.Popen([sys.executable, "-m", "kh_excel", "check", str(folder),
                                "--store", str(store)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
              for folder in (CLEAN, ROOT / "examples" / "thai-nguyen-2025")]
    for p in checks:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    assert count(store, "submissions") == 18 + 7


def test_verify_and_backup(tmp_path):
    store = tmp_path / "kho.sqlite"
    folder = tmp_path / "nop"
    shutil.copytree(CLEAN, folder)
    app.check([folder], store=store)
    result = run("store", "--verify", "--store", str(store))
    assert result.exit_code == 0
    assert result.output.startswith(f"{store}: cơ sở dữ liệu tốt; 18 tệp, 18 biểu, 0 lần tổng hợp.")
    (folder / "2023_02137_xa-van-vu.xlsx").unlink()
    with open(folder / "2023_02140_xa-van-lang.xlsx", "ab") as f:
        f.write(b"x")
    result = run("store", "--verify", "--store", str(store))
    assert result.exit_code == 1
    assert f"  Không còn tệp: {folder / '2023_02137_xa-van-vu.xlsx'}" in result.output
    assert f"  Tệp đã bị sửa sau khi ghi nhận: {folder / '2023_02140_xa-van-lang.xlsx'}" in \
        result.output
    copy = tmp_path / "sao-luu" / "kho.sqlite"
    result = run("store", "--backup", str(copy), "--store", str(store))
    assert result.exit_code == 0 and f"Đã sao lưu kho vào {copy}" in result.output
    assert count(copy, "submissions") == 18
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert run("store", "--backup", str(copy), "--store", str(store)).exit_code == 2


def test_a_rollup_whose_recording_fails_leaves_the_store_as_it_was(tmp_path, monkeypatch):
    store = tmp_path / "kho.sqlite"
    app.check([CLEAN / "2023_02137_xa-van-vu.xlsx"], store=store)
    from kh_excel.store import rollups

    def broken(*args, **kwargs):  # after every file of the run has been inserted
        raise RuntimeError("mất điện")
    monkeypatch.setattr(rollups, "rollup_submission", broken)
    result = app.rollup([CLEAN], unit="Huyện Na Rì", period="2023", store=store)
    with pytest.raises(RuntimeError):
        app.write_rollup(result, tmp_path / "th.xlsx", store=store)
    assert count(store, "files") == 1 and count(store, "vals") == 40
    assert count(store, "rollups") == 0


def test_a_store_that_cannot_be_created_says_where_and_why(tmp_path):
    blocker = tmp_path / "tep.txt"
    blocker.write_text("không phải thư mục")
    store = blocker / "kho.sqlite"
    result = run("check", str(CLEAN / "2023_02137_xa-van-vu.xlsx"), "--store", str(store))
    assert result.exit_code == 3 and "Traceback" not in result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith(f"Lỗi: Không tạo hoặc ghi được kho lịch sử {store}: ")
    assert line.endswith("Chọn chỗ khác bằng --store (hoặc biến môi trường KH_EXCEL_STORE), "
                         "hoặc chạy với --no-store.")
    assert blocker.read_text() == "không phải thư mục"


def test_two_new_files_for_one_unit_in_one_run_are_versions_by_age(tmp_path, units):
    import os
    store = tmp_path / "kho.sqlite"
    older = filled(tmp_path / "nop", commune_spec(units), XA_VALUES, name="a-cu.xlsx")
    changed = dict(XA_VALUES)
    changed[("so_chi_hoi", "xa")] = 15
    newer = filled(tmp_path / "nop", commune_spec(units), changed, name="b-moi.xlsx")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_600_000_000, 1_600_000_000))  # "b-moi" is in fact the older file
    report = app.check([tmp_path / "nop"], store=store)
    notes = [f for f in report.findings if f.rule == "gui_lai"]
    assert len(notes) == 1 and notes[0].file == str(older)
    assert notes[0].message.startswith("Xã Văn Vũ gửi lại (lần 2): 1 ô thay đổi so với lần "
                                       "trước — ") and notes[0].message.endswith(": 15 → 14")
    with sqlite3.connect(store) as conn:
        rows = dict(conn.execute("SELECT f.path, s.version FROM submissions s JOIN files f "
                                 "ON f.id = s.file_id"))
    assert rows == {str(newer): 1, str(older): 2}


def test_files_that_are_not_forms_are_not_recorded(tmp_path):
    store = tmp_path / "kho.sqlite"
    folder = tmp_path / "nop"
    folder.mkdir()
    shutil.copy(CLEAN / "2023_02137_xa-van-vu.xlsx", folder)
    (folder / "cong-van.pdf").write_bytes(b"%PDF-1.4 not a form")
    report = app.check([folder], store=store)
    assert any(r.skipped for r in report.files)
    with sqlite3.connect(store) as conn:
        assert [p for (p,) in conn.execute("SELECT path FROM files")] == [
            str(folder / "2023_02137_xa-van-vu.xlsx")]
