"""`quiz tags` output: each tag with how many cards carry it, in aligned columns (no rich needed)."""

from __future__ import annotations

import sys

from dense1x1quiz.text import one_line
from dense1x1quiz.ui.plain import table_lines


def print_tags(counts: list[tuple[str, int]]) -> None:
    """`tag  cards` columns, one row per tag (`catalog.tag_counts`); tags are deck text, shown on one
    line with controls visible."""
    if not counts:
        sys.stdout.write("No tags: no card of these decks has one.\n")
        return
    rows = [["tag", "cards"], *([one_line(tag), f"{cards:,}"] for tag, cards in counts)]
    sys.stdout.write("".join(line + "\n" for line in table_lines(rows, right={1})))


__all__ = ["print_tags"]
