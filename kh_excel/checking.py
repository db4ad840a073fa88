"""Checking filled forms: find the files, read each one, run the rulebook, collect findings."""
from __future__ import annotations

import gc
import os
import signal
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import FormUnreadable, KhError, UnknownTemplate, UsageError
from .model import CheckReport, FileResult, Finding, Severity
from .reading import read_form
from .reading.reader import ANNOTATED_MARK
from .rules import check_submission, load_rulebook

FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Files in a folder of forms that a unit may have sent instead of its form: each is listed as
# skipped. Anything else (the tool's own notes, thumbnails, …) is passed over silently.
NOTED_SUFFIXES = frozenset({
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".csv", ".xlsb", ".xlt", ".xltx", ".xltm",
    ".numbers", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png", ".heic",
})
# Below this many files a process pool costs more than it saves; a worker gets at least
# FILES_PER_WORKER files, so that a many-core machine does not start a process per file.
PARALLEL_THRESHOLD = 64
FILES_PER_WORKER = 16


def collect_files(paths: Iterable[str | os.PathLike],
                  exclude: Iterable[str | os.PathLike] = (),
                  skipped: list[tuple[Path, str]] | None = None) -> list[Path]:
    """The form files named or found (recursively) in the folders named, sorted, once each.

    Excel's lock files (``~$name.xlsx``), hidden files and anything inside the ``exclude``
    folders (where annotated copies are written) are left out silently; other documents a
    unit may have sent instead of its form (PDF, Word, CSV, archives, photos, …) are added to
    ``skipped`` with the reason, so that a commune is never shown as "chưa nộp" without a word.
    """
    skip = [Path(e).resolve() for e in exclude]
    found: dict[Path, None] = {}
    for p in map(Path, paths):
        if p.is_dir():
            for sub in sorted(p.rglob("*")):
                if sub.name.startswith(("~$", ".")) or sub.is_dir() \
                        or any(sub.resolve().is_relative_to(e) for e in skip):
                    continue
                suffix = sub.suffix.lower()
                if suffix in FORM_SUFFIXES and sub.is_file():
                    found.setdefault(sub, None)
                elif skipped is not None and (suffix in NOTED_SUFFIXES or suffix in FORM_SUFFIXES):
                    skipped.append((sub, _why_skipped(sub)))
        elif p.exists():
            found.setdefault(p, None)
        else:
            raise UsageError(detail=f"Không có tệp hoặc thư mục '{p}'. Hãy kiểm tra lại đường dẫn.",
                             detail_en=f"No such file or folder: '{p}'.")
    return list(found)


