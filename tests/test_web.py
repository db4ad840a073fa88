"""``kh-excel web`` in a real browser: Debian's Chromium driven by Playwright, on the Na Rì
example. Skipped only where Chromium is absent, and never in CI (CI installs it).

Set ``KH_WEB_SCREENSHOTS=DIR`` to keep the screenshots of each step (the README's come from
there); otherwise they go to the test's temporary folder.
"""
from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NA_RI = ROOT / "examples" / "na-ri-2023"
BROKEN = ROOT / "examples" / "broken"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update"]

if not CHROMIUM.exists():
    if os.environ.get("CI"):
        pytest.fail("CI must install chromium (apt-get install chromium)", pytrace=False)
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from kh_excel.web.server import LocalServer  # noqa: E402

COMMUNES = sorted(p for p in NA_RI.glob("2023_0*.xlsx") if "_066_" not in p.name)
OWN = NA_RI / "2023_066_huyen-na-ri_cap-rieng.xlsx"
VAN_LANG = NA_RI / "2023_02140_xa-van-lang.xlsx"
VAN_LANG_BROKEN = BROKEN / "2023_02140_xa-van-lang_am-va-so-le.xlsx"


@pytest.fixture(scope="module")
def server():
    srv = LocalServer(0, debug=True).start()
    yield srv
    srv.stop()
    assert not srv.root.exists()  # the uploads are gone with the server


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    folder = Path(os.environ.get("KH_WEB_SCREENSHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)

    def shot(page, name: str, height: int = 768) -> Path:
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), clip={"x": 0, "y": 0, "width": 1366, "height": height})
        return path
    return shot


@pytest.fixture
def page(server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True,
                                  locale="vi-VN")
    pg = context.new_page()
    errors = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(server.url)
    yield pg
    context.close()
    # No script error and nothing the content security policy blocked; a page that answers a
    # user's mistake with 400 is logged by the browser too, and is meant.
    assert [e for e in errors if "status of 400" not in e] == []


def open_na_ri(page, *, keyboard: bool = False) -> None:
    """Home: period 2023, find "na ri" among the suggestions, open the session."""
    option = page.locator("#unit-list [role=option]").first
    if keyboard:
        page.locator("#period").focus()       # where the page puts the focus
        page.keyboard.press("End")            # periods run from this year back to 2020
        for _ in range(20):
            if page.locator("#period").input_value() == "2023":
                break
            page.keyboard.press("ArrowUp")
        page.keyboard.press("Tab")            # to the unit
        page.keyboard.type("na ri", delay=20)
        expect(option).to_have_text("Huyện Na Rì (066, Tỉnh Bắc Kạn)")
        page.keyboard.press("Enter")          # takes the highlighted suggestion
        page.keyboard.press("Enter")          # submits the form
    else:
        page.select_option("#period", "2023")
        page.locator("#unit").press_sequentially("na ri", delay=20)
        expect(option).to_have_text("Huyện Na Rì (066, Tỉnh Bắc Kạn)")
        option.click()
        page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Hội Khuyến học huyện Na Rì — 2023")


def upload(page, files: list[Path]) -> float:
    """Choose ``files`` in the page; seconds until the table of units is shown."""
    started = time.perf_counter()
    page.set_input_files("#pick-files", [str(f) for f in files])
    expect(page.locator("#summary")).to_be_visible(timeout=120_000)
    return time.perf_counter() - started


def row(page, name: str):
    return page.locator("#units tbody tr", has=page.locator("th", has_text=re.compile(f"^{name}$")))


