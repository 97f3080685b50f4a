"""Reading the learner: single keys from a terminal, or one line per step from anything else.

A line is read up to MAX_ANSWER_CHARS characters (`read_line`): the rest of a longer one is read and
dropped in chunks, never held, and `cut` tells the screen to say so (`CUT_NOTICE`).

`KeyInput` puts the terminal in cbreak mode only while it waits for a key (so Ctrl-C still raises
KeyboardInterrupt and output keeps its line endings), reports a resize (SIGWINCH) as the key
"resize" so the screen can be redrawn, and keeps keys typed ahead for the next steps. Escape
sequences (arrows, Home, Delete, …) become one named key each (`KeyDecoder`); a typed answer is
edited with them (ui/line_editor.py). When the session ends, keys typed and not read are discarded
(`discard_typed_ahead`): they would otherwise reach the shell as a command.
"""

from __future__ import annotations

import os
import select
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


# Escape sequences as terminals send them (CSI `ESC [ params final`, SS3 `ESC O final`), by name.
_CSI_FINAL = {"A": "up", "B": "down", "C": "right", "D": "left", "H": "home", "F": "end"}
_CSI_TILDE = {
    **{"1": "home", "7": "home", "4": "end", "8": "end", "3": "delete"},
    **{"2": "insert", "5": "page-up", "6": "page-down"},
}
_WORD_MOVES = {"right": "word-right", "left": "word-left"}  # with Ctrl or Alt held
_PASTE_END = "\x1b[201~"
_LONGEST_SEQUENCE = 32  # longer without a final byte: not a key, dropped


def _csi_key(params: str, final: str) -> str:
    """The name of the key a CSI sequence stands for ("unknown" for one we do not use)."""
    fields = params.split(";")
    if final == "~":
        return _CSI_TILDE.get(fields[0], "unknown")
    name = _CSI_FINAL.get(final, "unknown")
    if len(fields) > 1 and fields[1] in ("3", "5") and name in _WORD_MOVES:  # Alt or Ctrl + an arrow
        return _WORD_MOVES[name]
    return name


class KeyDecoder:
    """Bytes from a terminal → keys: a character, or a name for an escape sequence ("left", "home",
    "delete", "alt-b", "escape", "unknown", …). A sequence split across reads is completed by the next
    `feed`; `finish` ends one that no more bytes came for (a lone Esc). Bracketed paste (ESC [200~ …
    ESC [201~) arrives as its characters, line breaks as spaces, so a pasted line never submits."""

    def __init__(self) -> None:
        import codecs

        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._rest = ""  # an unfinished escape sequence
        self.pasting = False

    @property
    def unfinished(self) -> bool:
        """An escape sequence has begun and not ended: wait a moment for the rest."""
        return bool(self._rest)

    def feed(self, data: bytes) -> list[str]:
        """The keys in `data` (with what was left over from the previous feed)."""
        text = self._rest + self._utf8.decode(data)
        self._rest = ""
        keys: list[str] = []
        i = 0
        while i < len(text):
            if self.pasting:
                end = text.find(_PASTE_END, i)
                chunk = text[i:] if end < 0 else text[i:end]
                if end < 0 and "\x1b" in chunk[-len(_PASTE_END) :]:  # perhaps the end marker, cut
                    cut = chunk.rindex("\x1b", len(chunk) - len(_PASTE_END))
                    chunk, self._rest = chunk[:cut], chunk[cut:]
                keys += [" " if ch in "\r\n\t" else ch for ch in chunk.replace("\r\n", "\n")]
                if end < 0:
                    break
                self.pasting = False
                i = end + len(_PASTE_END)
                continue
            ch = text[i]
            if ch != "\x1b":
                keys.append(ch)
                i += 1
                continue
            key, length = self._sequence(text, i)
            if key is None:  # unfinished: kept for the next feed
                self._rest = text[i:]
                break
            if key == "paste-start":
                self.pasting = True
            elif key != "paste-end":
                keys.append(key)
            i += length
        return keys

    @staticmethod
    def _sequence(text: str, i: int) -> tuple[str | None, int]:
        """The key of the escape sequence at `text[i]` and its length; None when it is cut short."""
        if i + 1 >= len(text):
            return None, 0
        kind = text[i + 1]
        if kind == "[":
            j = i + 2
            while j < len(text) and "\x20" <= text[j] <= "\x3f":  # parameter and intermediate bytes
                j += 1
            if j >= len(text):
                return (None, 0) if j - i < _LONGEST_SEQUENCE else ("unknown", j - i)
            params = text[i + 2 : j]
            if params in ("200", "201") and text[j] == "~":
                return ("paste-start" if params == "200" else "paste-end"), j + 1 - i
            return _csi_key(params, text[j]), j + 1 - i
        if kind == "O":
            if i + 2 >= len(text):
                return None, 0
            return _CSI_FINAL.get(text[i + 2], "unknown"), 3
        if kind == "\x1b":
            return "escape", 1
        if kind == "\x7f":
            return "alt-backspace", 2
        return f"alt-{kind.lower()}", 2

    def finish(self) -> list[str]:
        """No more bytes came: an unfinished sequence is a lone Esc (or Alt-[ / Alt-O), or nothing."""
        rest, self._rest = self._rest, ""
        if not rest:
            return []
        if self.pasting:
            return list(rest)
        return ["escape"] if rest == "\x1b" else ["unknown"]


