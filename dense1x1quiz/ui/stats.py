"""`quiz stats` on screen: a deck table, the 30-day due forecast, the review heatmap, retention,
orphans and exam results. Works without colour: bars and shades are characters."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from dense1x1quiz.stats import HEATMAP_WEEKS, Stats
from dense1x1quiz.ui.console import deck_text, make_console

BLOCKS = " ▁▂▃▄▅▆▇█"
SHADES = "·░▒▓█"
CHART_HEIGHT = 5
ORPHANS_SHOWN = 5


def _percent(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1%}"


def _seconds(ms: float | None) -> str:
    return "–" if ms is None else f"{ms / 1000:.1f} s"


def deck_table(stats: Stats) -> Table:
    table = Table(box=None, pad_edge=False, show_edge=False, show_footer=len(stats.decks) > 1)
    total = lambda attr: f"{sum(getattr(d, attr) for d in stats.decks):,}"  # noqa: E731
    table.add_column("deck", "total", no_wrap=True)
    for name, attr in (("cards", "cards"), ("new", "new"), ("learn", "learning"), ("review", "review"),
                       ("mature", "mature"), ("due today", "due_today")):
        table.add_column(name, total(attr), justify="right", no_wrap=True)
    table.add_column("retention", _percent(stats.retention.rate), justify="right", no_wrap=True)
    table.add_column("answer", _seconds(stats.average_answer_ms), justify="right", no_wrap=True)
    for d in stats.decks:
        table.add_row(deck_text(d.deck), f"{d.cards:,}", f"{d.new:,}", f"{d.learning:,}", f"{d.review:,}",
                      f"{d.mature:,}", f"{d.due_today:,}", _percent(d.retention.rate),
                      _seconds(d.average_answer_ms))
    return table


def forecast_chart(forecast: list[int]) -> Text:
    """A column chart, one column (2 characters) per day, today first; eighth blocks for precision.

    Today holds every overdue card too; when that dwarfs the other days, the scale follows the
    other days and today's column is cut (its number is printed under the chart)."""
    later = max(forecast[1:], default=0)
    clipped = bool(forecast) and later > 0 and forecast[0] > 2 * later
    peak = later if clipped else max(forecast, default=0)
    text = Text()
    label_width = len(f"{peak:,}")
    for row in range(CHART_HEIGHT, 0, -1):
        label = f"{peak:,}" if row == CHART_HEIGHT and peak else ("0" if row == 1 else "")
        text.append(f"{label:>{label_width}} │", style="dim")
        for day, count in enumerate(forecast):
            eighths = round(min(count, peak) / peak * CHART_HEIGHT * 8) if peak else 0
            eighths = max(eighths, 1) if count else 0  # a day with any card shows at least a sliver
            level = min(max(eighths - (row - 1) * 8, 0), 8)
            cell = "↑ " if clipped and day == 0 and row == CHART_HEIGHT else BLOCKS[level] * 2
            text.append(cell, style="cyan")
        text.append("\n")
    width = 2 * len(forecast)
    text.append(" " * label_width + " └" + "─" * width + "\n", style="dim")
    axis = [" "] * width
    for day, label in ((0, "today"), (7, "+7d"), (14, "+14d"), (21, "+21d"), (28, "+28d")):
        if 2 * day + len(label) <= width:
            axis[2 * day:2 * day + len(label)] = label
    text.append(" " * (label_width + 2) + "".join(axis), style="dim")
    if forecast:
        text.append(f"\n{' ' * (label_width + 2)}today: {forecast[0]:,} (overdue included)", style="dim")
    return text


