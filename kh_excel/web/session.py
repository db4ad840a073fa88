"""One working session: a unit, a period, the files received, and what was made from them.

Every session has its own folder inside the server's private temporary folder (deleted when
the server stops). Files are known by a number, never by a path from the request.
"""
from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import app
from ..errors import KhError
from .texts import text


@dataclass
class Job:
    """Reading and checking the received files, in a thread; the page polls its progress."""

    state: str = "idle"          # "running", "done", "failed"
    done: int = 0
    total: int = 0
    error: str = ""
    seconds: float = 0.0


@dataclass
class Session:
    id: str
    unit: object                 # kh_excel.units.Unit
    period: str
    children: list               # the child units (for the forms' button)
    folder: Path
    files: dict[int, Path] = field(default_factory=dict)
    refused: list[tuple[str, str, dict]] = field(default_factory=list)
    used: int = 0                # bytes kept
    version: int = 0             # bumped whenever the files change
    job: Job = field(default_factory=Job)
    receipt: object = None       # kh_excel.app.Receipt of the files at ``read_version``
    checked: object = None       # kh_excel.model.CheckReport, when they could not be rolled up
    read_version: int = -1
    read_lang: str = ""
    rollup_path: Path | None = None
    report: object = None        # kh_excel.report.Report
    report_paths: list[Path] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _next_id: int = 0
    _ids: dict[str, int] = field(default_factory=dict)
    _ids_version: int = -1

    @property
    def uploads(self) -> Path:
        return self.folder / "bieu-nhan"

    @property
    def outputs(self) -> Path:
        return self.folder / "ket-qua"

    def add_files(self, paths: list[Path], size: int) -> None:
        with self.lock:
            for path in paths:
                self._next_id += 1
                self.files[self._next_id] = path
            self.used += size
            self.version += 1

    def remove(self, file_id: int | None) -> None:
        """Forget one file (``None``: all of them) and delete it from the session's folder."""
        with self.lock:
            ids = list(self.files) if file_id is None else [file_id]
            for fid in ids:
                path = self.files.pop(fid, None)
                if path is not None:
                    self.used -= path.stat().st_size if path.exists() else 0
                    path.unlink(missing_ok=True)
            if file_id is None:
                self.refused.clear()
            self.version += 1
            if self.job.state != "running":
                self.job = Job()

    def id_of(self, path: str) -> int | None:
        if self._ids_version != self.version:
            self._ids = {str(p): fid for fid, p in self.files.items()}
            self._ids_version = self.version
        return self._ids.get(path)

    def shown(self, path: str | None) -> str:
        """A stored file as the user named it (relative to the session's upload folder)."""
        if not path:
            return ""
        try:
            return str(Path(path).relative_to(self.uploads))
        except ValueError:
            return Path(path).name

    def plain(self, message: str) -> str:
        """A library message with the session's folders taken out of the file names."""
        for folder in (self.uploads, self.outputs, self.folder):
            message = message.replace(str(folder) + "/", "")
        return message

    @property
    def fresh(self) -> bool:
        """The table shows the files as they are now."""
        return self.receipt is not None and self.read_version == self.version

    @property
    def stale(self) -> bool:
        """Files changed since they were last read (or were never read)."""
        return bool(self.files) and self.read_version != self.version

    def start_reading(self, lang: str) -> None:
        """Read and check every file in a thread (unless that is already under way)."""
        with self.lock:
            if self.job.state == "running":
                return
            paths = [str(p) for p in self.files.values()]
            version = self.version
            self.job = Job(state="running", total=len(paths))
        job = self.job
        threading.Thread(target=self._read, args=(job, paths, version, lang), daemon=True,
                         name=f"kh-read-{self.id}").start()

    def _read(self, job: Job, paths: list[str], version: int, lang: str) -> None:
        started = time.perf_counter()

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            result = app.rollup(paths, unit=self.unit.code, period=self.period, lang=lang,
                                progress=progress)
            receipt = app.receive(result)
        except KhError as exc:
            # Nothing to roll up (say every file is for another period): the files are still
            # listed, each with what the check found in it.
            checked = app.check(paths, lang=lang) if paths else None
            with self.lock:
                self.receipt, self.checked, self.read_version = None, checked, version
            job.error, job.state = exc.message(lang), "failed"
            return
        except Exception as exc:  # the server stays up whatever a file holds
            with self.lock:
                self.receipt, self.checked, self.read_version = None, None, version
            job.error = text("unexpected", lang, what=type(exc).__name__)
            job.state = "failed"
            return
        with self.lock:
            self.receipt, self.checked = receipt, None
            self.read_version, self.read_lang = version, lang
            self.rollup_path, self.report, self.report_paths = None, None, []
        job.seconds = time.perf_counter() - started
        job.state = "done"


def new_session_id() -> str:
    return secrets.token_urlsafe(9)
