"""Timing the page on a national upload: 3,321 commune forms dropped on "Việt Nam", 2025.

Opt-in (it needs the forms and a minute): ``KH_WEB_SCALE=DIR`` names a folder of forms made by
``bench/bench_scale.py`` (``make_forms(3321, DIR)``) or ``kh-excel template --children-of``.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

FORMS = os.environ.get("KH_WEB_SCALE")
pytestmark = pytest.mark.skipif(not FORMS, reason="set KH_WEB_SCALE=DIR to time a national upload")


def test_time_from_choosing_every_commune_form_to_the_table(capsys):
    from playwright.sync_api import expect, sync_playwright

    from kh_excel.web.server import LocalServer
    from test_web import ARGS, CHROMIUM, upload

    files = sorted(Path(FORMS).glob("*.xlsx"))
    server = LocalServer(0).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(server.url)
            page.select_option("#period", "2025")
            page.locator("#unit").press_sequentially("viet nam", delay=20)
            page.locator("#unit-list [role=option]").first.click()
            page.click("button[type=submit]")
            seconds = upload(page, files)
            expect(page.locator("#summary")).to_contain_text("Đã nhận 34/34 tỉnh")
            with capsys.disabled():
                print(f"\n[web] {len(files)} forms: table shown {seconds:.1f} s after they were "
                      f"chosen")
            browser.close()
    finally:
        server.stop()
