"""The study queue: which card comes next, and in what order a day's cards are studied.

`build_queue` orders the day's cards from scratch (learning cards due, then reviews by
retrievability, then new cards in deck order within the daily limit, siblings of today's answers
buried). `StudyQueue` runs it once per study day and keeps its order up to date after each answer;
`CramQueue` is `--cram`: every card once, nothing scheduled. Pure: time comes in as arguments,
states come from the store through `study_queue`. The FSRS arithmetic is in scheduler.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from dense1x1quiz.scheduler import (
    AGAIN,
    DEFAULT_DAY_START_HOUR,
    DEFAULT_NEW_PER_DAY,
    CardState,
    Key,
    day_start,
    next_day_start,
    preview,
    retrievability,
    utc,
)

if TYPE_CHECKING:
    from dense1x1quiz.model import Card, Deck
    from dense1x1quiz.scheduler import Scheduler

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: with nothing else left, learning cards due this soon come early
CRAM_AGAIN_GAP = 3  # a card failed while cramming comes back after this many others


class QueueStore(Protocol):
    """What `study_queue` reads from the store (store.Store): states, today's answers, settings."""

    def states(self, keys: Iterable[Key]) -> dict[Key, CardState]: ...

    def new_introduced_since(self, since: datetime) -> dict[str, int]: ...

    def answered_since(self, since: datetime) -> set[Key]: ...

    def get_setting(self, name: str, default: Any = None) -> Any: ...


# -- the day's order ----------------------------------------------------------------------------


def build_queue(
    cards: Sequence[Card],
    states: Mapping[Key, CardState],
    now: datetime,
    *,
    new_per_day: int = DEFAULT_NEW_PER_DAY,
    new_done_today: Mapping[str, int] | None = None,
    answered_today: Iterable[Key] = (),
    day_start_hour: int = DEFAULT_DAY_START_HOUR,
    tz: tzinfo | None = None,
    scheduler: Scheduler | None = None,
) -> list[Card]:
    """The cards to study now, in order:

    1. learning/relearning cards due by `now`, earliest due first;
    2. review cards due before the next day start, lowest retrievability first;
    3. new cards (no entry in `states`, or state "new"), in deck order, at most
       `new_per_day − new_done_today[deck]` per deck.

    `answered_today` holds the keys of cards answered since the day start (see
    `Store.answered_since`); their siblings (same deck and `card.note`) that are new or in review
    are buried until the next day. Learning cards are never buried. `new_done_today` maps a deck to
    the new cards already introduced today (`Store.new_introduced_since`). Cards in learning whose
    due is later today are not in the queue: call again after each answer to pick them up.
    """
    now = utc(now)
    end_of_day = next_day_start(now, day_start_hour, tz)
    by_key = {card.key: card for card in cards}
    answered = set(answered_today)
    busy_notes = {(by_key[k].deck, by_key[k].note) for k in answered if k in by_key}
    new_done = dict(new_done_today or {})

    learning: list[tuple[datetime, int, Card]] = []
    reviews: list[tuple[float, int, Card]] = []
    fresh: list[Card] = []
    for position, card in enumerate(cards):
        state = states.get(card.key)
        buried = (card.deck, card.note) in busy_notes and card.key not in answered
        if state is None or state.state == "new":
            if not buried:
                fresh.append(card)
        elif state.state in ("learning", "relearning"):
            if state.due is not None and state.due <= now:
                learning.append((state.due, position, card))
        elif state.due is not None and state.due < end_of_day and not buried:
            reviews.append((retrievability(state, now, scheduler), position, card))

    queue = [card for _, _, card in sorted(learning, key=lambda t: (t[0], t[1]))]
    queue += [card for _, _, card in sorted(reviews, key=lambda t: (t[0], t[1]))]
    room = {deck: max(0, new_per_day - done) for deck, done in new_done.items()}
    for card in fresh:
        left = room.setdefault(card.deck, new_per_day)
        if left > 0:
            queue.append(card)
            room[card.deck] = left - 1
    return queue


def counts(queue: Iterable[Card], states: Mapping[Key, CardState]) -> dict[str, int]:
    """What is left in `queue` as Anki's header counts it: {"new", "learning", "review"}."""
    result = {"new": 0, "learning": 0, "review": 0}
    for card in queue:
        state = states.get(card.key)
        kind = "new" if state is None or state.state == "new" else state.state
        result["learning" if kind == "relearning" else kind] += 1
    return result


# -- the session's queues -----------------------------------------------------------------------


