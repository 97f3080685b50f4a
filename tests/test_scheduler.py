"""The FSRS adapter (scheduler.py) and the day's order (queue.py): same numbers as `fsrs`, reproducible fuzz,
Anki's queue order."""

import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import fsrs
import pytest

from dense1x1quiz.model import Card
from dense1x1quiz.queue import build_queue, counts
from dense1x1quiz.scheduler import (
    CardState,
    day_start,
    make_scheduler,
    next_day_start,
    preview,
    replay,
    retrievability,
    review,
)

START = datetime(2022, 11, 29, 12, 30, tzinfo=timezone.utc)
UTC = timezone.utc


def test_golden_intervals_with_fuzz_off():
    scheduler = make_scheduler(fuzz=False)
    state, now, intervals = CardState.new(("deck", "card")), START, []
    for rating in [3] * 6 + [1, 1] + [3] * 5:
        state = review(state, rating, now, scheduler)
        intervals.append((state.due - state.last_review).days)
        now = state.due
    assert intervals == [0, 2, 11, 46, 163, 498, 0, 0, 2, 4, 7, 12, 21]
    assert (state.reps, state.lapses, state.state) == (13, 1, "review")
    assert state.due - state.last_review == timedelta(days=21)


# Mixed sequences: (rating, minutes after the previous review). They cross learning, review and
# relearning, same-day reviews and reviews long overdue or early.
SEQUENCES = [
    [(3, 0), (3, 1), (3, 10), (1, 3 * 1440), (2, 10), (3, 10), (4, 9 * 1440), (1, 40 * 1440), (3, 15)],
    [(1, 0), (1, 1), (2, 1), (2, 6), (3, 10), (3, 1440), (2, 5 * 1440), (4, 2 * 1440), (1, 200 * 1440)],
    [(4, 0), (3, 8 * 1440), (1, 30 * 1440), (1, 10), (1, 10), (4, 10), (2, 1), (3, 100 * 1440)],
    [(2, 0), (4, 5), (2, 3 * 1440), (1, 12 * 60), (3, 10), (3, 2), (1, 1440), (3, 10), (3, 4 * 1440)],
]


def _fsrs_reference(sequence, scheduler):
    """What `fsrs` itself gives for the sequence: [(state, step, stability, difficulty, due), …]."""
    card, now, out = fsrs.Card(card_id=1, due=START), START, []
    for rating, minutes in sequence:
        now += timedelta(minutes=minutes)
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), now)
        out.append((card.state.name.lower(), card.step, card.stability, card.difficulty, card.due))
    return out


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_memory_state_equals_fsrs_for_mixed_sequences(sequence):
    scheduler = make_scheduler(fuzz=False)
    expected = _fsrs_reference(sequence, scheduler)
    state, now, got = CardState.new(("d", "c")), START, []
    for rating, minutes in sequence:
        now += timedelta(minutes=minutes)
        state = review(state, rating, now, scheduler)
        got.append((state.state, state.step, state.stability, state.difficulty, state.due))
    assert got == expected  # exact float equality: same code path, no re-implementation
    assert {s[0] for seq in SEQUENCES for s in _fsrs_reference(seq, scheduler)} == {"learning", "review", "relearning"}


def test_fuzz_changes_due_only_and_is_reproducible():
    fuzzed, plain = make_scheduler(), make_scheduler(fuzz=False)
    sequence = SEQUENCES[0]
    a = b = c = CardState.new(("d", "c"))
    now = START
    for rating, minutes in sequence:
        now += timedelta(minutes=minutes)
        a, b, c = review(a, rating, now, fuzzed), review(b, rating, now, fuzzed), review(c, rating, now, plain)
        assert a == b
        assert (a.stability, a.difficulty, a.state) == (c.stability, c.difficulty, c.state)