def cli_totals(tmp_path: Path, paths: list[Path]) -> dict:
    out = tmp_path / "cli.xlsx"
    done = subprocess.run([sys.executable, "-m", "kh_excel", "rollup", *map(str, paths),
                           "--unit", "Huyện Na Rì", "--period", "2023", "-o", str(out), "--json"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)["totals"]


def test_whole_flow_on_na_ri(page, shots, tmp_path, capsys):
    # 1. Trang chủ, by keyboard.
    page.select_option("#period", "2023")
    page.locator("#unit").press_sequentially("na ri", delay=20)
    expect(page.locator("#unit-list [role=option]").first).to_be_visible()
    shots(page, "web-1-trang-chu", height=300)
    page.goto(page.url)
    open_na_ri(page, keyboard=True)

    # 2. Biểu mẫu: one zip, a form for each of the 17 communes.
    button = page.get_by_role("link", name="Tải biểu mẫu cho 17 xã")
    with page.expect_download() as info:
        button.click()
    forms = tmp_path / "forms.zip"
    info.value.save_as(forms)
    with zipfile.ZipFile(forms) as zf:
        assert sorted(zf.namelist()) == sorted(p.name for p in COMMUNES)

    # 3. Nhận biểu: 17 communes (Văn Lang's broken copy among them) and the district's form.
    sent = [p for p in COMMUNES if p != VAN_LANG] + [VAN_LANG_BROKEN, OWN]
    seconds = upload(page, sent)
    with capsys.disabled():
        print(f"\n[web] 17 + 1 forms: table shown {seconds:.2f} s after they were chosen")
    expect(page.locator("#summary")).to_contain_text("Đã nhận 17/17 xã")
    van_lang = row(page, "Xã Văn Lang")
    expect(van_lang).to_contain_text(VAN_LANG_BROKEN.name)
    expect(van_lang).to_contain_text("Biểu số liệu!D21")
    expect(van_lang).to_contain_text("Ô D21 (Học bổng: số suất) là số âm (-3).")
    expect(row(page, "Xã Văn Vũ")).to_contain_text("Không có vấn đề")
    expect(page.locator("main")).to_contain_text(OWN.name)
    van_lang.scroll_into_view_if_needed()
    shots(page, "web-2-nhan-bieu")

    # The marked-up copy of the broken form: the cell is marked and explained.
    with page.expect_download() as info:
        van_lang.get_by_role("link", name="Tải bản đánh dấu").click()
    copy = tmp_path / info.value.suggested_filename
    info.value.save_as(copy)
    assert copy.name == "2023_02140_xa-van-lang_am-va-so-le_kiem-tra.xlsx"
    from openpyxl import load_workbook
    wb = load_workbook(copy)
    assert wb.sheetnames[0] == "Kết quả kiểm tra"
    assert "là số âm (-3)" in wb["Biểu số liệu"]["D21"].comment.text

    # The commune sends a corrected form: the broken one is removed, the right one dropped.
    van_lang.get_by_role("button", name=re.compile("Bỏ tệp")).click()
    expect(row(page, "Xã Văn Lang")).to_contain_text("Chưa nộp")
    upload(page, [VAN_LANG])
    expect(row(page, "Xã Văn Lang")).to_contain_text("Không có vấn đề")

    # 4. Tổng hợp: 17/17, the totals, and the workbook equal to the CLI's.
    page.get_by_role("link", name="Sang bước Tổng hợp →").click()
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.locator("#completeness")).to_have_text("17/17")
    expect(page.locator("#totals")).to_contain_text("Quỹ vận động được trong kỳ")
    shots(page, "web-3-tong-hop")
    with page.expect_download() as info:
        page.locator("#download-rollup").click()
    assert info.value.suggested_filename == "2023_066_huyen-na-ri_tong-hop.xlsx"
    rolled = tmp_path / info.value.suggested_filename
    info.value.save_as(rolled)
    from kh_excel import app, read_form
    catalogue = app.list_indicators()
    sub = read_form(rolled).submission
    expected = cli_totals(tmp_path, [*COMMUNES, OWN])
    compared = 0
    for code, by_level in expected.items():
        if catalogue[code].derived:
            continue  # ratios are formulas of the totals compared here
        for level, value in by_level.items():
            assert sub.value(code, level) == value, (code, level)
            compared += 1
    assert compared > 50
    fund = page.locator("#totals tr[data-code=quy_van_dong] td.num").last
    assert fund.inner_text().replace(".", "") == str(expected["quy_van_dong"]["tong"])

    # 5. Báo cáo: document details, the preview, the .docx.
    page.get_by_role("link", name="Sang bước Báo cáo →").click()
    page.fill("#so", "05")
    page.fill("#ngay", "18/01/2024")
    page.fill("#nguoi_ky", "Nông Văn A")
    page.fill("#noi_nhan", "Hội Khuyến học tỉnh Bắc Kạn (b/c)\nLưu: VT")
    page.get_by_role("button", name="Lập dự thảo").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Số: 05/BC-HKH")
    expect(preview).to_contain_text("Na Rì, ngày 18 tháng 01 năm 2024")
    expect(preview).to_contain_text("Nông Văn A")
    shots(page, "web-4-bao-cao")
    with page.expect_download() as info:
        page.locator("#download-docx").click()
    assert info.value.suggested_filename == "2023_066_huyen-na-ri_bao-cao.docx"
    docx = tmp_path / "bao-cao.docx"
    info.value.save_as(docx)
    from docx import Document
    document = Document(docx)
    cells = [c for t in document.tables for r in t.rows for c in r.cells]
    text = "\n".join(p.text for p in [*document.paragraphs, *(p for c in cells for p in c.paragraphs)])
    assert "05/BC-HKH" in text and "Nông Văn A" in text and "Lưu: VT" in text

    # The news item, and the English switch.
    page.get_by_label("Tin bài cho cổng thông tin").check()
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator("#download-docx")).to_be_visible()
    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_have_text("4. Report")


