"""Writing output files atomically: a temporary file in the same folder, then a rename."""
from __future__ import annotations

import os
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
    import tempfile  # here: its import costs 7 ms on every run, writing or not

    path = check_writable(path, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix + ".tmp",
                                    dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the mode a new file would get, or the
        # mode of the file it replaces, so that colleagues on a shared folder can open it.
        os.chmod(tmp, _mode_of(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