def heatmap_chart(heatmap: dict[date, int], today: date) -> Text:
    """16 weeks as columns, Monday…Sunday as rows; shades by quarters of the busiest day."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=HEATMAP_WEEKS - 1)
    peak = max(heatmap.values(), default=0)
    text = Text()
    months = [" "] * (2 * HEATMAP_WEEKS)
    # Like GitHub: a month's name over its first week; the first column only if its month goes on.
    second_monday = first_monday + timedelta(weeks=1)
    last_month = None if first_monday.month == second_monday.month else first_monday.month
    free_from = 0
    for week in range(HEATMAP_WEEKS):
        monday = first_monday + timedelta(weeks=week)
        if monday.month != last_month and 2 * week >= free_from and 2 * week + 3 <= len(months):
            months[2 * week:2 * week + 3] = monday.strftime("%b")
            free_from = 2 * week + 4  # a space between labels
        last_month = monday.month
    text.append("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday].ljust(4), style="dim")
        for week in range(HEATMAP_WEEKS):
            day = first_monday + timedelta(weeks=week, days=weekday)
            if day > today:
                text.append("  ")
                continue
            count = heatmap.get(day, 0)
            level = 0 if not count else min(4, 1 + (4 * (count - 1)) // peak)
            text.append(SHADES[level] + " ", style="green" if count else "dim")
        text.append("\n")
    text.append(f"    {SHADES[0]} none  {SHADES[1]}{SHADES[2]}{SHADES[3]}{SHADES[4]} up to {peak} a day",
                style="dim")
    return text


def summary_lines(stats: Stats) -> Text:
    text = Text()
    r = stats.retention
    retention = (f"{r.rate:.1%} ({r.passed:,} of {r.total:,} first answers of the day)" if r.total
                 else "– (no reviews of seen cards yet)")
    text.append(f"True retention, last 30 days: {retention}\n")
    text.append(f"Average answer time, last 30 days: {_seconds(stats.average_answer_ms)}\n")
    text.append(f"Answers stored: {stats.reviews:,}")
    if stats.orphans:
        shown = Text(", ").join(deck_text(f"{deck}/{card}") for deck, card in stats.orphans[:ORPHANS_SHOWN])
        more = f", and {len(stats.orphans) - ORPHANS_SHOWN} more" if len(stats.orphans) > ORPHANS_SHOWN else ""
        text.append(f"\nOrphans (history kept, card no longer in its deck): {len(stats.orphans)}: ")
        text.append_text(shown)
        text.append(more)
    return text


def exam_lines(stats: Stats) -> Text | None:
    if not stats.exams:
        return None
    text = Text("Recent exams\n", style="bold")
    for exam in stats.exams:
        when = exam.started.strftime("%Y-%m-%d %H:%M UTC")
        if exam.finished is None or exam.score is None:
            result = f"not finished ({exam.total} questions)"
        else:
            result = f"{exam.score}/{exam.total} ({exam.score / exam.total:.0%})" if exam.total else "0/0"
            if exam.seconds is not None:
                result += f" in {exam.seconds:.0f} s"
        text.append(f"  {when}  {result}  ")
        text.append_text(deck_text(", ".join(exam.decks)))
        text.append("\n")
    if stats.weakest_tags:
        text.append("Weakest exam tags\n", style="bold")
        for tag in stats.weakest_tags:
            text.append("  ")
            text.append_text(deck_text(tag.tag))
            text.append(f"  {tag.correct}/{tag.total} right ({tag.rate:.0%})\n")
    text.rstrip()
    return text


def print_stats(stats: Stats, console: Console | None = None) -> None:
    """Render `stats` (see stats.py for what each figure means)."""
    console = console or make_console()
    if not stats.decks and not stats.reviews:
        console.print("No decks found and no answers stored yet.")
        return
    parts = [deck_table(stats), Text(""),
             Text("Due in the next 30 days (cards per day)", style="bold"), forecast_chart(stats.forecast),
             Text(""), Text("Answers per day, last 16 weeks", style="bold"),
             heatmap_chart(stats.heatmap, stats.today), Text(""), summary_lines(stats)]
    exams = exam_lines(stats)
    if exams is not None:
        parts += [Text(""), exams]
    console.print(Group(*parts))


__all__ = ["deck_table", "forecast_chart", "heatmap_chart", "print_stats"]