def _why_skipped(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in FORM_SUFFIXES:
        return "không phải tệp thông thường (thiết bị, ống dẫn hoặc socket)"
    if suffix in (".xlsb", ".xlt", ".xltx", ".xltm", ".numbers", ".csv"):
        return (f"dạng {suffix} không đọc được; hãy mở tệp trong Excel và lưu thành .xlsx")
    return f"không phải tệp biểu mẫu Excel ({suffix})"


def skipped_result(path: Path, reason: str, lang: str) -> FileResult:
    """A file left out of the check on purpose, with a note saying why."""
    vi = f"Đã bỏ qua tệp {path}: {reason}."
    en = f"Skipped {path}: " + ("not a regular file" if "thông thường" in reason else
                                "an annotated copy made by kh-excel" if "kh-excel" in reason
                                else "not an Excel form") + "."
    return FileResult(str(path), None, [Finding("bo_qua_tep", Severity.THONG_TIN,
                                                en if lang == "en" else vi, file=str(path))],
                      skipped=True)


def unreadable_finding(path: Path, exc: KhError, lang: str) -> Finding:
    rule = "mau_khong_ro" if isinstance(exc, UnknownTemplate) else "tep_khong_doc_duoc"
    return Finding(rule, Severity.LOI, exc.message(lang), file=str(path))


def check_file(path: str | os.PathLike, rules: str | None = None, lang: str = "vi",
               in_folder: bool = False) -> FileResult:
    """Read one file and run the rulebook on it; an unusable file becomes one error finding.

    ``in_folder``: the file was found in a folder, not named; an annotated copy made by
    kh-excel is then skipped with a note (named, it is checked like any form)."""
    path = Path(path)
    try:
        result = read_form(path, lang=lang)
    except (FormUnreadable, UnknownTemplate) as exc:
        return FileResult(str(path), None, [unreadable_finding(path, exc, lang)])
    except Exception as exc:  # a file no check foresaw must not stop the other files
        detail = f"{type(exc).__name__}: {exc}"[:200]
        error = FormUnreadable(
            path=path, detail=f"lỗi không lường trước khi đọc tệp ({detail}). Hãy mở tệp trong "
            "Excel, lưu lại và gửi lại; nếu vẫn lỗi, xin gửi tệp cho người phát triển kh-excel.",
            detail_en=f"unexpected error while reading ({detail}).")
        return FileResult(str(path), None, [unreadable_finding(path, error, lang)])
    if in_folder and result.submission.meta.get(ANNOTATED_MARK[0]) == ANNOTATED_MARK[1]:
        return skipped_result(path, "đây là bản sao có đánh dấu lỗi do kh-excel tạo (--annotate), "
                                    "không phải biểu mẫu của đơn vị", lang)
    result.findings.extend(check_submission(result.submission, load_rulebook(rules), lang=lang))
    return result


def _check_one(args: tuple[str, str | None, str, bool]) -> FileResult:
    return check_file(*args)


def check_paths(paths: Iterable[str | os.PathLike], rules: str | None = None, lang: str = "vi",
                jobs: int | None = None,
                progress: Callable[[int, int], None] | None = None,
                exclude: Iterable[str | os.PathLike] = ()) -> CheckReport:
    """Check every form in ``paths`` (files or folders); spread over the cores for many files."""
    paths = list(paths)
    skipped: list[tuple[Path, str]] = []
    files = collect_files(paths, exclude, skipped)
    load_rulebook(rules)  # validate the rulebook once, before any file: a bad one stops here
    report = CheckReport()
    named = {Path(p) for p in paths}
    work = [(str(f), rules, lang, f not in named) for f in files]

    def add(result: FileResult) -> None:
        report.files.append(result)
        if progress:
            progress(len(report.files), len(files))

    workers = min(jobs or available_cores(), len(files) // FILES_PER_WORKER)
    with _cycle_collector_paused():
        if workers > 1 and len(files) >= PARALLEL_THRESHOLD:
            _check_in_pool(work, workers, add)
        for item in work[len(report.files):]:  # all of them, or what a broken pool left
            add(_check_one(item))
    report.files.extend(skipped_result(path, why, lang) for path, why in skipped)
    return report


def _check_in_pool(work: list[tuple[str, str | None, str, bool]], workers: int,
                   add: Callable[[FileResult], None]) -> None:
    """Check ``work`` in ``workers`` processes, in order; if the system refuses a pool, the
    files not yet done are left to the caller.

    A worker that dies (a crash in a parser, the memory limit) costs only the file it was
    reading: the files in flight are read again one at a time in a single worker, which finds
    the file that kills it; that file is reported unreadable and the others go on in parallel.
    """
    # The first file is read here, before the workers start: it compiles the rulebook for the
    # kind of form and fills the caches of the template's parts, which forked workers then
    # inherit instead of each doing it again.
    add(_check_one(work[0]))
    # Imported here: 20 ms that a check of a few files does not need.
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    rest = work[1:]
    chunk = max(1, len(rest) // (workers * 8))
    # What exists now is never garbage for the workers: frozen, their collector skips it and
    # does not copy the pages it lives on (they re-enable the collector for their own objects).
    gc.freeze()
    try:
        parallel = True
        while rest:
            # In parallel, every file; after a worker died, the files it may have been reading
            # (what the pool had taken from its queue), one at a time in a single worker.
            window = rest if parallel else rest[:(workers + 2) * chunk]
            done = 0
            pool = None
            try:
                with _ctrl_c_deferred():  # taken once the workers run (they leave it to us)
                    pool = ProcessPoolExecutor(max_workers=workers if parallel else 1,
                                               initializer=_worker_start,
                                               initargs=(_memory_limit(),))
                    # map keeps the order of the files, whichever worker finishes first
                    results = pool.map(_check_one, window, chunksize=chunk if parallel else 1)
                for result in results:
                    add(result)
                    done += 1
            except BrokenProcessPool:
                if not parallel:  # one worker reading one file at a time: this file killed it
                    add(_died(window[done]))
                    done += 1
            except KeyboardInterrupt:
                if pool is not None:
                    pool.shutdown(cancel_futures=True)  # Ctrl-C: stop now, not after every file
                raise
            finally:
                if pool is not None:
                    pool.shutdown()
            rest = rest[done:]
            parallel = not parallel if parallel and rest else True
    except OSError:
        pass
    finally:
        gc.unfreeze()


def _died(item: tuple[str, str | None, str, bool]) -> FileResult:
    """The result of a file whose reading killed the process reading it."""
    path, _rules, lang, _in_folder = item
    error = FormUnreadable(
        path=path, detail="chương trình đọc tệp bị dừng đột ngột khi đọc tệp này (tệp có thể bị "
        "hỏng hoặc quá lớn). Hãy mở tệp trong Excel, lưu lại và gửi lại; nếu vẫn lỗi, xin gửi tệp "
        "cho người phát triển kh-excel.",
        detail_en="the process reading this file died (the file may be corrupt or too large).")
    return FileResult(path, None, [unreadable_finding(Path(path), error, lang)])


# A reading worker may use this much more memory than the main process when the pool starts:
# a file that would take more makes the worker fail at once (and is reported unreadable)
# rather than the machine swap.
WORKER_EXTRA_MEMORY = 1 << 30


def _memory_limit() -> int | None:
    """The address-space limit for the workers, from the main process's size now (Linux)."""
    try:
        with open("/proc/self/statm") as f:
            pages = int(f.read().split()[0])
        return pages * os.sysconf("SC_PAGE_SIZE") + WORKER_EXTRA_MEMORY
    except (OSError, ValueError, IndexError):
        return None


def _worker_start(limit: int | None) -> None:
    # Ctrl-C reaches the terminal's whole process group: the main process stops the pool and
    # says "Đã dừng" once; a worker ignores it (no traceback from each worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    gc.enable()
    if limit is None:
        return
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass


@contextmanager
def _ctrl_c_deferred() -> Iterator[None]:
    """Ctrl-C held back while the workers start (a forked worker inherits it held back until
    it ignores it); one that came meanwhile is raised on leaving."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: workers are spawned, not forked
        yield
        return
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Reading makes no reference cycles, but its results pile up (tens of objects per form,
    kept to the end): the cycle collector would traverse them again and again, 10–15% of the
    reading time. Everything is still freed by reference counting meanwhile."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def available_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the
    machine has)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


def unreadable_count(report: CheckReport) -> int:
    return sum(1 for r in report.files if r.submission is None and not r.skipped)
