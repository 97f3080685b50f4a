"""Read-only figures for `quiz stats`: card counts, due forecast, review heatmap, true retention,
answer time, orphans and exam results. Nothing here writes to the store.

Definitions (the README repeats them):
- mature: a review card whose interval is at least 21 days.
- due today: learning, relearning and review cards due before the next day start (new cards not counted).
- true retention (last 30 days): for each card and study day, the first answer of that day, if the
  card was not new; Again is a fail, Hard/Good/Easy a pass.
- orphans: cards with history whose id is no longer in their deck (or whose deck is gone).
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, NamedTuple

from dense1x1quiz.env import local_zone
from dense1x1quiz.scheduler import (
    DEFAULT_DAY_START_HOUR,
    MATURE_DAYS,
    CardState,
    Key,
    day_start,
    next_day_start,
    utc,
)
from dense1x1quiz.store import ExamRow, StateRow, Store, epoch_ms, state_from_row, time_of_ms
from dense1x1quiz.vocabulary import State

if TYPE_CHECKING:  # stats reads deck outlines: the model is not imported for it
    from dense1x1quiz.deckcache import DeckOutline
    from dense1x1quiz.model import Deck

FORECAST_DAYS = 30
HEATMAP_WEEKS = 16
RETENTION_DAYS = 30
WEAK_TAGS = 5


class Retention(NamedTuple):
    """Passes among the first answers per card and day of non-new cards."""

    passed: int = 0
    total: int = 0

    @property
    def rate(self) -> float | None:
        return self.passed / self.total if self.total else None


@dataclass
class DeckStats:
    """One deck's figures (`reviews`: answers ever; retention and answer time: last 30 days)."""

    deck: str
    title: str
    cards: int = 0
    new: int = 0
    learning: int = 0  # learning + relearning
    review: int = 0  # review state, mature included
    mature: int = 0
    due_today: int = 0
    reviews: int = 0
    retention: Retention = Retention()
    average_answer_ms: float | None = None
    orphans: list[str] = field(default_factory=list)


class TagResult(NamedTuple):
    """How often exam questions with `tag` were answered right."""

    tag: str
    correct: int
    total: int

    @property
    def rate(self) -> float:
        return self.correct / self.total


class Stats(NamedTuple):
    """Everything `quiz stats` shows. Days are study days (starting at the day-start hour)."""

    now: datetime
    today: date  # the study day containing `now` (its local calendar date at the day start)
    decks: list[DeckStats]
    card_rows: list[StateRow]  # with_cards: every card in deck order (new ones too); else []
    reviews: int
    retention: Retention
    average_answer_ms: float | None
    forecast: list[int]  # cards due per study day, [0] = today (overdue included)
    heatmap: dict[date, int]  # answers per study day over the last 16 weeks (days with none absent)
    orphans: list[Key]
    exams: list[ExamRow]
    weakest_tags: list[TagResult]

    @property
    def cards(self) -> list[CardState]:
        """Every card of the selected decks in deck order (new ones as `CardState.new`); empty
        unless computed `with_cards`."""
        return [
            state_from_row(row) if row.state != State.New else CardState.new((row.deck, row.card))
            for row in self.card_rows
        ]


def _day_starts(now: datetime, back: int, ahead: int, hour: int, tz: tzinfo | None) -> list[datetime]:
    """UTC starts of the study days from `back` days before today to `ahead` days after it."""
    today = day_start(now, hour, tz)
    starts = [today]
    for _ in range(back):
        starts.insert(0, day_start(starts[0] - timedelta(hours=12), hour, tz))
    for _ in range(ahead):
        starts.append(next_day_start(starts[-1], hour, tz))
    return starts


def _label(start: datetime, tz: tzinfo | None) -> date:
    return start.astimezone(tz if tz is not None else local_zone()).date()


def _count_cards_one_by_one(
    card_ids: Mapping[str, Sequence[str]],
    per_deck: dict[str, DeckStats],
    store: Store,
    selected: list[str] | None,
    ends: list[datetime],
) -> tuple[list[StateRow], list[int], list[Key], dict[str, int]]:
    """Counts, forecast, orphans and answers per deck from every stored state (kept as `card_rows`
    for --json). `ends`: the ends of the study days today, tomorrow, …"""
    stored = {(r.deck, r.card): r for r in store.state_rows(selected)}
    ends_ms = [epoch_ms(end) for end in ends]
    mature_ms = MATURE_DAYS * 86_400_000
    card_rows: list[StateRow] = []
    forecast = [0] * FORECAST_DAYS
    make_row = StateRow._make  # tuple.__new__ itself: a third of the cost of StateRow(...) per new card
    for deck_id, ids in card_ids.items():  # raw rows (times in ms), not CardStates: tens of thousands stay quick
        figures = per_deck[deck_id]
        if not stored:  # nothing answered yet: every card new
            card_rows += [make_row((deck_id, card_id, State.New, 0, None, None, None, None, 0, 0)) for card_id in ids]
            figures.new += len(ids)
            continue
        for card_id in ids:
            row = stored.get((deck_id, card_id))
            if row is None:
                card_rows.append(make_row((deck_id, card_id, State.New, 0, None, None, None, None, 0, 0)))
                figures.new += 1
                continue
            card_rows.append(row)
            # A stored state has been answered, so it has both times; a row damaged by hand reads as long due.
            due_ms = row.due_ms or 0
            if row.state == State.Review:
                figures.review += 1
                figures.mature += due_ms - (row.last_review_ms or due_ms) >= mature_ms
            else:
                figures.learning += 1
            figures.due_today += due_ms < ends_ms[0]
            slot = bisect.bisect_right(ends_ms, due_ms)
            if slot < FORECAST_DAYS:
                forecast[slot] += 1
    known = {(row.deck, row.card) for row in card_rows}
    orphans = sorted(k for k in stored if k not in known)
    return card_rows, forecast, orphans, store.review_counts_by_deck()


