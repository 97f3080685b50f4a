"""`quiz cards` output: one line per card (plain columns in a pipe or file, a rich table on a terminal),
and the lines of the card-management commands (suspend, unsuspend, bury, reset, forget-orphans)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from dense1x1quiz.text import clipped, display, one_line

if TYPE_CHECKING:
    from dense1x1quiz.cards import CardRow, Orphan

PROMPT_CELLS = 60  # a prompt longer than this is cut, with `…`
HEADER = ["deck", "id", "kind", "state", "due", "interval", "reps", "lapses", "flags", "prompt"]
_RIGHT = {5, 6, 7}  # interval, reps, lapses


def flags_of(row: CardRow, now: datetime) -> str:
    """The marks as words: `suspended`, `buried`, `leech`, `flag1`…`flag7`; `-` for none."""
    marks = row.marks
    words = [
        word
        for word, on in (("suspended", marks.suspended), ("buried", marks.buried(now)), ("leech", marks.leech))
        if on
    ]
    if marks.flag:
        words.append(f"flag{marks.flag}")
    return " ".join(words) or "-"


def interval_text(days: float | None) -> str:
    """An interval as `10m`, `5h`, `3d` (whole units, rounded); `-` for a new card."""
    if days is None:
        return "-"
    minutes = round(days * 1440)
    if minutes < 60:
        return f"{minutes}m"
    if minutes < 1440:
        return f"{round(minutes / 60)}h"
    return f"{round(days)}d"


def _cells(row: CardRow, now: datetime, zone: tzinfo | None) -> list[str]:
    state = row.state
    due = "-" if state.due is None else state.due.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    from dense1x1quiz.cards import shown_prompt

    return [
        display(row.card.deck),
        one_line(row.card.id),
        row.card.kind,
        state.state,
        due,
        interval_text(row.interval_days()),
        str(state.reps),
        str(state.lapses),
        flags_of(row, now),
        one_line(clipped(display(shown_prompt(row.card)), PROMPT_CELLS)),
    ]


def print_cards(rows: Sequence[CardRow], now: datetime, zone: tzinfo | None) -> None:
    """The cards, one line each; times in the local zone `zone`. `No cards match.` when there are none."""
    if not rows:
        sys.stdout.write("No cards match.\n")
        return
    cells = [_cells(row, now, zone) for row in rows]
    from dense1x1quiz.ui.plain import table_lines

    if not sys.stdout.isatty():
        sys.stdout.write("".join(line + "\n" for line in table_lines([HEADER, *cells], right=_RIGHT)))
        return
    import shutil

    width = shutil.get_terminal_size().columns
    if max(map(len, table_lines([HEADER[:-1], *(c[:-1] for c in cells)], right=_RIGHT))) + 22 > width:
        sys.stdout.write("".join(line + "\n" for line in stacked_lines(cells, width)))
        return
    from rich.table import Table
    from rich.text import Text

    from dense1x1quiz.ui.console import make_console

    table = Table(box=None, pad_edge=False, show_edge=False)
    for i, name in enumerate(HEADER):
        table.add_column(name, justify="right" if i in _RIGHT else "left", no_wrap=i < len(HEADER) - 1)
    for line in cells:
        table.add_row(*(Text(cell) for cell in line))
    make_console().print(table)


def stacked_lines(cells: Sequence[list[str]], width: int) -> list[str]:
    """The cards for a terminal too narrow for one line each (`quiz cards` at 80 columns): per card,
    `DECK:ID`, then its figures in columns aligned across cards, then its prompt, both indented; every
    line cut to `width` with `…`."""
    from dense1x1quiz.ui.plain import table_lines

    figures = table_lines([c[2:9] for c in cells], right={3, 4, 5})
    lines = []
    for line, figure_line in zip(cells, figures):  # noqa: B905 - one figure line per card
        lines.append(clipped(f"{line[0]}:{line[1]}", width - 1))
        lines.append(clipped("  " + figure_line, width - 1))
        lines.append(clipped("  " + line[9], width - 1))
    return lines


def print_orphans(found: Sequence[Orphan]) -> None:
    """History whose card is gone: deck, id and its answers; a closing hint to remove it."""
    if not found:
        sys.stdout.write("No orphaned history: every card with history is in a deck found.\n")
        return
    from dense1x1quiz.ui.plain import table_lines

    rows = [["deck", "id", "answers"]] + [[one_line(o.key[0]), one_line(o.key[1]), str(o.answers)] for o in found]
    sys.stdout.write("".join(line + "\n" for line in table_lines(rows, right={2})))
    total = sum(o.answers for o in found)
    sys.stdout.write(
        f"{_cards(len(found))} with history ({_answers(total)}) no deck found holds; "
        "`quiz forget-orphans` removes it after a backup.\n"
    )


def _cards(n: int) -> str:
    return f"{n:,} card{'s' * (n != 1)}"


def _answers(n: int) -> str:
    return f"{n:,} answer{'s' * (n != 1)}"


def marked_line(done: str, changed: int, total: int, unchanged: str, tail: str = "") -> str:
    """`Suspended 2 cards.` / `Suspended 1 card; 1 was already suspended.` (`tail` follows the count)."""
    line = f"{done} {_cards(changed)}{tail}"
    rest = total - changed
    if rest:
        line += f"; {rest:,} {'was' if rest == 1 else 'were'} {unchanged}"
    return line + ".\n"


__all__ = ["HEADER", "flags_of", "interval_text", "marked_line", "print_cards", "print_orphans", "stacked_lines"]
