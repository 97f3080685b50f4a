"""Reading the learner: single keys from a terminal, or one line per step from anything else.

A line is read up to MAX_ANSWER_CHARS characters (`read_line`): the rest of a longer one is read and
dropped in chunks, never held, and `cut` tells the screen to say so (`CUT_NOTICE`).

`KeyInput` puts the terminal in cbreak mode only while it waits for a key (so Ctrl-C still raises
KeyboardInterrupt and output keeps its line endings), reports a resize (SIGWINCH) as the key
"resize" so the screen can be redrawn, and keeps keys typed ahead for the next steps.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from typing import IO

from dense1x1quiz.answers import MAX_ANSWER_CHARS

CUT_NOTICE = f"Your answer was cut to {MAX_ANSWER_CHARS:,} characters."
_DISCARD_CHUNK = 1 << 16


def read_line(stream: IO[str], limit: int = MAX_ANSWER_CHARS) -> tuple[str | None, bool]:
    """The next line of `stream` without its newline (None at end of input), at most `limit`
    characters of it, and whether it was longer (cut). The rest of a long line is read in chunks and
    dropped: a 20 MB line costs no more memory than a short one."""
    text = stream.readline(limit)
    if not text:
        return None, False
    if text.endswith("\n") or len(text) < limit:
        return text.rstrip("\r\n"), False
    cut = False
    while True:  # exactly `limit` characters so far: drop what is left of the line
        rest = stream.readline(_DISCARD_CHUNK)
        cut = cut or bool(rest.rstrip("\r\n"))
        if not rest or rest.endswith("\n"):
            return text.rstrip("\r"), cut


def cap_line(text: str, limit: int = MAX_ANSWER_CHARS) -> tuple[str, bool]:
    """`text` cut to `limit` characters, and whether it was cut (a terminal's line, already read)."""
    return text[:limit], len(text) > limit


class LineInput:
    """One line per step from a stream that is not a terminal; `cut` tells whether the last line
    was longer than MAX_ANSWER_CHARS (and so cut)."""

    interactive = False

    def __init__(self, stream: IO[str]):
        self.stream = stream
        self.cut = False

    def line(self) -> str | None:
        """The next line without its newline (at most MAX_ANSWER_CHARS of it), or None at end of input."""
        text, self.cut = read_line(self.stream)
        return text


class KeyInput:
    """Single keys from a terminal (cbreak mode: Ctrl-C still interrupts), lines for typed answers."""

    interactive = True

    def __init__(self, fd: int):
        self.fd = fd
        self.resized = False
        self._pending = ""
        self.cut = False  # the last line was longer than MAX_ANSWER_CHARS

    def __enter__(self) -> KeyInput:
        if hasattr(signal, "SIGWINCH"):
            self._old_winch = signal.signal(signal.SIGWINCH, self._on_resize)
        return self

    def __exit__(self, *exc: object) -> None:
        if hasattr(signal, "SIGWINCH"):
            signal.signal(signal.SIGWINCH, self._old_winch or signal.SIG_DFL)

    def _on_resize(self, signum: int, frame: object) -> None:
        self.resized = True

    def key(self) -> str | None:
        """One key as typed; `"resize"` when the terminal changed size; None on Ctrl-D."""
        import termios
        import tty

        if self._pending:
            key, self._pending = self._pending[0], self._pending[1:]
            return key
        old = termios.tcgetattr(self.fd)
        try:
            tty.setcbreak(self.fd, termios.TCSANOW)
            while True:
                if self.resized:
                    self.resized = False
                    return "resize"
                try:
                    ready, _, _ = select.select([self.fd], [], [], 0.2)
                except InterruptedError:  # pragma: no cover - PEP 475 retries, but be safe
                    continue
                if not ready:
                    continue
                data = os.read(self.fd, 64)
                if not data or data.startswith(b"\x04"):
                    return None
                if data.startswith(b"\x1b"):  # an escape sequence (arrow keys …) is one key we ignore
                    return "\x1b"
                text = data.decode("utf-8", "replace")
                self._pending = text[1:]  # keys typed ahead are kept for the next steps
                return text[0]
        finally:
            termios.tcsetattr(self.fd, termios.TCSANOW, old)

    def line(self) -> str | None:
        """A line typed with the terminal's own editing (at most MAX_ANSWER_CHARS of it), or None on Ctrl-D."""
        text = self._line()
        if text is not None:
            text, self.cut = cap_line(text)
        return text

    def _line(self) -> str | None:
        pending, self._pending = self._pending, ""
        if "\r" in pending or "\n" in pending:  # a whole line was typed ahead
            line, _, self._pending = pending.replace("\r", "\n").partition("\n")
            return line
        # Not GNU readline: a signal that arrives while readline waits can be left unhandled until the
        # next key (the session then neither stops nor says so; seen with SIGHUP and Ctrl-C under
        # load). The terminal's own line editing (Backspace, Ctrl-U, Ctrl-W) is what a typed answer gets.
        try:
            if pending:  # keys typed ahead before the line began: show them, keep them
                sys.stdout.write(pending)
                sys.stdout.flush()
            return pending + input()
        except EOFError:
            return None


__all__ = ["CUT_NOTICE", "KeyInput", "LineInput", "cap_line", "read_line"]
