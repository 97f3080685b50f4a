"""A synthetic learner for `quiz optimize`'s tests and benchmark: answers whose recall follows a known
FSRS-6 parameter set (TRUE_PARAMETERS, not the defaults), at the times quiz's scheduler (default
parameters, fuzz on) makes the cards due.

The learner sits down once a day at 09:00 UTC, answers every card due by then and its new cards, and
goes through the learning steps at the minute they fall due. Whether an answer is recalled is drawn
(seeded) from the true parameters' probability of recall, in fsrs-rs's model with study-day gaps (the
model `quiz optimize` fits): FSRS-6 as `dense1x1quiz.optimize.step` computes it."""

from __future__ import annotations

import heapq
import math
import random
from datetime import datetime, timedelta, timezone

from dense1x1quiz.optimize import forgetting_curve, step, study_day
from dense1x1quiz.scheduler import CardState, make_scheduler, review

# A learner who forgets faster at first, gains more per review and has a steeper curve than the defaults.
TRUE_PARAMETERS = (
    0.6, 1.8, 4.5, 14.0, 5.8, 1.1, 2.2, 0.02, 1.55, 0.25, 1.1, 1.9, 0.09, 0.35, 1.9, 0.45, 2.3,
    0.4, 0.2, 0.12, 0.35,
)  # fmt: skip
START = datetime(2025, 1, 6, 9, tzinfo=timezone.utc)
FIRST_RATINGS = (0.25, 0.10, 0.50, 0.15)  # Again, Hard, Good, Easy of a card's first answer
RECALLED_RATINGS = (0.15, 0.75, 0.10)  # Hard, Good, Easy when recalled


def synthetic_log(
    cards: int, days: int, *, new_per_day: int = 20, seed: int = 7, w: tuple[float, ...] = TRUE_PARAMETERS
) -> list[tuple[tuple[str, str], int, datetime]]:
    """(key, rating, time) of every answer, in time order: `cards` cards of deck "synthetic", up to
    `new_per_day` new ones a day, over `days` days from START."""
    rng = random.Random(seed)
    scheduler = make_scheduler(0.9, fuzz=True)
    states: dict[int, CardState] = {}
    memory: dict[int, tuple[tuple[float, float], int, datetime]] = {}  # true state, study day, time of last answer
    heap: list[tuple[datetime, int]] = []
    log: list[tuple[tuple[str, str], int, datetime]] = []
    introduced = 0
    for day in range(days):
        session = START + timedelta(days=day)
        for i in range(min(new_per_day, cards - introduced)):
            heapq.heappush(heap, (session + timedelta(seconds=i), introduced))
            introduced += 1
        end = session + timedelta(hours=2)  # learning steps due within the sitting are answered in it
        while heap and heap[0][0] <= end:
            due, card = heapq.heappop(heap)
            moment = max(due, session)
            key = ("synthetic", f"c{card}")
            state = states.get(card, CardState.new(key))
            previous = memory.get(card)
            today = study_day(int(moment.timestamp() * 1000), 4, timezone.utc)
            if previous is None:
                rating = rng.choices((1, 2, 3, 4), FIRST_RATINGS)[0]
                true_state = step(w, None, rating, 0)
            else:
                (s, d), last_day, last_time = previous
                elapsed = (moment - last_time).total_seconds() / 86400
                recalled = rng.random() < forgetting_curve(w, elapsed, s)
                rating = rng.choices((2, 3, 4), RECALLED_RATINGS)[0] if recalled else 1
                true_state = step(w, (s, d), rating, today - last_day)
            memory[card] = (true_state, today, moment)
            states[card] = state = review(state, rating, moment, scheduler)
            log.append((key, rating, moment))
            assert state.due is not None
            next_time = state.due
            if next_time > end:  # a later day: the first sitting at or after it falls due
                next_time = START + timedelta(days=math.ceil((next_time - START) / timedelta(days=1)))
            heapq.heappush(heap, (next_time, card))
    return log
