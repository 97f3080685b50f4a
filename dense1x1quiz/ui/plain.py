"""Plain-text layout for output that is not a terminal: widths in terminal cells, aligned columns.

The commands most run in scripts (`quiz study`, `quiz decks`, `quiz stats`) write plain lines to a
pipe or a file without importing rich, whose console is a third of a start-up (issue 7).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection

# A line of a screen as (text, style) runs: the style is rich's, for a terminal; plain output drops it.
Line = list[tuple[str, str]]


def text_of(line: Line) -> str:
    """The text of a line, without its styles."""
    return "".join(text for text, _ in line)


def cell_width(text: str) -> int:
    """Terminal cells `text` takes: wide (East Asian, emoji) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """`text` padded with spaces to `width` cells, on the left when `right` (right-aligned)."""
    fill = " " * max(0, width - cell_width(text))
    return fill + text if right else text + fill


def aligned(names: list[str], values: list[str], right: bool = False) -> list[str]:
    """Two columns one space apart: `names` padded to the widest (right-aligned if `right`), then the
    values; a value's further lines start under its first."""
    width = max((cell_width(name) for name in names), default=0)
    lines = []
    for name, value in zip(names, values, strict=True):
        first, *rest = value.split("\n")
        lines.append(pad(name, width, right) + " " + first)
        lines += [" " * (width + 1) + more for more in rest]
    return lines


def table_lines(rows: list[list[str]], right: Collection[int] = ()) -> list[str]:
    """Rows (the first is the header) in columns two spaces apart; the columns numbered in `right`
    right-aligned. No trailing spaces."""
    widths = [max(cell_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(pad(cell, widths[i], i in right) for i, cell in enumerate(row)).rstrip() for row in rows]
