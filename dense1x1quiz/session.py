"""The study loop: draw a card, ask it, store the answer, repeat. Collaborators are passed in.

`run_study(queue, *, scheduler, store, ui, clock, ...)` knows the flow of one card (reveal or
type or pick, then a rating) and nothing about screens or SQL: `ui` (ui/study.py) renders and
reads actions, `store` (store.py) commits each answer before it is acknowledged, `queue` decides
which card comes next (`StudyQueue` for spaced repetition, `CramQueue` for `--cram`).

Signals: Ctrl-C (KeyboardInterrupt), SIGTERM and SIGHUP end the session with its summary. While
an answer is being committed they are held back and delivered right after, so an answer is either
in the database and acknowledged, or neither.
"""

from __future__ import annotations

import errno
import random
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from dense1x1quiz.answers import MAX_ANSWER_CHARS, grade, parse_number, parse_shape
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import Card, cloze_prompt, cloze_reveal
from dense1x1quiz.scheduler import (
    AGAIN,
    GOOD,
    HARD,
    RATING_NAMES,
    CardState,
    Key,
    build_queue,
    day_start,
    next_day_start,
    preview,
)

LEARN_AHEAD = timedelta(minutes=20)  # Anki's default: with nothing else left, learning cards due this soon come early
CRAM_AGAIN_GAP = 3  # a card failed while cramming comes back after this many others


