"""Editing one typed answer: the keys of any terminal line, drawn by display width.

Not GNU readline: a signal that arrives while readline waits can be left unhandled until the next
key (the session then neither stops nor says so; seen with SIGHUP and Ctrl-C under load). This
editor is fed keys by `KeyInput` (ui/keys.py), which waits in `select`, where every signal is acted
on at once. It has no I/O of its own: `LineEditor.feed` takes one key and `LineEditor.draw` returns
the text that puts the line on the screen (the whole line again, so a wrapped line, a wide CJK
character or a combining accent lands where the terminal puts it).

Keys: Left/Right, Home/End (and Ctrl-A/Ctrl-E), Backspace, Delete (and Ctrl-D, which on an empty
line ends the input), Ctrl-U (to the start), Ctrl-K (to the end), Ctrl-W and Alt-Backspace (a word
back), Ctrl-Left/Right and Alt-B/F (a word), Up/Down (the earlier answers of this session).
"""

from __future__ import annotations

import unicodedata

from dense1x1quiz.ui.plain import cell_width

_ZERO_WIDTH_JOINERS = ("\u200c", "\u200d")


def _width(cell: str) -> int:
    """Columns a character with its combining marks takes: 2 for wide (CJK) characters, else 1."""
    return cell_width(cell[0])


def _joins_previous(ch: str) -> bool:
    """A character drawn on the one before it (a combining accent, a variation selector, a joiner)."""
    return unicodedata.combining(ch) != 0 or unicodedata.category(ch) in ("Mn", "Me") or ch in _ZERO_WIDTH_JOINERS


def _typable(ch: str) -> bool:
    """Not a control or format character: those never reach the line (nor the terminal)."""
    return unicodedata.category(ch) not in ("Cc", "Cf", "Cs") or ch in _ZERO_WIDTH_JOINERS


class LineEditor:
    """One line being typed: its characters (each with its combining marks), the cursor, and this
    session's earlier answers (`history`, oldest first; Up and Down walk it).

    `feed(key)` applies one key (a character, or a name from ui/keys.py: "left", "home", …) and
    returns True when the line is finished: `result` is then the text, or None for Ctrl-D on an
    empty line. `cut` says that more than `limit` characters were typed (the rest were dropped)."""

    def __init__(self, prompt: str, history: list[str], limit: int):
        self.prompt = prompt
        self.history = history
        self.limit = limit
        self.cells: list[str] = []  # one entry per character cell group: a character and its marks
        self.pos = 0  # the cursor, as an index into `cells`
        self.cut = False
        self.result: str | None = None
        self._browsing = len(history)  # the history entry shown; len(history): the line being typed
        self._typed: list[str] = []  # the line being typed, kept while history is shown
        self._row = 0  # the screen row (from the prompt's) the cursor is on

    @property
    def text(self) -> str:
        return "".join(self.cells)

    # -- keys -----------------------------------------------------------------------------

    def feed(self, key: str) -> bool:
        """Apply `key`; True when the line is finished (Enter, or Ctrl-D on an empty line)."""
        if key in ("\r", "\n"):
            self.result = self.text
            return True
        if key == "\x04" and not self.cells:  # Ctrl-D on an empty line: end of input, as in a shell
            self.result = None
            return True
        action = _ACTIONS.get(key)
        if action is not None:
            action(self)
        elif is_text(key):
            self.insert(key)
        return False

    def insert(self, text: str) -> None:
        """Type `text` at the cursor (a Tab as a space); control characters are left out, and anything
        past `limit`. Keys typed ahead (a paste) come here in one piece: the room is counted once."""
        room = self.limit - sum(len(cell) for cell in self.cells)
        for ch in text.replace("\t", " "):
            if not _typable(ch):
                continue
            if room <= 0:
                self.cut = True
                return
            room -= 1
            if _joins_previous(ch):
                if self.pos:
                    self.cells[self.pos - 1] += ch
                continue  # a mark with nothing before it has nothing to mark
            self.cells.insert(self.pos, ch)
            self.pos += 1

    def _left(self) -> None:
        self.pos = max(0, self.pos - 1)

    def _right(self) -> None:
        self.pos = min(len(self.cells), self.pos + 1)

    def _home(self) -> None:
        self.pos = 0

    def _end(self) -> None:
        self.pos = len(self.cells)

    def _backspace(self) -> None:
        if self.pos:
            self.pos -= 1
            del self.cells[self.pos]

    def _delete(self) -> None:
        if self.pos < len(self.cells):
            del self.cells[self.pos]

    def _kill_to_start(self) -> None:
        del self.cells[: self.pos]
        self.pos = 0

    def _kill_to_end(self) -> None:
        del self.cells[self.pos :]

    def _word_start(self) -> int:
        """Where the word before the cursor starts (spaces before it skipped), as readline's Ctrl-W."""
        i = self.pos
        while i and self.cells[i - 1].isspace():
            i -= 1
        while i and not self.cells[i - 1].isspace():
            i -= 1
        return i

    def _word_end(self) -> int:
        i = self.pos
        while i < len(self.cells) and self.cells[i].isspace():
            i += 1
        while i < len(self.cells) and not self.cells[i].isspace():
            i += 1
        return i

    def _kill_word(self) -> None:
        start = self._word_start()
        del self.cells[start : self.pos]
        self.pos = start

    def _word_left(self) -> None:
        self.pos = self._word_start()

    def _word_right(self) -> None:
        self.pos = self._word_end()

    def _show_history(self, index: int) -> None:
        if not 0 <= index <= len(self.history) or index == self._browsing:
            return
        if self._browsing == len(self.history):
            self._typed = self.cells
        self._browsing = index
        self.cells = []
        self.pos = 0
        self.insert(self.history[index] if index < len(self.history) else "".join(self._typed))

    def _older(self) -> None:
        self._show_history(self._browsing - 1)

    def _newer(self) -> None:
        self._show_history(self._browsing + 1)

    # -- the screen -----------------------------------------------------------------------

    def draw(self, columns: int, *, cursor_at_end: bool = False) -> str:
        """What to write so the screen shows the prompt and the line with the cursor in place: back to
        the prompt's row, the whole line, erase what is left of an older one below, then to the cursor
        (`cursor_at_end`: after the text, where the next output goes). The first drawing starts at
        the beginning of an empty row."""
        columns = max(1, columns)
        widths = [_width(ch) for ch in self.prompt] + [_width(cell) for cell in self.cells]
        places = _places(widths, columns)
        out = [f"\x1b[{self._row}A" if self._row else "", "\r", self.prompt, self.text]
        end_row, end_col = places[-1]
        if end_col == 0 and end_row:  # the last row is full: the terminal waits to wrap, so go there
            out.append("\r\n")
        out.append("\x1b[J")
        row, col = places[-1] if cursor_at_end else places[len(self.prompt) + self.pos]
        if end_row > row:
            out.append(f"\x1b[{end_row - row}A")
        out.append("\r")
        if col:
            out.append(f"\x1b[{col}C")
        self._row = row
        return "".join(out)

    def redrawn(self) -> None:
        """The screen was cleared and the cursor is at the start of an empty row: draw from there."""
        self._row = 0