class StudyQueue:
    """Which card comes next in a spaced-repetition session.

    `build_queue` decides the order of the day's reviews and new cards; it runs once per
    study day (a deck of 20,000 cards takes a fraction of a second) and each answer then takes its
    card, and the siblings it buries, out of that order. Learning cards are put in front as they
    fall due; when nothing else is left, those due within LEARN_AHEAD come early, as in Anki.
    """

    def __init__(
        self,
        cards: Sequence[Card],
        states: dict[Key, CardState],
        *,
        scheduler: Scheduler,
        new_per_day: int,
        new_done_today: dict[str, int],
        answered_today: set[Key],
        limit: int | None = None,
        day_start_hour: int = 4,
    ):
        self.cards = list(cards)
        self.states = states
        self.scheduler = scheduler
        self.new_per_day = new_per_day
        self.new_done = dict(new_done_today)
        self.answered = set(answered_today)
        self.limit = limit
        self.day_start_hour = day_start_hour
        self.seen: set[Key] = set()  # cards answered in this session (for --limit)
        self._position = {card.key: i for i, card in enumerate(self.cards)}
        self._notes: dict[tuple[str, str], list[Card]] = {}
        for card in self.cards:
            self._notes.setdefault((card.deck, card.note), []).append(card)
        # Only a stored state can be learning (a card without one is new): one pass over the states,
        # not a CardState per card, which was ~15% of a 20,000-card session's start (issue 7).
        self._learning = {
            key for key, state in states.items() if state.state in ("learning", "relearning") and key in self._position
        }
        self._base: list[Card] = []  # build_queue's reviews and new cards, less those answered since
        self._in_base: set[Key] = set()
        self._day: datetime | None = None
        self._split: tuple[datetime, list[Card], list[Card]] | None = None  # learning cards, for one `now`
        self._history: list[tuple[Any, ...]] = []
        self._first: Card | None = None  # the card put back by undo

    def state(self, card: Card) -> CardState:
        return self.states.get(card.key) or CardState.new(card.key)

    def _refresh(self, now: datetime) -> None:
        """Build the day's order on the first call and again when a new study day begins."""
        day = day_start(now, self.day_start_hour)
        if self._day == day:
            return
        if self._day is not None:  # a session that runs past the day's start: a fresh day
            self.new_done, self.answered = {}, set()
        self._day = day
        queue = build_queue(
            self.cards,
            self.states,
            now,
            new_per_day=self.new_per_day,
            new_done_today=self.new_done,
            answered_today=self.answered,
            day_start_hour=self.day_start_hour,
            scheduler=self.scheduler,
        )
        self._base = [c for c in queue if c.key not in self._learning]
        self._in_base = {c.key for c in self._base}

    def _within_limit(self, cards: list[Card]) -> list[Card]:
        if self.limit is not None and len(self.seen) >= self.limit:
            return [c for c in cards if c.key in self.seen]
        return cards

    def _learning_cards(self, now: datetime) -> tuple[list[Card], list[Card]]:
        """Learning cards due by `now`, and those due later today, each earliest first."""
        if self._split is None or self._split[0] != now:
            end = next_day_start(now, self.day_start_hour)
            due_now: list[tuple[datetime, int]] = []
            later: list[tuple[datetime, int]] = []
            for key in self._learning:
                due = self.states[key].due
                if due is not None and due < end:
                    (due_now if due <= now else later).append((due, self._position[key]))
            self._split = (now, [self.cards[i] for _, i in sorted(due_now)], [self.cards[i] for _, i in sorted(later)])
        return self._within_limit(self._split[1]), self._within_limit(self._split[2])

    def next(self, now: datetime) -> Card | None:
        """The card to show now, or None when the session is done."""
        if self._first is not None:
            return self._first
        self._refresh(now)
        due_now, later = self._learning_cards(now)
        queue = due_now or self._within_limit(self._base)
        if queue:
            return queue[0]
        if later and self.state(later[0]).due <= now + LEARN_AHEAD:  # type: ignore[operator]
            return later[0]
        return None

    def counts(self, now: datetime) -> tuple[int, int, int]:
        """(new, learning, review) left, as Anki's header counts them."""
        self._refresh(now)
        due_now, later = self._learning_cards(now)
        base = self._within_limit(self._base)
        if self.limit is not None:  # with --limit, only as many more cards as it leaves
            budget = self.limit - len(self.seen)

            def take(cards: list[Card]) -> list[Card]:
                nonlocal budget
                kept = []
                for card in cards:
                    if card.key not in self.seen:
                        if budget <= 0:
                            continue
                        budget -= 1
                    kept.append(card)
                return kept

            learning = take(due_now + later)
            base = take(base)
            new = sum(1 for card in base if card.key not in self.states)
            return new, len(learning), len(base) - new
        new = 0
        for card in reversed(base):  # build_queue puts the new cards last
            if card.key in self.states:
                break
            new += 1
        return new, len(due_now) + len(later), len(base) - new

    def preview(self, card: Card, now: datetime) -> dict[int, timedelta] | None:
        return preview(self.state(card), now, self.scheduler)

    def answered_with(self, card: Card, before: CardState, after: CardState | None, rating: int) -> None:
        """Take the answer into account: the card leaves the day's order, its siblings are buried,
        and it comes back when due if it is (still) learning."""
        self._history.append(
            (
                card,
                self.states.get(card.key),
                set(self.answered),
                set(self.seen),
                dict(self.new_done),
                list(self._base),
                set(self._learning),
            )
        )
        self._first, self._split = None, None
        if before.state == "new":
            self.new_done[card.deck] = self.new_done.get(card.deck, 0) + 1
        if after is not None:
            self.states[card.key] = after
            if after.state in ("learning", "relearning"):
                self._learning.add(card.key)
            else:
                self._learning.discard(card.key)
        self.answered.add(card.key)
        self.seen.add(card.key)
        # The card leaves the day's order, and so do its siblings not answered today (buried).
        if card.key in self._in_base:
            self._base.remove(card)
            self._in_base.discard(card.key)
        buried = [
            c
            for c in self._notes.get((card.deck, card.note), [])
            if c.key in self._in_base and c.key not in self.answered
        ]
        for sibling in buried:
            self._base.remove(sibling)
            self._in_base.discard(sibling.key)
        if any(self.state(c).state == "new" for c in buried):
            self._refill_new(card.deck)

    def _refill_new(self, deck: str) -> None:
        """A buried new card leaves room for the deck's next new card, as build_queue would choose
        it: the first new cards in deck order, siblings of today's answers left out."""
        room = self.new_per_day - self.new_done.get(deck, 0)
        busy = {(c.deck, c.note) for c in self.cards if c.key in self.answered}
        fresh: list[Card] = []
        for card in self.cards:
            if len(fresh) >= room:
                break
            state = self.states.get(card.key)
            if (
                card.deck == deck
                and (state is None or state.state == "new")
                and ((card.deck, card.note) not in busy or card.key in self.answered)
            ):
                fresh.append(card)
        reviews = [c for c in self._base if self.state(c).state != "new"]
        others = [c for c in self._base if c.deck != deck and self.state(c).state == "new"]
        self._base = reviews + sorted(others + fresh, key=lambda c: self._position[c.key])
        self._in_base = {c.key for c in self._base}

    def undo(self) -> Card | None:
        """Forget the last answer of this session; its card comes next. None if there is none."""
        if not self._history:
            return None
        card, state, self.answered, self.seen, self.new_done, self._base, self._learning = self._history.pop()
        self._in_base, self._split = {c.key for c in self._base}, None
        if state is None:
            self.states.pop(card.key, None)
        else:
            self.states[card.key] = state
        self._first = card
        return card

    def next_due(self) -> datetime | None:
        """The earliest due time among the session's cards that have been reviewed."""
        dues = [s.due for c in self.cards if (s := self.states.get(c.key)) is not None and s.due is not None]
        return min(dues) if dues else None


