"""`quiz decks` and `quiz validate` output."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

from dense1x1quiz.errors import Problem
from dense1x1quiz.text import display, one_line

if TYPE_CHECKING:  # `quiz validate` needs neither the catalog nor rich (issue 7: start-up time)
    from dense1x1quiz.catalog import DeckEntry
    from dense1x1quiz.deckcounts import TodayCounts


HEADER = ["deck", "cards", "new", "learn", "due", "title", "from"]
RIGHT = {1, 2, 3, 4}  # the counts, right-aligned
NARROW = 60  # below this many columns a terminal gets the counts only; broken decks are listed below them


def print_decks(entries: list[DeckEntry], today: Mapping[str, TodayCounts] | None = None) -> None:
    """The decks found: id, cards, what there is to study today (new, learning, due: `today`, as
    Anki's deck list shows it), title and where each is from (a broken one says why). A table drawn
    by rich on a terminal, plain columns in a pipe or a file."""
    if not entries:
        sys.stdout.write("No decks found.\n")
        return
    rows = [_row(entry, (today or {}).get(entry.deck.id) if entry.deck else None) for entry in entries]
    if not sys.stdout.isatty():
        from dense1x1quiz.ui.plain import table_lines

        sys.stdout.write("".join(line + "\n" for line in table_lines([HEADER, *rows], right=RIGHT)))
        return
    from rich.table import Table
    from rich.text import Text

    from dense1x1quiz.ui.console import make_console

    console = make_console()
    narrow = console.width < NARROW
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("deck", no_wrap=not narrow, overflow="fold")
    for name in HEADER[1:5]:
        table.add_column(name, justify="right", no_wrap=True)
    if not narrow:
        table.add_column("title")
        table.add_column("from", no_wrap=True, style="dim")
    broken = []
    for entry, row in zip(entries, rows, strict=True):
        name, cards, new, learning, due, title, origin = row
        if narrow:
            table.add_row(Text(name), cards, new, learning, due)
            broken += [Text(f"{name}: {title}", style="red")] if entry.deck is None else []
        else:
            table.add_row(
                Text(name), cards, new, learning, due, Text(title, style="red" if entry.deck is None else ""), origin
            )
    console.print(table)
    for line in broken:
        console.print(line)


def _row(entry: DeckEntry, today: TodayCounts | None) -> list[str]:
    """A deck's cells, made safe for the screen (math rendered, controls visible): name, cards, new,
    learning and due today, title, origin; a broken deck has its file name and its first problem."""
    if entry.deck is not None:
        counts = [f"{n:,}" for n in today] if today is not None else ["–"] * 3
        return [
            display(entry.deck.id),
            f"{len(entry.deck.card_ids):,}",
            *counts,
            display(entry.deck.title),
            entry.origin,
        ]
    first = entry.error.problems[0] if entry.error and entry.error.problems else None
    problem = one_line(f"broken: {first.message}" if first else "broken")
    return [one_line(entry.path.name), "–", "–", "–", "–", problem, entry.origin]


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
