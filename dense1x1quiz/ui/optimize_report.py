"""`quiz optimize` output: the held-out comparison and the workload/retention table, as plain lines,
each column explained under its table; on a terminal, lines wider than it are wrapped between words."""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from dense1x1quiz.ui.plain import table_lines

if TYPE_CHECKING:
    from dense1x1quiz.optimize import Report, Workload

PARAMETERS = "Parameters: "
METRICS_LEGEND = (
    "Log loss grades each predicted chance of recall against the answer given; RMSE (bins) is the gap between "
    "predicted and actual recall rates, over groups of similar reviews."
)
WORKLOAD_LEGEND = (
    "retention: the chance of recall asked for when a card falls due; remembered: the cards known at the end "
    "(the sum of their chances of recall); cost: seconds of study per card remembered, ← the least."
)


def report_lines(report: Report, *, saved: bool, note: str, cards: int | None) -> list[str]:
    """What the fit found: counts, log loss and RMSE (bins) on the held-out reviews, the verdict."""
    rows = [["parameters", "log loss", "RMSE (bins)"]]
    rows.append(["default", f"{report.default.log_loss:.4f}", f"{report.default.rmse_bins:.2%}"])
    if report.current is not None:
        rows.append(["saved before", f"{report.current.log_loss:.4f}", f"{report.current.rmse_bins:.2%}"])
    rows.append(["optimized", f"{report.optimized.log_loss:.4f}", f"{report.optimized.rmse_bins:.2%}"])
    lines = [
        f"{report.answers:,} answers; {report.reviews:,} reviews a day or more after the card's previous answer.",
        f"Fitted on the earliest {report.train:,}, judged on the latest {report.test:,} (lower is better):",
        "",
        *("  " + line for line in table_lines(rows, right={1, 2})),
        "",
        METRICS_LEGEND,
        "",
        PARAMETERS + ", ".join(f"{w:g}" for w in report.parameters),
    ]
    if saved:
        lines.append(f"Saved: {cards:,} cards rescheduled with them; every answer from now on uses them.")
    else:
        lines.append(f"Not saved: {note}")
    return lines


def workload_lines(rows: Sequence[Workload], *, cards: int, new_per_day: int, days: int, source: str) -> list[str]:
    """The simulated workload and knowledge per desired retention, the cheapest knowledge marked."""
    best = min(range(len(rows)), key=lambda i: rows[i].cost_per_memorized)
    table = [["retention", "answers/day", "minutes/day", "remembered", "cost", ""]]
    for i, row in enumerate(rows):
        table.append(
            [
                f"{row.retention:.2f}",
                f"{row.reviews_per_day:.1f}",
                f"{row.minutes_per_day:.1f}",
                f"{row.memorized:,.0f}",
                f"{row.cost_per_memorized:.0f}",
                "←" if i == best else "",
            ]
        )
    return [
        f"Simulated {days} days of {cards:,} cards, {new_per_day} new a day, with {source} (fsrs-rs's simulator):",
        "",
        *("  " + line for line in table_lines(table, right={1, 2, 3, 4})),
        "",
        WORKLOAD_LEGEND,
    ]


def wrap_lines(lines: Sequence[str], width: int) -> list[str]:
    """`lines` wrapped between words to `width` columns; a wrapped line's further lines start under its
    text (under the first parameter for the parameters line). Lines that fit are kept as they are."""
    result: list[str] = []
    for line in lines:
        if len(line) <= width:
            result.append(line)
            continue
        indent = " " * (len(PARAMETERS) if line.startswith(PARAMETERS) else len(line) - len(line.lstrip(" ")))
        result += textwrap.wrap(
            line, width, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
        ) or [line]
    return result


def print_lines(lines: Sequence[str]) -> None:
    """`lines` on stdout; on a terminal wrapped to its width (a pipe gets each line whole, for scripts)."""
    if sys.stdout.isatty():
        lines = wrap_lines(lines, shutil.get_terminal_size().columns)
    sys.stdout.write("".join(line + "\n" for line in lines))
