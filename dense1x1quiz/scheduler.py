"""The FSRS adapter. Pure: time and randomness come in as arguments.

FSRS-6 itself lives in the `fsrs` package; this module translates between our `CardState` and
`fsrs.Card`, makes fuzz reproducible, and says where study days begin. The order of a day's cards is
queue.py's. fsrs schedules every answer given in quiz, and the last answer of each card replayed from
a log. One exception, and this module is the one place that knows it: a bulk replay (`replay_log`,
what an import and a rebuilt state use) carries a card through its earlier answers with `_Memory`, a
re-implementation of fsrs's memory-state arithmetic (state, step, stability, difficulty; no interval,
no fuzz), held equal to fsrs to the bit by tests/test_scheduler.py over random logs.

Conventions every caller relies on:
- All datetimes are timezone-aware; results are in UTC (`datetime.timezone.utc`).
- A card never reviewed has no stored state: `CardState.new(key)` stands for it (`State.New`).
- Ratings are `model.Rating`s, ints 1 (Again), 2 (Hard), 3 (Good), 4 (Easy); plain ints 1–4 are accepted.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from dense1x1quiz.env import local_zone
from dense1x1quiz.vocabulary import Rating, State

if TYPE_CHECKING:  # fsrs (and hashlib, random) load on the first review: `quiz stats` never needs them
    import fsrs

Key = tuple[str, str]

AGAIN, HARD, GOOD, EASY = Rating.Again, Rating.Hard, Rating.Good, Rating.Easy
RATINGS = tuple(Rating)
RATING_NAMES: dict[int, str] = {rating: rating.name.lower() for rating in Rating}
STATES = tuple(State)
MATURE_DAYS = 21  # Anki's threshold: a review card whose interval is at least 21 days is "mature"

LEARNING_STEPS = (timedelta(minutes=1), timedelta(minutes=10))
RELEARNING_STEPS = (timedelta(minutes=10),)
DEFAULT_RETENTION = 0.9
DEFAULT_NEW_PER_DAY = 20
DEFAULT_DAY_START_HOUR = 4

# fsrs.State values: Learning 1, Review 2, Relearning 3 (fsrs has no New: a new card is Learning, step 0).
_TO_FSRS = {State.New: 1, State.Learning: 1, State.Review: 2, State.Relearning: 3}
_FROM_FSRS = {1: State.Learning, 2: State.Review, 3: State.Relearning}


class CardState(NamedTuple):
    """The scheduling state of one card, keyed by `(deck, card id)`; immutable (a named tuple, so
    the store can make tens of thousands quickly).

    - `state`: New (never reviewed), Learning, Review or Relearning.
    - `step`: the (re)learning step index, None in "review" (and 0 for "new").
    - `stability` (days) and `difficulty` (1–10): FSRS's memory state, None while "new".
    - `due`: when the card is next due (aware UTC); None while "new" (a new card is due when
      the daily new-card limit lets it in).
    - `last_review`: time of the latest review (aware UTC), None while "new".
    - `reps`: number of reviews; `lapses`: times a review card was forgotten (Again in "review").
    """

    key: Key
    state: State = State.New
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    due: datetime | None = None
    last_review: datetime | None = None
    reps: int = 0
    lapses: int = 0

    @classmethod
    def new(cls, key: Key) -> CardState:
        """The state of a card that has never been reviewed."""
        return cls(key=(key[0], key[1]))

    @property
    def interval(self) -> timedelta | None:
        """The current interval (due − last review), None while new."""
        if self.due is None or self.last_review is None:
            return None
        return self.due - self.last_review

    @property
    def mature(self) -> bool:
        """A review card whose interval is at least 21 days (Anki's definition)."""
        interval = self.interval
        return self.state == State.Review and interval is not None and interval >= timedelta(days=MATURE_DAYS)


class Scheduler(Protocol):
    """What this adapter (and the store, which logs the settings of each review) asks of a
    scheduler: an `fsrs.Scheduler`, or a `DeckSchedulers` that builds one per deck at its first use."""

    desired_retention: float
    enable_fuzzing: bool

    def review_card(
        self, card: fsrs.Card, rating: fsrs.Rating, review_datetime: datetime | None = None
    ) -> tuple[fsrs.Card, fsrs.ReviewLog]: ...

    def get_card_retrievability(self, card: fsrs.Card, current_datetime: datetime | None = None) -> float: ...


def make_scheduler(
    retention: float = DEFAULT_RETENTION,
    fuzz: bool = True,
    *,
    learning_steps: Sequence[timedelta] = LEARNING_STEPS,
    relearning_steps: Sequence[timedelta] = RELEARNING_STEPS,
    parameters: Sequence[float] | None = None,
) -> fsrs.Scheduler:
    """An FSRS-6 scheduler: default weights unless `parameters` are given, learning steps 1 m / 10 m and
    relearning step 10 m unless given (the settings of the same names).

    `retention` is the desired probability of recall when a card falls due (0.7–0.99); `parameters`
    the 21 FSRS-6 weights (`quiz optimize`'s), None for fsrs's defaults.
    """
    import fsrs
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return fsrs.Scheduler(
        parameters=DEFAULT_PARAMETERS if parameters is None else tuple(parameters),
        desired_retention=retention,
        learning_steps=tuple(learning_steps),
        relearning_steps=tuple(relearning_steps),
        enable_fuzzing=fuzz,
    )


def scheduler_config(scheduler: Scheduler) -> str | None:
    """What a replay needs of `scheduler` besides its retention, fuzz and weights, as the review log keeps
    it: JSON of its learning and relearning steps (seconds) where they differ from the defaults, None when
    neither does. The weights are not logged: a replay uses the parameters in force (the settings), so
    the stored states follow `quiz optimize`'s parameters and a replay with them equals the state."""
    config: dict[str, Any] = {}
    learning = tuple(getattr(scheduler, "learning_steps", LEARNING_STEPS))
    relearning = tuple(getattr(scheduler, "relearning_steps", RELEARNING_STEPS))
    if learning != LEARNING_STEPS:
        config["learning_steps"] = [step.total_seconds() for step in learning]
    if relearning != RELEARNING_STEPS:
        config["relearning_steps"] = [step.total_seconds() for step in relearning]
    if not config:
        return None
    import json

    return json.dumps(config, sort_keys=True)


def scheduler_from_config(
    retention: float, fuzz: bool, config: str | None, parameters: Sequence[float] | None = None
) -> fsrs.Scheduler:
    """The scheduler an answer logged with `retention`, `fuzz` and `config` (`scheduler_config`: its
    steps) is replayed with, under the FSRS `parameters` in force (None: the defaults)."""
    if config is None:
        return make_scheduler(retention, fuzz, parameters=parameters)
    import json

    values = json.loads(config)
    return make_scheduler(
        retention,
        fuzz,
        learning_steps=[timedelta(seconds=s) for s in values.get("learning_steps", [60, 600])],
        relearning_steps=[timedelta(seconds=s) for s in values.get("relearning_steps", [600])],
        parameters=parameters,
    )


class DeckSchedulers:
    """A scheduler per deck, each built by `build(deck)` at its first use (and `build(None)`, the global
    settings' one, for what is not about one deck): `deck_scheduler(self, deck)` picks one. It stands in
    for the global one itself, so code that knows one scheduler only keeps working."""

    def __init__(self, build: Callable[[str | None], fsrs.Scheduler]):
        self._build = build
        self._made: dict[str | None, fsrs.Scheduler] = {}

    def for_deck(self, deck: str | None) -> fsrs.Scheduler:
        scheduler = self._made.get(deck)
        if scheduler is None:
            scheduler = self._made[deck] = self._build(deck)
        return scheduler

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.for_deck(None), name)


