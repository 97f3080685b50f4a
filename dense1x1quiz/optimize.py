"""`quiz optimize`: fit FSRS-6's 21 parameters to the learner's own review log and judge them honestly.

- The log becomes fsrs-rs's training items by fsrs-rs's own rules (its convertor, used by Anki): a
  card's answers in order, each with `delta_t`, the whole days between its study day and the previous
  answer's (days begin at the `day_start_hour` setting, local time); one item per answer after the
  first, holding every earlier answer; only items whose last answer came a day or more later are
  trained on and judged (same-day answers stay in the history with `delta_t` 0: FSRS-6's short-term
  stability). A reset (`quiz reset`: an event outside this log, after which the card is new) starts a new
  sequence: the card's next answer is logged with state before "new".
- Judging is srs-benchmark's: a time split (the earliest 80% of the items, by the time of their last
  answer, train; the rest are held out) and, on the held-out items, log loss and RMSE (bins), for the
  defaults and for the fit. The prediction is FSRS-6's forgetting curve as `fsrs` computes it, on the
  memory state fsrs-rs's model reaches through the item's history (`memory`).
- The fit is fsrs-rs's, through its Python binding `fsrs_rs_python` (imported here only).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime, tzinfo
from typing import Any, NamedTuple

from dense1x1quiz.errors import QuizError

MIN_REVIEWS = 400  # items (answers a day or more after the card's previous one) needed before a fit is tried
TRAIN_FRACTION = 0.8  # the earliest 80% of the items train, the latest 20% judge
SIMULATED_CARDS = 4000  # the fewest cards `workload` simulates (copies of a smaller collection)
RETENTIONS = (0.70, 0.73, 0.76, 0.79, 0.82, 0.85, 0.88, 0.91, 0.94, 0.97)
S_MIN, S_MAX, D_MIN, D_MAX = 0.001, 36500.0, 1.0, 10.0  # fsrs-rs's clamps of a memory state

Parameters = tuple[float, ...]


class LogRow(NamedTuple):
    """One row of the review log as the optimizer reads it (a card's rows come together, in log order)."""

    deck: str
    card: str
    at_ms: int
    rating: int
    state_before: str
    mode: str


class Review(NamedTuple):
    rating: int
    delta_t: int  # whole study days since the previous answer of the sequence (0 for the first)
    at_ms: int


class Item(NamedTuple):
    """fsrs-rs's FSRSItem: the answer `sequence[end]` with the sequence's earlier answers before it (the
    sequence is shared by its items, not copied: a long log's items would hold its square)."""

    sequence: Sequence[Review]
    end: int = -1  # -1: the sequence's last answer

    @property
    def reviews(self) -> tuple[Review, ...]:
        """The item's answers, its own last."""
        return tuple(self.sequence[: self.end + 1 if self.end >= 0 else len(self.sequence)])

    @property
    def at_ms(self) -> int:
        return self.sequence[self.end].at_ms


class Metrics(NamedTuple):
    log_loss: float
    rmse_bins: float
    size: int  # items judged


class Report(NamedTuple):
    """What `quiz optimize` found: the counts, the fitted parameters and both sets' held-out metrics."""

    answers: int  # answers read from the log
    reviews: int  # items: answers a day or more after the card's previous one
    train: int
    test: int
    parameters: Parameters
    default: Metrics
    optimized: Metrics
    current: Metrics | None  # the parameters saved before, when there are some
    better: bool


def default_parameters() -> Parameters:
    """FSRS-6's default parameters, as `fsrs` has them."""
    from fsrs.scheduler import DEFAULT_PARAMETERS

    return tuple(float(w) for w in DEFAULT_PARAMETERS)


# -- the log as sequences and items ----------------------------------------------------------------


def study_day(at_ms: int, day_start_hour: int, tz: tzinfo | None) -> int:
    """The study day of an answer at `at_ms` as a day number (fsrs-rs's `convert_to_date`: the local
    date of the moment `day_start_hour` hours earlier; `tz` None: the machine's zone, as `env.local_zone`)."""
    # An imported time past the calendar (a damaged Anki revlog id) is read as its nearest day, as the
    # store's replay reads it (years 1 and 9999 are a day inside the edges, so no zone leaves them).
    from dense1x1quiz.store import _EARLIEST_MS, _LATEST_MS

    seconds = min(max(at_ms, _EARLIEST_MS), _LATEST_MS) / 1000 - day_start_hour * 3600
    if tz is None:
        return datetime.fromtimestamp(seconds).toordinal()  # naive local time: the machine's zone
    return datetime.fromtimestamp(seconds, tz).toordinal()


def sequences(rows: Iterable[LogRow], day_start_hour: int, tz: tzinfo | None) -> list[list[Review]]:
    """Each card's answers as sequences of `Review`s (a card's rows together, in log order); an answer
    logged with state before "new" after others (the card was reset in between) starts the next sequence.
    A sequence of one answer predicts nothing and is left out."""
    result: list[list[Review]] = []
    current: list[Review] = []
    key: tuple[str, str] | None = None
    previous_day = 0
    for row in rows:
        if (row.deck, row.card) != key or (current and row.state_before == "new"):
            if len(current) > 1:
                result.append(current)
            current, key = [], (row.deck, row.card)
        day = study_day(row.at_ms, day_start_hour, tz)
        current.append(Review(row.rating, max(day - previous_day, 0) if current else 0, row.at_ms))
        previous_day = day
    if len(current) > 1:
        result.append(current)
    return result


def items(seqs: Iterable[Sequence[Review]]) -> list[Item]:
    """fsrs-rs's items: one per answer after a sequence's first, kept when its `delta_t` is > 0; by time."""
    found = [Item(seq, i) for seq in seqs for i in range(1, len(seq)) if seq[i].delta_t > 0]
    found.sort(key=lambda item: item.at_ms)
    return found


def time_split(found: Sequence[Item], fraction: float = TRAIN_FRACTION) -> tuple[list[Item], list[Item]]:
    """The earliest `fraction` of the items (by the time of their last answer) and the rest."""
    cut = int(len(found) * fraction)
    return list(found[:cut]), list(found[cut:])


# -- FSRS-6 on items (fsrs-rs's model; float64 like `fsrs`) ----------------------------------------


def forgetting_curve(w: Parameters, delta_t: float, stability: float) -> float:
    """FSRS-6's probability of recall `delta_t` days after a review that left `stability`: the same
    expression as `fsrs.Scheduler.get_card_retrievability`."""
    decay = -w[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * delta_t / stability) ** decay


def memory(w: Parameters, reviews: Iterable[Review]) -> tuple[float, float]:
    """(stability, difficulty) after `reviews` by fsrs-rs's `forward_reviews` (its `step`)."""
    state: tuple[float, float] | None = None
    for review in reviews:
        state = step(w, state, review.rating, review.delta_t)
    return state if state is not None else (0.0, 0.0)


def step(w: Parameters, state: tuple[float, float] | None, rating: int, delta_t: float) -> tuple[float, float]:
    """fsrs-rs's `step`: the (stability, difficulty) after answering `rating` `delta_t` days after the
    answer that left `state` (None: the first answer). The same formulas as `fsrs`; a `delta_t` of 0
    (the same study day) takes the short-term stability, which fsrs-rs floors at the old one for Hard too."""
    if state is None:
        return min(max(w[rating - 1], S_MIN), S_MAX), min(max(w[4] - math.exp(w[5] * (rating - 1)) + 1, D_MIN), D_MAX)
    s, d = min(max(state[0], S_MIN), S_MAX), min(max(state[1], D_MIN), D_MAX)
    if delta_t == 0:
        gain = math.exp(w[17] * (rating - 3 + w[18])) * s ** -w[19]
        new_s = s * (max(gain, 1.0) if rating >= 2 else gain)
    elif rating == 1:
        r = forgetting_curve(w, delta_t, s)
        new_s = min(
            w[11] * d ** -w[12] * ((s + 1) ** w[13] - 1) * math.exp((1 - r) * w[14]),
            s / math.exp(w[17] * w[18]),
        )
    else:
        r = forgetting_curve(w, delta_t, s)
        bonus = w[15] if rating == 2 else w[16] if rating == 4 else 1.0
        new_s = s * (math.exp(w[8]) * (11 - d) * s ** -w[9] * (math.exp((1 - r) * w[10]) - 1) * bonus + 1)
    new_d = d + (10 - d) * (-w[6] * (rating - 3)) / 9
    init_d4 = w[4] - math.exp(w[5] * 3) + 1
    return min(max(new_s, S_MIN), S_MAX), min(max(w[7] * (init_d4 - new_d) + new_d, D_MIN), D_MAX)


def _bin(item: Item) -> tuple[int, int, int]:
    """srs-benchmark's RMSE(bins) cell of an item (fsrs-rs's `r_matrix_index`): binned delta_t, number
    of long-term reviews and lapses."""
    reviews = item.reviews
    long_term = sum(r.delta_t > 0 for r in reviews)
    lapses = sum(r.rating == 1 and r.delta_t > 0 for r in reviews[:-1])
    return _cell(reviews[-1].delta_t, long_term, lapses)


def _cell(delta_t: int, long_term: int, lapses: int) -> tuple[int, int, int]:
    """The cell of an answer `delta_t` days on, the item's `long_term`-th review a day or more apart, after
    `lapses` such reviews rated Again."""
    delta_bin = round(2.48 * 3.62 ** math.floor(math.log(delta_t, 3.62)) * 100)
    length_bin = round(1.99 * 1.89 ** math.floor(math.log(long_term + 1, 1.89)))
    lapse_bin = round(1.65 * 1.73 ** math.floor(math.log(lapses, 1.73))) if lapses else 0
    return delta_bin, length_bin, lapse_bin


def evaluate(w: Parameters, test: Sequence[Item]) -> Metrics:
    """Log loss and RMSE (bins) of `w`'s predictions of the items' last answers (recalled: rating > 1).

    RMSE (bins) as srs-benchmark defines it: items grouped by `_cell`, the root of the count-weighted
    mean of (mean prediction − mean outcome)² over the groups. Each sequence is walked once, predicting
    at each of its answers that is a test item (the memory state is `memory` of the answers before)."""
    ends: dict[int, tuple[Sequence[Review], list[int]]] = {}
    for item in test:
        end = item.end if item.end >= 0 else len(item.sequence) - 1
        ends.setdefault(id(item.sequence), (item.sequence, []))[1].append(end)
    loss = 0.0
    cells: dict[tuple[int, int, int], list[float]] = {}
    eps = 1e-7
    for sequence, wanted in ends.values():
        wanted_set = set(wanted)
        state: tuple[float, float] | None = None
        long_term = lapses = 0
        for i in range(max(wanted) + 1):
            rating, delta_t, _ = sequence[i]
            long_term += delta_t > 0
            if i in wanted_set and state is not None:
                p = min(max(forgetting_curve(w, delta_t, state[0]), eps), 1 - eps)
                y = 1.0 if rating > 1 else 0.0
                loss -= y * math.log(p) + (1 - y) * math.log(1 - p)
                cell = cells.setdefault(_cell(delta_t, long_term, lapses), [0.0, 0.0, 0.0])
                cell[0] += p
                cell[1] += y
                cell[2] += 1
            lapses += rating == 1 and delta_t > 0
            state = step(w, state, rating, delta_t)
    n = sum(int(c[2]) for c in cells.values())
    if not n:
        return Metrics(math.nan, math.nan, 0)
    squares = sum((p - y) ** 2 / c for p, y, c in cells.values())  # c · (p/c − y/c)²
    return Metrics(loss / n, math.sqrt(squares / n), n)


# -- fitting -----------------------------------------------------------------------------------------


def _binding() -> Any:
    """The fsrs-rs binding, or a QuizError saying how to get it."""
    try:
        import fsrs_rs_python
    except ImportError:
        import sys

        if sys.platform == "darwin" and sys.version_info < (3, 11):
            raise QuizError(
                "quiz optimize needs fsrs-rs-python (fsrs-rs, the optimizer Anki uses), which has no build for "
                "Python 3.10 on macOS; install quiz with Python 3.11 or newer to use it"
            ) from None
        raise QuizError(
            "quiz optimize needs the fsrs-rs-python package (fsrs-rs, the optimizer Anki uses), which is not "
            "installed for this Python; install it with: pip install 'fsrs-rs-python>=0.9.3,<0.10'"
        ) from None
    return fsrs_rs_python


def fit(train: Sequence[Item]) -> Parameters:
    """fsrs-rs's fit of the 21 parameters to `train` (short-term stability on, one relearning step as
    quiz has), rounded to 4 decimals as Anki shows them and kept inside `fsrs`'s bounds."""
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    rs = _binding()
    try:
        fitted = rs.FSRS(rs.DEFAULT_PARAMETERS).compute_parameters(
            [rs.FSRSItem([rs.FSRSReview(r.rating, r.delta_t) for r in item.reviews]) for item in train],
            enable_short_term=True,
            num_relearning_steps=1,
        )
    except ValueError as exc:  # fsrs-rs's errors (InvalidInput, NotEnoughData, …) come as ValueError
        raise QuizError(f"fsrs-rs could not fit parameters to this review log ({exc}); nothing was saved") from None
    if len(fitted) != len(LOWER_BOUNDS_PARAMETERS) or not all(math.isfinite(w) for w in fitted):
        raise QuizError(f"fsrs-rs fitted parameters quiz cannot use ({list(fitted)!r}); nothing was saved")
    return tuple(
        min(max(round(float(w), 4), low), high)
        for w, low, high in zip(fitted, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS)  # noqa: B905 - 21 each
    )


def too_few(reviews: int, answers: int, saved: bool = False) -> QuizError:
    """The refusal when the log is too short for a fit worth having: how many more reviews, why, and what
    schedules the cards meanwhile (`saved`: parameters saved before)."""
    have = (
        "you have answered no card yet"
        if not answers
        else f"the log has {reviews:,} (of {answers:,} answer{'s' * (answers != 1)}), {MIN_REVIEWS - reviews:,} to go"
    )
    meanwhile = (
        "the parameters saved before" if saved else "FSRS's default parameters (fitted to many learners' reviews)"
    )
    return QuizError(
        f"quiz optimize needs at least {MIN_REVIEWS} reviews made a day or more after the card's previous "
        f"answer; {have}. With fewer, the fit would follow chance more than your memory, and a fifth of them "
        f"are held out to judge it. Until then your cards are scheduled with {meanwhile}; keep studying and run "
        "it again."
    )


def optimize(
    rows: Iterable[LogRow], day_start_hour: int, tz: tzinfo | None, current: Parameters | None = None
) -> Report:
    """Fit on the earliest 80% of the log's items, judge defaults, fit (and `current`, the saved
    parameters, if any) on the rest. `better`: the fit's held-out log loss is below the defaults' (and
    below `current`'s). Raises `too_few(...)` below MIN_REVIEWS items."""
    rows = list(rows)
    answers = len(rows)
    found = items(sequences(rows, day_start_hour, tz))
    if len(found) < MIN_REVIEWS:
        raise too_few(len(found), answers, saved=current is not None)
    train, test = time_split(found)
    fitted = fit(train)
    default = evaluate(default_parameters(), test)
    optimized = evaluate(fitted, test)
    judged = evaluate(current, test) if current is not None else None
    better = optimized.log_loss < default.log_loss and (judged is None or optimized.log_loss < judged.log_loss)
    return Report(answers, len(found), len(train), len(test), fitted, default, optimized, judged, better)


# -- workload and retention ----------------------------------------------------------------------------


class Workload(NamedTuple):
    retention: float
    reviews_per_day: float  # answers per day (reviews and new cards' learning steps), averaged over the span
    minutes_per_day: float
    memorized: float  # knowledge at the end: the sum of every card's probability of recall
    cost_per_memorized: float  # seconds of study per card remembered at the end: what the marked row minimizes


def workload(w: Parameters, *, cards: int, new_per_day: int, days: int = 365, seed: int = 42) -> list[Workload]:
    """fsrs-rs's simulator at each retention in RETENTIONS: `cards` new cards learnt `new_per_day` a day
    for `days` days (fsrs-rs's default answer costs and rating shares; quiz's 2 learning steps and 1
    relearning step; no daily time cap), the same seed for every retention.

    Cards are independent in the simulation, so a small collection is simulated `copies` times over
    (at least SIMULATED_CARDS cards, `copies` × `new_per_day` a day) and the figures divided by `copies`:
    the same expectation with less noise, so the table's trend is the retention's, not the draw's."""
    rs = _binding()
    cards, new_per_day = max(cards, 1), max(new_per_day, 1)
    copies = max(1, math.ceil(SIMULATED_CARDS / cards))
    config = rs.default_simulator_config()
    config.deck_size = cards * copies
    config.learn_span = days
    config.learn_limit = new_per_day * copies
    config.max_cost_perday = 1e12  # no cap: a cap would cut knowledge at high retention and hide the trade-off
    config.learning_step_count = 2  # quiz's 1 m and 10 m
    config.relearning_step_count = 1
    result = []
    for retention in RETENTIONS:
        sim = rs.simulate(list(w), retention, config, seed)
        answers = (sum(sim.review_cnt_per_day) + sum(sim.learn_cnt_per_day)) / copies
        cost = sum(sim.cost_per_day) / copies
        memorized = sim.memorized_cnt_per_day[-1] / copies
        per_card = cost / memorized if memorized else math.inf
        result.append(Workload(retention, answers / days, cost / 60 / days, memorized, per_card))
    return result


__all__ = [
    "Item",
    "LogRow",
    "MIN_REVIEWS",
    "Metrics",
    "Report",
    "Review",
    "Workload",
    "default_parameters",
    "evaluate",
    "fit",
    "forgetting_curve",
    "items",
    "memory",
    "optimize",
    "sequences",
    "step",
    "study_day",
    "time_split",
    "too_few",
    "workload",
]
