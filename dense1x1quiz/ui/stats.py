"""`quiz stats` on screen: a deck table, the 30-day due forecast, the review heatmap, retention,
orphans and exam results. Works without colour: bars and shades are characters.

The screen is built as lines of (text, style) runs, then drawn with rich on a terminal, or written
as plain text to a pipe or file (no escape codes either way; rich is not even imported then, which
makes `quiz stats | …` start faster). Deck-supplied text goes through `text.display` (what
`ui.console.deck_text` uses): math rendered, control characters made visible, never parsed as markup.
"""

from __future__ import annotations

import shutil
import sys
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dense1x1quiz.stats import HEATMAP_WEEKS, Stats
from dense1x1quiz.text import display
from dense1x1quiz.ui.plain import Line, cell_width, table_lines, text_of

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console


BLOCKS = " ▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"
CHART_HEIGHT = 5
ORPHANS_SHOWN = 5


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.1f} s"


def _line_width(line: Line) -> int:
    return sum(cell_width(text) for text, _ in line)


def deck_table(stats: Stats) -> list[Line]:
    """One line per deck and a total line under several decks; columns two spaces apart, numbers
    right-aligned."""
    headers = ["deck", "cards", "new", "learn", "review", "mature", "due today", "retention", "answer"]
    rows = [
        [
            display(d.deck),
            *(f"{n:,}" for n in (d.cards, d.new, d.learning, d.review, d.mature, d.due_today)),
            _percent(d.retention.rate),
            _seconds(d.average_answer_ms),
        ]
        for d in stats.decks
    ]
    if len(stats.decks) > 1:
        sums = [
            sum(getattr(d, a) for d in stats.decks)
            for a in ("cards", "new", "learning", "review", "mature", "due_today")
        ]
        rows.append(
            ["total", *(f"{n:,}" for n in sums), _percent(stats.retention.rate), _seconds(stats.average_answer_ms)]
        )
    return [[(line, "")] for line in table_lines([headers, *rows], right=range(1, len(headers)))]


def deck_list(stats: Stats) -> list[Line]:
    """The deck table for narrow screens: one short block per deck."""
    lines: list[Line] = []
    for d in stats.decks:
        lines.append([(display(d.deck), "bold")])
        lines += [
            [(text, "")]
            for text in (
                f"  {d.cards:,} cards · {d.new:,} new",
                f"  {d.learning:,} learning · {d.review:,} review",
                f"  {d.mature:,} mature · {d.due_today:,} due",
                f"  retention {_percent(d.retention.rate)}",
                f"  answer {_seconds(d.average_answer_ms)}",
            )
        ]
    return lines


