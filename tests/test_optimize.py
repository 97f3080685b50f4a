"""`quiz optimize`'s core: the log as fsrs-rs items, FSRS-6 predictions held to `fsrs` and fsrs-rs, the
metrics, the fit on a synthetic learner and the workload simulation."""

import math
import random
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

from dense1x1quiz import optimize as opt
from dense1x1quiz.optimize import Item, LogRow, Review

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from learner import TRUE_PARAMETERS, synthetic_log  # noqa: E402

rs = pytest.importorskip("fsrs_rs_python")
UTC = timezone.utc
DEFAULTS = opt.default_parameters()


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def row(at: str, rating: int, card: str = "a", state_before: str = "review", mode: str = "flip") -> LogRow:
    return LogRow("d", card, ms(at), rating, state_before, mode)


@pytest.mark.parametrize("w", [DEFAULTS, TRUE_PARAMETERS])
def test_forgetting_curve_is_fsrs_own(w):
    """The prediction is exactly `fsrs`'s retrievability of a card with that stability, t days on."""
    scheduler = fsrs.Scheduler(parameters=w, enable_fuzzing=False)
    rng = random.Random(3)
    last = datetime(2025, 1, 1, 9, tzinfo=UTC)
    for _ in range(300):
        stability, days = rng.uniform(0.01, 400), rng.randrange(0, 1000)
        card = fsrs.Card(0, fsrs.State.Review, None, stability, 5.0, last, last)
        assert opt.forgetting_curve(w, days, stability) == scheduler.get_card_retrievability(
            card, last + timedelta(days=days, hours=1)
        )


@pytest.mark.parametrize("w", [DEFAULTS, TRUE_PARAMETERS])
def test_memory_state_is_fsrs_rs_own(w):
    """The memory state through an item's history is fsrs-rs's (its f32 arithmetic: to 1e-4 relative)."""
    model = rs.FSRS(list(w))
    rng = random.Random(5)
    for _ in range(300):
        reviews = [Review(rng.randint(1, 4), 0, 0)] + [
            Review(rng.randint(1, 4), rng.choice((0, 0, 1, 3, 10, 40, 200)), 0) for _ in range(rng.randrange(0, 12))
        ]
        ours = opt.memory(w, reviews)
        theirs = model.memory_state(rs.FSRSItem([rs.FSRSReview(r.rating, r.delta_t) for r in reviews]))
        assert ours[0] == pytest.approx(theirs.stability, rel=1e-4)
        assert ours[1] == pytest.approx(theirs.difficulty, rel=1e-4)


def test_log_becomes_fsrs_rs_items_by_study_days():
    """delta_t counts study days (they begin at 04:00); same-day answers stay in the history with
    delta_t 0 and are no item; one item per later answer, holding every answer before it."""
    rows = [
        row("2025-01-01T10:00", 3, state_before="new"),
        row("2025-01-01T10:01", 1, state_before="learning"),  # same day: delta_t 0
        row("2025-01-02T03:59", 3, state_before="learning"),  # before 04:00: still 1 January's study day
        row("2025-01-02T04:00", 3),  # the next study day: 1
        row("2025-01-05T23:00", 2),  # 3 days on
        row("2025-01-02T09:00", 4, card="b", state_before="new"),
    ]
    seqs = opt.sequences(rows, 4, UTC)
    assert [[(r.rating, r.delta_t) for r in s] for s in seqs] == [[(3, 0), (1, 0), (3, 0), (3, 1), (2, 3)]]
    found = opt.items(seqs)
    assert [[(r.rating, r.delta_t) for r in item.reviews] for item in found] == [
        [(3, 0), (1, 0), (3, 0), (3, 1)],
        [(3, 0), (1, 0), (3, 0), (3, 1), (2, 3)],
    ]
    # another day start: 03:59 on 2 January is a study day of its own
    assert [r.delta_t for r in opt.sequences(rows, 0, UTC)[0]] == [0, 0, 1, 0, 3]


