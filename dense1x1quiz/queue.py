"""The study queue: which card comes next, and in what order a day's cards are studied.

`build_queue` orders the day's cards from scratch (learning cards due, then reviews by
retrievability, then new cards in deck order within the daily limit, siblings of today's answers
buried). `StudyQueue` runs it once per study day and keeps its order up to date after each answer;
`CramQueue` is `--cram`: every card once, nothing scheduled. Pure: time comes in as arguments,
states come from the store through `study_queue`, which leaves out suspended and buried cards (a
cram asks every card: it reads no store). The FSRS arithmetic is in scheduler.py.
"""

from __future__ import annotations

import heapq
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, NamedTuple, Protocol

from dense1x1quiz.cardlist import CardList, field_of, keys_of
from dense1x1quiz.scheduler import (
    AGAIN,
    DEFAULT_DAY_START_HOUR,
    DEFAULT_NEW_PER_DAY,
    CardState,
    Key,
    day_start,
    deck_scheduler,
    next_day_start,
    preview,
    retrievability,
    utc,
)

if TYPE_CHECKING:
    from dense1x1quiz.model import Card, Deck
    from dense1x1quiz.scheduler import Scheduler
    from dense1x1quiz.settings import Settings

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: with nothing else left, learning cards due this soon come early
CRAM_AGAIN_GAP = 3  # a card failed while cramming comes back after this many others
_LEARNING = ("learning", "relearning")


class QueueStore(Protocol):
    """What `study_queue` reads from the store (store.Store): states, today's answers, settings."""

    def states(self, keys: Iterable[Key]) -> dict[Key, CardState]: ...

    def new_introduced_since(self, since: datetime) -> dict[str, int]: ...

    def answered_since(self, since: datetime) -> set[Key]: ...

    def reviews_done_since(self, since: datetime) -> dict[str, int]: ...

    def settings(self) -> Settings: ...

    def set_aside(self, now: datetime) -> set[Key]: ...


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
    new_limits: Mapping[str, int] | None = None,
    review_room: Mapping[str, int] | None = None,
) -> list[Card]:
    """The cards to study now, in order:

    1. learning/relearning cards due by `now`, earliest due first;
    2. review cards due before the next day start, lowest retrievability (the most overdue for their
       interval) first; at most `review_room[deck]` of a deck that has an entry there (the reviews its
       `reviews_per_day` leaves today), the most overdue ones;
    3. new cards (no entry in `states`, or state "new"), in deck order, at most
       `new_per_day − new_done_today[deck]` per deck (`new_limits[deck]` instead of `new_per_day` for
       a deck there).

    `answered_today` holds the keys of cards answered since the day start (see
    `Store.answered_since`); their siblings (same deck and `card.note`) that are new or in review
    are buried until the next day. Learning cards are never buried. `new_done_today` maps a deck to
    the new cards already introduced today (`Store.new_introduced_since`). Cards in learning whose
    due is later today are not in the queue: call again after each answer to pick them up.
    """
    positions = _queue_positions(
        cards,
        states,
        now,
        new_per_day=new_per_day,
        new_done_today=new_done_today,
        answered_today=answered_today,
        day_start_hour=day_start_hour,
        tz=tz,
        scheduler=scheduler,
        new_limits=new_limits,
        review_room=review_room,
    )
    return [cards[position] for position in positions]


