"""`quiz decks` and `quiz validate` output."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from dense1x1quiz.errors import Problem
from dense1x1quiz.text import display, one_line

if TYPE_CHECKING:  # `quiz validate` needs neither the catalog nor rich (issue 7: start-up time)
    from dense1x1quiz.catalog import DeckEntry


def print_decks(entries: list[DeckEntry]) -> None:
    """The decks found: id, cards, title and where each is from (a broken one says why). A table
    drawn by rich on a terminal, plain columns in a pipe or a file."""
    if not entries:
        sys.stdout.write("No decks found.\n")
        return
    rows = [_row(entry) for entry in entries]
    if not sys.stdout.isatty():
        from dense1x1quiz.ui.plain import table_lines

        header = ["deck", "cards", "title", "from"]
        sys.stdout.write("".join(line + "\n" for line in table_lines([header, *rows], right={1})))
        return
    from rich.table import Table
    from rich.text import Text

    from dense1x1quiz.ui.console import make_console

    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("deck", no_wrap=True)
    table.add_column("cards", justify="right")
    table.add_column("title")
    table.add_column("from", no_wrap=True, style="dim")
    for entry, (name, cards, title, origin) in zip(entries, rows, strict=True):
        table.add_row(Text(name), cards, Text(title, style="red" if entry.deck is None else ""), origin)
    make_console().print(table)


def _row(entry: DeckEntry) -> list[str]:
    """A deck's cells, made safe for the screen (math rendered, controls visible): name, cards,
    title, origin; a broken deck has its file name and its first problem."""
    if entry.deck is not None:
        return [display(entry.deck.id), f"{len(entry.deck.card_ids):,}", display(entry.deck.title), entry.origin]
    first = entry.error.problems[0] if entry.error and entry.error.problems else None
    return [one_line(entry.path.name), "–", one_line(f"broken: {first.message}" if first else "broken"), entry.origin]


# `quiz validate` prints plain lines (no style, never wrapped), so it writes them itself: loading
# rich's console for them was a third of its start-up (issue 7). Each problem is one line, controls visible.


def print_problems(problems: list[Problem]) -> None:
    """Every problem as `file:line:col: message` on stderr, warnings included."""
    sys.stderr.write("".join(one_line(str(problem)) + "\n" for problem in problems))
    sys.stderr.flush()


def print_validated(files: int, cards: int, warnings: int) -> None:
    extra = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
    sys.stdout.write(f"{files} deck{'s' * (files != 1)} OK: {cards:,} cards{extra}\n")


__all__ = ["print_decks", "print_problems", "print_validated"]