def _count_cards_in_sqlite(
    card_ids: Mapping[str, Sequence[str]],
    per_deck: dict[str, DeckStats],
    store: Store,
    selected: list[str] | None,
    ends: list[datetime],
) -> tuple[list[StateRow], list[int], list[Key], dict[str, int]]:
    """The same figures as `_count_cards_one_by_one` with SQLite counting, then the orphans' share
    taken back out; no card rows."""
    counts = store.deck_counts(ends[0], MATURE_DAYS, decks=selected)  # only decks with stored states
    orphans: list[Key] = []
    for deck_id in sorted(counts):
        gone = store.card_ids(deck_id).difference(card_ids.get(deck_id, ()))
        orphans += [(deck_id, card_id) for card_id in sorted(gone)]
    stored_in_deck: dict[str, int] = {}
    for deck_id, (cards, review, mature, due_today, _) in counts.items():
        figures = per_deck.get(deck_id)
        if figures is None:
            continue
        stored_in_deck[deck_id] = cards
        figures.review += review
        figures.mature += mature
        figures.learning += cards - review
        figures.due_today += due_today
    forecast = store.due_per_period([datetime(1, 1, 2, tzinfo=timezone.utc), *ends[:FORECAST_DAYS]], decks=selected)
    ends_ms = [epoch_ms(end) for end in ends]
    for state in store.states(orphans).values():  # orphans count nowhere but in their own list
        due_ms = epoch_ms(state.due) if state.due else 0  # as in `_count_cards_one_by_one`
        slot = bisect.bisect_right(ends_ms, due_ms)
        if slot < FORECAST_DAYS:
            forecast[slot] -= 1
        figures = per_deck.get(state.key[0])
        if figures is None:
            continue
        stored_in_deck[state.key[0]] -= 1
        if state.state == State.Review:
            figures.review -= 1
            figures.mature -= state.mature
        else:
            figures.learning -= 1
        figures.due_today -= due_ms < ends_ms[0]
    for deck_id, figures in per_deck.items():
        figures.new = figures.cards - stored_in_deck.get(deck_id, 0)
    return [], forecast, orphans, {deck_id: n[4] for deck_id, n in counts.items()}


def compute_stats(
    decks: Sequence[Deck | DeckOutline],
    store: Store,
    now: datetime,
    *,
    all_decks: bool = True,
    with_cards: bool = True,
    day_start_hour: int | None = None,
    tz: tzinfo | None = None,
) -> Stats:
    """The figures for `decks` at `now`. `all_decks`: the selection is every deck found, so history
    of decks that no longer exist counts as orphans too. `with_cards`: also every card's state
    (`Stats.card_rows`, for --json); without, the counts come from SQLite's own counting, which
    is quicker on big collections. The day start hour defaults to the saved "day_start_hour"
    setting, else 4; `tz` to the local time zone. Every figure is read from one state of the
    database, so they agree with each other even while another session is answering."""
    with store.snapshot():
        return _figures(
            decks, store, now, all_decks=all_decks, with_cards=with_cards, day_start_hour=day_start_hour, tz=tz
        )


