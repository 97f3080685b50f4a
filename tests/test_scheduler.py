"""The FSRS adapter and the queue: same numbers as `fsrs`, reproducible fuzz, Anki's queue order."""

from datetime import datetime, timedelta, timezone

from dense1x1quiz.scheduler import CardState, make_scheduler, review

START = datetime(2022, 11, 29, 12, 30, tzinfo=timezone.utc)


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
