"""Running the local server: 127.0.0.1 only, a fresh token, a private folder removed at exit."""
from __future__ import annotations

import errno
import secrets
import shutil
import socket
import tempfile
import threading
import webbrowser
from pathlib import Path

import uvicorn

from ..errors import UsageError
from .routes import make_app


class LocalServer:
    """One run of ``kh-excel web``: a bound socket, its token and its temporary folder."""

    def __init__(self, port: int = 8765, debug: bool = False) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(("127.0.0.1", port))  # never another interface
        except OSError as exc:
            self.sock.close()
            busy = exc.errno == errno.EADDRINUSE
            why = "đang có chương trình khác dùng" if busy else exc.strerror
            raise UsageError(
                detail=f"Không mở được cổng {port} ({why}): có thể kh-excel web đang chạy ở "
                       "cửa sổ khác. Dùng --port để chọn cổng khác, ví dụ --port 8766.",
                detail_en=f"Cannot open port {port} ({exc.strerror}): kh-excel web may already "
                          "be running. Choose another with --port, e.g. --port 8766.") from None
        self.sock.listen(128)  # from now on a browser waits for the server instead of failing
        self.port = self.sock.getsockname()[1]
        self.token = secrets.token_urlsafe(24)
        self.root = Path(tempfile.mkdtemp(prefix="kh-excel-web-"))  # mode 0700
        self.app = make_app(self.root, token=self.token, port=self.port, debug=debug)
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off",
                                timeout_graceful_shutdown=3)
        self.server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The address to open: it carries the token."""
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def run(self, open_browser: bool = False) -> None:
        """Serve until Ctrl+C; the temporary folder is removed whatever happens."""
        if open_browser:
            threading.Timer(0.5, webbrowser.open, args=(self.url,)).start()
        try:
            self.server.run(sockets=[self.sock])
        except KeyboardInterrupt:
            pass  # uvicorn shuts down on Ctrl+C, then raises it again for the caller
        finally:
            self.close()

    def start(self) -> LocalServer:
        """Serve in a thread (for tests); returns once the server accepts requests."""
        self._thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                        daemon=True)
        self._thread.start()
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the web server did not start")
            threading.Event().wait(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(10)
        self.close()

    def close(self) -> None:
        self.sock.close()
        shutil.rmtree(self.root, ignore_errors=True)