def drop(page, files: dict[str, bytes]) -> None:
    """Drop files on the drop zone, as a user dragging them from a file manager."""
    payload = {name: base64.b64encode(data).decode() for name, data in files.items()}
    handle = page.evaluate_handle("""(files) => {
        const dt = new DataTransfer();
        for (const [name, b64] of Object.entries(files)) {
            const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], name));
        }
        return dt;
    }""", payload)
    page.dispatch_event("#drop", "drop", {"dataTransfer": handle})


def test_a_bad_file_among_good_ones(page, server, shots, tmp_path):
    open_na_ri(page)
    good = {p.name: p.read_bytes() for p in COMMUNES[:3]}
    bad = {"ghi-chu.pdf": b"%PDF-1.4 not a form", "2023_02149_hong.xlsx": os.urandom(3000)}
    drop(page, {**good, **bad, "~$2023_02137_xa-van-vu.xlsx": b"lock"})
    expect(page.locator("#summary")).to_be_visible(timeout=60_000)
    expect(page.locator("#summary")).to_contain_text("Đã nhận 3/17 xã")
    # The reason is the command line's, word for word, for the same files.
    for name, data in bad.items():
        (tmp_path / name).write_bytes(data)
    done = subprocess.run([sys.executable, "-m", "kh_excel", "check", *bad], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 3
    reasons = [line.strip().removeprefix("Lỗi").strip() for line in done.stdout.splitlines()
               if line.startswith("  ")]
    assert len(reasons) == 2
    unused = page.locator("ul.unused")
    for reason in reasons:
        expect(unused).to_contain_text(reason)
    expect(page.locator("main")).not_to_contain_text("~$")  # Excel's lock file is skipped
    assert str(server.root) not in page.locator("main").inner_text()  # no server path shown
    page.locator("#unused").scroll_into_view_if_needed()
    shots(page, "web-5-tep-hong")
    page.goto(f"http://127.0.0.1:{server.port}/")  # the server is still there
    expect(page.locator("h1")).to_have_text("Chọn đơn vị và kỳ báo cáo")


def test_a_missing_commune_is_listed_by_name(page):
    open_na_ri(page)
    upload(page, [p for p in COMMUNES if "van-vu" not in p.name] + [OWN])
    expect(page.locator("#summary")).to_contain_text("Đã nhận 16/17 xã")
    expect(page.locator("#missing")).to_have_text("Chưa nộp: 1/17 — Xã Văn Vũ")
    expect(row(page, "Xã Văn Vũ")).to_contain_text("Chưa nộp")
    page.get_by_role("link", name="Sang bước Tổng hợp →").click()
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.locator("#completeness")).to_have_text("16/17")
    expect(page.locator("#ket-qua")).to_contain_text("Chưa nhận biểu của 1/17 đơn vị: Xã Văn Vũ")


def test_a_report_on_figures_with_errors_needs_the_box_ticked(page, server):
    done = subprocess.run([sys.executable, "-m", "kh_excel", "check", str(VAN_LANG_BROKEN),
                           "--json"], capture_output=True, text=True, cwd=ROOT)
    errors = json.loads(done.stdout)["summary"]["loi"]  # the broken commune's, the only ones
    assert errors >= 2
    open_na_ri(page)
    upload(page, [p for p in COMMUNES if p != VAN_LANG] + [VAN_LANG_BROKEN, OWN])
    page.get_by_role("link", name="Sang bước Tổng hợp →").click()
    page.get_by_role("button", name="Tổng hợp").click()
    expect(page.locator("#ket-qua")).to_contain_text("Xã Văn Lang Biểu số liệu!D21")
    page.get_by_role("link", name="Sang bước Báo cáo →").click()
    page.get_by_role("button", name="Lập dự thảo").click()
    error = page.locator(".message.error")
    expect(error).to_contain_text(f"Số liệu tổng hợp còn {errors} lỗi nên chưa lập báo cáo.")
    # The page names its own box, not the library's argument or the command line's flag.
    expect(error).to_contain_text("«Vẫn lập khi số liệu còn lỗi»")
    expect(error).not_to_contain_text("allow")
    assert str(server.root) not in page.locator("main").inner_text()
    page.get_by_label("Vẫn lập khi số liệu còn lỗi").check()
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.locator("#preview")).to_contain_text(f"{errors} lỗi")
    expect(page.locator("#download-docx")).to_be_visible()