def test_fuzz_uses_its_seed_and_leaves_global_random_alone():
    scheduler = make_scheduler()
    mature = CardState(
        key=("d", "c"),
        state="review",
        step=None,
        stability=100.0,
        difficulty=5.0,
        due=START,
        last_review=START - timedelta(days=100),
        reps=5,
    )
    random.seed(1234)
    expected_next = random.random()
    random.seed(1234)
    dues = {review(mature, 3, START, scheduler, seed=seed).due for seed in range(40)}
    assert random.random() == expected_next  # the global generator was not advanced
    assert len(dues) > 5  # fuzz really spreads the intervals
    plain = review(mature, 3, START, make_scheduler(fuzz=False)).due
    days = (plain - START).days
    assert days > 100
    assert all(abs((due - plain).days) <= 0.06 * days + 2 for due in dues)  # fsrs: about ±5 % at this length
    assert review(mature, 3, START, scheduler, seed=7) == review(mature, 3, START, scheduler, seed=7)


def test_reps_and_lapses():
    scheduler = make_scheduler(fuzz=False)
    state = replay(
        ("d", "c"),
        [
            (3, START),
            (3, START + timedelta(minutes=1)),
            (3, START + timedelta(minutes=11)),
            (1, START + timedelta(days=5)),
            (1, START + timedelta(days=5, minutes=10)),
            (3, START + timedelta(days=6)),
        ],
        scheduler,
    )
    # Again in learning/relearning is not a lapse; Again on a review card is.
    assert (state.reps, state.lapses, state.state) == (6, 1, "review")


def test_review_rejects_bad_ratings():
    with pytest.raises(ValueError, match="rating must be 1–4"):
        review(CardState.new(("d", "c")), 5, START, make_scheduler())


def test_preview_gives_the_intervals_review_would_give():
    scheduler = make_scheduler()
    new = CardState.new(("d", "c"))
    assert preview(new, START, make_scheduler(fuzz=False)) == {
        1: timedelta(minutes=1),
        2: timedelta(minutes=5.5),
        3: timedelta(minutes=10),
        4: timedelta(days=8),
    }
    state = replay(
        ("d", "c"), [(3, START), (3, START + timedelta(minutes=1)), (3, START + timedelta(minutes=11))], scheduler
    )
    later = state.due + timedelta(hours=3)
    intervals = preview(state, later, scheduler)
    assert intervals[1] == timedelta(minutes=10)
    assert intervals[2] < intervals[3] < intervals[4]
    for rating, interval in intervals.items():
        assert review(state, rating, later, scheduler).due - later == interval


def test_day_start_is_4am_local_and_follows_dst():
    berlin = ZoneInfo("Europe/Berlin")
    # 03:59 local on 30 March 2025 (the night clocks go forward) still belongs to 29 March.
    at = datetime(2025, 3, 30, 3, 59, tzinfo=berlin)
    assert day_start(at, 4, berlin) == datetime(2025, 3, 29, 4, 0, tzinfo=berlin).astimezone(UTC)
    assert next_day_start(at, 4, berlin) == datetime(2025, 3, 30, 4, 0, tzinfo=berlin).astimezone(UTC)
    assert next_day_start(at, 4, berlin) - day_start(at, 4, berlin) == timedelta(hours=23)
    assert day_start(datetime(2025, 3, 30, 4, 0, tzinfo=berlin), 4, berlin) == datetime(2025, 3, 30, 2, 0, tzinfo=UTC)
    assert day_start(datetime(2025, 6, 1, 12, 0, tzinfo=UTC), 0, UTC) == datetime(2025, 6, 1, tzinfo=UTC)
    assert day_start(START, 4, UTC).tzinfo is UTC


# -- the queue ----------------------------------------------------------------------------------

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # day runs 2026-03-10 04:00 → 03-11 04:00 (UTC)


def _card(deck, cid, note=None):
    return Card(deck=deck, id=cid, kind="basic", prompt=cid, answer="a", note=note or cid)


def _state(card, state, due, stability=10.0, last=None):
    return CardState(
        key=card.key,
        state=state,
        step=None if state == "review" else 0,
        stability=stability,
        difficulty=5.0,
        due=due,
        last_review=last or due - timedelta(days=stability),
        reps=3,
    )