def _queue_positions(
    cards: Sequence[Card],
    states: Mapping[Key, CardState],
    now: datetime,
    *,
    new_per_day: int,
    new_done_today: Mapping[str, int] | None,
    answered_today: Iterable[Key],
    day_start_hour: int,
    tz: tzinfo | None,
    scheduler: Scheduler | None,
    new_limits: Mapping[str, int] | None,
    review_room: Mapping[str, int] | None,
    aside: Collection[Key] = (),
) -> list[int]:
    """`build_queue`, giving the cards' positions in `cards`; the cards whose key is in `aside` (set aside
    in a session) are left out."""
    now = utc(now)
    end_of_day = next_day_start(now, day_start_hour, tz)
    answered = set(answered_today)
    # The passes read the cards' keys, decks and notes (a CardList's columns: no Card is built) and keep
    # positions; only the cards queued are taken from `cards`.
    decks = field_of(cards, "deck")
    keys = keys_of(cards) if states or answered or aside else []  # a first session's order needs no key
    notes = field_of(cards, "note") if answered else []
    by_key = dict(zip(keys, range(len(keys)), strict=True)) if answered else {}  # a day's first session: none
    busy_notes = {(decks[by_key[k]], notes[by_key[k]]) for k in answered if k in by_key}
    new_done = dict(new_done_today or {})

    learning: list[tuple[datetime, int]] = []
    reviews: list[tuple[float, int]] = []
    fresh_positions: list[int] = []
    add_fresh = fresh_positions.append
    get = states.get
    # No card has a state nor a buried sibling (a first session): all are new, in deck order, no pass needed.
    pass_needed = bool(states or busy_notes or aside)
    for position, key in enumerate(keys) if pass_needed else ():
        if aside and key in aside:
            continue
        state = get(key)
        # No tuple per card unless some note is busy (100,000 cards, most of them new: a fifth of the pass).
        buried = bool(busy_notes) and (decks[position], notes[position]) in busy_notes and key not in answered
        if state is None or state.state == "new":
            if not buried:
                add_fresh(position)
        elif state.state in ("learning", "relearning"):
            if state.due is not None and state.due <= now:
                learning.append((state.due, position))
        elif state.due is not None and state.due < end_of_day and not buried:
            deck_sched = None if scheduler is None else deck_scheduler(scheduler, decks[position])
            reviews.append((retrievability(state, now, deck_sched), position))

    queue = [position for _, position in sorted(learning)]
    ordered = [position for _, position in sorted(reviews)]
    if review_room:  # a deck's reviews a day: its most overdue ones, as many as it has room for
        reviews_left = dict(review_room)
        for position in ordered:
            deck = decks[position]
            left = reviews_left.get(deck)
            if left is None:
                queue.append(position)
            elif left > 0:
                queue.append(position)
                reviews_left[deck] = left - 1
    else:
        queue += ordered
    fresh: Sequence[int] = fresh_positions if pass_needed else range(len(cards))
    limits = new_limits or {}
    room = {deck: max(0, limits.get(deck, new_per_day) - done) for deck, done in new_done.items()}
    # The pass over the new cards stops when no deck has room left (at 100,000 new cards, after the first 20).
    fresh_decks = set(decks) if isinstance(fresh, range) else {decks[p] for p in fresh}
    open_decks = sum(1 for deck in fresh_decks if room.get(deck, limits.get(deck, new_per_day)) > 0)
    for position in fresh:
        if not open_decks:
            break
        deck = decks[position]
        left = room.get(deck)
        if left is None:
            left = room[deck] = limits.get(deck, new_per_day)
        if left > 0:
            queue.append(position)
            room[deck] = left - 1
            open_decks -= left == 1
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


class _Answer(NamedTuple):
    """What one answer changed, for undo: a delta, not copies of the queue (which cost 0.2–0.25 MiB
    per answer on a 20,000-card deck, issue 16)."""

    card: Card
    previous: CardState | None  # its state before (None: it had none)
    answers_day: datetime | None  # the study day whose `answered`/`new_done` it went into
    order_day: datetime | None  # the day whose order it changed (None: no order was built)
    was_answered: bool  # already answered today: `answered` and the note's busy count kept as they were
    was_seen: bool
    counted_new: bool  # it was new: `new_done` of its deck went up by one
    counted_review: bool  # it was a review: `reviews_done` of its deck went up by one
    reviews_out: tuple[int, ...]  # the day's reviews it (or a buried sibling) took out, by index
    fresh_before: tuple[str, int, int, int] | None  # (deck, end, taken, head) of its deck's new cards before


class _Aside(NamedTuple):
    """What setting a card aside (suspend, bury in a session) changed, for `restore`."""

    card: Card
    order_day: datetime | None
    learning_due: datetime | None  # it was a learning card due then (None: it was not)
    review_at: int | None  # its index among the day's reviews it left
    fresh_before: tuple[str, int, int, int] | None  # (deck, end, taken, head) of its deck's new cards before