def test_a_folder_and_a_zip_are_received(page, tmp_path):
    open_na_ri(page)
    page.set_input_files("#pick-folder", str(NA_RI))  # the folder, as "Chọn thư mục…" gives it
    expect(page.locator("#summary")).to_contain_text("Đã nhận 17/17 xã", timeout=60_000)
    expect(row(page, "Xã Văn Vũ")).to_contain_text("na-ri-2023/2023_02137_xa-van-vu.xlsx")
    page.get_by_role("button", name="Bỏ tất cả tệp đã nhận").click()
    expect(page.locator("#nothing")).to_be_visible()
    archive = tmp_path / "bieu-xa.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in COMMUNES[:5]:
            zf.write(path, f"thang-12/{path.name}")
    upload(page, [archive])
    expect(page.locator("#summary")).to_contain_text("Đã nhận 5/17 xã")
    expect(row(page, "Xã Văn Vũ")).to_contain_text("bieu-xa/thang-12/2023_02137_xa-van-vu.xlsx")


def test_the_session_page_is_usable_by_keyboard(page, shots):
    open_na_ri(page, keyboard=True)
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "document.activeElement.id || document.activeElement.textContent.trim()"))
    for wanted in ("Tải biểu mẫu cho 17 xã", "pick-files", "pick-folder"):
        assert wanted in reached, reached
    # The file inputs are hidden behind their labels: the label shows the focus.
    page.locator("#pick-files").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.querySelector('label[for=pick-files]'))"
                            ".outlineStyle")
    assert outline == "solid"


def test_a_district_searched_in_a_two_tier_period_gets_a_hint(page):
    page.select_option("#period", "2025")
    page.locator("#unit").press_sequentially("na ri", delay=20)
    expect(page.locator("#unit-hint")).to_have_text(
        "Không có huyện, tỉnh nào tên “na ri” trong hệ thống tỉnh – xã (từ 1/7/2025), theo kỳ "
        "2025. Kiểm tra tên, hoặc chọn lại kỳ báo cáo.")
    page.select_option("#period", "2023")  # the suggestions follow the period
    expect(page.locator("#unit-list [role=option]").first).to_have_text(
        "Huyện Na Rì (066, Tỉnh Bắc Kạn)")
    expect(page.locator("#unit-hint")).to_have_text("")


def test_a_unit_that_is_not_found_gets_the_cli_message(page):
    page.select_option("#period", "2023")
    page.fill("#unit", "Na Ri Ri")
    page.click("button[type=submit]")
    expect(page.locator(".message.error")).to_contain_text("Không tìm thấy đơn vị 'Na Ri Ri'")


def _get(port: int, path: str, headers: dict) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    return response.status, response.read().decode()


def test_every_answer_forbids_other_sites_content_and_framing(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", "/")  # even a refusal
    response = conn.getresponse()
    assert response.status == 403
    assert response.getheader("Content-Security-Policy").startswith(
        "default-src 'self'; frame-ancestors 'none'")
    assert response.getheader("X-Content-Type-Options") == "nosniff"


def test_a_foreign_host_header_is_refused(server):
    status, body = _get(server.port, f"/?token={server.token}", {"Host": "evil.example:8765"})
    assert status == 403 and "không phải máy này" in body
    status, _ = _get(server.port, f"/?token={server.token}", {"Host": f"localhost:{server.port}"})
    assert status == 303  # the loopback names are let in, and the token becomes a cookie


def test_a_request_without_the_token_is_refused(server, browser, shots):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    response = page.goto(f"http://127.0.0.1:{server.port}/")
    assert response.status == 403
    expect(page.locator("body")).to_contain_text("thiếu mã truy cập")
    response = page.goto(f"http://127.0.0.1:{server.port}/?token=wrong-{server.token}")
    assert response.status == 403
    context.close()
    status, _ = _get(server.port, "/api/units?q=na+ri&period=2023", {})
    assert status == 403