def test_queue_order_learning_then_reviews_by_retrievability_then_new():
    cards = [_card("a", f"c{i}") for i in range(10)]
    states = {
        cards[0].key: _state(cards[0], "review", NOW - timedelta(days=1), stability=50),  # R high
        cards[1].key: _state(cards[1], "learning", NOW - timedelta(minutes=1)),
        cards[2].key: _state(cards[2], "review", NOW - timedelta(days=20), stability=3),  # R lowest
        cards[3].key: _state(cards[3], "relearning", NOW - timedelta(minutes=5)),
        cards[4].key: _state(cards[4], "learning", NOW + timedelta(minutes=5)),  # not yet due
        cards[5].key: _state(cards[5], "review", NOW + timedelta(hours=15), stability=8),  # due 03:00 tomorrow: today
        cards[6].key: _state(cards[6], "review", NOW + timedelta(hours=17), stability=8),  # due after 04:00: tomorrow
    }
    queue = build_queue(cards, states, NOW, tz=UTC)
    assert [c.id for c in queue] == ["c3", "c1", "c2", "c0", "c5", "c7", "c8", "c9"]
    assert counts(queue, states) == {"new": 3, "learning": 2, "review": 3}
    r = [retrievability(states[cards[i].key], NOW) for i in (2, 0, 5)]
    assert r == sorted(r)


def test_new_cards_limited_per_deck_and_per_day():
    cards = [_card("a", f"a{i}") for i in range(5)] + [_card("b", f"b{i}") for i in range(5)]
    queue = build_queue(cards, {}, NOW, new_per_day=3, new_done_today={"a": 2}, tz=UTC)
    assert [c.id for c in queue] == ["a0", "b0", "b1", "b2"]
    assert build_queue(cards, {}, NOW, new_per_day=0, tz=UTC) == []


def test_siblings_of_a_card_answered_today_are_buried():
    front, back = _card("a", "x", note="x"), _card("a", "x:reverse", note="x")
    c1, c2, c3 = (_card("a", f"cl:c{i}", note="cl") for i in (1, 2, 3))
    other_deck_same_note = _card("b", "x", note="x")
    cards = [front, back, c1, c2, c3, other_deck_same_note]
    states = {
        front.key: _state(front, "learning", NOW - timedelta(minutes=1)),  # answered today, still learning
        c1.key: _state(c1, "review", NOW + timedelta(days=3)),  # answered today
        c2.key: _state(c2, "review", NOW - timedelta(days=1)),  # sibling due: buried
    }
    queue = build_queue(cards, states, NOW, answered_today={front.key, c1.key}, tz=UTC)
    assert [c.key for c in queue] == [front.key, other_deck_same_note.key]
    # The next day nothing is buried any more.
    tomorrow = NOW + timedelta(days=1)
    assert {c.key for c in build_queue(cards, states, tomorrow, tz=UTC)} == {c.key for c in cards} - {c1.key}


@pytest.mark.parametrize("fuzz", [False, True])
def test_stored_states_equal_fsrs_for_mixed_sequences(tmp_path, fuzz):
    """Through the store (rounded to the millisecond, written, read back after reopening): the
    stability and difficulty on disk are fsrs's own numbers; with fuzz off, the due times too."""
    from dense1x1quiz.store import Store

    scheduler = make_scheduler(fuzz=fuzz)
    reference = make_scheduler(fuzz=False)
    with Store.open(tmp_path / "home") as store:
        for n, sequence in enumerate(SEQUENCES):
            now = START
            for rating, minutes in sequence:
                now += timedelta(minutes=minutes)
                store.record_review(("d", f"c{n}"), rating, now, mode="flip", scheduler=scheduler)
    with Store.open(tmp_path / "home") as store:
        stored = store.states()
    for n, sequence in enumerate(SEQUENCES):
        state = stored[("d", f"c{n}")]
        kind, step, stability, difficulty, due = _fsrs_reference(sequence, reference)[-1]
        assert (state.state, state.step, state.stability, state.difficulty) == (kind, step, stability, difficulty)
        assert state.reps == len(sequence)
        if not fuzz:
            assert state.due == due