class StudyQueue:
    """Which card comes next in a spaced-repetition session.

    `build_queue` decides the order of the day's reviews and new cards; it runs once per study day
    (a deck of 20,000 cards takes a fraction of a second). Each answer then costs O(log n) or less
    (issue 16): its card and the siblings it buries are marked out of that order, the day's new
    cards are a cursor per deck (the first `new_per_day − new_done` of them that are not buried, as
    `build_queue` would choose them), learning cards wait in a heap by due time, the header counts
    are kept up to date as cards come and go, and undo reverses the answer's delta. Learning cards
    are put in front as they fall due; when nothing else is left, those due within LEARN_AHEAD come
    early, as in Anki.
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
        new_limits: Mapping[str, int] | None = None,
        review_limits: Mapping[str, int] | None = None,
        reviews_done_today: Mapping[str, int] | None = None,
    ):
        # A CardList (a deck from the cache) is kept as it is: its cards are built as they are shown.
        self.cards: Sequence[Card] = cards if isinstance(cards, CardList) else list(cards)
        self.states = states
        self.scheduler = scheduler
        self.new_per_day = new_per_day
        self.new_limits = dict(new_limits or {})  # per deck, instead of new_per_day
        self.review_limits = dict(review_limits or {})  # per deck: reviews a day (no entry: no limit)
        self.reviews_done = dict(reviews_done_today or {})  # per deck: reviews answered today
        self.new_done = dict(new_done_today)
        self.answered = set(answered_today)
        self.limit = limit
        self.day_start_hour = day_start_hour
        self.seen: set[Key] = set()  # cards answered in this session (for --limit)
        self._key_list: list[Key] | None = None  # `_keys`, made when first needed
        self._position_index: dict[Key, int] | None = None  # `_position`, built when first needed
        self._notes_index: dict[tuple[str, str], list[int]] | None = None  # `_siblings`, built at the first answer
        # Only a stored state can be learning (a card without one is new): one pass over the states,
        # not a CardState per card, which was ~15% of a 20,000-card session's start (issue 7).
        self._learning = {key for key, state in states.items() if state.state in _LEARNING and key in self._position}
        self._history: list[_Answer] = []
        self._aside: set[Key] = set()  # cards suspended or buried in this session: never asked again in it
        self._asides: list[_Aside] = []  # what each `set_aside` changed, for `restore`
        self._first: Card | None = None  # the card put back by undo
        self._answers_day: datetime | None = None  # the day `answered` and `new_done` are of
        # The day's order, made by `_build` (the first call on each study day):
        self._day: datetime | None = None  # the day it was built for (None: build at the next call)
        self._end: datetime | None = None  # when that day ends
        self._reviews: list[Card] = []  # build_queue's reviews, in its order, for the whole day
        self._review_at: dict[Key, int] = {}
        self._review_out = bytearray()  # 1: answered or buried since
        self._review_head = 0  # no review before it is left
        self._reviews_left = 0
        self._fresh: dict[str, Sequence[int]] = {}  # per deck: the positions of its new cards, in deck order
        self._fresh_at: dict[Key, int] = {}  # a new card's index in its deck's list
        self._fresh_all = False  # all cards are new, of one deck: `_fresh_at` is `_position` (not built twice)
        self._fresh_end: dict[str, int] = {}  # the day's new cards of a deck are the eligible ones before it,
        self._fresh_taken: dict[str, int] = {}  # ... this many (new_per_day − new_done, or all there are)
        self._fresh_head: dict[str, int] = {}  # no eligible new card of the deck before it
        self._new_total = 0  # sum of _fresh_taken
        self._stored_new = False  # a stored state "new" among the new cards (the header counts those as reviews)
        self._busy: dict[tuple[str, str], int] = {}  # per note: its cards answered today
        self._due: list[tuple[datetime, int]] = []  # heap of (due, position) of learning cards; stale entries skipped
        self._learning_today = 0  # learning cards due before the day ends

    @property
    def _keys(self) -> list[Key]:
        """Each card's key, in order (made when first needed, then kept)."""
        if self._key_list is None:
            self._key_list = keys_of(self.cards)
        return self._key_list

    @property
    def _position(self) -> dict[Key, int]:
        """Each card's index in `cards` by key. Built when first used: not before a first session's first
        card is shown (with no stored state, the day's order needs no key; issue 16)."""
        if self._position_index is None:
            self._position_index = dict(zip(self._keys, range(len(self.cards)), strict=True))
        return self._position_index

    def _fresh_index(self, key: Key) -> int | None:
        """A new card's index among its deck's new cards (None: not a new card of the day's order)."""
        return (self._position if self._fresh_all else self._fresh_at).get(key)

    def _siblings(self, note: tuple[str, str]) -> list[Card]:
        """The cards of a note (deck, note), in deck order. The index of notes is built at the first
        answer, not before the first card is shown (a tenth of a 100,000-card deck's warm start, issue 16)."""
        if self._notes_index is None:
            notes: dict[tuple[str, str], list[int]] = {}
            for position, deck_note in enumerate(
                zip(field_of(self.cards, "deck"), field_of(self.cards, "note"), strict=True)
            ):
                notes.setdefault(deck_note, []).append(position)
            self._notes_index = notes
        cards = self.cards
        return [cards[position] for position in self._notes_index.get(note, ())]

    def state(self, card: Card) -> CardState:
        return self.states.get(card.key) or CardState.new(card.key)

    # -- the day's order ------------------------------------------------------------------------

    def _refresh(self, now: datetime) -> None:
        """Build the day's order on the first call and again when a new study day begins."""
        day = day_start(now, self.day_start_hour)
        if self._day == day:
            return
        if self._answers_day is not None and self._answers_day != day:  # a session that runs past the day's start
            self.new_done, self.answered, self.reviews_done = {}, set(), {}
        self._answers_day = day
        self._build(now, day)

    def _build(self, now: datetime, day: datetime) -> None:
        self._day, self._end = day, next_day_start(now, self.day_start_hour)
        queue = _queue_positions(
            self.cards,
            self.states,
            now,
            new_per_day=self.new_per_day,
            new_done_today=self.new_done,
            answered_today=self.answered,
            day_start_hour=self.day_start_hour,
            tz=None,
            scheduler=self.scheduler,
            new_limits=self.new_limits,
            review_room={
                deck: max(0, limit - self.reviews_done.get(deck, 0)) for deck, limit in self.review_limits.items()
            },
            aside=self._aside,
        )
        states, learning = self.states, self._learning
        self._reviews = []
        chosen: dict[str, list[int]] = {}  # the new cards build_queue took, per deck: their positions
        for position in queue:
            card = self.cards[position]
            state = states.get(card.key)
            if state is None or state.state == "new":
                chosen.setdefault(card.deck, []).append(position)
            elif card.key not in learning:
                self._reviews.append(card)
        self._review_at = {card.key: i for i, card in enumerate(self._reviews)}
        self._review_out = bytearray(len(self._reviews))
        self._review_head, self._reviews_left = 0, len(self._reviews)

        self._busy = {}
        for key in self.answered:
            if key in self._position:
                card = self.cards[self._position[key]]
                note = (card.deck, card.note)
                self._busy[note] = self._busy.get(note, 0) + 1
        self._fresh, self._fresh_at, self._fresh_all, self._stored_new = {}, {}, False, False
        fresh_at, get = self._fresh_at, states.get
        deck_of = field_of(self.cards, "deck")
        decks = set(deck_of) if not states else set()
        if len(decks) == 1:  # no card has a state, one deck (a first session): all new, in deck order
            self._fresh = {decks.pop(): range(len(self.cards))}
            self._fresh_all = True  # each card's index among its deck's new cards: its position
        lists: dict[str, list[int]] = {}
        for position, key in () if self._fresh else enumerate(self._keys):
            state = get(key)
            if state is None or state.state == "new":
                deck = deck_of[position]
                positions = lists.get(deck)
                if positions is None:
                    positions = lists[deck] = []
                fresh_at[key] = len(positions)
                positions.append(position)
                if state is not None:
                    self._stored_new = True
        if lists:
            self._fresh = dict(lists)
        # Each deck's cursor just past the last new card build_queue took (all of them when it took fewer than room).
        self._fresh_end, self._fresh_taken, self._fresh_head = {}, {}, {}
        for deck, fresh in self._fresh.items():
            taken = chosen.get(deck, [])
            room = max(0, self._new_limit(deck) - self.new_done.get(deck, 0))
            self._fresh_taken[deck], self._fresh_head[deck] = len(taken), 0
            if len(taken) < room:
                self._fresh_end[deck] = len(fresh)
            elif not taken:
                self._fresh_end[deck] = 0
            else:  # just past the last one taken
                self._fresh_end[deck] = taken[-1] + 1 if self._fresh_all else fresh_at[self._keys[taken[-1]]] + 1
        self._new_total = sum(self._fresh_taken.values())

        self._due = []
        self._learning_today = 0
        for key in learning:
            due = states[key].due
            if due is not None:
                self._due.append((due, self._position[key]))
                self._learning_today += due < self._end
        heapq.heapify(self._due)

    def daily_new_limits(self) -> set[int]:
        """The new-card limits a day of the session's decks that have new cards (each deck's own, else
        the session's): what "the daily limit … is reached" names."""
        return {self._new_limit(deck) for deck in self._fresh} or {self.new_per_day}

    def _new_limit(self, deck: str) -> int:
        """The deck's new cards a day: its own setting, else the session's."""
        return self.new_limits.get(deck, self.new_per_day)

    def _eligible(self, card: Card) -> bool:
        """A new card that build_queue would take today, room allowing (not buried by a sibling)."""
        state = self.states.get(card.key)
        return (
            (state is None or state.state == "new")
            and (not self._busy.get((card.deck, card.note)) or card.key in self.answered)
            and (not self._aside or card.key not in self._aside)
        )

    def _refill(self, deck: str) -> None:
        """Move the deck's cursor so that exactly its first `new_per_day − new_done` eligible new cards
        (or all there are) are before it: what build_queue would take, without a rescan."""
        fresh = self._fresh[deck]
        room = max(0, self._new_limit(deck) - self.new_done.get(deck, 0))
        end = self._fresh_end[deck]
        taken = before = self._fresh_taken[deck]
        cards = self.cards
        while taken < room and end < len(fresh):
            taken += self._eligible(cards[fresh[end]])
            end += 1
        while taken > room:
            end -= 1
            taken -= self._eligible(cards[fresh[end]])
        self._fresh_end[deck], self._fresh_taken[deck] = end, taken
        self._new_total += taken - before

    def _in_base(self, key: Key) -> bool:
        """Whether the card is among the day's reviews and new cards still to study."""
        at = self._review_at.get(key)
        if at is not None:
            return not self._review_out[at]
        at = self._fresh_index(key)
        if at is None:
            return False
        card = self.cards[self._position[key]]
        return at < self._fresh_end[card.deck] and self._eligible(card)

    def _base_order(self, key: Key) -> tuple[int, int]:
        """Where a card of the base stands in it: reviews first, in the day's order, then new cards in deck order."""
        at = self._review_at.get(key)
        return (0, at) if at is not None else (1, self._position[key])

    def _base_head(self) -> Card | None:
        """The first of the day's reviews and new cards left (reviews first, then new in deck order)."""
        reviews, out = self._reviews, self._review_out
        head = self._review_head
        while head < len(reviews) and out[head]:
            head += 1
        self._review_head = head
        if head < len(reviews):
            return reviews[head]
        best: Card | None = None
        for deck, taken in self._fresh_taken.items():
            if not taken:
                continue
            fresh, at, end = self._fresh[deck], self._fresh_head[deck], self._fresh_end[deck]
            while at < end and not self._eligible(self.cards[fresh[at]]):
                at += 1
            self._fresh_head[deck] = at
            if at < end and (best is None or fresh[at] < self._position[best.key]):
                best = self.cards[fresh[at]]
        return best

    def _base_list(self) -> list[Card]:
        """The day's reviews and new cards left, in order (O(n): for the rare header count that needs it)."""
        base = [c for i, c in enumerate(self._reviews) if not self._review_out[i]]
        fresh = [
            self.cards[i]
            for i, key in enumerate(self._keys)
            if self._fresh_index(key) is not None and self._in_base(key)
        ]
        return base + fresh

    # -- learning cards -------------------------------------------------------------------------

    def _learning_top(self) -> tuple[datetime, int] | None:
        """(due, position) of the learning card due first, stale heap entries dropped."""
        heap, cards, states, learning = self._due, self.cards, self.states, self._learning
        while heap:
            due, position = heap[0]
            key = cards[position].key
            state = states.get(key)
            if key in learning and state is not None and state.due == due:
                return heap[0]
            heapq.heappop(heap)
        return None

    def _set_state(self, card: Card, state: CardState | None) -> None:
        """Store the card's state (None: it has none), keeping the learning cards and their count."""
        key = card.key
        if key in self._learning:
            due = self.states[key].due
            self._learning_today -= due is not None and self._end is not None and due < self._end
            self._learning.discard(key)
        if state is None:
            self.states.pop(key, None)
            return
        self.states[key] = state
        if state.state in _LEARNING and key in self._position:
            self._learning.add(key)
            if state.due is not None:
                heapq.heappush(self._due, (state.due, self._position[key]))
                self._learning_today += self._end is not None and state.due < self._end

    def _seen_learning(self, now: datetime) -> tuple[list[Card], list[Card]]:
        """With --limit reached: the learning cards of this session due by `now`, and later today."""
        end = self._end
        due_now: list[tuple[datetime, int]] = []
        later: list[tuple[datetime, int]] = []
        for key in self.seen:
            if key in self._learning:
                due = self.states[key].due
                if due is not None and end is not None and due < end:
                    (due_now if due <= now else later).append((due, self._position[key]))
        return [self.cards[i] for _, i in sorted(due_now)], [self.cards[i] for _, i in sorted(later)]

    # -- what the session asks ------------------------------------------------------------------

    def _limit_reached(self) -> bool:
        return self.limit is not None and len(self.seen) >= self.limit

    def next(self, now: datetime) -> Card | None:
        """The card to show now, or None when the session is done."""
        if self._first is not None:
            return self._first
        self._refresh(now)
        if self._limit_reached():  # only cards of this session from here on
            due_now, later = self._seen_learning(now)
            if due_now:
                return due_now[0]
            base = [k for k in self.seen if self._in_base(k)]
            if base:
                return self.cards[self._position[min(base, key=self._base_order)]]
            if later and self.state(later[0]).due <= now + LEARN_AHEAD:  # type: ignore[operator]
                return later[0]
            return None
        top = self._learning_top()
        if top is not None and top[0] <= now:
            return self.cards[top[1]]
        card = self._base_head()
        if card is not None:
            return card
        assert self._end is not None
        if top is not None and top[0] < self._end and top[0] <= now + LEARN_AHEAD:
            return self.cards[top[1]]
        return None

    def counts(self, now: datetime) -> tuple[int, int, int]:
        """(new, learning, review) left, as Anki's header counts them."""
        self._refresh(now)
        if self._stored_new:  # a stored state "new" (never written by quiz): counted as before, by a scan
            return self._counts_by_scan(now)
        base = self._reviews_left + self._new_total
        if self.limit is None:
            return self._new_total, self._learning_today, base - self._new_total
        # With --limit, only as many more cards as it leaves: this session's cards, then others in order.
        budget = self.limit - len(self.seen)
        end = self._end
        seen_learning = seen_reviews = seen_new = 0
        for key in self.seen:
            if key in self._learning:
                due = self.states[key].due
                seen_learning += due is not None and end is not None and due < end
            elif self._in_base(key):
                if key in self._review_at:
                    seen_reviews += 1
                else:
                    seen_new += 1
        others = max(0, min(budget, self._learning_today - seen_learning))
        learning, budget = seen_learning + others, budget - others
        if budget <= 0:
            return seen_new, learning, seen_reviews
        reviews = min(budget, self._reviews_left - seen_reviews)
        new = min(budget - reviews, self._new_total - seen_new)
        return seen_new + new, learning, seen_reviews + reviews

    def _counts_by_scan(self, now: datetime) -> tuple[int, int, int]:
        """`counts` over the whole order: a card with a stored state "new" counts as a review there, as it
        always has; only a hand-edited database has one."""
        top = self._end
        learning = [
            self.cards[self._position[k]]
            for k in self._learning
            if (due := self.states[k].due) is not None and top is not None and due < top
        ]
        base = self._base_list()
        if self.limit is not None:
            if self._limit_reached():
                learning = [c for c in learning if c.key in self.seen]
                base = [c for c in base if c.key in self.seen]
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

            learning = take(learning)
            base = take(base)
            new = sum(1 for card in base if card.key not in self.states)
            return new, len(learning), len(base) - new
        new = 0
        for card in reversed(base):  # the new cards come last
            if card.key in self.states:
                break
            new += 1
        return new, len(learning), len(base) - new

    def preview(self, card: Card, now: datetime) -> dict[int, timedelta] | None:
        return preview(self.state(card), now, deck_scheduler(self.scheduler, card.deck))

    # -- answers and undo -----------------------------------------------------------------------

    def answered_with(self, card: Card, before: CardState, after: CardState | None, rating: int) -> None:
        """Take the answer into account: the card leaves the day's order, its siblings are buried,
        and it comes back when due if it is (still) learning. `after` is None only in cram."""
        key, deck = card.key, card.deck
        note = (deck, card.note)
        siblings = self._siblings(note)
        built = self._day is not None
        fresh_before = None
        if built and deck in self._fresh:
            fresh_before = (deck, self._fresh_end[deck], self._fresh_taken[deck], self._fresh_head[deck])
            end = self._fresh_end[deck]
            # The deck's new cards this answer may take out of today's: the card and its siblings.
            was_in = [c for c in siblings if _below(self._fresh_index(c.key), end) and self._eligible(c)]
        entry = _Answer(
            card,
            self.states.get(key),
            self._answers_day,
            self._day,
            key in self.answered,
            key in self.seen,
            before.state == "new",
            before.state == "review",
            (),
            None,
        )
        self._first = None
        if entry.counted_new:
            self.new_done[deck] = self.new_done.get(deck, 0) + 1
        if entry.counted_review:
            self.reviews_done[deck] = self.reviews_done.get(deck, 0) + 1
        if after is not None:
            self._set_state(card, after)
        if not entry.was_answered:
            self.answered.add(key)
            self._busy[note] = self._busy.get(note, 0) + 1
        self.seen.add(key)
        if built:
            # The card leaves the day's order, and so do its siblings not answered today (buried).
            out = []
            for c in siblings:
                at = self._review_at.get(c.key)
                if at is not None and not self._review_out[at] and (c is card or c.key not in self.answered):
                    self._review_out[at] = 1
                    out.append(at)
            self._reviews_left -= len(out)
            changed = False
            if fresh_before is not None:
                gone = sum(1 for c in was_in if not self._eligible(c))
                changed = gone > 0 or entry.counted_new
                if changed:
                    self._fresh_taken[deck] -= gone
                    self._new_total -= gone
                    self._refill(deck)
            entry = entry._replace(reviews_out=tuple(out), fresh_before=fresh_before if changed else None)
        self._history.append(entry)

    def keep_last(self) -> None:
        """The last answer stays (the store could not take it back): its undo entry is dropped unapplied."""
        if self._history:
            self._history.pop()

    def undo(self) -> Card | None:
        """Forget the last answer of this session; its card comes next. None if there is none."""
        if not self._history:
            return None
        entry = self._history.pop()
        card = entry.card
        key, note = card.key, (card.deck, card.note)
        self._set_state(card, entry.previous)
        if not entry.was_seen:
            self.seen.discard(key)
        same_day = entry.answers_day == self._answers_day
        if same_day:
            if not entry.was_answered:
                self.answered.discard(key)
                self._busy[note] -= 1
            if entry.counted_new:
                self.new_done[card.deck] -= 1
            if entry.counted_review:
                self.reviews_done[card.deck] -= 1
        if same_day and entry.order_day is not None and entry.order_day == self._day:
            for at in entry.reviews_out:
                self._review_out[at] = 0
                self._review_head = min(self._review_head, at)
            self._reviews_left += len(entry.reviews_out)
            if entry.fresh_before is not None:
                deck, end, taken, head = entry.fresh_before
                self._new_total += taken - self._fresh_taken[deck]
                self._fresh_end[deck], self._fresh_taken[deck], self._fresh_head[deck] = end, taken, head
        else:  # answered before the current study day began: that day's order is built afresh
            self._day = None
        self._first = card
        return card

    def waiting_new(self, now: datetime) -> tuple[int, int]:
        """New cards not among today's: (held back by the daily limit, buried by a sibling answered
        today). What "Nothing to study now" explains; O(new cards), so asked only then. Cards set
        aside in this session are in neither."""
        self._refresh(now)
        limited = buried = 0
        keys, aside = self._keys, self._aside
        for deck, fresh in self._fresh.items():
            room = max(0, self._new_limit(deck) - self.new_done.get(deck, 0))
            for index, position in enumerate(fresh):  # index: the card's place among its deck's new cards
                if aside and keys[position] in aside:
                    continue
                card = self.cards[position]
                state = self.states.get(card.key)
                if state is not None and state.state != "new":  # answered in this session
                    continue
                if not self._eligible(card):
                    buried += 1
                elif not room or index >= self._fresh_end[deck]:
                    limited += 1
        return limited, buried

    def waiting_reviews(self, now: datetime) -> int:
        """Review cards due today and not asked: when nothing is left to study, what the daily review
        cap (`reviews_per_day`) holds back. O(stored states), so asked only then."""
        self._refresh(now)
        position, aside, end = self._position, self._aside, self._end
        return sum(
            1
            for key, state in self.states.items()
            if state.state == "review"
            and state.due is not None
            and end is not None
            and state.due < end
            and key in position
            and key not in aside
            and key not in self.answered
        )

    # -- cards set aside, cards edited -----------------------------------------------------------

    def set_aside(self, card: Card) -> None:
        """The card leaves this session unanswered (suspended or buried): it is not asked again, and a new
        card takes its place among the day's new cards if it was one. `restore` takes it back."""
        key = card.key
        learning_due = None
        if key in self._learning:
            learning_due = self.states[key].due
            self._learning_today -= learning_due is not None and self._end is not None and learning_due < self._end
            self._learning.discard(key)
        review_at = self._review_at.get(key) if self._day is not None else None
        if review_at is not None and self._review_out[review_at]:
            review_at = None
        if review_at is not None:
            self._review_out[review_at] = 1
            self._reviews_left -= 1
        fresh_before = None
        was_in = False
        fresh_at = self._fresh_index(key) if self._day is not None else None
        if fresh_at is not None and card.deck in self._fresh_end:
            deck = card.deck
            fresh_before = (deck, self._fresh_end[deck], self._fresh_taken[deck], self._fresh_head[deck])
            was_in = fresh_at < self._fresh_end[deck] and self._eligible(card)
        self._aside.add(key)
        if was_in:
            self._fresh_taken[card.deck] -= 1
            self._new_total -= 1
            self._refill(card.deck)
        if self._first is not None and self._first.key == key:
            self._first = None
        self._asides.append(_Aside(card, self._day, learning_due, review_at, fresh_before))

    def restore(self) -> Card | None:
        """Take back the latest `set_aside` (undo): the card comes next. None if there is none."""
        if not self._asides:
            return None
        entry = self._asides.pop()
        card = entry.card
        key = card.key
        self._aside.discard(key)
        if entry.learning_due is not None:
            self._learning.add(key)
            heapq.heappush(self._due, (entry.learning_due, self._position[key]))
            self._learning_today += self._end is not None and entry.learning_due < self._end
        if entry.order_day is not None and entry.order_day == self._day:
            if entry.review_at is not None:
                self._review_out[entry.review_at] = 0
                self._review_head = min(self._review_head, entry.review_at)
                self._reviews_left += 1
            if entry.fresh_before is not None:
                deck, end, taken, head = entry.fresh_before
                self._new_total += taken - self._fresh_taken[deck]
                self._fresh_end[deck], self._fresh_taken[deck], self._fresh_head[deck] = end, taken, head
        else:
            self._day = None  # set aside in an order since rebuilt: build it afresh
        self._first = card
        return card

    def replace_card(self, old: Card, new: Card) -> None:
        """`new` (the same key: the card edited) stands for `old` from now on, and is asked next."""
        key = old.key
        position = self._position[key]
        # The day's new cards, the learning heap and the notes index hold positions: only `cards` and
        # the day's reviews hold the card itself.
        if isinstance(self.cards, list):
            self.cards[position] = new
        else:  # a CardList cannot set a card: the cards as a list (every card built, once per session)
            cards = list(self.cards)
            cards[position] = new
            self.cards = cards
        at = self._review_at.get(key)
        if at is not None:
            self._reviews[at] = new
        self._first = new

    def next_due(self) -> datetime | None:
        """The earliest due time among the session's cards that have been reviewed."""
        # Over the stored states (only the session's cards have one), not over every card.
        position = self._position
        dues = [s.due for key, s in self.states.items() if s.due is not None and key in position]
        return min(dues) if dues else None