def discard_typed_ahead(fd: int) -> None:
    """Drop what was typed and not read (TCIFLUSH), so it never reaches the shell after we exit."""
    import termios

    try:
        termios.tcflush(fd, termios.TCIFLUSH)
    except (termios.error, OSError):  # not a terminal, or gone (SIGHUP)
        pass


class LineTimeout(Exception):
    """The deadline given to `KeyInput.line` passed while the line was being typed."""


class KeyInput:
    """Single keys from a terminal (cbreak mode: Ctrl-C still interrupts), and typed answers edited
    as any terminal line (ui/line_editor.py), with this session's earlier answers on Up/Down.

    A context manager for the whole session: a resize (SIGWINCH) is reported as the key "resize",
    and at the end whatever was typed and not read is discarded, so it never reaches the shell."""

    interactive = True

    def __init__(self, fd: int, out: IO[str] | None = None):
        self.fd = fd
        self.out = out  # where a typed line is drawn (default: sys.stdout at the time)
        self.resized = False
        self.history: list[str] = []  # this session's typed answers, oldest first
        self._keys: deque[str] = deque()  # keys read and not yet used (typed ahead)
        self._decoder = KeyDecoder()
        self.cut = False  # the last line was longer than MAX_ANSWER_CHARS

    def __enter__(self) -> KeyInput:
        if hasattr(signal, "SIGWINCH"):
            self._old_winch = signal.signal(signal.SIGWINCH, self._on_resize)
        return self

    def __exit__(self, *exc: object) -> None:
        discard_typed_ahead(self.fd)
        if hasattr(signal, "SIGWINCH"):
            signal.signal(signal.SIGWINCH, self._old_winch or signal.SIG_DFL)

    def _on_resize(self, signum: int, frame: object) -> None:
        self.resized = True

    def key(self) -> str | None:
        """One key as typed (a character, or a name such as "left" for an escape sequence);
        `"resize"` when the terminal changed size; None on Ctrl-D."""
        with self._cbreak():
            key = self._next(None)
        return None if key in ("\x04", _GONE) else key

    def _next(self, deadline: float | None) -> str:
        """The next key (the terminal in cbreak mode), "resize", "" when `deadline` passed first, or
        `_GONE` when the terminal is (hung up: nothing more will come)."""
        import time

        while not self._keys:
            if self.resized:
                self.resized = False
                return "resize"
            wait = 0.2 if deadline is None else min(0.2, deadline - time.monotonic())
            if wait <= 0:
                return ""
            if not self._wait(wait):
                continue
            data = self._read()
            if not data:
                return _GONE
            self._keys += self._decoder.feed(data)
            while self._decoder.unfinished and self._wait(0.05):  # the rest of an escape sequence
                self._keys += self._decoder.feed(self._read())
            self._keys += self._decoder.finish()
        return self._keys.popleft()

    def _read(self) -> bytes:
        """What the terminal has for us; b"" when it is gone (EIO after a hang-up, or end of file)."""
        try:
            return os.read(self.fd, 4096)
        except OSError:
            return b""

    def _wait(self, seconds: float) -> bool:
        """Whether a key can be read within `seconds` (a signal's handler may raise meanwhile)."""
        try:
            ready, _, _ = select.select([self.fd], [], [], seconds)
        except InterruptedError:  # pragma: no cover - PEP 475 retries, but be safe
            return False
        return bool(ready)

    @contextmanager
    def _cbreak(self) -> Iterator[None]:
        """Keys one at a time without echo while the block runs; the terminal as it was after."""
        import termios

        try:
            old = termios.tcgetattr(self.fd)
        except termios.error:  # the terminal is gone: reading says so
            yield
            return
        mode = list(old)
        mode[0] &= ~termios.ICRNL  # iflag: Enter arrives as \r, a pasted \r\n as it is (one line break)
        mode[3] &= ~(termios.ECHO | termios.ICANON)  # lflag: cbreak (ISIG kept: Ctrl-C interrupts)
        mode[6] = list(mode[6])
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0

        def set_mode(*_: object) -> None:
            with suppress(termios.error):
                termios.tcsetattr(self.fd, termios.TCSANOW, mode)

        def on_continue(signum: int, frame: object) -> None:  # back from Ctrl-Z: the shell set its own mode
            set_mode()
            self.resized = True  # the screen is redrawn (the shell wrote on it)

        old_cont = _set_handler("SIGCONT", on_continue)
        try:
            set_mode()
            yield
        finally:
            _set_handler("SIGCONT", old_cont)
            with suppress(termios.error):  # the terminal is gone (SIGHUP): nothing to restore
                termios.tcsetattr(self.fd, termios.TCSANOW, old)

    def line(
        self, prompt: str = "", *, deadline: float | None = None, on_resize: Callable[[], None] | None = None
    ) -> str | None:
        """A line typed after `prompt`, edited as in any terminal (ui/line_editor.py), at most
        MAX_ANSWER_CHARS of it (`cut` says it was longer); None on Ctrl-D on an empty line.
        LineTimeout when `deadline` (time.monotonic()) passes first; `on_resize` redraws the screen
        above the line after a resize (the cursor is then at the start of an empty row)."""
        from dense1x1quiz.ui.line_editor import LineEditor, is_text

        out = self.out or sys.stdout
        editor = LineEditor(prompt, self.history, MAX_ANSWER_CHARS)
        finished = False
        with self._cbreak():
            try:
                self._write(out, _PASTE_ON + editor.draw(_columns(out)))
                while not finished:
                    key = self._next(deadline)
                    if key == "":
                        raise LineTimeout
                    if key == _GONE:
                        break  # as Ctrl-D: the session ends
                    if key == "resize":
                        if on_resize is not None:
                            on_resize()
                            editor.redrawn()
                    elif is_text(key):  # with the text typed ahead after it, in one piece (a paste)
                        run = [key]
                        while self._keys and is_text(self._keys[0]):
                            run.append(self._keys.popleft())
                        editor.insert("".join(run))
                    else:
                        finished = editor.feed(key)
                    if finished or not self._keys:  # keys typed ahead (a paste) are drawn once
                        self._write(out, editor.draw(_columns(out), cursor_at_end=finished))
            finally:  # the cursor after the text, so what follows does not overwrite it
                self._write(out, ("\r\n" if finished else editor.draw(_columns(out), cursor_at_end=True)) + _PASTE_OFF)
        self.cut = editor.cut
        text = editor.result
        if text and text.strip() and (not self.history or self.history[-1] != text):
            self.history.append(text)
        return text

    @staticmethod
    def _write(out: IO[str], text: str) -> None:
        try:
            out.write(text)
            out.flush()
        except OSError:  # the terminal is gone (SIGHUP): the session ends with its summary
            pass


def _set_handler(name: str, handler: object) -> object:
    """Install `handler` for signal `name` (where it exists, from the main thread); the one it replaces."""
    signum = getattr(signal, name, None)
    if signum is None or handler is None:
        return None
    try:
        return signal.signal(signum, handler)  # type: ignore[arg-type]
    except ValueError:  # not the main thread
        return None


_GONE = "terminal-gone"  # a key name: the terminal was hung up
_PASTE_ON, _PASTE_OFF = "\x1b[?2004h", "\x1b[?2004l"  # bracketed paste, only while a line is typed


def _columns(out: IO[str]) -> int:
    try:
        return os.get_terminal_size(out.fileno()).columns or 80
    except (AttributeError, OSError, ValueError):
        return 80


__all__ = [
    "CUT_NOTICE",
    "KeyDecoder",
    "KeyInput",
    "LineInput",
    "LineTimeout",
    "cap_line",
    "discard_typed_ahead",
    "read_line",
]