def test_day_start_in_the_machines_own_time_zone(monkeypatch):
    import time as time_module

    monkeypatch.setenv("TZ", "America/New_York")
    time_module.tzset()
    try:
        york = ZoneInfo("America/New_York")
        for local in (
            datetime(2026, 3, 8, 3, 30),
            datetime(2026, 3, 8, 12, 0),
            datetime(2026, 11, 1, 4, 30),
            datetime(2026, 7, 1, 23, 59),
        ):
            at = local.replace(tzinfo=york)
            assert day_start(at) == day_start(at, 4, york)
            assert next_day_start(at) == next_day_start(at, 4, york)
        # 8 March 2026, clocks go forward at 2 a.m.: that study day lasts 23 hours.
        at = datetime(2026, 3, 8, 12, 0, tzinfo=york)
        assert day_start(at) == datetime(2026, 3, 8, 8, 0, tzinfo=UTC)  # 4 a.m. EDT
        assert next_day_start(at) - day_start(at) == timedelta(hours=24)
        assert day_start(at) - day_start(at - timedelta(days=1)) == timedelta(hours=23)
    finally:
        monkeypatch.undo()
        time_module.tzset()


def test_fuzz_stays_seeded_if_fsrs_stops_importing_random_by_name(monkeypatch):
    """Should fsrs call `random.random()` through the module, fuzz is still seeded and the global
    generator still left as it was."""
    import fsrs.scheduler as fsrs_scheduler

    def fuzz_through_the_module(self, *, interval):
        return timedelta(days=interval.days + int(random.random() * 10))

    monkeypatch.delattr(fsrs_scheduler, "random")
    monkeypatch.setattr(fsrs.Scheduler, "_get_fuzzed_interval", fuzz_through_the_module)
    scheduler = make_scheduler()
    mature = CardState(
        key=("d", "c"),
        state="review",
        step=None,
        stability=100.0,
        difficulty=5.0,
        due=START,
        last_review=START - timedelta(days=100),
        reps=5,
    )
    random.seed(99)
    expected_next = random.random()
    random.seed(99)
    dues = [review(mature, 3, START, scheduler, seed=seed).due for seed in (1, 2, 1, 2, 3)]
    assert random.random() == expected_next
    assert dues[0] == dues[2] and dues[1] == dues[3]
    assert len(set(dues)) > 1


# -- the bulk replay (replay_log): fsrs's arithmetic re-implemented for all but a card's last answer ----------

_GAPS = (0, 1, 9, 59, 600, 1439, 1440, 1441, 2000, 2880, 4 * 1440, 20 * 1440, 90 * 1440, 400 * 1440, 3000 * 1440)
# FSRS-6 weights other than the defaults, inside fsrs's bounds: a same-day Hard, forgetting and recall all weigh
# differently (w19 large makes a same-day Hard below 1 at small stabilities too).
_OTHER_WEIGHTS = tuple(
    map(float, "0.4 0.9 3.1 15.5 7.2 0.5 1.6 0.02 1.4 0.15 0.9 1.9 0.11 0.3 2.1 0.3 2.5 0.7 0.3 0.4 0.3".split())
)


def _bulk_schedulers() -> list[fsrs.Scheduler]:
    minute = timedelta(minutes=1)
    return [
        make_scheduler(0.9),
        make_scheduler(0.9, fuzz=False),
        make_scheduler(0.8),
        make_scheduler(0.97, fuzz=False),
        make_scheduler(0.7),
        fsrs.Scheduler(desired_retention=0.85, learning_steps=(), relearning_steps=()),
        fsrs.Scheduler(learning_steps=(minute,), relearning_steps=(minute, 30 * minute), maximum_interval=40),
        fsrs.Scheduler(learning_steps=(minute, 5 * minute, 60 * minute), relearning_steps=(5 * minute,)),
        fsrs.Scheduler(parameters=_OTHER_WEIGHTS, desired_retention=0.9),
        fsrs.Scheduler(parameters=_OTHER_WEIGHTS, desired_retention=0.8, enable_fuzzing=False),
    ]


