"""`quiz stats` on screen: a deck table, the 30-day due forecast, the review heatmap, retention,
orphans and exam results. Works without colour: bars and shades are characters."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console, Group
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


def deck_table(stats: Stats) -> Text:
    """One line per deck and a total line under several decks; columns two spaces apart, numbers
    right-aligned. (Plain Text rather than rich's Table: `quiz stats` starts faster without it.)"""
    headers = ["deck", "cards", "new", "learn", "review", "mature", "due today", "retention", "answer"]
    rows = [[deck_text(d.deck), *(f"{n:,}" for n in (d.cards, d.new, d.learning, d.review, d.mature, d.due_today)),
             _percent(d.retention.rate), _seconds(d.average_answer_ms)] for d in stats.decks]
    if len(stats.decks) > 1:
        sums = [sum(getattr(d, a) for d in stats.decks) for a in ("cards", "new", "learning", "review", "mature",
                                                                   "due_today")]
        rows.append([Text("total"), *(f"{n:,}" for n in sums), _percent(stats.retention.rate),
                     _seconds(stats.average_answer_ms)])
    cells = [[Text(h) for h in headers]] + [[c if isinstance(c, Text) else Text(c) for c in row] for row in rows]
    widths = [max(row[i].cell_len for row in cells) for i in range(len(headers))]
    text = Text()
    for n, row in enumerate(cells):
        if n:
            text.append("\n")
        for i, cell in enumerate(row):
            pad = " " * (widths[i] - cell.cell_len)
            if i == 0:
                text.append_text(cell)
                text.append(pad)
            else:
                text.append("  " + pad)
                text.append_text(cell)
    return text


def deck_list(stats: Stats) -> Text:
    """The deck table for narrow screens: one short block per deck."""
    text = Text()
    for i, d in enumerate(stats.decks):
        text.append_text(deck_text(d.deck, style="bold"))
        text.append(f"\n  {d.cards:,} cards · {d.new:,} new\n  {d.learning:,} learning · {d.review:,} review"
                    f"\n  {d.mature:,} mature · {d.due_today:,} due\n  retention {_percent(d.retention.rate)}"
                    f"\n  answer {_seconds(d.average_answer_ms)}")
        if i < len(stats.decks) - 1:
            text.append("\n")
    return text


def _forecast_layout(forecast: list[int], width: int) -> tuple[int, int]:
    """(characters per day, days shown) for a screen `width` wide."""
    label_width = len(f"{max(forecast, default=0):,}")
    cell = 2 if label_width + 2 + 2 * len(forecast) <= width else 1
    return cell, max(1, min(len(forecast), (width - label_width - 2) // cell))


def forecast_chart(forecast: list[int], width: int = 80) -> Text:
    """A column chart, one column per day (2 characters, or 1 on narrow screens, which also show
    fewer days), today first; eighth blocks for precision.

    Today holds every overdue card too; when that dwarfs the other days, the scale follows the
    other days and today's column is cut (its number is printed under the chart)."""
    cell, days = _forecast_layout(forecast, width)
    forecast = forecast[:days]
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
            column = "↑" if clipped and day == 0 and row == CHART_HEIGHT else BLOCKS[level]
            text.append((column + " " if column == "↑" else column * 2)[:cell], style="cyan")
        text.append("\n")
    chart_width = cell * len(forecast)
    text.append(" " * label_width + " └" + "─" * chart_width + "\n", style="dim")
    axis = [" "] * chart_width
    for day, label in ((0, "today"), (7, "+7d"), (14, "+14d"), (21, "+21d"), (28, "+28d")):
        if cell * day + len(label) <= chart_width and (day == 0 or cell * day >= 6):
            axis[cell * day:cell * day + len(label)] = label
    text.append(" " * (label_width + 2) + "".join(axis), style="dim")
    if forecast:
        text.append(f"\n{' ' * (label_width + 2)}today: {forecast[0]:,} (overdue included)", style="dim")
    return text


def heatmap_chart(heatmap: dict[date, int], today: date, width: int = 80) -> Text:
    """16 weeks as columns (fewer on a narrow screen), Monday…Sunday as rows; shades by quarters
    of the busiest day shown."""
    weeks = max(1, min(HEATMAP_WEEKS, (width - 4) // 2))
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    heatmap = {day: n for day, n in heatmap.items() if day >= first_monday}
    peak = max(heatmap.values(), default=0)
    text = Text()
    months = [" "] * (2 * weeks)
    # Like GitHub: a month's name over its first week; the first column only if its month goes on.
    second_monday = first_monday + timedelta(weeks=1)
    last_month = None if first_monday.month == second_monday.month else first_monday.month
    free_from = 0
    for week in range(weeks):
        monday = first_monday + timedelta(weeks=week)
        if monday.month != last_month and 2 * week >= free_from and 2 * week + 3 <= len(months):
            months[2 * week:2 * week + 3] = monday.strftime("%b")
            free_from = 2 * week + 4  # a space between labels
        last_month = monday.month
    text.append("    " + "".join(months).rstrip() + "\n", style="dim")
    for weekday in range(7):
        text.append(("Mon", "", "Wed", "", "Fri", "", "Sun")[weekday].ljust(4), style="dim")
        for week in range(weeks):
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
    width = console.width
    weeks = min(HEATMAP_WEEKS, (width - 4) // 2)
    days = _forecast_layout(stats.forecast, width)[1]
    table = deck_table(stats)
    fits = max(Text(line).cell_len for line in table.plain.splitlines()) <= width
    parts = [table if fits else deck_list(stats), Text(""),
             Text(f"Due in the next {days} days" + (" (cards per day)" if width >= 45 else ""), style="bold"),
             forecast_chart(stats.forecast, width), Text(""),
             Text(f"Answers per day, last {weeks} weeks", style="bold"),
             heatmap_chart(stats.heatmap, stats.today, width), Text(""), summary_lines(stats)]
    exams = exam_lines(stats)
    if exams is not None:
        parts += [Text(""), exams]
    console.print(Group(*parts))


__all__ = ["deck_list", "deck_table", "forecast_chart", "heatmap_chart", "print_stats"]