def test_a_reset_starts_a_new_sequence():
    """An answer to a card that is new again (`quiz reset` deletes its state: the answer is logged with state
    before "new") ends the card's sequence; a sequence of one answer is left out."""
    rows = [
        row("2025-01-01T10:00", 3, state_before="new"),
        row("2025-01-03T10:00", 3),
        row("2025-01-04T10:00", 1, state_before="new"),  # reset before it: new again
        row("2025-01-06T10:00", 3, state_before="learning"),
        row("2025-01-08T10:00", 4, state_before="new"),  # reset again
        row("2025-01-10T10:00", 3),
        row("2025-01-11T10:00", 2, state_before="new"),  # reset, and no answer after
    ]
    seqs = opt.sequences(rows, 4, UTC)
    assert [[(r.rating, r.delta_t) for r in s] for s in seqs] == [[(3, 0), (3, 2)], [(1, 0), (3, 2)], [(4, 0), (3, 2)]]


def test_time_split_keeps_the_latest_fifth_out():
    found = [Item((Review(3, 0, i), Review(3, 1, 1000 + i))) for i in range(10)]
    train, test = opt.time_split(found)
    assert train == found[:8] and test == found[8:]


def test_metrics_are_log_loss_and_srs_benchmark_rmse_bins():
    """Two items in one bin and one in another, worked out by hand."""
    w = DEFAULTS
    a = Item((Review(3, 0, 0), Review(3, 2, 1)))
    b = Item((Review(3, 0, 0), Review(1, 2, 2)))
    c = Item((Review(3, 0, 0), Review(3, 2, 3), Review(3, 9, 4)))
    pa = opt.forgetting_curve(w, 2, w[2])
    s, _ = opt.memory(w, c.reviews[:-1])
    pc = opt.forgetting_curve(w, 9, s)
    got = opt.evaluate(w, [a, b, c])
    expected_loss = -(math.log(pa) + math.log(1 - pa) + math.log(pc)) / 3
    assert got.log_loss == pytest.approx(expected_loss, rel=1e-12)
    # fsrs-rs's r_matrix_index: delta_t 2 → round(2.48 · 3.62⁰ · 100) = 248, 9 → round(2.48 · 3.62¹ · 100) = 898;
    # 1 or 2 long-term reviews + 1 → round(1.99 · 1.89¹) = 4; no lapse → 0
    assert opt._bin(a) == opt._bin(b) == (248, 4, 0) and opt._bin(c) == (898, 4, 0)
    expected_rmse = math.sqrt((2 * (pa - 0.5) ** 2 + (pc - 1) ** 2) / 3)
    assert got.rmse_bins == pytest.approx(expected_rmse, rel=1e-12) and got.size == 3


def test_evaluate_walks_each_sequence_once_and_gets_each_item_s_prediction():
    """Items sharing a sequence (the usual case) are predicted as if each were replayed from its start."""
    rng = random.Random(11)
    seqs = [
        [Review(rng.randint(1, 4), 0, 0)]
        + [Review(rng.randint(1, 4), rng.choice((0, 1, 2, 5, 30)), 0) for _ in range(rng.randrange(1, 15))]
        for _ in range(60)
    ]
    found = [item for item in opt.items(seqs) if rng.random() < 0.7]
    w = TRUE_PARAMETERS
    got = opt.evaluate(w, found)
    loss, cells = 0.0, {}
    for item in found:
        p = opt.forgetting_curve(w, item.reviews[-1].delta_t, opt.memory(w, item.reviews[:-1])[0])
        y = item.reviews[-1].rating > 1
        loss -= math.log(p) if y else math.log(1 - p)
        cell = cells.setdefault(opt._bin(item), [0.0, 0, 0])
        cell[0], cell[1], cell[2] = cell[0] + p, cell[1] + y, cell[2] + 1
    rmse = math.sqrt(sum(c * (p / c - y / c) ** 2 for p, y, c in cells.values()) / len(found))
    assert got.size == len(found) > 100
    assert got.log_loss == pytest.approx(loss / len(found), rel=1e-12)
    assert got.rmse_bins == pytest.approx(rmse, rel=1e-9)


@pytest.fixture(scope="module")
def learner_rows():
    """A synthetic learner's log: 600 cards over 200 days, recall drawn from TRUE_PARAMETERS."""
    log = sorted(synthetic_log(600, 200), key=lambda a: (a[0], a[2]))
    return [LogRow(k[0], k[1], int(m.timestamp() * 1000), r, "", "flip") for k, r, m in log]


