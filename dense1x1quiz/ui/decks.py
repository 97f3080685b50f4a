"""`quiz decks` and `quiz validate` output."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from dense1x1quiz.errors import Problem
from dense1x1quiz.text import visible_controls
from dense1x1quiz.ui.console import deck_text, make_console

if TYPE_CHECKING:  # `quiz validate` needs neither the catalog nor rich's tables (issue 7: start-up time)
    from dense1x1quiz.catalog import DeckEntry


def print_decks(entries: list[DeckEntry]) -> None:
    from rich.table import Table

    console = make_console()
    if not entries:
        console.print("No decks found.")
        return
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("deck", no_wrap=True)
    table.add_column("cards", justify="right")
    table.add_column("title")
    table.add_column("from", no_wrap=True, style="dim")
    for entry in entries:
        if entry.deck is not None:
            table.add_row(deck_text(entry.deck.id), f"{len(entry.deck.cards):,}", deck_text(entry.deck.title),
                          entry.origin)
        else:
            first = entry.error.problems[0] if entry.error and entry.error.problems else None
            reason = Text(f"broken: {first.message}" if first else "broken", style="red")
            table.add_row(deck_text(entry.path.name), "–", reason, entry.origin)
    console.print(table)


def print_problems(problems: list[Problem]) -> None:
    """Every problem as `file:line:col: message` on stderr, warnings included."""
    console = make_console(stderr=True)
    for problem in problems:
        console.print(Text(visible_controls(str(problem))), soft_wrap=True)


def print_validated(files: int, cards: int, warnings: int) -> None:
    extra = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
    make_console().print(f"{files} deck{'s' * (files != 1)} OK: {cards:,} cards{extra}")


__all__ = ["print_decks", "print_problems", "print_validated"]
