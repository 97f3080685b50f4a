"""The questions and messages of `quiz edit` (and of the study key `e`): a line on stderr, an answer read
from stdin (`quiz edit`) or from the study screen's input."""

from __future__ import annotations

import sys
from collections.abc import Callable

from dense1x1quiz.text import one_line


def tell_stderr(text: str) -> None:
    """A line of `quiz edit` on stderr (problems and notices; stdout says what was saved)."""
    sys.stderr.write(one_line(text) + "\n")
    sys.stderr.flush()


def yes_or_no(question: str, read_line: Callable[[], str | None], show: Callable[[str], None]) -> bool:
    """Ask `question` until it is answered: Enter, y or yes is yes; n or no is no; end of input is no."""
    while True:
        show(question)
        answer = read_line()
        if answer is None:
            return False
        word = answer.strip().lower()
        if word in ("", "y", "yes"):
            return True
        if word in ("n", "no"):
            return False


def ask_stdin(question: str) -> bool:
    """`yes_or_no` on stderr and stdin (`quiz edit`)."""

    def show(text: str) -> None:
        sys.stderr.write(text)
        sys.stderr.flush()

    def read() -> str | None:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        return line if line else None

    return yes_or_no(question, read, show)


def screen_ask(ui: object) -> Callable[[str], bool]:
    """`yes_or_no` on a study screen: the question as a line of it, the answer read from its input (a
    typed line on a terminal, the next line of a script)."""

    def read() -> str | None:
        keys, lines = getattr(ui, "keys", None), getattr(ui, "lines", None)
        source = keys if keys is not None else lines
        return source.line() if source is not None else None

    def show(text: str) -> None:
        ui.message(text.rstrip(), "yellow")  # type: ignore[attr-defined]

    return lambda question: yes_or_no(question, read, show)


__all__ = ["ask_stdin", "screen_ask", "tell_stderr", "yes_or_no"]
