"""Each query of the first card, of an answer and of `quiz stats` uses the index meant for it, whatever
statistics the database holds: none (SQLite's guesses), `ANALYZE`'s own, or misleading ones copied in
with a database from elsewhere. Without statistics SQLite once read the whole review log through
`reviews_by_card` for today's answers (1.1 s at 1,000,000 reviews instead of 1.4 ms)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

import pytest

from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.store import DB_NAME, Store

START = datetime(2025, 1, 1, tzinfo=timezone.utc)
NOW = START + timedelta(days=30)

# Statistics that make the wrong index look right: the time and session indexes useless (every
# value shared by a million rows), the card and deck indexes as sharp as a primary key.
MISLEADING = [
    ("reviews", "reviews_by_time", "1000000 1000000"),
    ("reviews", "reviews_by_session", "1000000 1000000 1000000"),
    ("reviews", "reviews_by_card", "1000000 1 1 1"),
    ("reviews", "reviews_by_deck_time", "1000000 1 1"),
    ("reviews", None, "1000000"),
    ("card_states", "card_states_by_due", "1000000 1000000"),
    ("card_states", None, "1000000"),
]


def _fill(home):
    """A month of answers on two decks, the last 40 in two sessions."""
    scheduler = make_scheduler(fuzz=False)
    answers = [
        ((f"d{n % 2}", f"c{n % 150}"), 1 + n % 4, START + timedelta(hours=2 * n), "flip", 1000) for n in range(360)
    ]
    with Store.open(home) as store:
        store.import_reviews(answers, scheduler)
        for n in range(40):
            moment = START + timedelta(days=30, minutes=n - 60)
            store.record_review(("d1", f"c{n}"), 3, moment, mode="flip", session_id=f"s{n // 20}", scheduler=scheduler)
    return scheduler


def _set_statistics(home, kind: str) -> None:
    db = sqlite3.connect(home / DB_NAME)
    if kind in ("analyzed", "misleading"):
        db.execute("ANALYZE")
    if kind == "misleading":
        db.execute("DELETE FROM sqlite_stat1")
        db.executemany("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", MISLEADING)
    db.commit()
    db.close()


# (what runs, the indexes its statements must use): each call as the program makes it.
CALLS: dict[str, tuple[Callable[[Store, object], object], set[str]]] = {
    "answered_since": (lambda s, _: s.answered_since(NOW - timedelta(days=1)), {"reviews_by_time"}),
    "new_introduced_since": (lambda s, _: s.new_introduced_since(NOW - timedelta(days=1)), {"reviews_by_time"}),
    "reviews_done_since": (lambda s, _: s.reviews_done_since(NOW - timedelta(days=1)), {"reviews_by_time"}),
    "state": (lambda s, _: s.state(("d0", "c2")), {"PRIMARY KEY"}),
    "record_review": (
        lambda s, sch: s.record_review(("d0", "c2"), 3, NOW, mode="flip", scheduler=sch),
        {"PRIMARY KEY"},
    ),
    "undo_last": (lambda s, _: s.undo_last("s1"), {"reviews_by_session", "reviews_by_card"}),
    "answers_per_period": (
        lambda s, _: s.answers_per_period([NOW - timedelta(days=d) for d in (3, 2, 1, 0)]),
        {"reviews_by_time"},
    ),
    "answers_per_period of decks": (
        lambda s, _: s.answers_per_period([NOW - timedelta(days=d) for d in (3, 2, 1, 0)], decks=["d0"]),
        {"reviews_by_deck_time"},
    ),
    "recent_answers": (
        lambda s, _: s.recent_answers([NOW - timedelta(days=d) for d in (3, 2, 1, 0)]),
        {"reviews_by_deck_time"},
    ),
    "due_per_period": (
        lambda s, _: s.due_per_period([NOW + timedelta(days=d) for d in (0, 1, 2)], decks=["d0"]),
        {"card_states_by_due"},
    ),
    "deck_counts of decks": (lambda s, _: s.deck_counts(NOW, 21, decks=["d0"]), {"PRIMARY KEY"}),
    "card_ids": (lambda s, _: s.card_ids("d0"), {"PRIMARY KEY"}),
}


def _plans(home, statements: list[str]) -> list[str]:
    """The query plan of every statement, from a fresh connection (which loads the statistics as a
    new process would)."""
    db = sqlite3.connect(home / DB_NAME)
    try:
        return [
            " | ".join(row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql))
            for sql in statements
            if sql.lstrip().upper().startswith(("SELECT", "WITH"))
        ]
    finally:
        db.close()


@pytest.mark.parametrize("statistics", ["none", "analyzed", "misleading"])
@pytest.mark.parametrize("name", list(CALLS))
def test_each_hot_query_uses_its_index(tmp_path, name, statistics):
    scheduler = _fill(tmp_path)
    _set_statistics(tmp_path, statistics)
    call, wanted = CALLS[name]
    with Store.open(tmp_path) as store:
        stat1 = store._db.execute("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'").fetchone()[0]
        assert stat1 == (statistics != "none")
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        call(store, scheduler)
        store._db.set_trace_callback(None)
    plans = _plans(tmp_path, statements)
    assert plans, statements
    for index in wanted:
        assert any(index in plan for plan in plans), (index, plans)
    for plan in plans:  # nothing reads a whole table of answers or states
        for step in plan.split(" | "):
            assert not step.startswith(("SCAN reviews", "SCAN r ", "SCAN card_states")), plans


@pytest.mark.parametrize("statistics", ["none", "misleading"])
def test_the_first_card_and_stats_never_read_the_whole_log(tmp_path, statistics):
    """Every statement the first card (`study_queue`) and `quiz stats` run: no full scan of the review log."""
    from dense1x1quiz.queue import study_queue
    from dense1x1quiz.stats import compute_stats

    scheduler = _fill(tmp_path)
    _set_statistics(tmp_path, statistics)
    with Store.open(tmp_path) as store:
        statements: list[str] = []
        store._db.set_trace_callback(statements.append)
        study_queue([], store, scheduler, NOW)
        compute_stats([], store, NOW, all_decks=True, with_cards=False, tz=timezone.utc)
        store._db.set_trace_callback(None)
    plans = _plans(tmp_path, statements)
    assert any("reviews_by_time" in plan for plan in plans)
    for plan in plans:
        assert not any(step.startswith(("SCAN reviews", "SCAN r ")) for step in plan.split(" | ")), plan