class SessionSignal(Exception):
    """SIGTERM or SIGHUP arrived: save and stop."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


# -- what to ask --------------------------------------------------------------------------------


def ask_style(card: Card, mode: str, has_options: bool) -> str:
    """How a card is asked: flip (reveal, then rate), type (type the answer) or choice (pick one).

    `auto`: typed cards are typed, choice and table cards are choices, basic and cloze cards flip.
    `choice` falls back to flip when no options could be found for a card."""
    if mode == "flip":
        return "flip"
    if mode == "type":
        return "type"
    if mode == "choice":
        return "choice" if has_options else "flip"
    if card.kind == "typed":
        return "type"
    if card.kind in ("choice", "table"):
        return "choice"
    return "flip"


def question(card: Card) -> str:
    """The text asked: a cloze card with its one number hidden and the others shown."""
    return cloze_prompt(card.cloze, card.cloze_number) if card.kind == "cloze" else card.prompt


def accepted(card: Card) -> list[str]:
    """The answers a typed reply is graded against, canonical first; an answer written in LaTeX
    also as it is shown (`$C_{in} \\cdot C_{out}$` as `Cᵢₙ · Cₒᵤₜ`), since that is what was read."""
    from dense1x1quiz.text import render_math

    written = [card.answer, *card.accept]
    shown = [render_math(a) for a in written if "$" in a]
    return list(dict.fromkeys(written + shown))


def choice_options(card: Card, rng: random.Random, pool: Sequence[Card] = ()) -> list[str]:
    """The numbered options of a card, shuffled by `rng`. A card without options of its own (in
    `--mode choice`) gets up to three other answers from its deck in `pool`, from cards of the same
    kind first, never from its siblings (a reverse card's answer would give it away)."""
    if card.options:
        options = list(card.options)
    else:
        def answers(same_kind: bool) -> list[str]:
            return sorted({c.answer for c in pool if c.deck == card.deck and (c.kind == card.kind) == same_kind
                           and c.note != card.note and c.answer.casefold() != card.answer.casefold()})

        same = answers(True)
        others = rng.sample(same, min(3, len(same)))
        if len(others) < 3:  # a deck with few cards of this kind: borrow other answers
            rest = [a for a in answers(False) if a not in others]
            others += rng.sample(rest, min(3 - len(others), len(rest)))
        if not others:
            return []
        options = [card.answer, *others]
    rng.shuffle(options)
    return options


def suggested_rating(correct: bool, near: bool, expected: str) -> int:
    """Good when right; Hard for a slip of a character in words; Again otherwise (a number or a
    shape one digit off is simply wrong)."""
    if correct:
        return GOOD
    if near and parse_number(expected) is None and parse_shape(expected) is None:
        return HARD
    return AGAIN


# -- queues -------------------------------------------------------------------------------------


class StudyQueue:
    """Which card comes next in a spaced-repetition session.

    `scheduler.build_queue` decides the order of the day's reviews and new cards; it runs once per
    study day (a deck of 20,000 cards takes a fraction of a second) and each answer then takes its
    card, and the siblings it buries, out of that order. Learning cards are put in front as they
    fall due; when nothing else is left, those due within LEARN_AHEAD come early, as in Anki.
    """

    def __init__(self, cards: Sequence[Card], states: dict[Key, CardState], *, scheduler: Any,
                 new_per_day: int, new_done_today: dict[str, int], answered_today: set[Key],
                 limit: int | None = None, day_start_hour: int = 4):
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
        self._learning = {key for key, state in states.items()
                          if state.state in ("learning", "relearning") and key in self._position}
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
        queue = build_queue(self.cards, self.states, now, new_per_day=self.new_per_day,
                            new_done_today=self.new_done, answered_today=self.answered,
                            day_start_hour=self.day_start_hour, scheduler=self.scheduler)
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
            due_now, later = [], []
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
        self._history.append((card, self.states.get(card.key), set(self.answered), set(self.seen),
                              dict(self.new_done), list(self._base), set(self._learning)))
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
        buried = [c for c in self._notes.get((card.deck, card.note), [])
                  if c.key in self._in_base and c.key not in self.answered]
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
        fresh = []
        for card in self.cards:
            if len(fresh) >= room:
                break
            state = self.states.get(card.key)
            if card.deck == deck and (state is None or state.state == "new") \
                    and ((card.deck, card.note) not in busy or card.key in self.answered):
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


def select_cards(decks: Sequence[Any], tags: Sequence[str] = ()) -> list[Card]:
    """The cards of `decks` in deck order; with `tags`, only cards carrying at least one of them."""
    cards = [card for deck in decks for card in deck.cards]
    if tags:
        wanted = {t.casefold() for t in tags}
        cards = [card for card in cards if wanted & {t.casefold() for t in card.tags}]
    return cards


def study_queue(cards: Sequence[Card], store: Any, scheduler: Any, now: datetime, *,
                new_per_day: int | None = None, limit: int | None = None) -> StudyQueue:
    """A StudyQueue over `cards` with the states and today's answers read from `store`; the new-card
    limit and the hour days start come from the store's settings unless given."""
    from dense1x1quiz.scheduler import DEFAULT_DAY_START_HOUR, DEFAULT_NEW_PER_DAY, day_start

    hour = int(store.get_setting("day_start_hour", DEFAULT_DAY_START_HOUR))
    if new_per_day is None:
        new_per_day = int(store.get_setting("new_per_day", DEFAULT_NEW_PER_DAY))
    today = day_start(now, hour)
    return StudyQueue(cards, store.states([c.key for c in cards]), scheduler=scheduler, new_per_day=new_per_day,
                      new_done_today=store.new_introduced_since(today), answered_today=store.answered_since(today),
                      limit=limit, day_start_hour=hour)


# -- signals ------------------------------------------------------------------------------------


class _Signals:
    """SIGTERM and SIGHUP end the session like Ctrl-C.

    A signal is acted on only while the session waits for the learner (`deliverable()`); one that
    arrives while a card is drawn or an answer committed is held and acted on at the next wait. So a
    commit is never cut in half, and the screen (rich's console) is never left mid-write, which
    could swallow the summary printed after it."""

    def __init__(self) -> None:
        self.held: int | None = None
        self.holding = True
        self.saved: dict[int, Any] = {}

    def _handler(self, signum: int, frame: Any) -> None:
        if self.holding:
            self.held = signum
            return
        self._raise(signum)

    @staticmethod
    def _raise(signum: int) -> None:
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SessionSignal(signum)

    def __enter__(self) -> _Signals:
        for name in ("SIGINT", "SIGTERM", "SIGHUP"):
            signum = getattr(signal, name, None)
            if signum is None:
                continue
            try:
                self.saved[signum] = signal.signal(signum, self._handler)
            except ValueError:  # not the main thread: leave signals alone
                pass
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.saved.items():
            signal.signal(signum, handler)

    @contextmanager
    def held_back(self) -> Iterator[None]:
        """Hold signals during the block (a commit), whatever the state around it."""
        before, self.holding = self.holding, True
        try:
            yield
        finally:
            self.holding = before
        if not before:
            self._deliver_held()

    @contextmanager
    def deliverable(self) -> Iterator[None]:
        """Act on signals during the block (waiting for a key or a line), a held one first."""
        self._deliver_held()
        self.holding = False
        try:
            yield
        finally:
            self.holding = True

    def _deliver_held(self) -> None:
        if self.held is not None:
            signum, self.held = self.held, None
            self._raise(signum)


# -- the loop -----------------------------------------------------------------------------------


@dataclass
class Summary:
    """What a session did: answers (right = anything but Again), time, and why it stopped."""

    seconds: float = 0.0
    next_due: datetime | None = None
    stopped: str = ""  # "" (done or quit), "interrupted", "SIGTERM", "SIGHUP", "the last answer was not saved"
    error: str = ""  # why, when the store failed
    exit_code: int = 0
    left: int = 0  # cards still to study today (learning steps later today included)
    results: list[tuple[Key, int]] = field(default_factory=list)  # every answer kept, in order: (card, rating)

    @property
    def answered(self) -> int:
        return len(self.results)

    @property
    def wrong(self) -> int:
        return sum(1 for _, rating in self.results if rating == AGAIN)

    @property
    def right(self) -> int:
        return self.answered - self.wrong


def run_study(
    queue: StudyQueue | CramQueue,
    *,
    scheduler: Any,
    store: Any,
    ui: Any,
    clock: Callable[[], datetime],
    mode: str = "auto",
    rng: random.Random | None = None,
    session_id: str = "",
    pool: Sequence[Card] = (),
    timer: Callable[[], float] = time.monotonic,
) -> Summary:
    """Study `queue` until it is empty, the learner quits, input ends, or a signal arrives.

    Every answer is committed by `store.record_review` before the screen acknowledges it (not in
    cram, where `store` is not written). Returns the summary; the caller renders it."""
    session = _Session(queue, scheduler, store, ui, clock, mode, rng or random.Random(0), session_id, pool, timer)
    started = timer()
    with _Signals() as signals:
        session.signals = signals
        try:
            session.loop()
        except KeyboardInterrupt:
            session.summary.stopped, session.summary.exit_code = "interrupted", 130
        except SessionSignal as exc:
            session.summary.stopped, session.summary.exit_code = exc.args[0], 128 + exc.signum
        except QuizError as exc:  # the store failed (disk full, locked too long): what was saved stays saved
            session.summary.stopped, session.summary.exit_code = "the last answer was not saved", exc.exit_code
            session.summary.error = str(exc)
        except OSError as exc:  # the terminal or the pipe we write to has gone
            if exc.errno not in (errno.EIO, errno.EPIPE):
                raise
            session.summary.stopped, session.summary.exit_code = "output closed", 1
    session.summary.seconds = timer() - started
    session.summary.next_due = queue.next_due()
    session.summary.left = sum(queue.counts(clock()))
    return session.summary


class _Session:
    def __init__(self, queue, scheduler, store, ui, clock, mode, rng, session_id, pool, timer):
        self.queue = queue
        self.scheduler = scheduler
        self.store = store
        self.ui = ui
        self.clock = clock
        self.mode = mode
        self.rng = rng
        self.session_id = session_id
        self.pool = pool
        self.timer = timer
        self.cram = isinstance(queue, CramQueue)
        self.summary = Summary()
        self.signals: _Signals | None = None
        self._options: dict[Key, list[str]] = {}  # a card keeps its shuffled options when it comes back

    def loop(self) -> None:
        from dense1x1quiz.ui.study_parts import CardView

        while True:
            now = self.clock()
            card = self.queue.next(now)
            if card is None:
                return
            if card.key not in self._options:
                self._options[card.key] = choice_options(card, self.rng, self.pool) \
                    if self.mode in ("auto", "choice") and (card.options or self.mode == "choice") else []
            options = self._options[card.key]
            style = ask_style(card, self.mode, bool(options))
            view = CardView(card, question(card), style, options if style == "choice" else [],
                            self.queue.counts(now), cram=self.cram)
            if not self._ask(card, view):
                return

    def _ask(self, card: Card, view: Any) -> bool:
        """One card, from question to saved answer. False when the session should stop."""
        ui = self.ui
        ui.card(view)
        shown = self.timer()
        if view.style == "flip":
            action = self._read(card, view, "reveal", hint=("space: show answer · s show me · u undo · q quit",
                                                           "spc s u q"))
            if action.kind != "reveal":
                return action.kind != "quit"
            self._reveal(card)
            return self._rate(card, view, shown, typed=None, suggested=None)
        if view.style == "type":
            action = self._read(card, view, "answer", hint=("Type the answer, Enter to check "
                                                           "(a line of just s, u or q: show me, undo, quit)",
                                                           "type ⏎ s u q"))
            if action.kind != "answer":
                return action.kind != "quit"
            given = str(action.value)[:MAX_ANSWER_CHARS]  # the screen read at most this (and said so)
            result = grade(given, accepted(card))
            ui.typed_verdict(given, result, show_diff=result.near)
            self._reveal(card)
            return self._rate(card, view, shown, typed=given,
                              suggested=suggested_rating(result.correct, result.near, result.closest))
        action = self._read(card, view, "pick", options=len(view.options),
                            hint=(f"1–{len(view.options)}: choose · s show me · u undo · q quit",
                                  f"1–{len(view.options)} s u q"))
        if action.kind != "pick":
            return action.kind != "quit"
        picked = int(action.value)  # type: ignore[arg-type]
        right = view.options.index(card.answer)
        ui.choice_verdict(view.options, picked, right)
        ui.answer(card, None)
        rating = GOOD if picked == right else AGAIN
        self._record(card, rating, shown, typed=view.options[picked], mode="choice")
        action = self._read(card, view, "next", hint=("any key: next card · s show me · u undo · q quit",
                                                      "key s u q"))
        return action.kind != "quit"

    def _reveal(self, card: Card) -> None:
        if card.kind == "cloze":
            self.ui.answer(card, card.answer, context=cloze_reveal(card.cloze))
        else:
            self.ui.answer(card, card.answer)

    def _rate(self, card: Card, view: Any, shown: float, typed: str | None, suggested: int | None) -> bool:
        self.ui.buttons(self.queue.preview(card, self.clock()), suggested)
        action = self._read(card, view, "rate", suggested=suggested,
                            hint=("1–4: rate" + (" (Enter: suggested)" if suggested else "")
                                  + " · s show me · u undo · q quit", "1–4 s u q"))
        if action.kind != "rate":
            return action.kind != "quit"
        mode = "type" if view.style == "type" else "cloze" if card.kind == "cloze" else "flip"
        self._record(card, int(action.value), shown, typed=typed, mode=mode)  # type: ignore[arg-type]
        return True

    def _read(self, card: Card, view: Any, step: str, *, hint: tuple[str, str], options: int = 0,
              suggested: int | None = None):
        """An action at `step`; `s` (show me) is handled here and the step asked again; `u` undoes."""
        self.ui.hint(*hint)
        while True:
            with self._waiting():
                action = self.ui.read(step, options=options, suggested=suggested)
            if action.kind == "show":
                if self.ui.run_demo(card):
                    with self._waiting():
                        self.ui.pause()
                    self.ui.show_again()  # the card, with its hint
                else:
                    self.ui.hint(*hint)
                continue
            if action.kind == "undo":
                if self._undo():
                    return action
                continue
            return action

    def _waiting(self):
        """The block in which the session waits for the learner: signals act at once there."""
        return self.signals.deliverable() if self.signals else nullcontext()

    def _undo(self) -> bool:
        """Undo the latest answer of this session (in the store first). False if there was none."""
        if self.summary.answered == 0:
            self.ui.message("Nothing to undo in this session.", "yellow")
            return False
        assert self.signals is not None
        with self.signals.held_back():
            if not self.cram and self.store.undo_last(self.session_id) is None:
                self.ui.message("Nothing to undo in this session.", "yellow")
                return False
            self.queue.undo()
            key, rating = self.summary.results.pop()
            self.ui.note(f"Undone: {RATING_NAMES[rating].capitalize()} on {key[1]}; it is asked again.")
        return True

    def _record(self, card: Card, rating: int, shown: float, *, typed: str | None, mode: str) -> None:
        """Commit the answer, then acknowledge it. In cram nothing is written."""
        now = self.clock()
        duration_ms = int((self.timer() - shown) * 1000)
        assert self.signals is not None
        with self.signals.held_back():
            if self.cram:
                after = None
                self.queue.answered_with(card, None, None, rating)  # type: ignore[arg-type]
            else:
                before = self.queue.state(card)  # type: ignore[union-attr]
                after = self.store.record_review(card, rating, now, mode=mode, duration_ms=duration_ms,
                                                 typed=typed, session_id=self.session_id,
                                                 scheduler=self.scheduler)
                self.queue.answered_with(card, before, after, rating)
            self.summary.results.append((card.key, rating))
            # The review's own time, so the interval shown is the one stored.
            self.ui.ack(rating, after.due if after else None, after.last_review if after else now, cram=self.cram)


__all__ = [
    "CramQueue",
    "SessionSignal",
    "StudyQueue",
    "Summary",
    "accepted",
    "ask_style",
    "choice_options",
    "question",
    "run_study",
    "suggested_rating",
]