def _below(index: int | None, end: int) -> bool:
    return index is not None and index < end


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

    def set_aside(self, card: Card) -> None:
        self._history.append(list(self._left))
        self._left = [c for c in self._left if c.key != card.key]

    def restore(self) -> Card | None:
        return self.undo()

    def replace_card(self, old: Card, new: Card) -> None:
        self._left = [new if c.key == old.key else c for c in self._left]
        if new in self._left:
            self._left.remove(new)
        self._left.insert(0, new)

    def next_due(self) -> datetime | None:
        return None


def select_cards(decks: Sequence[Deck], tags: Sequence[str] = ()) -> Sequence[Card]:
    """The cards of `decks` in deck order; with `tags`, only cards carrying at least one of them.

    When a deck's cards are a CardList (read from the deck cache), so is the result, and no card is
    built here: the tags are read from its column."""
    if any(isinstance(deck.cards, CardList) for deck in decks):
        every = CardList.concat([deck.cards for deck in decks])
        if not tags:
            return every
        wanted = {t.casefold() for t in tags}
        return every.take([i for i, card_tags in enumerate(every.column("tags")) if _tagged(card_tags, wanted)])
    cards = [card for deck in decks for card in deck.cards]
    if tags:
        wanted = {t.casefold() for t in tags}
        cards = [card for card in cards if _tagged(card.tags, wanted)]
    return cards