def test_fit_beats_the_defaults_and_comes_close_to_the_truth(learner_rows):
    """On held-out reviews, the fit's log loss is below the defaults' and within 2% of the parameters
    that generated the answers (RMSE in bins too, within 10%)."""
    report = opt.optimize(learner_rows, 4, UTC)
    train, test = opt.time_split(opt.items(opt.sequences(learner_rows, 4, UTC)))
    truth = opt.evaluate(TRUE_PARAMETERS, test)
    assert (report.train, report.test) == (len(train), len(test)) and report.test > 500
    assert report.better and report.optimized.log_loss < report.default.log_loss
    assert report.optimized.log_loss <= truth.log_loss * 1.02
    assert report.optimized.rmse_bins <= truth.rmse_bins * 1.10 < report.default.rmse_bins
    assert report.default.log_loss > truth.log_loss * 1.04  # the defaults are measurably worse here
    fsrs.Scheduler(parameters=report.parameters)  # within fsrs's bounds


def test_fit_not_better_than_the_saved_parameters_is_not_better(learner_rows):
    report = opt.optimize(learner_rows, 4, UTC, current=TRUE_PARAMETERS)
    assert report.current is not None and report.current.log_loss < report.optimized.log_loss
    assert not report.better


WHY = (
    "With fewer, the fit would follow chance more than your memory, and a fifth of them are held out to judge "
    "it. Until then your cards are scheduled with FSRS's default parameters (fitted to many learners' "
    "reviews); keep studying and run it again."
)


def test_too_few_reviews_is_refused():
    """399 items (answers a day or more after the card's previous one) are refused; 400 are fitted."""
    rows = [row(f"2025-01-{d:02}T10:00", 3, card=f"c{c}") for c in range(40) for d in range(1, 12)]
    assert len(opt.items(opt.sequences(rows, 4, UTC))) == 400
    with pytest.raises(opt.QuizError) as caught:
        opt.optimize(rows[:-1], 4, UTC)
    assert str(caught.value) == (
        "quiz optimize needs at least 400 reviews made a day or more after the card's previous answer; "
        "the log has 399 (of 439 answers), 1 to go. " + WHY
    )
    with pytest.raises(opt.QuizError) as caught:
        opt.optimize(rows[:-1], 4, UTC, current=TRUE_PARAMETERS)
    assert str(caught.value).endswith(
        "Until then your cards are scheduled with the parameters saved before; keep studying and run it again."
    )
    assert opt.optimize(rows, 4, UTC).reviews == 400


@pytest.mark.parametrize("cards", [10, 300])
def test_workload_grows_with_retention(cards):
    """More retention: more answers a day, more time, more remembered; the cost per card remembered
    is lowest inside the range, not at its top."""
    rows = opt.workload(DEFAULTS, cards=cards, new_per_day=20)
    assert [r.retention for r in rows] == list(opt.RETENTIONS)
    for low, high in zip(rows, rows[1:], strict=False):
        assert low.reviews_per_day < high.reviews_per_day
        assert low.minutes_per_day < high.minutes_per_day
        assert low.memorized < high.memorized
    assert min(rows, key=lambda r: r.cost_per_memorized).retention < 0.97
    assert rows[-1].memorized <= cards


def test_a_failed_or_unusable_fit_is_a_quiz_error(monkeypatch):
    """fsrs-rs's errors and a fit that is not 21 finite numbers end in a message, never a traceback."""
    found = [Item((Review(3, 0, 0), Review(3, 2, i))) for i in range(10)]

    def failing(self, items, **_):
        raise ValueError("InvalidInput")

    monkeypatch.setattr(rs.FSRS, "compute_parameters", failing, raising=False)
    with pytest.raises(opt.QuizError, match=r"^fsrs-rs could not fit parameters to this review log \(InvalidInput\)"):
        opt.fit(found)
    monkeypatch.setattr(rs.FSRS, "compute_parameters", lambda self, items, **_: [math.nan] * 21, raising=False)
    with pytest.raises(opt.QuizError, match=r"^fsrs-rs fitted parameters quiz cannot use \(\[nan,"):
        opt.fit(found)


def test_a_time_past_the_calendar_is_read_as_its_nearest_day():
    """A damaged imported time (an Anki revlog id of 1e17 ms) must not stop quiz optimize: it is read as
    the nearest day the store's replay reads it as."""
    assert opt.study_day(10**17, 4, timezone.utc) == datetime(9999, 12, 29, 20, tzinfo=timezone.utc).toordinal()
    assert opt.study_day(-(10**17), 4, timezone.utc) == datetime(1, 1, 1, 20, tzinfo=timezone.utc).toordinal()
