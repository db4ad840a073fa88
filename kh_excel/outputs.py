"""Writing output files atomically: a temporary file in the same folder, then a rename."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from .errors import OutputExists


def check_writable(path: str | os.PathLike, force: bool) -> Path:
    """Refuse an existing output file unless ``force``; return the path."""
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(path=path)
    return path


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None], force: bool = False) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` only if it succeeded.

    A failure (or an interrupt) leaves no partial file behind and an existing file untouched.
    """
    path = check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