def deck_scheduler(scheduler: Scheduler, deck: str) -> Scheduler:
    """The scheduler of `deck`: `scheduler` itself unless it is a `DeckSchedulers`."""
    return scheduler.for_deck(deck) if isinstance(scheduler, DeckSchedulers) else scheduler


def utc(moment: datetime) -> datetime:
    """`moment` as an aware datetime with `tzinfo=timezone.utc` (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def to_fsrs(state: CardState) -> fsrs.Card:
    """Our state as an `fsrs.Card` (card_id 0: fsrs needs none of ours)."""
    import fsrs

    step = state.step if state.state != State.Review else None
    if state.state in (State.Learning, State.Relearning) and step is None:
        step = 0
    return fsrs.Card(
        card_id=0,
        state=fsrs.State(_TO_FSRS[state.state]),
        step=step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due or datetime(1970, 1, 1, tzinfo=timezone.utc),
        last_review=state.last_review,
    )


def fuzz_seed(key: Key, reps: int) -> int:
    """The default fuzz seed of a card's review number `reps` (0-based): stable across runs and
    machines, so replaying a card's log reproduces its fuzzed intervals exactly."""
    import hashlib

    digest = hashlib.sha256(f"{key[0]}\x00{key[1]}\x00{reps}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


_fuzz_lock = threading.Lock()


@contextmanager
def _seeded_fuzz(seed: int):
    """Make fsrs's fuzz come from `seed` for the duration, leaving the global `random` as it was.

    fsrs 6 draws its fuzz from `random.random` imported into `fsrs.scheduler`: that name is pointed
    at a private seeded generator. Should a later fsrs call `random.random()` through the module
    instead, the global generator is seeded and its state put back afterwards."""
    import random

    import fsrs.scheduler as _fsrs_scheduler

    with _fuzz_lock:
        if callable(getattr(_fsrs_scheduler, "random", None)):
            saved = _fsrs_scheduler.random
            _fsrs_scheduler.random = random.Random(seed).random
            try:
                yield
            finally:
                _fsrs_scheduler.random = saved
        else:
            saved_state = random.getstate()
            random.seed(seed)
            try:
                yield
            finally:
                random.setstate(saved_state)


def review(state: CardState, rating: int, now: datetime, scheduler: Scheduler, seed: int | None = None) -> CardState:
    """The state after answering the card with `rating` (1–4) at `now`; `state` is not changed.

    Stability, difficulty, step and due are exactly what `scheduler.review_card` computes. Fuzz
    (when the scheduler has it on) is drawn from `seed`, by default `fuzz_seed(key, reps)`, so the
    same inputs always give the same state. `reps` grows by one; `lapses` when a review card gets Again.
    """
    if rating not in RATINGS:
        raise ValueError(f"rating must be 1–4, not {rating!r}")
    import fsrs

    now = utc(now)
    with _seeded_fuzz(fuzz_seed(state.key, state.reps) if seed is None else seed):
        card, _ = scheduler.review_card(to_fsrs(state), fsrs.Rating(rating), now)
    return CardState(
        key=state.key,
        state=_FROM_FSRS[card.state],
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
        reps=state.reps + 1,
        lapses=state.lapses + (1 if state.state == State.Review and rating == Rating.Again else 0),
    )


def replay(key: Key, reviews: Iterable[tuple[int, datetime]], scheduler: Scheduler) -> CardState:
    """The state a card reaches from new through `reviews` = (rating, time) in order."""
    state = CardState.new(key)
    for rating, moment in reviews:
        state = review(state, rating, moment, scheduler)
    return state


class _FuzzDraw:
    """fsrs's `random()` during the last review of `replay_log`: what the generator `review` seeds for it
    (`random.Random(fuzz_seed(key, reps))`) gives, seeded only if fsrs draws. One generator (made once:
    `random.Random()` seeds itself from the OS) re-seeded through its C `seed` (what `Random.seed` does
    for an int), used only under `_fuzz_lock`."""

    __slots__ = ("key", "reps", "_seeded", "_random", "_seed")

    def __init__(self) -> None:
        import _random
        import random

        self.key: Key = ("", "")
        self.reps = 0
        self._seeded = False
        self._random = random.Random(0)
        self._seed = _random.Random.seed

    def at(self, key: Key, reps: int) -> None:
        self.key, self.reps, self._seeded = key, reps, False

    def __call__(self) -> float:
        if not self._seeded:
            self._seed(self._random, fuzz_seed(self.key, self.reps))
            self._seeded = True
        return self._random.random()


_draws: list[_FuzzDraw] = []


class _Memory:
    """FSRS-6's memory-state arithmetic for one scheduler's parameters and step counts: what
    `fsrs.Scheduler.review_card` does to a card's state, step, stability and difficulty, without the
    interval and due date (the next answer never reads them) and so without fuzz.

    It re-implements fsrs's formulas expression by expression (the same operations in the same order,
    so the floats are the same to the bit); tests/test_scheduler.py holds it equal to fsrs over random
    logs. It holds the rating-only subexpressions; `replay_log_us` does the arithmetic in its loop, for
    every answer of a card but the last."""

    __slots__ = (
        "w",
        "decay",
        "factor",
        "learning",
        "relearning",
        "initial_difficulty",
        "short_term_gain",
        "short_term_floor",
        "difficulty_delta",
        "reversion",
        "keep",
        "recall_gain",
        "hard_penalty",
        "easy_bonus",
        "forget_short_term",
    )

    def __init__(self, parameters: tuple[float, ...], learning: int, relearning: int, hard_floored: bool):
        import math

        w = self.w = parameters
        self.decay = -w[20]  # fsrs: Scheduler._DECAY, _FACTOR
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.learning, self.relearning = learning, relearning
        # per rating 1–4 (index 0 unused): the rating-only subexpressions of fsrs's formulas
        self.initial_difficulty = [0.0] + [
            min(max(w[4] - (math.e ** (w[5] * (r - 1))) + 1, 1.0), 10.0) for r in RATINGS
        ]
        self.short_term_gain = [0.0] + [math.e ** (w[17] * (r - 3 + w[18])) for r in RATINGS]
        # fsrs ≥ 6.3 keeps a same-day Hard from lowering stability as Good and Easy do; 6.2 only Good and Easy
        self.short_term_floor = [False, False, hard_floored, True, True]
        self.difficulty_delta = [0.0] + [-(w[6] * (r - 3)) for r in RATINGS]
        self.reversion = w[7] * (w[4] - (math.e ** (w[5] * (4 - 1))) + 1)  # w7 · initial difficulty of Easy
        self.keep = 1 - w[7]
        self.recall_gain = math.e ** (w[8])
        self.hard_penalty, self.easy_bonus = w[15], w[16]
        self.forget_short_term = math.e ** (w[17] * w[18])


_memories: dict[tuple[tuple[float, ...], int, int], _Memory] = {}


def _memory(scheduler: Scheduler) -> _Memory | None:
    """The `_Memory` of `scheduler`'s parameters and steps (made once each), None for a scheduler that
    is not FSRS-6 (21 parameters)."""
    parameters = tuple(getattr(scheduler, "parameters", ()))
    if len(parameters) != 21:
        return None
    index = (parameters, len(scheduler.learning_steps), len(scheduler.relearning_steps))  # type: ignore[attr-defined]
    memory = _memories.get(index)
    if memory is None:
        memory = _memories[index] = _Memory(*index, _hard_floored(parameters))
    return memory


def _hard_floored(parameters: tuple[float, ...]) -> bool:
    """Whether this fsrs keeps a same-day Hard from lowering stability (6.3 does, 6.2 does not): asked
    of fsrs itself, with a stability so large that the unfloored gain is below 1."""
    import fsrs

    probe = fsrs.Scheduler(parameters=parameters, enable_fuzzing=False)
    moment = datetime(2000, 1, 1, tzinfo=timezone.utc)
    card = fsrs.Card(0, fsrs.State.Review, None, 1e6, 5.0, moment, moment)
    after, _ = probe.review_card(card, fsrs.Rating.Hard, moment + timedelta(hours=1))
    return after.stability == 1e6


def replay_log(
    key: Key, reviews: Iterable[tuple[int, datetime, Scheduler]], states_before: list[str] | None = None
) -> CardState:
    """The state a card reaches from new through `reviews` = (rating, time, scheduler) in order: exactly
    what chaining `review` gives (the same final fsrs call, the same fuzz seed), many times quicker.

    A card's state after an answer depends on the previous answer only through its state, step,
    stability, difficulty and time, never through its due date, which is all fuzz changes. So every
    answer but the last is carried by `_Memory` (fsrs's arithmetic, no interval, no fuzz), and the last
    is fsrs's own `review_card` with the fuzz `review` would seed for it. When `states_before` is
    given, the state word before each review is appended to it."""
    return replay_log_us(
        key, [(rating, (utc(moment) - _EPOCH) // _US, s) for rating, moment, s in reviews], states_before
    )


_US = timedelta(microseconds=1)
_DAY_US = 86_400_000_000
_RATING_VALUES = frozenset(RATINGS)


def _time_of_us(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def replay_log_us(
    key: Key, reviews: Sequence[tuple[int, int, Scheduler]], states_before: list[str] | None = None
) -> CardState:
    """`replay_log` with times as integer microseconds since 1970-01-01 UTC (what the store has, times
    1,000): only the last two answers' times become datetimes. fsrs's whole days between two answers,
    `(b - a).days` of datetimes, are `(b - a) // 86,400,000,000` of microseconds."""
    import math

    import fsrs
    import fsrs.scheduler as _fsrs_scheduler

    state = CardState.new(key)
    if not reviews:
        return state
    if not callable(getattr(_fsrs_scheduler, "random", None)):  # an fsrs that draws otherwise: the plain way
        return _replay_each(key, reviews, states_before)
    start = 0 if states_before is None else len(states_before)
    words = ("", State.Learning.value, State.Review.value, State.Relearning.value)
    fsrs_state = 1  # fsrs's new card: Learning, step 0, no memory state
    step: int | None = 0
    stability: float | None = None
    difficulty: float | None = None
    last: int | None = None
    word, lapses = State.New.value, 0
    latest: Scheduler | None = None
    memory: _Memory | None = None
    e = math.e
    w: tuple[float, ...] = ()
    last_answer = len(reviews) - 1
    for i in range(len(reviews)):
        rating, moment, scheduler = reviews[i]
        if rating not in _RATING_VALUES:
            raise ValueError(f"rating must be 1–4, not {rating!r}")
        # The last answer goes through the loop too when it is a review card's Hard, Good or Easy (most
        # cards' last answer): it stays a review card, and only its interval is left to fsrs (`_review_due`).
        # Any other last answer is fsrs's whole (below the loop).
        if i == last_answer and (
            fsrs_state != 2
            or rating == 1
            or not isinstance(scheduler, fsrs.Scheduler)  # its interval and fuzz asked of fsrs.Scheduler's own methods
            or (scheduler is not latest and _memory(scheduler) is None)
        ):
            break
        if scheduler is not latest:
            latest, memory = scheduler, _memory(scheduler)
            if memory is None:  # not FSRS-6: fsrs answers every review
                if states_before is not None:
                    del states_before[start:]
                return _replay_each(key, reviews, states_before)
            w, decay, factor = memory.w, memory.decay, memory.factor
            learning, relearning = memory.learning, memory.relearning
            initial_difficulty, difficulty_delta = memory.initial_difficulty, memory.difficulty_delta
            short_term_gain, short_term_floor = memory.short_term_gain, memory.short_term_floor
            reversion, keep, recall_gain = memory.reversion, memory.keep, memory.recall_gain
            hard_penalty, easy_bonus = memory.hard_penalty, memory.easy_bonus
            forget_short_term = memory.forget_short_term
        if states_before is not None:
            states_before.append(word)
        lapses += fsrs_state == 2 and rating == 1
        days = None if last is None else (moment - last) // _DAY_US
        # `_Memory`'s arithmetic, written out in the loop (a method call per answer cost ~20% of a replay)
        s, d = stability, difficulty
        if s is None or d is None:  # a new card (fsrs: Learning without a memory state)
            s, d = max(w[rating - 1], 0.001), initial_difficulty[rating]
        else:
            if days is not None and days < 1:  # fsrs: _short_term_stability
                gain = short_term_gain[rating] * (s ** -w[19])
                if short_term_floor[rating]:
                    gain = max(gain, 1.0)
                s_next = max(s * gain, 0.001)
            else:
                r = (1 + factor * max(0, days or 0) / s) ** decay  # get_card_retrievability
                if rating == 1:  # _next_forget_stability
                    s_next = min(
                        w[11] * (d ** -w[12]) * (((s + 1) ** (w[13])) - 1) * (e ** ((1 - r) * w[14])),
                        s / forget_short_term,
                    )
                else:  # _next_recall_stability
                    s_next = s * (
                        1
                        + recall_gain
                        * (11 - d)
                        * (s ** -w[9])
                        * ((e ** ((1 - r) * w[10])) - 1)
                        * (hard_penalty if rating == 2 else 1)
                        * (easy_bonus if rating == 4 else 1)
                    )
                s_next = max(s_next, 0.001)
            # _next_difficulty
            d = min(
                max(reversion + keep * (d + (10.0 - d) * difficulty_delta[rating] / 9.0), 1.0),
                10.0,
            )
            s = s_next
        stability, difficulty = s, d
        # the state and step fsrs moves to
        if fsrs_state == 2:  # Review
            if rating == 1 and relearning:
                fsrs_state, step = 3, 0
        else:
            steps = learning if fsrs_state == 1 else relearning
            assert step is not None
            if steps == 0 or (step >= steps and rating != 1):
                fsrs_state, step = 2, None
            elif rating == 1:
                step = 0
            elif rating == 2:
                pass
            elif rating == 3 and step + 1 != steps:
                step += 1
            else:
                fsrs_state, step = 2, None
        word, last = words[fsrs_state], moment
    else:  # the loop answered the last one too (a review card's Hard, Good or Easy)
        assert stability is not None and difficulty is not None and isinstance(scheduler, fsrs.Scheduler)
        return _review_due(state.key, scheduler, stability, difficulty, moment, len(reviews), lapses)
    rating, moment, scheduler = reviews[-1]
    if states_before is not None:
        states_before.append(word)
    reps = len(reviews) - 1
    card = fsrs.Card(
        0, fsrs.State(fsrs_state), step, stability, difficulty, _EPOCH, None if last is None else _time_of_us(last)
    )
    with _fuzz_lock:
        if not _draws:
            _draws.append(_FuzzDraw())
        draw = _draws[0]
        draw.at(key, reps)
        saved = _fsrs_scheduler.random
        _fsrs_scheduler.random = draw
        try:
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), _time_of_us(moment))
        finally:
            _fsrs_scheduler.random = saved
    lapses += fsrs_state == 2 and rating == 1
    return CardState(
        state.key,
        _FROM_FSRS[card.state],
        card.step,
        card.stability,
        card.difficulty,
        card.due,
        card.last_review,
        reps + 1,
        lapses,
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)  # a due date fsrs never reads (what `to_fsrs` gives a new card)


def _review_due(
    key: Key, scheduler: fsrs.Scheduler, stability: float, difficulty: float, moment: int, reps: int, lapses: int
) -> CardState:
    """A review card's state after its last answer, Hard, Good or Easy (`moment`: microseconds), given the
    memory state that answer gave: what fsrs's `review_card` gives it, with its interval from fsrs itself
    (`_next_interval`, then `_get_fuzzed_interval` drawing the fuzz `review` would draw). Without the rest
    of `review_card` (a copy of the card, its memory arithmetic again, a review log): 20,000 cards' last
    answers in a big import cost a third of what they did (tests/test_scheduler.py holds it to fsrs)."""
    import fsrs.scheduler as _fsrs_scheduler

    answered = _time_of_us(moment)
    interval = timedelta(days=scheduler._next_interval(stability=stability))
    if scheduler.enable_fuzzing:
        with _fuzz_lock:
            if not _draws:
                _draws.append(_FuzzDraw())
            draw = _draws[0]
            draw.at(key, reps - 1)
            saved = _fsrs_scheduler.random
            _fsrs_scheduler.random = draw
            try:
                interval = scheduler._get_fuzzed_interval(interval=interval)
            finally:
                _fsrs_scheduler.random = saved
    return CardState(key, State.Review, None, stability, difficulty, answered + interval, answered, reps, lapses)


def _replay_each(key: Key, log: Sequence[tuple[int, int, Scheduler]], states_before: list[str] | None) -> CardState:
    """The state after `log` (times in microseconds) with `review` answering every review (for an fsrs
    without a module-level `random`, or a scheduler `_Memory` does not know)."""
    state = CardState.new(key)
    for rating, moment, scheduler in log:
        if states_before is not None:
            states_before.append(state.state.value)
        state = review(state, rating, _time_of_us(moment), scheduler)
    return state


def preview(state: CardState, now: datetime, scheduler: Scheduler) -> dict[int, timedelta]:
    """For each rating 1–4, the interval it would give (new due − now): the label of each button.

    Uses the same seed as `review`, so the label matches what answering really does."""
    now = utc(now)
    return {rating: review(state, rating, now, scheduler).due - now for rating in RATINGS}  # type: ignore[operator]


def retrievability(state: CardState, now: datetime, scheduler: Scheduler | None = None) -> float:
    """FSRS's probability of recall at `now` (0 for a new card)."""
    if state.state == State.New:
        return 0.0
    return (scheduler or _default_scheduler()).get_card_retrievability(to_fsrs(state), utc(now))


def day_start(now: datetime, day_start_hour: int = DEFAULT_DAY_START_HOUR, tz: tzinfo | None = None) -> datetime:
    """The start (UTC) of the study day containing `now`: days begin at `day_start_hour` o'clock in
    `tz` (default: the machine's local time zone, or UTC when TZ is unusable: `env.local_zone`)."""
    if tz is None:
        tz = local_zone()
    local = utc(now).astimezone(tz)  # tz None → local time zone
    shifted = local - timedelta(hours=day_start_hour)
    start = datetime.combine(shifted.date(), time(day_start_hour), tzinfo=local.tzinfo)
    if tz is None:  # the local offset may differ on that date (DST): let astimezone() find it
        start = datetime.combine(shifted.date(), time(day_start_hour)).astimezone()
    return utc(start)


def next_day_start(now: datetime, day_start_hour: int = DEFAULT_DAY_START_HOUR, tz: tzinfo | None = None) -> datetime:
    """The start (UTC) of the study day after the one containing `now`."""
    return day_start(day_start(now, day_start_hour, tz) + timedelta(hours=30), day_start_hour, tz)


_default: list[fsrs.Scheduler] = []


def _default_scheduler() -> fsrs.Scheduler:
    """A scheduler for retrievability only (made once, on first use)."""
    if not _default:
        _default.append(make_scheduler(fuzz=False))
    return _default[0]


__all__ = [
    "AGAIN",
    "DeckSchedulers",
    "DEFAULT_DAY_START_HOUR",
    "DEFAULT_NEW_PER_DAY",
    "DEFAULT_RETENTION",
    "EASY",
    "GOOD",
    "HARD",
    "MATURE_DAYS",
    "RATINGS",
    "RATING_NAMES",
    "STATES",
    "Scheduler",
    "CardState",
    "Key",
    "day_start",
    "deck_scheduler",
    "fuzz_seed",
    "make_scheduler",
    "next_day_start",
    "preview",
    "replay",
    "replay_log",
    "replay_log_us",
    "retrievability",
    "review",
    "scheduler_config",
    "scheduler_from_config",
    "to_fsrs",
    "utc",
]
