"""The local server's defences, without a browser: names from the browser never become paths,
upload limits, zip archives, cross-site posts, and a server that survives bad requests."""
from __future__ import annotations

import http.client
import io
import json
import re
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("starlette")

from kh_excel.web import uploads  # noqa: E402
from kh_excel.web.server import LocalServer  # noqa: E402
from kh_excel.web.uploads import place, safe_parts  # noqa: E402

FORM = Path(__file__).resolve().parents[1] / "examples/na-ri-2023/2023_02137_xa-van-vu.xlsx"


@pytest.mark.parametrize("name, parts", [
    ("../../etc/passwd", ["etc", "passwd"]),
    ("/etc/passwd", ["etc", "passwd"]),
    ("C:\\Users\\x\\bieu.xlsx", ["C_", "Users", "x", "bieu.xlsx"]),
    ("bieu-xa/../..\\..//a.xlsx", ["bieu-xa", "a.xlsx"]),
    ("a\x00b\nc.xlsx", ["a_b_c.xlsx"]),
    ("Xã Văn Vũ.xlsx", ["Xã Văn Vũ.xlsx"]),
])
def test_a_browser_name_is_cut_into_plain_components(name, parts):
    assert safe_parts(name) == parts


def test_a_stored_file_stays_in_the_folder_and_never_replaces_another(tmp_path):
    first = place(tmp_path, "../x.xlsx")
    first.write_bytes(b"1")
    second = place(tmp_path, "x.xlsx")
    assert first == tmp_path / "x.xlsx" and second == tmp_path / "x (2).xlsx"
    assert place(tmp_path, "~$x.xlsx") is None and place(tmp_path, ".hidden") is None
    assert place(tmp_path, "__MACOSX/._x.xlsx") is None


@pytest.fixture(scope="module")
def server():
    srv = LocalServer(0).start()
    yield srv
    srv.stop()


def request(srv, method, path, body=b"", headers=None, token=True):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    headers = dict(headers or {})
    if token:
        headers["Cookie"] = f"kh_token_{srv.port}={srv.token}"
    headers.setdefault("Origin", f"http://127.0.0.1:{srv.port}")
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    return response.status, dict(response.getheaders()), response.read()