class CramQueue:
    """`--cram`: every card once, in the given order; a failed card comes back a few cards later.
    Nothing is scheduled, so there are no intervals and no due times."""

    def __init__(self, cards: Sequence[Card], limit: int | None = None):
        self.cards = list(cards[:limit] if limit else cards)
        self._left = list(self.cards)
        self._history: list[list[Card]] = []

    def next(self, now: datetime) -> Card | None:
        return self._left[0] if self._left else None

    def counts(self, now: datetime) -> tuple[int, int, int]:
        return len(set(c.key for c in self._left)), 0, 0

    def preview(self, card: Card, now: datetime) -> dict[int, timedelta] | None:
        return None

    def answered_with(self, card: Card, before: CardState | None, after: CardState | None, rating: int) -> None:
        self._history.append(list(self._left))
        self._left.remove(card)
        if rating == AGAIN:
            self._left.insert(min(CRAM_AGAIN_GAP, len(self._left)), card)

    def undo(self) -> Card | None:
        if not self._history:
            return None
        self._left = self._history.pop()
        return self._left[0]

    def next_due(self) -> datetime | None:
        return None


def select_cards(decks: Sequence[Deck], tags: Sequence[str] = ()) -> list[Card]:
    """The cards of `decks` in deck order; with `tags`, only cards carrying at least one of them."""
    cards = [card for deck in decks for card in deck.cards]
    if tags:
        wanted = {t.casefold() for t in tags}
        cards = [card for card in cards if wanted & {t.casefold() for t in card.tags}]
    return cards


def study_queue(
    cards: Sequence[Card],
    store: QueueStore,
    scheduler: Scheduler,
    now: datetime,
    *,
    new_per_day: int | None = None,
    limit: int | None = None,
) -> StudyQueue:
    """A StudyQueue over `cards` with the states and today's answers read from `store`; the new-card
    limit and the hour days start come from the store's settings unless given."""
    hour = int(store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR))
    if new_per_day is None:
        new_per_day = int(store.get_setting("new_per_day", DEFAULT_NEW_PER_DAY))
    today = day_start(now, hour)
    return StudyQueue(
        cards,
        store.states([c.key for c in cards]),
        scheduler=scheduler,
        new_per_day=new_per_day,
        new_done_today=store.new_introduced_since(today),
        answered_today=store.answered_since(today),
        limit=limit,
        day_start_hour=hour,
    )


__all__ = [
    "CRAM_AGAIN_GAP",
    "LEARN_AHEAD",
    "CramQueue",
    "QueueStore",
    "StudyQueue",
    "build_queue",
    "counts",
    "select_cards",
    "study_queue",
]
