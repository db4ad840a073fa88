"""``kh-excel web`` as a user starts and stops it: the address printed, Ctrl+C, a busy port."""
from __future__ import annotations

import glob
import os
import http.client
import re
import signal
import subprocess
import sys
import tempfile

import pytest

pytest.importorskip("uvicorn")


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kh_excel", "web", "--no-browser", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_the_address_is_printed_and_ctrl_c_stops_and_deletes_the_uploads():
    before = set(glob.glob(f"{tempfile.gettempdir()}/kh-excel-web-*"))
    proc = _start("--port", "0")
    try:
        first = proc.stdout.readline()
        assert proc.stdout.readline().strip() == ("Mở địa chỉ này trong trình duyệt (chỉ trên máy "
                                                  "này). Nhấn Ctrl+C để dừng.")
        m = re.fullmatch(r"kh-excel web đang chạy tại http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)\n",
                         first)
        assert m, first
        port, token = int(m.group(1)), m.group(2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/?token={token}")
        assert conn.getresponse().status == 303
        folders = set(glob.glob(f"{tempfile.gettempdir()}/kh-excel-web-*")) - before
        assert len(folders) == 1
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "Đã dừng; các tệp đã tải lên đã được xoá." and err == ""
    assert not any(os.path.exists(f) for f in folders)


def test_a_busy_port_is_a_usage_error_that_says_what_to_do():
    proc = _start("--port", "0")
    try:
        port = re.search(r":(\d+)/", proc.stdout.readline()).group(1)
        done = subprocess.run([sys.executable, "-m", "kh_excel", "web", "--no-browser", "--port",
                               port], capture_output=True, text=True, timeout=30)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)
    assert done.returncode == 2
    assert done.stderr == (f"Lỗi: Không mở được cổng {port} (đang có chương trình khác dùng): có "
                           "thể kh-excel web đang chạy ở cửa sổ khác. Dùng --port để chọn cổng "
                           "khác, ví dụ --port 8766.\n")


def test_without_the_web_extra_the_command_says_what_to_install(monkeypatch):
    from click.testing import CliRunner

    from kh_excel.cli.main import cli

    for name in [m for m in sys.modules if m.startswith(("kh_excel.web", "starlette"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "starlette", None)  # as if it were not installed
    result = CliRunner().invoke(cli, ["web", "--no-browser"])
    assert result.exit_code == 2
    assert result.output == ("Lỗi: Thiếu gói starlette cho trang web. Cài bằng: pip install "
                             "'kh-excel[web]'\n")
