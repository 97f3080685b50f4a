"""Writing output files safely: into a temporary file beside the target, then renamed over it.

A target that exists must be a regular file (or a folder, which the callers refuse in their own
words): writing "onto" a FIFO, socket or device (`-o /dev/zero`) is refused before any work is done,
so nothing reads it, waits on it or replaces it. `-o -` means standard output (`is_stdout`).
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from dense1x1quiz.errors import QuizError
from dense1x1quiz.userfiles import kind_of

# `-o -` is standard output; these names of it are taken to mean the same (never opened, never read).
STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")


def is_stdout(path: Path | str | None) -> bool:
    """Whether an output path means standard output: `-` (or `/dev/stdout` written out)."""
    return path is not None and str(path) in STDOUT_NAMES


def check_output_path(path: Path, hint: str = "") -> None:
    """Refuse a target that exists and is a FIFO, socket or device (saying which, then `hint`): only
    a regular file is ever replaced. A folder or a missing file passes (callers word the folder case)."""
    try:
        kind = kind_of(os.stat(path).st_mode)
    except (OSError, ValueError):  # nothing there (or unreachable: writing will say why)
        return
    if kind is not None and kind != "a folder":
        raise QuizError(f"{path} is {kind}, not a file; not writing to it{hint}")


class WriteError(QuizError):
    """An output file that could not be written; `why` is the cause in words (`the disk is full`)."""

    def __init__(self, path: Path, why: str):
        self.path, self.why = path, why
        super().__init__(f"cannot write {path}: {why}")


def why(exc: OSError) -> str:
    """An OS error in words: `the disk is full` for ENOSPC (and a quota exceeded), else its strerror."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return "the disk is full"
    return exc.strerror or str(exc)


def write_atomically(path: Path, write: Callable[[str], None], check: Callable[[str], None] | None = None,
                     ) -> None:
    """`write(tmp)` fills a temporary file; `check(tmp)` may raise to keep it from replacing `path`.

    Either the whole new file is at `path` afterwards, or `path` is untouched; OS errors become QuizErrors.
    A FIFO, socket or device at `path` is refused (it would be replaced by the file, or read from).
    """
    check_output_path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        os.close(fd)
        try:
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
            if check is not None:
                check(tmp)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    except OSError as exc:
        raise WriteError(path, why(exc)) from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomically(path: Path, text: str, check: Callable[[str], None] | None = None) -> None:
    """`text` as UTF-8 with \\n line ends at `path`, written atomically."""

    def write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)

    write_atomically(path, write, check)


__all__ = ["STDOUT_NAMES", "WriteError", "check_output_path", "is_stdout", "why", "write_atomically",
           "write_text_atomically"]
