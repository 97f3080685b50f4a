"""Writing output files safely: into a temporary file beside the target, then renamed over it.

A target that exists must be a regular file (or a folder, which the callers refuse in their own
words): writing "onto" a FIFO, socket or device (`-o /dev/zero`) is refused before any work is done,
so nothing reads it, waits on it or replaces it. `-o -` means standard output (`is_stdout`).

A symbolic link is written through, as a shell's `>` does: the new file replaces the link's target,
and the link stays. A link that leads to one of this program's own open files (`/dev/stderr`,
`/dev/fd/N`, `/proc/self/fd/N`) is refused, but standard output's names mean `-`; a loop is refused.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from dense1x1quiz.errors import QuizError
from dense1x1quiz.userfiles import LOOP, kind_of, why

# `-o -` is standard output; these names of it are taken to mean the same (never opened, never read).
STDOUT_NAMES = ("-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")
# Names of a file this process has open: writing "to" them would replace what the name leads to.
_FD_NAME = re.compile(r"/dev/(std(in|err)|fd/\d+)|/proc/(self|thread-self|\d+)/fd/\d+")
_FD_WORDS = {"0": "standard input", "2": "standard error", "stdin": "standard input", "stderr": "standard error"}
_MAX_LINKS = 40  # as Linux's own limit on links followed in one lookup


def _link_chain(path: Path | str) -> list[str]:
    """`path` and each name its symbolic links lead to, in turn (the last one is not a link); ends at a
    name of stdout or of an open file of this process, whose link target is no usable path. A chain
    longer than the kernel follows is a loop: QuizError."""
    names = [str(path)]
    while names[-1] not in STDOUT_NAMES and not _FD_NAME.fullmatch(names[-1]) and os.path.islink(names[-1]):
        if len(names) > _MAX_LINKS:
            raise QuizError(f"{path} {LOOP}")
        try:
            target = os.readlink(names[-1])
        except OSError:  # gone since, or unreadable: the stat that follows says what it is
            break
        names.append(os.path.normpath(os.path.join(os.path.dirname(names[-1]), target)))
    return names


def is_stdout(path: Path | str | None) -> bool:
    """Whether an output path means standard output: `-`, `/dev/stdout` written out, or a symbolic
    link that leads to one of those names."""
    return path is not None and (str(path) in STDOUT_NAMES or _link_chain(path)[-1] in STDOUT_NAMES)


def check_output_path(path: Path, hint: str = "") -> Path:
    """Where writing `path` puts the file: `path` with its symbolic links resolved (the link stays, its
    target is replaced). Refuses (saying which, then `hint`) a target that exists and is a FIFO, socket
    or device, one of this process's open files, a link loop, or a path that cannot be looked at (a
    folder on the way the user may not enter): only a regular file is ever replaced. A folder or a
    missing file passes (callers word the folder case)."""
    last = _link_chain(path)[-1]
    found = _FD_NAME.fullmatch(last)
    if found:
        number = last.rsplit("/", 1)[-1]
        what = _FD_WORDS.get(number, f"file descriptor {number}")
        raise QuizError(f"{path} is {what} of this program, not a file; not writing to it{hint}")
    try:
        kind = kind_of(os.stat(path).st_mode)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # nothing there (yet)
        kind = None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise QuizError(f"{path} {LOOP}") from None
        raise WriteError(path, why(exc)) from None
    if kind is not None and kind != "a folder":
        raise QuizError(f"{path} is {kind}, not a file; not writing to it{hint}")
    return Path(os.path.realpath(path))


class WriteError(QuizError):
    """An output file that could not be written; `why` is the cause in words (`the disk is full`)."""

    def __init__(self, path: Path, why: str):
        self.path, self.why = path, why
        super().__init__(f"cannot write {path}: {why}")


def write_atomically(
    path: Path,
    write: Callable[[str], None],
    check: Callable[[str], None] | None = None,
) -> None:
    """`write(tmp)` fills a temporary file; `check(tmp)` may raise to keep it from replacing `path`.

    Either the whole new file is at `path` afterwards, or `path` is untouched; OS errors become QuizErrors.
    A FIFO, socket or device at `path` is refused (it would be replaced by the file, or read from); a
    symbolic link is written through (its target is replaced), as `check_output_path` says.
    """
    target = check_output_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
        try:
            write(tmp)
            os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
            if check is not None:
                check(tmp)
            os.replace(tmp, target)
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


__all__ = [
    "STDOUT_NAMES",
    "WriteError",
    "check_output_path",
    "is_stdout",
    "why",
    "write_atomically",
    "write_text_atomically",
]