_BULK = _bulk_schedulers()


def _answers():
    from hypothesis import strategies as st

    gap = st.one_of(st.sampled_from(_GAPS), st.integers(0, 5000 * 1440))
    answer = st.tuples(st.integers(1, 4), gap, st.integers(0, len(_BULK) - 1))
    return st.tuples(st.sampled_from((0, 5, 6, 7, 8)), st.lists(answer, min_size=1, max_size=25))


def _chained(key, log):
    state, words = CardState.new(key), []
    for rating, moment, scheduler in log:
        words.append(state.state.value)
        state = review(state, rating, moment, scheduler)
    return state, words


def test_replay_log_equals_fsrs_answer_by_answer():
    """`replay_log` (fsrs's arithmetic for all but the last answer, fsrs for the last) gives exactly, to the
    bit, what `review` gives calling fsrs for every answer: random logs of same-day answers, every rating,
    gaps up to 14 years, fuzz on and off, five retentions, other learning/relearning steps (none, one,
    three), a low maximum interval and other weights (a log keeps one family of steps and weights, with
    the answers' schedulers mixed within it, as a store's history does)."""
    from hypothesis import example, given, settings

    from dense1x1quiz.scheduler import replay_log

    families = {0: (0, 1, 2, 3, 4), 5: (5, 0), 6: (6, 2), 7: (7,), 8: (8, 9)}

    @settings(max_examples=600, deadline=None, derandomize=True)
    @given(_answers())
    # a card past the last (re)learning step of the scheduler now answering it (which has fewer steps)
    @example((6, [(3, 0, 1), (2, 1, 0), (3, 1440, 0)]))
    @example((6, [(3, 0, 1), (3, 1, 0), (3, 1440, 0)]))
    @example((6, [(4, 0, 0), (1, 9000, 0), (3, 10, 0), (2, 10, 1), (3, 9000, 1)]))
    @example((6, [(4, 0, 0), (1, 9000, 0), (3, 10, 0), (3, 10, 1), (3, 9000, 1)]))
    def check(case):
        family, answers = case
        moment, log = START, []
        for rating, gap, pick in answers:
            moment += timedelta(minutes=gap)
            choices = families[family]
            log.append((rating, moment, _BULK[choices[pick % len(choices)]]))
        expected, words = _chained(("deck", f"{family}{answers}"), log)
        before: list[str] = []
        assert replay_log(("deck", f"{family}{answers}"), log, before) == expected
        assert before == words

    check()


def test_replay_log_with_a_scheduler_it_does_not_know_calls_fsrs_for_every_answer():
    """A scheduler that is not an FSRS-6 `fsrs.Scheduler` (no 21 parameters to read): every answer is fsrs's,
    the same states (and state words) as `review` gives, the words not doubled by the switch midway."""
    from dense1x1quiz.scheduler import replay_log

    class Wrapped:  # answers as fsrs does, shows no parameters
        def __init__(self, inner):
            self.inner = inner
            self.desired_retention, self.enable_fuzzing = inner.desired_retention, inner.enable_fuzzing

        def review_card(self, card, rating, review_datetime=None):
            return self.inner.review_card(card, rating, review_datetime)

    known, unknown = make_scheduler(0.9), Wrapped(make_scheduler(0.9))
    times = [START + timedelta(days=d) for d in (0, 0.01, 1, 4, 13, 40)]
    log = [(r, t, known if i < 3 else unknown) for i, (r, t) in enumerate(zip((3, 3, 1, 3, 4, 2), times, strict=True))]
    expected, words = _chained(("d", "w"), log)
    before = ["earlier"]
    assert replay_log(("d", "w"), log, before) == expected
    assert before == ["earlier", *words]
