"""LibreOffice headless as the real spreadsheet application: re-save or convert workbooks.

Each call runs ``soffice`` with a private user profile that recalculates every formula on load
(otherwise LibreOffice keeps the cached values it finds, or none), in batches: one ``soffice``
call silently stops after about 250 files and still exits 0, so every output is checked.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path

from .errors import LibreOfficeFailed

BATCH_SIZE = 200
FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "xlsm": "xlsm:Calc MS Excel 2007 VBA XML",
           "xls": "xls:MS Excel 97", "pdf": "pdf:calc_pdf_Export", "ods": "ods:calc8"}
# Seconds per soffice call: start-up plus a generous time per file.
TIMEOUT_BASE, TIMEOUT_PER_FILE = 120.0, 2.0

# 0 = "always recalculate" when loading OOXML (xlsx) and ODF files.
RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """The LibreOffice executable on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_available() -> bool:
    return soffice_path() is not None


def make_profile(directory: str | os.PathLike) -> Path:
    """Write a LibreOffice user profile that always recalculates into ``directory``."""
    directory = Path(directory).resolve()
    (directory / "user").mkdir(parents=True, exist_ok=True)
    (directory / "user" / "registrymodifications.xcu").write_text(RECALC_PROFILE, "utf-8")
    return directory


@contextmanager
def _profile(directory: str | os.PathLike | None):
    if directory is not None:
        yield make_profile(directory)
        return
    with tempfile.TemporaryDirectory(prefix="kh-excel-lo-") as tmp:
        yield make_profile(tmp)


def convert(files: Iterable[str | os.PathLike], out_dir: str | os.PathLike, fmt: str = "xlsx",
            profile: str | os.PathLike | None = None, timeout: float | None = None) -> list[Path]:
    """Open each file in LibreOffice and save it as ``fmt`` in ``out_dir``; outputs in order.

    ``profile``: a directory to keep the LibreOffice profile in (default: a temporary one).
    ``timeout``: seconds per batch of at most :data:`BATCH_SIZE` files.
    Raises :class:`LibreOfficeFailed` unless every output was written.
    """
    soffice = soffice_path()
    if soffice is None:
        raise LibreOfficeFailed(detail="không tìm thấy chương trình soffice (cài LibreOffice).",
                                detail_en="the soffice program is not installed (install "
                                          "LibreOffice).")
    if fmt not in FILTERS:
        raise ValueError(f"unknown format {fmt!r}; use one of {sorted(FILTERS)}")
    files = [Path(f).resolve() for f in files]
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    outputs = [out_dir / f"{f.stem}.{fmt}" for f in files]
    for src in files:
        if not src.is_file():
            raise FileNotFoundError(src)
    if len(set(outputs)) != len(outputs):
        raise ValueError("two input files have the same name: their outputs would collide")
    if set(outputs) & set(files):
        raise ValueError("out_dir must not hold the input files: they would be overwritten")
    with _profile(profile) as prof:
        for start in range(0, len(files), BATCH_SIZE):
            batch = files[start:start + BATCH_SIZE]
            expected = outputs[start:start + BATCH_SIZE]
            for out in expected:
                out.unlink(missing_ok=True)
            limit = timeout or TIMEOUT_BASE + TIMEOUT_PER_FILE * len(batch)
            stderr = _run([soffice, f"-env:UserInstallation={prof.as_uri()}", "--headless",
                           "--norestore", "--nolockcheck", "--convert-to", FILTERS[fmt],
                           "--outdir", str(out_dir), *map(str, batch)], limit)
            missing = [src.name for src, out in zip(batch, expected) if not out.is_file()]
            if missing:
                more = f" (và {len(missing) - 3} tệp khác)" if len(missing) > 3 else ""
                raise LibreOfficeFailed(
                    detail=f"không tạo được {', '.join(missing[:3])}{more}. {stderr}".strip(),
                    detail_en=f"no output for {', '.join(missing[:3])}. {stderr}".strip())
    return outputs


def resave_xlsx(files: Iterable[str | os.PathLike], out_dir: str | os.PathLike,
                **kwargs) -> list[Path]:
    """Re-save workbooks through LibreOffice, as a user's spreadsheet application would."""
    return convert(files, out_dir, "xlsx", **kwargs)


def to_pdf(files: Iterable[str | os.PathLike], out_dir: str | os.PathLike,
           **kwargs) -> list[Path]:
    """Print workbooks (or documents) to PDF."""
    return convert(files, out_dir, "pdf", **kwargs)


def _run(args: list[str], timeout: float) -> str:
    """Run soffice in its own process group; return the last line of its error output."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise LibreOfficeFailed(detail=f"LibreOffice chạy quá {timeout:.0f} giây và đã bị dừng.",
                                detail_en=f"LibreOffice ran over {timeout:.0f} s and was "
                                          "stopped.") from None
    lines = err.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else ""
