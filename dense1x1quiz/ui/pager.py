"""Long output on a terminal: through the user's pager, and a spinner while slow work runs.

`page(text)` hands text that is taller than the terminal to `$PAGER` (run by the shell, as git and
man do), else `less`; `LESS=-R` is set when unset so rich's colours stay colours. A pager that
cannot start or is not found (exit 127) leaves the text printed as it is. Ctrl-C while the pager
runs is the pager's (as pydoc does): it is not an interruption of the program.

`working(text)` shows a transient spinner on stderr when the block takes longer than `DELAY`, on a
terminal only (stdout and stderr both): never in a pipe, a file or under --json.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

DELAY = 0.5  # seconds of work before the spinner shows: quicker work shows none


def page(text: str) -> None:
    """`text` through `$PAGER` (or `less`); printed on stdout when no pager can run it."""
    command = os.environ.get("PAGER") or "less"
    env = dict(os.environ)
    env.setdefault("LESS", "-R")
    sys.stdout.flush()
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)  # noqa: S602 - the user's $PAGER
    except OSError:
        _write(text)
        return
    assert pager.stdin is not None
    # Ctrl-C while the pager runs is the pager's (less stops a search with it): this process ignores it,
    # so a study session does not take it as "quit" afterwards. Set after the pager started, which keeps its own.
    previous = _ignore_sigint()
    try:
        try:
            with pager.stdin as pipe:
                pipe.write(text.encode("utf-8", "replace"))
        except (BrokenPipeError, KeyboardInterrupt):  # the pager quit early, or Ctrl-C while writing to it
            pass
        while True:
            try:
                status = pager.wait()
                break
            except KeyboardInterrupt:  # the pager has the terminal: leaving it running would break it
                continue
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if status == 127:  # the shell found no such command
        _write(text)


def _ignore_sigint() -> Any:
    """Ignore SIGINT (in the main thread only, where signals can be set); the handler it had, else None."""
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGINT, signal.SIG_IGN)


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


@contextmanager
def working(text: str) -> Iterator[None]:
    """A transient spinner with `text` on stderr while the block runs, from `DELAY` seconds on, when
    stdout and stderr are terminals."""
    try:
        shown = sys.stdout.isatty() and sys.stderr.isatty()
    except (AttributeError, ValueError):
        shown = False
    if not shown:
        yield
        return
    from rich.status import Status
    from rich.text import Text

    from dense1x1quiz.ui.console import make_console

    status = Status(Text(text), console=make_console(stderr=True))
    lock = threading.Lock()
    done = False

    def start() -> None:
        with lock:
            if not done:
                status.start()

    timer = threading.Timer(DELAY, start)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            done = True
            timer.cancel()
            status.stop()  # transient: the line is erased (a status never started stops quietly)


__all__ = ["DELAY", "page", "working"]
