"""Reading files a user names, or that sit in a user folder, without hanging or eating memory.

A path on the command line (or a `*.yaml` in the user deck folder) may be anything: a folder, a named
pipe that nobody writes to (opening it would wait forever), a terminal, `/dev/zero` (endless). So:
the path is looked at first (`os.stat`) and refused unless it is a regular file, with a message
saying what it is; it is opened with O_NONBLOCK | O_NOCTTY, so a FIFO swapped in after the look
cannot block the open and a terminal never becomes ours; the open file is looked at again (`fstat`:
what was opened, not what the name pointed to before); and at most `limit` bytes are read.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from dense1x1quiz.errors import QuizError

MAX_FILE_BYTES = 16 * 1024 * 1024  # the cap on a deck file (deck.MAX_BYTES) and on any file read whole


class UserFileError(QuizError):
    """A file the user named that cannot be read; `reason` says why, without the path
    (`is a named pipe (FIFO), not a file`), so a deck problem can quote it as `path:1:1: reason`."""

    def __init__(self, path: str | Path, reason: str):
        self.path, self.reason = str(path), reason
        super().__init__(f"{path} {reason}")


def kind_of(mode: int) -> str | None:
    """What a file of this `st_mode` is, in words (`a named pipe (FIFO)`); None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "a special file"  # pragma: no cover - doors, whiteouts …


def why(exc: OSError) -> str:
    """An OS error in words, the one mapping for every file and stream the program writes or reads:
    `the disk is full` for ENOSPC (and a quota exceeded), else its strerror (`Permission denied`)."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    return exc.strerror or str(exc)


LOOP = "is a symbolic link that leads nowhere (a loop)"


def look(path: str | Path) -> os.stat_result | None:
    """What is at `path` (`os.stat`, following symbolic links); None when nothing is there. A path
    that cannot be looked at (a folder on the way the user may not enter, a symlink loop) raises
    UserFileError naming the path and the reason, never a bare OSError."""
    try:
        return os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except ValueError:  # a NUL byte: no file can have that name
        return None
    except OSError as exc:
        raise UserFileError(path, LOOP if exc.errno == errno.ELOOP else f"cannot be read: {why(exc)}") from None


def size_text(limit: int) -> str:
    """`16 MiB`, or `100 bytes` for a small cap."""
    return f"{limit // 2**20} MiB" if limit >= 2**20 else f"{limit} bytes"


def _refuse_unless_regular(path: str | Path, mode: int, what: str) -> None:
    kind = kind_of(mode)
    if kind is not None:
        raise UserFileError(path, f"is {kind}, not {what}")


def open_user_file(path: str | Path, what: str = "a file") -> BinaryIO:
    """`path` opened for reading in binary, after checking it is a regular file (before and after
    opening); raises UserFileError saying what it is otherwise, or why it cannot be opened.
    `what` names what was expected in messages (`a deck file`)."""
    try:
        _refuse_unless_regular(path, os.stat(path).st_mode, what)
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise UserFileError(path, LOOP if exc.errno == errno.ELOOP else f"cannot be read: {why(exc)}") from None
    try:
        _refuse_unless_regular(path, os.fstat(fd).st_mode, what)  # what was opened, not what was looked at
        os.set_blocking(fd, True)  # a regular file: reads need no O_NONBLOCK (and must not get EAGAIN)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb")


def read_user_file(path: str | Path, limit: int = MAX_FILE_BYTES, what: str = "a file") -> bytes:
    """The bytes of the regular file at `path`, at most `limit` of them: a bigger file is refused
    (UserFileError `is larger than a file may be (16 MiB)`) without reading it whole."""
    with open_user_file(path, what) as f:
        try:
            if os.fstat(f.fileno()).st_size > limit:
                data = b""
                too_big = True
            else:
                data = f.read(limit + 1)  # the file may have grown since fstat
                too_big = len(data) > limit
        except OSError as exc:
            raise UserFileError(path, f"cannot be read: {why(exc)}") from None
    if too_big:
        raise UserFileError(path, f"is larger than {what} may be ({size_text(limit)})")
    return data


def is_regular_file(path: str | Path) -> bool:
    """Whether `path` names a regular file (following symlinks), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


__all__ = [
    "LOOP",
    "MAX_FILE_BYTES",
    "UserFileError",
    "is_regular_file",
    "kind_of",
    "look",
    "open_user_file",
    "read_user_file",
    "size_text",
    "why",
]
