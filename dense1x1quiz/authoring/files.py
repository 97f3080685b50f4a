"""Writing output files safely: into a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from dense1x1quiz.errors import QuizError


def write_atomically(path: Path, write: Callable[[str], None], check: Callable[[str], None] | None = None,
                     ) -> None:
    """`write(tmp)` fills a temporary file; `check(tmp)` may raise to keep it from replacing `path`.

    Either the whole new file is at `path` afterwards, or `path` is untouched; OS errors become QuizErrors.
    """
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
        raise QuizError(f"cannot write {path}: {exc.strerror or exc}") from None


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


__all__ = ["write_atomically", "write_text_atomically"]
