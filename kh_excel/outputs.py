"""Writing output files atomically: a temporary file in the same folder, then a rename.

Every refusal of the system (read-only or full disk, no permission, a folder where the file
should be, a parent that is a file, a name too long) becomes :class:`CannotWrite`, one line
naming the path and what to do; the temporary file is always removed.
"""
from __future__ import annotations

import errno
import os
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

from .errors import CannotWrite, OutputExists

NAME_MAX = 255  # bytes in one file name, on every file system in use (ext4, NTFS, APFS, FAT)
_TMP_RANDOM = 8  # the characters tempfile adds
# Hard links missing (FAT and exFAT memory sticks, some network shares): the name is reserved
# with O_EXCL instead.
_NO_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK,
             errno.EXDEV, errno.EINVAL}


def check_writable(path: str | os.PathLike, force: bool) -> Path:
    """Refuse an output that cannot be written, before any work: an existing file without
    ``force``, a folder in its place, a parent that is a file, a name too long, a folder
    without write permission or on a read-only disk. Returns the path."""
    path = Path(path)
    _check_name(path)
    try:
        exists = path.exists()
    except OSError as exc:
        raise cannot_write(path, exc) from None
    if exists and path.is_dir():
        raise cannot_write(path, IsADirectoryError(errno.EISDIR, "is a directory"))
    if exists and not force:
        raise OutputExists(path=path)
    folder = _nearest_existing(path.parent)
    if not folder.is_dir():
        raise _parent_is_file(path, folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise cannot_write(path, PermissionError(errno.EACCES, "permission denied"), folder)
    return path


def write_atomic(path: str | os.PathLike, write: Callable[[Path], None], force: bool = False) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` only if it succeeded.

    A failure (or an interrupt) leaves no partial file behind and an existing file untouched.
    Without ``force``, the file must not exist at the moment it appears: of two runs writing the
    same new file, one gets :class:`OutputExists`.
    """
    import tempfile  # here: its import costs 7 ms on every run, writing or not

    path = check_writable(path, force)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_error(path, exc) from None
    prefix, suffix = _tmp_affixes(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        # mkstemp makes the file private (0600); give it the mode a new file would get, or the
        # mode of the file it replaces, so that colleagues on a shared folder can open it.
        os.chmod(tmp, _mode_of(path))
        if force:
            os.replace(tmp, path)
        else:
            _move_new(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise cannot_write(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def saved_bytes(save: Callable[[BinaryIO], object]) -> bytes:
    """What ``save(file)`` writes, made in memory.

    openpyxl and python-docx leave their ``ZipFile`` open when a write fails (a full disk), and
    Python then prints "Exception ignored in ZipFile.__del__"; in memory nothing can fail so,
    and the file is written by :func:`write_atomic` in one call.
    """
    buffer = BytesIO()
    save(buffer)
    return buffer.getvalue()


def _move_new(tmp: Path, path: Path) -> None:
    """Give ``tmp`` the name ``path`` only if no file has it: a check and a rename in one step."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise OutputExists(path=path) from None
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        _reserve_and_replace(tmp, path)
        return
    tmp.unlink()


def _reserve_and_replace(tmp: Path, path: Path) -> None:
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        raise OutputExists(path=path) from None
    try:
        os.replace(tmp, path)
    except BaseException:
        path.unlink(missing_ok=True)  # our empty reservation, nobody else's file
        raise


def _tmp_affixes(path: Path) -> tuple[str, str]:
    """Prefix and suffix of the temporary name, cut so that the whole name fits NAME_MAX."""
    suffix = path.suffix + ".tmp"
    if len(os.fsencode(suffix)) > 32:
        suffix = ".tmp"
    room = NAME_MAX - len(os.fsencode(suffix)) - _TMP_RANDOM - 2  # the dots around the stem
    stem = os.fsencode(path.stem)[:room].decode("utf-8", "ignore")  # never half a letter
    return f".{stem}.", suffix


def _check_name(path: Path) -> None:
    size = len(os.fsencode(path.name))
    if size > NAME_MAX:
        raise CannotWrite(
            path=path,
            detail=f"tên tệp dài {size} byte, quá giới hạn {NAME_MAX} byte của hệ thống tệp. "
                   "Hãy đặt tên ngắn hơn.",
            detail_en=f"the file name is {size} bytes long, over the file system's limit of "
                      f"{NAME_MAX}. Choose a shorter name.")


def _nearest_existing(folder: Path) -> Path:
    """``folder`` or its nearest ancestor that exists (as a folder or as a file)."""
    for candidate in (folder, *folder.parents):
        try:
            if candidate.exists() or candidate.is_symlink():
                return candidate
        except OSError:
            continue
    return Path(".")


def _parent_is_file(path: Path, folder: Path) -> CannotWrite:
    return CannotWrite(path=path,
                       detail=f"{folder} là một tệp, không phải thư mục. Hãy chọn thư mục khác "
                              "hoặc đổi tên tệp đó.",
                       detail_en=f"{folder} is a file, not a folder. Choose another folder or "
                                 "rename that file.")


def _folder_error(path: Path, exc: OSError) -> CannotWrite:
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return _parent_is_file(path, _first_file(path.parent))
    return cannot_write(path, exc)


def _first_file(folder: Path) -> Path:
    for candidate in reversed((folder, *folder.parents)):
        if candidate.is_file():
            return candidate
    return folder


def cannot_write(path: Path, exc: OSError, folder: Path | None = None) -> CannotWrite:
    """The one-line error for an ``OSError`` met while writing ``path``."""
    folder = folder or path.parent
    code = exc.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        vi, en = ("ổ đĩa đã đầy. Hãy giải phóng chỗ trống hoặc ghi sang ổ đĩa khác.",
                  "the disk is full. Free some space or write to another disk.")
    elif code == errno.EROFS or (code in (errno.EACCES, errno.EPERM) and _read_only(folder)):
        vi, en = (f"thư mục {folder} chỉ cho đọc (ổ đĩa hoặc thư mục chỉ đọc). Hãy chọn thư "
                  "mục khác.", f"{folder} is read-only. Choose another folder.")
    elif code in (errno.EACCES, errno.EPERM):
        vi, en = (f"không có quyền ghi vào thư mục {folder}. Hãy chọn thư mục khác hoặc xin "
                  "quyền ghi.", f"no permission to write in {folder}. Choose another folder "
                  "or ask for write permission.")
    elif code == errno.EISDIR:
        vi, en = ("đây là một thư mục, không phải tệp. Hãy ghi cả tên tệp, ví dụ "
                  f"{path / ('ket-qua' + (path.suffix or '.xlsx'))}.",
                  "it is a folder, not a file. Give a file name, e.g. "
                  f"{path / ('result' + (path.suffix or '.xlsx'))}.")
    elif code == errno.ENOTDIR:
        return _parent_is_file(path, _first_file(path.parent))
    elif code == errno.ENAMETOOLONG:
        vi, en = ("tên tệp hoặc đường dẫn quá dài. Hãy đặt tên ngắn hơn hoặc chọn thư mục "
                  "gần gốc hơn.", "the file name or path is too long. Choose a shorter name "
                  "or a folder nearer the root.")
    else:
        reason = exc.strerror or type(exc).__name__
        vi, en = (f"hệ thống báo lỗi \"{reason}\". Hãy chọn tệp hoặc thư mục khác.",
                  f"the system says \"{reason}\". Choose another file or folder.")
    return CannotWrite(path=path, detail=vi, detail_en=en)


def _read_only(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # AttributeError: no statvfs on Windows
        return False


def _mode_of(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
