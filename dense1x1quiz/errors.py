"""The error family. Every message is written for the user; the CLI prints it and exits."""

from __future__ import annotations

from dataclasses import dataclass

from dense1x1quiz.text import one_line


class QuizError(Exception):
    """A user-facing error: the CLI prints `Error: <message>` and exits 1.

    The message may quote deck or user text (a path, a value); as text (`str(error)`) it is one line
    with every control character made visible, wherever it is printed.
    """

    exit_code = 1

    def __str__(self) -> str:
        return one_line(super().__str__())


class UsageError(QuizError):
    """A bad value on the command line (an unknown demo, a size out of range): exit 2."""

    exit_code = 2


class StoreError(QuizError):
    """The review database cannot be opened, is damaged, or cannot be written."""


class StoreFilesMovedError(StoreError):
    """The database file (`moved == "database"`) or its write-ahead log (`"WAL"`) was removed or replaced
    while quiz had it open. Worse than a failed write: answers already committed to the old file, and not
    yet copied into the database (a checkpoint), may be lost too, not only the last one."""

    def __init__(self, message: str, moved: str):
        super().__init__(message)
        self.moved = moved


@dataclass(frozen=True)
class Problem:
    """One problem in a deck file, reported as `file:line:col: message`."""

    path: str
    line: int
    col: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        # The path and the message may hold deck or user text: each problem is one line, controls visible.
        kind = "warning: " if self.warning else ""
        return f"{one_line(self.path)}:{self.line}:{self.col}: {kind}{one_line(self.message)}"


class DeckError(QuizError):
    """A deck that cannot be used; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = [p for p in problems if not p.warning]
        super().__init__("\n".join(str(p) for p in self.problems))

    def __str__(self) -> str:
        """One line per problem."""
        return "\n".join(str(p) for p in self.problems)


__all__ = ["DeckError", "Problem", "QuizError", "StoreError", "StoreFilesMovedError", "UsageError"]