def _figures(
    decks: Sequence[Deck | DeckOutline],
    store: Store,
    now: datetime,
    *,
    all_decks: bool,
    with_cards: bool,
    day_start_hour: int | None,
    tz: tzinfo | None,
) -> Stats:
    now = utc(now)
    hour = store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR) if day_start_hour is None else day_start_hour
    deck_ids = [d.id for d in decks]
    selected = None if all_decks else deck_ids
    days = _day_starts(now, HEATMAP_WEEKS * 7 - 1, FORECAST_DAYS, hour, tz)
    today_index = HEATMAP_WEEKS * 7 - 1
    card_ids = {d.id: d.card_ids for d in decks}  # all stats needs of the cards (an outline has them too)
    per_deck = {d.id: DeckStats(d.id, d.title, cards=len(card_ids[d.id])) for d in decks}
    count_cards = _count_cards_one_by_one if with_cards else _count_cards_in_sqlite
    card_rows, forecast, orphans, counts = count_cards(card_ids, per_deck, store, selected, days[today_index + 1 :])

    for key in orphans:
        if key[0] in per_deck:
            per_deck[key[0]].orphans.append(key[1])

    # True retention and answer time over the last 30 days (up to the end of today).
    since = now - timedelta(days=RETENTION_DAYS)
    end_of_today = days[today_index + 1]
    periods = [since, *(d for d in days if since < d < end_of_today), end_of_today]
    recent = store.recent_answers(periods, decks=selected)  # deck → (passes, first answers, ms, timed)
    for deck_id, figures in per_deck.items():
        passed, firsts, total_ms, timed = recent.get(deck_id, (0, 0, 0, 0))
        figures.retention = Retention(passed, firsts)
        figures.average_answer_ms = total_ms / timed if timed else None
        figures.reviews = counts.get(deck_id, 0)
    total_ms, timed = sum(r[2] for r in recent.values()), sum(r[3] for r in recent.values())

    per_day = store.answers_per_period(days[: today_index + 2], decks=selected)
    heatmap = {_label(start, tz): n for start, n in zip(days, per_day) if n}  # noqa: B905

    return Stats(
        now=now,
        today=_label(days[today_index], tz),
        decks=list(per_deck.values()),
        card_rows=card_rows,
        reviews=sum(counts.values()) if all_decks else sum(d.reviews for d in per_deck.values()),
        retention=Retention(sum(r[0] for r in recent.values()), sum(r[1] for r in recent.values())),
        average_answer_ms=total_ms / timed if timed else None,
        forecast=forecast,
        heatmap=dict(heatmap),
        orphans=orphans,
        exams=_recent_exams(store, None if all_decks else set(deck_ids)),
        weakest_tags=_weakest_tags(store, deck_wide={tag for deck in decks for tag in deck.tags}),
    )


EXAMS_SHOWN = 5
EXAMS_SCANNED = 1000  # the latest exams looked through for those of the chosen decks


def _recent_exams(store: Store, decks: Set[str] | None) -> list[ExamRow]:
    """The latest EXAMS_SHOWN exams; with `decks` (`quiz stats DECK`), those that asked any of them."""
    if decks is None:
        return store.exams(limit=EXAMS_SHOWN)
    return [exam for exam in store.exams(limit=EXAMS_SCANNED) if not decks.isdisjoint(exam.decks)][:EXAMS_SHOWN]


def _weakest_tags(store: Store, deck_wide: Set[str] = frozenset()) -> list[TagResult]:
    """Exam tags with the lowest share of right answers (ties: more answers first).

    Deck-wide tags (on every card of a deck) are left out, as in the exam's own report: they say
    no more than the deck's name."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for answer in store.exam_answers():
        for tag in answer["tags"]:
            if tag in deck_wide:
                continue
            totals[tag][0] += answer["correct"]
            totals[tag][1] += 1
    results = [TagResult(tag, right, total) for tag, (right, total) in totals.items()]
    results.sort(key=lambda r: (r.rate, -r.total, r.tag))
    return [r for r in results if r.correct < r.total][:WEAK_TAGS]


def _iso_ms(ms: int | None) -> str | None:
    """ms since the epoch → ISO-8601 UTC with a Z ("2026-03-10T11:01:00Z"; milliseconds if any)."""
    if ms is None:
        return None
    moment = time_of_ms(ms)
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds").replace("+00:00", "Z")


def stats_json(stats: Stats) -> dict:
    """The JSON of `quiz stats --json` (DESIGN.md): {"reviews", "retention", "decks", "cards"}.

    `retention` is the true retention of the last 30 days (null without answers); a new card has
    `due`, `stability` and `difficulty` null."""
    return {
        "reviews": stats.reviews,
        "retention": stats.retention.rate,
        "decks": [
            {
                "deck": d.deck,
                "title": d.title,
                "cards": d.cards,
                "new": d.new,
                "learning": d.learning,
                "review": d.review,
                "mature": d.mature,
                "due_today": d.due_today,
                "reviews": d.reviews,
                "retention": d.retention.rate,
                "average_answer_seconds": None if d.average_answer_ms is None else round(d.average_answer_ms / 1000, 3),
                "orphans": d.orphans,
            }
            for d in stats.decks
        ],
        "cards": [
            {
                "deck": row.deck,
                "id": row.card,
                "state": row.state,
                "due": _iso_ms(row.due_ms),
                "stability": row.stability,
                "difficulty": row.difficulty,
                "reps": row.reps,
                "lapses": row.lapses,
            }
            for row in stats.card_rows
        ],
    }


__all__ = ["DeckStats", "Retention", "Stats", "TagResult", "compute_stats", "stats_json"]