def _places(widths: list[int], columns: int) -> list[tuple[int, int]]:
    """(row, column) where each cell starts on a terminal `columns` wide, then where the text ends. A
    cell that does not fit on a row starts the next one (a wide character is never split)."""
    places = []
    row = col = 0
    for width in widths:
        if col + width > columns:
            row, col = row + 1, 0
        places.append((row, col))
        col += width
    if col >= columns:
        row, col = row + 1, 0
    places.append((row, col))
    return places


def is_text(key: str) -> bool:
    """Whether `feed` types `key` into the line (a character that is not an editing key)."""
    return len(key) == 1 and key not in _ACTIONS and key not in "\r\n"


_ACTIONS = {
    "left": LineEditor._left,
    "\x02": LineEditor._left,  # Ctrl-B
    "right": LineEditor._right,
    "\x06": LineEditor._right,  # Ctrl-F
    "home": LineEditor._home,
    "\x01": LineEditor._home,  # Ctrl-A
    "end": LineEditor._end,
    "\x05": LineEditor._end,  # Ctrl-E
    "\x7f": LineEditor._backspace,
    "\x08": LineEditor._backspace,  # Ctrl-H
    "delete": LineEditor._delete,
    "\x04": LineEditor._delete,  # Ctrl-D on a line with text
    "\x15": LineEditor._kill_to_start,  # Ctrl-U
    "\x0b": LineEditor._kill_to_end,  # Ctrl-K
    "\x17": LineEditor._kill_word,  # Ctrl-W
    "alt-backspace": LineEditor._kill_word,
    "word-left": LineEditor._word_left,
    "alt-b": LineEditor._word_left,
    "word-right": LineEditor._word_right,
    "alt-f": LineEditor._word_right,
    "up": LineEditor._older,
    "\x10": LineEditor._older,  # Ctrl-P
    "down": LineEditor._newer,
    "\x0e": LineEditor._newer,  # Ctrl-N
}


__all__ = ["LineEditor", "is_text"]