def open_session(srv) -> str:
    status, headers, _ = request(srv, "POST", "/w", b"unit=066&period=2023",
                                 {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 303
    return headers["location"]


def multipart(files: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = "----khtest"
    out = io.BytesIO()
    for name, data in files.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="f"; '
                  f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode())
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def upload(srv, where, files):
    body, kind = multipart(files)
    status, _, data = request(srv, "POST", where + "/upload", body,
                              {"Content-Type": kind, "Accept": "application/json"})
    return status, json.loads(data)


def stored(srv, where) -> list[str]:
    sid = where.rsplit("/", 1)[1]
    folder = srv.root / sid / "bieu-nhan"
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_file_over_the_limit_is_refused_and_the_others_kept(server, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE", 100_000)
    where = open_session(server)
    status, answer = upload(server, where, {"big.xlsx": b"x" * 100_001, "a.xlsx": FORM.read_bytes()})
    assert status == 200 and answer["stored"] == 1
    assert answer["refused"] == ["big.xlsx: tệp lớn hơn 0 MB, không nhận. Biểu mẫu chỉ vài "
                                 "chục KB: hãy kiểm tra lại tệp."]
    assert stored(server, where) == ["a.xlsx"]


def test_a_request_over_the_limit_is_refused_whole(server, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_REQUEST", 50_000)
    where = open_session(server)
    status, answer = upload(server, where, {"a.xlsx": FORM.read_bytes(), "b.xlsx": b"y" * 60_000})
    assert status == 413 and "một lần gửi lớn hơn" in answer["error"]
    assert stored(server, where) == []


def test_a_zip_is_unpacked_inside_the_session(server):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("../../escape.xlsx", FORM.read_bytes())
        zf.writestr("xa/2023_02137_xa-van-vu.xlsx", FORM.read_bytes())
        zf.writestr("__MACOSX/xa/._2023_02137_xa-van-vu.xlsx", b"resource fork")
    where = open_session(server)
    status, answer = upload(server, where, {"bieu.zip": buffer.getvalue()})
    assert status == 200 and answer == {"stored": 2, "refused": []}
    assert stored(server, where) == ["bieu/escape.xlsx", "bieu/xa/2023_02137_xa-van-vu.xlsx"]


def test_a_zip_that_unpacks_too_large_is_refused(server, monkeypatch):
    monkeypatch.setattr(uploads, "MAX_FILE", 200_000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.xlsx", b"\0" * 1_000_000)  # 1 MB of zeros packs into 1 KB
    where = open_session(server)
    status, answer = upload(server, where, {"bomb.zip": buffer.getvalue()})
    assert status == 200 and answer["stored"] == 0
    assert answer["refused"][0].startswith("bomb.zip: tệp nén chứa tệp lớn hơn")
    assert stored(server, where) == []


def test_a_broken_request_leaves_the_server_running(server):
    where = open_session(server)
    body, kind = multipart({"a.xlsx": FORM.read_bytes()})
    status, _, answer = request(server, "POST", where + "/upload", body[:5000],  # cut off
                                {"Content-Type": kind, "Accept": "application/json"})
    assert status == 400 and "bị ngắt giữa chừng" in json.loads(answer)["error"]
    assert stored(server, where) == []  # no half file is kept
    status, _, answer = request(server, "POST", where + "/upload", b"plain",
                                {"Content-Type": "text/plain", "Accept": "application/json"})
    assert status == 400 and "không chứa tệp" in json.loads(answer)["error"]
    status, _, _ = request(server, "GET", "/")
    assert status == 200


def test_another_site_cannot_post_even_with_the_cookie(server):
    status, _, body = request(server, "POST", "/w", b"unit=066&period=2023",
                              {"Content-Type": "application/x-www-form-urlencoded",
                               "Origin": "http://evil.example"})
    assert status == 403 and "thiếu mã truy cập" in body.decode()


def test_an_unknown_session_or_file_is_a_page_not_a_path(server):
    status, _, body = request(server, "GET", "/w/nope")
    assert status == 404 and "Không có trang này" in body.decode()
    where = open_session(server)
    status, _, _ = request(server, "GET", where + "/tra-lai/99")
    assert status == 404
    status, _, _ = request(server, "GET", where + "/bao-cao.docx")
    assert status == 404
    status, _, _ = request(server, "GET", "/static/../routes.py")
    assert status == 404


def test_the_server_says_where_it_is_and_binds_loopback_only():
    srv = LocalServer(0)
    try:
        assert srv.sock.getsockname()[0] == "127.0.0.1"
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32}", srv.url)
        assert srv.root.stat().st_mode & 0o777 == 0o700
    finally:
        srv.close()
    assert not srv.root.exists()


def test_the_report_preview_escapes_what_it_shows():
    from kh_excel.web.preview import markdown_html, report_html

    html = str(markdown_html("Hội <script>alert(1)</script> **đậm** *nghiêng*\n- một\n| a | b |"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<strong>đậm</strong>" in html and "<em>nghiêng</em>" in html
    assert "<li>một</li>" in html and "<td>" not in html and "<th>a</th>" in html
    page = str(report_html("TRÊN\n**HỘI**\n\n**QUỐC HIỆU**\n\n# BÁO CÁO\nThân.\n\n"
                           "**Nơi nhận:**\n- Lưu: VT.\n\n**CHỦ TỊCH**\n\n## Phụ lục\n| x |"))
    assert page.index("HỘI") < page.index("QUỐC HIỆU") < page.index("BÁO CÁO")
    assert page.count('class="frame') == 2 and "<li>Lưu: VT.</li>" in page


def test_a_form_of_another_period_is_listed_with_the_roll_up_reason(server):
    other = FORM.parents[1] / "thai-nguyen-2025" / "2025_02143_xa-van-lang.xlsx"
    where = open_session(server)
    assert upload(server, where, {other.name: other.read_bytes(), FORM.name: FORM.read_bytes()}
                  )[0] == 200
    assert request(server, "POST", where + "/read", headers={"Accept": "application/json"})[0] == 200
    for _ in range(600):
        job = json.loads(request(server, "GET", where + "/progress")[2])
        if job["state"] != "running":
            break
        time.sleep(0.05)
    assert job["state"] == "done" and job["done"] == job["total"] == 2
    page = request(server, "GET", where)[2].decode()
    unused = page[page.index('id="unused"'):]
    assert other.name in unused
    assert "là biểu kỳ 2025, không phải kỳ 2023. Không tổng hợp tệp này." in unused
    assert "Đã nhận 1/17 xã" in page and "Chưa nộp: 16/17" in page


def test_text_typed_in_a_form_is_shown_as_text_not_markup(server, tmp_path):
    from formfiles import with_cells

    hostile = with_cells(FORM, tmp_path / FORM.name,
                         {("hoi_vien", "xa"): "<img src=x onerror=alert(1)>"})
    where = open_session(server)
    upload(server, where, {hostile.name: hostile.read_bytes()})
    request(server, "POST", where + "/read", headers={"Accept": "application/json"})
    for _ in range(600):
        if json.loads(request(server, "GET", where + "/progress")[2])["state"] != "running":
            break
        time.sleep(0.05)
    page = request(server, "GET", where)[2].decode()
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img" not in page


def test_files_that_cannot_be_rolled_up_are_still_listed(server, monkeypatch):
    from kh_excel import app
    from kh_excel.errors import UsageError

    def refuse(*args, **kwargs):
        raise UsageError(detail="Không có biểu nào dùng được.", detail_en="No usable form.")

    monkeypatch.setattr(app, "rollup", refuse)
    where = open_session(server)
    upload(server, where, {"ghi-chu.pdf": b"%PDF-1.4", FORM.name: FORM.read_bytes()})
    request(server, "POST", where + "/read", headers={"Accept": "application/json"})
    for _ in range(600):
        job = json.loads(request(server, "GET", where + "/progress")[2])
        if job["state"] != "running":
            break
        time.sleep(0.05)
    assert job == {"state": "failed", "done": 0, "total": 2,
                   "error": "Không có biểu nào dùng được."}
    page = request(server, "GET", where)[2].decode()
    listed = page[page.index('id="checked"'):]
    assert "Không có biểu nào dùng được." in page
    assert "Không đọc được tệp ghi-chu.pdf: đây là tệp PDF" in listed and FORM.name in listed
    assert "data-busy" not in page  # read once, not again and again


def test_unit_suggestions_ignore_accents_and_offer_only_units_that_roll_up():
    from kh_excel import app

    def labels(text, period):
        return [label for _unit, label in app.suggest_units(text, period=period)]

    assert labels("na ri", "2023") == ["Huyện Na Rì (066, Tỉnh Bắc Kạn)"]
    assert labels("BAC KAN", "2023")[:2] == ["Tỉnh Bắc Kạn (06)",
                                             "Thành phố Bắc Kạn (058, Tỉnh Bắc Kạn)"]
    assert labels("na ri", "2025") == []  # Xã Na Rì (2025) is a commune: nothing to roll up
    assert labels("thai nguyen", "2025")[0] == "Tỉnh Thái Nguyên (19)"
    assert labels("viet nam", "2025") == ["Việt Nam (VN)"]
    assert labels("  ", "2023") == []


def test_the_period_offered_first_is_the_report_being_written():
    from datetime import date

    from kh_excel.web.routes import default_period, periods

    assert default_period(date(2024, 1, 10)) == "2023"
    assert default_period(date(2024, 7, 1)) == "2024-H1"
    assert default_period(date(2024, 12, 1)) == "2024"
    assert periods(date(2024, 5, 1))[:3] == ["2024", "2024-H1", "2023"]


def test_a_province_rolled_up_from_commune_forms_lists_them_under_their_district(server):
    where = request(server, "POST", "/w", b"unit=06&period=2023",
                    {"Content-Type": "application/x-www-form-urlencoded"})[1]["location"]
    files = {p.name: p.read_bytes() for p in sorted(FORM.parent.glob("*.xlsx"))}
    assert upload(server, where, files)[1]["stored"] == 18
    request(server, "POST", where + "/read", headers={"Accept": "application/json"})
    for _ in range(600):
        if json.loads(request(server, "GET", where + "/progress")[2])["state"] != "running":
            break
        time.sleep(0.05)
    page = request(server, "GET", where)[2].decode()
    na_ri = page[page.index('data-unit="066"'):]
    na_ri = na_ri[:na_ri.index("</tr>")]
    assert "17/17 đơn vị trực thuộc" in na_ri and na_ri.count('class="file"') == 18
    pac_nam = page[page.index('data-unit="061"'):]
    assert "Chưa nộp" in pac_nam[:pac_nam.index("</tr>")]
    assert "None" not in page
    assert "Đã nhận 1/8 huyện" in page


def test_the_same_form_sent_twice_is_kept_twice_and_shown_as_two_files(server):
    where = open_session(server)
    for _ in range(2):
        assert upload(server, where, {FORM.name: FORM.read_bytes()})[1]["stored"] == 1
    other = FORM.with_name("2023_02140_xa-van-lang.xlsx")
    upload(server, where, {other.name: other.read_bytes()})
    request(server, "POST", where + "/read", headers={"Accept": "application/json"})
    for _ in range(600):
        if json.loads(request(server, "GET", where + "/progress")[2])["state"] != "running":
            break
        time.sleep(0.05)
    page = request(server, "GET", where)[2].decode()
    van_vu = page[page.index('data-unit="02137"'):]
    van_vu = van_vu[:van_vu.index("</tr>")]
    assert "Trùng tệp" in van_vu and "Xã Văn Vũ có 2 tệp: " in van_vu
    message = van_vu[van_vu.index("Xã Văn Vũ có 2 tệp: "):]
    message = message[:message.index(". ")]
    assert sorted(message.removeprefix("Xã Văn Vũ có 2 tệp: ").split(", ")) == [
        "2023_02137_xa-van-vu (2).xlsx", "2023_02137_xa-van-vu.xlsx"]