def _forecast_layout(forecast: list[int], width: int) -> tuple[int, int]:
    """(characters per day, days shown) for a screen `width` wide."""
    label_width = len(f"{max(forecast, default=0):,}")
    cell = 2 if label_width + 2 + 2 * len(forecast) <= width else 1
    return cell, max(1, min(len(forecast), (width - label_width - 2) // cell))


def forecast_chart(forecast: list[int], width: int = 80) -> list[Line]:
    """A column chart, one column per day (2 characters, or 1 on narrow screens, which also show
    fewer days), today first; eighth blocks for precision.

    Today holds every overdue card too; when that dwarfs the other days, the scale follows the
    other days and today's column is cut (its number is printed under the chart)."""
    cell, days = _forecast_layout(forecast, width)
    forecast = forecast[:days]
    later = max(forecast[1:], default=0)
    clipped = bool(forecast) and later > 0 and forecast[0] > 2 * later
    peak = later if clipped else max(forecast, default=0)
    label_width = len(f"{peak:,}")
    lines = []
    for row in range(CHART_HEIGHT, 0, -1):
        label = f"{peak:,}" if row == CHART_HEIGHT and peak else ("0" if row == 1 else "")
        bars = []
        for day, count in enumerate(forecast):
            eighths = round(min(count, peak) / peak * CHART_HEIGHT * 8) if peak else 0
            eighths = max(eighths, 1) if count else 0  # a day with any card shows at least a sliver
            level = min(max(eighths - (row - 1) * 8, 0), 8)
            column = "↑" if clipped and day == 0 and row == CHART_HEIGHT else BLOCKS[level]
            bars.append((column + " " if column == "↑" else column * 2)[:cell])
        lines.append([(f"{label:>{label_width}} │", "dim"), ("".join(bars), "cyan")])
    chart_width = cell * len(forecast)
    lines.append([(" " * label_width + " └" + "─" * chart_width, "dim")])
    axis = [" "] * chart_width
    for day, label in ((0, "today"), (7, "+7d"), (14, "+14d"), (21, "+21d"), (28, "+28d")):
        if cell * day + len(label) <= chart_width and (day == 0 or cell * day >= 6):
            axis[cell * day : cell * day + len(label)] = label
    lines.append([(" " * (label_width + 2) + "".join(axis), "dim")])
    if forecast:
        lines.append([(f"{' ' * (label_width + 2)}today: {forecast[0]:,} (overdue included)", "dim")])
    return lines


def heatmap_weeks(width: int) -> int:
    """How many weeks the heatmap shows at `width` columns (two columns a week, at least one)."""
    return max(1, min(HEATMAP_WEEKS, (width - 4) // 2))


def heatmap_chart(heatmap: dict[date, int], today: date, width: int = 80) -> list[Line]:
    """16 weeks as columns (fewer on a narrow screen), Monday…Sunday as rows; shades by quarters
    of the busiest day shown."""
    weeks = heatmap_weeks(width)
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    heatmap = {day: n for day, n in heatmap.items() if day >= first_monday}
    peak = max(heatmap.values(), default=0)
    months = [" "] * (2 * weeks)
    # Like GitHub: a month's name over its first week; the first column only if its month goes on.
    second_monday = first_monday + timedelta(weeks=1)
    last_month = None if first_monday.month == second_monday.month else first_monday.month
    free_from = 0
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if monday.month != last_month and 2 * week >= free_from and 2 * week + 3 <= len(months):
            months[2 * week : 2 * week + 3] = monday.strftime("%b")
            free_from = 2 * week + 4  # a space between labels
        last_month = monday.month
    lines: list[Line] = [[("    " + "".join(months).rstrip(), "dim")]]
    for weekday in range(7):
        line: Line = [(("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday].ljust(4), "dim")]
        for week in range(weeks):
            day = first_monday + timedelta(weeks=week, days=weekday)
            count = heatmap.get(day, 0)
            if day > today:
                run = ("  ", "")
            else:
                level = 0 if not count else min(4, -(-4 * count // peak))  # quarters of the peak, rounded up
                run = (SHADES[level] + " ", "green" if count else "dim")
            if run[1] == line[-1][1]:  # one run per stretch of a style: cheap to draw
                line[-1] = (line[-1][0] + run[0], run[1])
            else:
                line.append(run)
        lines.append(line)
    lines.append([(f"    {SHADES[0]} none  {SHADES[1:]} up to {peak} a day", "dim")])
    return lines


def summary_lines(stats: Stats) -> list[Line]:
    r = stats.retention
    retention = (
        f"{r.rate:.1%} ({r.passed:,} of {r.total:,} first answers of the day)"
        if r.total
        else "– (no reviews of seen cards yet)"
    )
    lines = [
        [(f"True retention, last 30 days: {retention}", "")],
        [(f"Average answer time, last 30 days: {_seconds(stats.average_answer_ms)}", "")],
        [(f"Answers stored: {stats.reviews:,}", "")],
    ]
    if stats.orphans:
        shown = ", ".join(display(f"{deck}/{card}") for deck, card in stats.orphans[:ORPHANS_SHOWN])
        more = f", and {len(stats.orphans) - ORPHANS_SHOWN} more" if len(stats.orphans) > ORPHANS_SHOWN else ""
        lines.append([(f"Orphans (history kept, card no longer in its deck): {len(stats.orphans)}: {shown}{more}", "")])
    return lines


def exam_lines(stats: Stats) -> list[Line]:
    if not stats.exams:
        return []
    lines: list[Line] = [[("Recent exams", "bold")]]
    rows = [["started (UTC)", "score", "right", "time", "decks"]]
    for exam in stats.exams:
        when = exam.started.strftime("%Y-%m-%d %H:%M")
        if exam.finished is None or exam.score is None:
            score, share, time = f"–/{exam.total}", "–", "not finished"
        else:
            score = f"{exam.score}/{exam.total}"
            share = f"{exam.score / exam.total:.0%}" if exam.total else "–"
            time = f"{exam.seconds:.0f} s" if exam.seconds is not None else "–"
        rows.append([when, score, share, time, display(", ".join(exam.decks))])
    lines += [[(f"  {line}", "dim" if i == 0 else "")] for i, line in enumerate(table_lines(rows, right={1, 2, 3}))]
    if stats.weakest_tags:
        lines.append([("Weakest exam tags", "bold")])
        tag_rows = [
            [display(tag.tag), f"{tag.correct}/{tag.total} right", f"({tag.rate:.0%})"] for tag in stats.weakest_tags
        ]
        lines += [[(f"  {line}", "")] for line in table_lines(tag_rows, right={1, 2})]  # aligned, as the exams
    return lines


def stats_lines(stats: Stats, width: int) -> list[Line]:
    """The whole screen for a terminal `width` columns wide."""
    if not stats.decks and not stats.reviews:
        return [[("No decks found and no answers stored yet.", "")]]
    weeks = heatmap_weeks(width)
    days = _forecast_layout(stats.forecast, width)[1]
    table = deck_table(stats)
    blank: list[Line] = [[]]
    lines = table if max(_line_width(line) for line in table) <= width else deck_list(stats)
    lines = [
        *lines,
        *blank,
        [(f"Due in the next {days} days" + (" (cards per day)" if width >= 45 else ""), "bold")],
        *forecast_chart(stats.forecast, width),
        *blank,
        [(f"Answers per day, last {weeks} weeks", "bold")],
        *heatmap_chart(stats.heatmap, stats.today, width),
        *blank,
        *summary_lines(stats),
    ]
    exams = exam_lines(stats)
    return [*lines, *blank, *exams] if exams else lines


def print_stats(stats: Stats, console: Console | None = None) -> None:
    """Show `stats` (see stats.py for what each figure means): through `console`, or rich's console
    on a terminal, or as plain text when stdout is a pipe or a file ($COLUMNS sets its width)."""
    if console is None and not sys.stdout.isatty():
        width = shutil.get_terminal_size((80, 24)).columns
        sys.stdout.write("".join(text_of(line) + "\n" for line in stats_lines(stats, width)))
        return
    from rich.text import Text

    from dense1x1quiz.ui.console import make_console

    console = console or make_console()
    screen = Text("\n").join(Text.assemble(*line) for line in stats_lines(stats, console.width))
    console.print(screen)


SVG_WIDTH = 80  # columns of the stats picture


def save_stats_svg(stats: Stats, path: Path) -> None:
    """The stats screen as an SVG picture at `path` (atomically; `-`: standard output)."""
    import io

    from rich.console import Console

    from dense1x1quiz.ui.demo import write_svg

    console = Console(record=True, width=SVG_WIDTH, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    print_stats(stats, console)
    write_svg(console, path, "quiz stats")


__all__ = [
    "deck_list",
    "deck_table",
    "forecast_chart",
    "heatmap_chart",
    "print_stats",
    "save_stats_svg",
    "stats_lines",
]
