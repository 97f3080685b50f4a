"""`quiz config` output: plain aligned columns (the same on a terminal and in a pipe)."""

from __future__ import annotations

import sys

from dense1x1quiz.settings import SETTINGS, Settings, show
from dense1x1quiz.text import one_line
from dense1x1quiz.ui.plain import table_lines


def print_settings(settings: Settings, deck: str | None) -> None:
    """Every setting in force (for `deck`, or globally): name, where its value comes from (default,
    global, deck), value; after the global table, the decks that override some, one line each."""
    rows = [["setting", "from", "value"]]
    for name in SETTINGS:
        value, source = settings.value_and_source(name, deck)
        rows.append([name, source, show(value)])
    lines = table_lines(rows)
    if deck is None and settings.decks:
        lines += ["", "Deck overrides (quiz config --deck DECK shows a deck's settings):"]
        for name, values in sorted(settings.decks.items()):
            shown = ", ".join(f"{key} {show(value)}" for key, value in values.items())
            lines.append(f"  {one_line(name)}: {shown}")
    sys.stdout.write("".join(line.rstrip() + "\n" for line in lines))


def print_value(value: object) -> None:
    """One setting's value, as `quiz config KEY` prints it."""
    sys.stdout.write(show(value) + "\n")


def print_changed(name: str, value: object, deck: str | None) -> None:
    """What `quiz config KEY VALUE` saved."""
    where = f" for deck {one_line(deck)}" if deck is not None else ""
    sys.stdout.write(f"{name} = {show(value)}{where} (saved)\n")


def print_unset(name: str, deck: str | None, existed: bool, now: object, source: str) -> None:
    """What `quiz config KEY --unset` did, and the value in force after it."""
    where = f" for deck {one_line(deck)}" if deck is not None else ""
    if existed:
        sys.stdout.write(f"{name}{where} unset; now {show(now)} ({source})\n")
    else:
        sys.stdout.write(f"{name}{where} was not set; it is {show(now)} ({source})\n")


__all__ = ["print_changed", "print_settings", "print_unset", "print_value"]