def _tagged(card_tags: tuple[str, ...], wanted: set[str]) -> bool:
    return bool(wanted & {t.casefold() for t in card_tags})


class _Keys:
    """The cards' keys, made only if iterated: `Store.states` does not, when nothing is stored yet."""

    def __init__(self, cards: Sequence[Card]):
        self.cards = cards

    def __iter__(self) -> Iterator[Key]:
        return iter(keys_of(self.cards))


def study_queue(
    cards: Sequence[Card],
    store: QueueStore,
    scheduler: Scheduler,
    now: datetime,
    *,
    new_per_day: int | None = None,
    limit: int | None = None,
    settings: Settings | None = None,
) -> StudyQueue:
    """A StudyQueue over `cards` with the states and today's answers read from `store`; the hour days
    start, each deck's new cards a day and its reviews a day come from the store's settings (`settings`
    when given), a deck's own value before the global one. `new_per_day` (`quiz study --new`) replaces
    every deck's new cards a day for this session. Suspended cards, and cards buried until after `now`,
    are left out (`Store.set_aside`): not asked in this session."""
    settings = settings or store.settings()
    hour = int(settings.value("day_start_hour"))
    aside = store.set_aside(now)
    if aside:  # by keys, so a lazy deck builds no card for it
        kept = [i for i, key in enumerate(keys_of(cards)) if key not in aside]
        cards = cards.take(kept) if isinstance(cards, CardList) else [cards[i] for i in kept]
    decks = list(dict.fromkeys(field_of(cards, "deck")))
    if new_per_day is None:
        new_per_day = int(settings.value("new_per_day"))
        new_limits = {deck: int(settings.value("new_per_day", deck)) for deck in decks}
    else:
        new_limits = {}
    review_limits = {deck: settings.value("reviews_per_day", deck) for deck in decks}
    review_limits = {deck: int(n) for deck, n in review_limits.items() if n is not None}
    today = day_start(now, hour)
    return StudyQueue(
        cards,
        store.states(_Keys(cards)),
        scheduler=scheduler,
        new_per_day=new_per_day,
        new_done_today=store.new_introduced_since(today),
        answered_today=store.answered_since(today),
        limit=limit,
        day_start_hour=hour,
        new_limits=new_limits,
        review_limits=review_limits,
        reviews_done_today=store.reviews_done_since(today) if review_limits else {},
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
