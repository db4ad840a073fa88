"""The Open XML SDK validator (``../shared/tools/ooxml-check``) for the files we write.

LibreOffice forgives what Excel and Word repair or refuse; this validator does not. The tool
lives beside the repository (CI lays ``shared/`` there) or where ``KH_OOXML_CHECK`` points; the
tests that use it are skipped only when it is absent, and fail instead under CI. It starts Node.js once per call, so pass
every file of a test in one call.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_CANDIDATES = [os.environ.get("KH_OOXML_CHECK", ""), str(ROOT.parent / "shared/tools/ooxml-check")]


def ooxml_tool() -> str | None:
    for candidate in _CANDIDATES:
        if candidate and Path(candidate).is_file() and shutil.which("node"):
            return candidate
    return None


def assert_valid_ooxml(*paths: str | os.PathLike) -> None:
    """Every file passes the validator with 0 schema errors (known-harmless ones aside)."""
    tool = ooxml_tool()
    if tool is None:
        if os.environ.get("CI"):  # CI lays shared/ beside the checkout: a missing tool is a fault
            pytest.fail("ooxml-check (../shared/tools) or Node.js is missing in CI")
        pytest.skip("ooxml-check (shared/tools) or Node.js is not available")
    done = subprocess.run(["bash", tool, *map(str, paths)], capture_output=True, text=True,
                          timeout=600)
    if done.returncode == 2:
        pytest.skip(f"ooxml-check cannot run here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stdout + done.stderr
