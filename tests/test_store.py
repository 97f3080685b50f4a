"""The review store: rows written, durability settings, undo, replay, migrations, damaged files."""

import json
import os
import re
import sqlite3
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dense1x1quiz import store as store_module
from dense1x1quiz.errors import StoreError
from dense1x1quiz.scheduler import CardState, make_scheduler, replay, review
from dense1x1quiz.store import DB_NAME, Marks, StateRow, Store, epoch_ms, list_backups
from dense1x1quiz.vocabulary import Rating, State

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)
UTC = timezone.utc


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"


@pytest.fixture
def store(home):
    with Store.open(home) as s:
        yield s


def _rows(home, sql):
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def test_open_creates_the_database_with_durable_settings(home):
    with Store.open(home) as s:
        assert (home / DB_NAME).is_file()
        assert s._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert s._db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert s._db.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    assert _rows(home, "PRAGMA user_version") == [(len(store_module.MIGRATIONS),)]
    tables = {r[0] for r in _rows(home, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {"reviews", "card_states", "settings", "exams", "exam_answers", "card_events", "card_marks"}
    assert list_backups(home) == []  # nothing to back up in a new database


def test_record_review_appends_one_row_and_stores_the_state(store, home):
    scheduler = make_scheduler(retention=0.85)
    now = datetime(2026, 3, 1, 9, 0, 0, 123_456, tzinfo=UTC)
    state = store.record_review(
        ("deck", "card"), 3, now, mode="type", duration_ms=4200, typed="56×56×64", session_id="s1", scheduler=scheduler
    )
    assert _rows(
        home,
        "SELECT deck, card, at_ms, rating, state_before, mode, duration_ms, typed, session, "
        "retention, fuzz FROM reviews",
    ) == [("deck", "card", 1772355600123, 3, "new", "type", 4200, "56×56×64", "s1", 0.85, 1)]
    # `now` was cut to the millisecond before scheduling, so the stored state is exactly the returned one.
    assert state.last_review == datetime(2026, 3, 1, 9, 0, 0, 123_000, tzinfo=UTC)
    assert store.states() == {("deck", "card"): state}
    assert store.state(("deck", "card")) == state
    assert store.state(("deck", "other")) == CardState.new(("deck", "other"))
    assert state == review(CardState.new(("deck", "card")), 3, state.last_review, scheduler)


def test_record_review_reads_the_latest_state_inside_the_transaction(home):
    """Two stores on one home (two sessions): each answer builds on the other's."""
    scheduler = make_scheduler(fuzz=False)
    with Store.open(home) as a, Store.open(home) as b:
        a.record_review(("d", "c"), 3, T0, mode="flip", scheduler=scheduler)
        b.record_review(("d", "c"), 3, T0 + timedelta(minutes=1), mode="flip", scheduler=scheduler)
        final = a.record_review(("d", "c"), 3, T0 + timedelta(minutes=11), mode="flip", scheduler=scheduler)
    assert (final.reps, final.state) == (3, "review")
    expected = CardState.new(("d", "c"))
    for minutes in (0, 1, 11):
        expected = review(expected, 3, T0 + timedelta(minutes=minutes), scheduler)
    assert final == expected


def test_rating_outside_1_to_4_is_refused_and_nothing_written(store, home):
    with pytest.raises(ValueError):
        store.record_review(("d", "c"), 0, T0, mode="flip", scheduler=make_scheduler())
    assert _rows(home, "SELECT COUNT(*) FROM reviews") == [(0,)]


def test_the_review_log_is_append_only(store, home):
    store.record_review(("d", "c"), 3, T0, mode="flip", scheduler=make_scheduler())
    db = sqlite3.connect(home / DB_NAME)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE reviews SET rating = 4")
    db.close()


def test_undo_restores_the_previous_state_durably(home):
    scheduler = make_scheduler()
    with Store.open(home) as s:
        first = s.record_review(("d", "c"), 3, T0, mode="flip", session_id="s1", scheduler=scheduler)
        s.record_review(("d", "other"), 1, T0 + timedelta(seconds=5), mode="flip", session_id="s2", scheduler=scheduler)
        s.record_review(("d", "c"), 1, T0 + timedelta(minutes=10), mode="flip", session_id="s1", scheduler=scheduler)
        assert s.undo_last("s1") == ("d", "c")
    with Store.open(home) as s:  # reopened: the undo was committed
        assert s.state(("d", "c")) == first
        assert [(r.key, r.rating) for r in s.reviews()] == [(("d", "c"), 3), (("d", "other"), 1)]
        assert s.undo_last("s1") == ("d", "c")
        assert ("d", "c") not in s.states()  # back to new
        assert s.undo_last("s1") is None
        assert s.undo_last("nobody") is None
        assert list(s.states()) == [("d", "other")]


def test_rebuild_equals_stored_states_and_repairs_the_table(store, home):
    keys = [("d", f"c{i}") for i in range(4)]
    now = T0
    for step in range(40):
        scheduler = make_scheduler(retention=0.8 if step > 20 else 0.9)  # retention changed midway
        key = keys[step % 4]
        state = store.record_review(key, (step * 7) % 4 + 1, now, mode="flip", scheduler=scheduler)
        now = max(now + timedelta(minutes=3), state.due if step % 3 else now + timedelta(hours=7))
    stored = store.states()
    assert store.rebuild_states() == stored
    db = sqlite3.connect(home / DB_NAME)
    db.execute("UPDATE card_states SET stability = 999, reps = 0")
    db.execute("DELETE FROM card_states WHERE card = 'c1'")
    db.commit()
    db.close()
    assert store.states() != stored
    assert store.rebuild_states(write=True) == stored
    assert store.states() == stored


FITTED = (0.6, 1.8, 4.5, 14.0, 5.8, 1.1, 2.2, 0.02, 1.55, 0.25, 1.1)
FITTED += (1.9, 0.09, 0.35, 1.9, 0.45, 2.3, 0.4, 0.2, 0.12, 0.35)  # 21 FSRS-6 parameters, not the defaults


def test_saved_parameters_reschedule_every_card_and_replay_equals_state(store, home):
    """`quiz optimize` saves parameters: the states become the log's replay with them (one transaction),
    later answers use them, and undo, rebuild and a replay with them all give the stored state."""
    keys = [("d", f"c{i}") for i in range(4)]
    now = T0
    for step in range(30):
        key = keys[step % 4]
        state = store.record_review(key, (step * 7) % 4 + 1, now, mode="flip", scheduler=store.scheduler())
        now = max(now + timedelta(minutes=3), state.due if step % 3 else now + timedelta(hours=7))
    with_defaults = store.states()
    assert store.save_parameters(FITTED) == 4
    assert _rows(home, "SELECT value FROM settings WHERE name = 'parameters'") == [(json.dumps(list(FITTED)),)]
    assert store.parameters() == FITTED and tuple(store.scheduler().parameters) == FITTED
    rescheduled = store.states()
    assert rescheduled != with_defaults
    fitted = make_scheduler(retention=0.9, parameters=FITTED)
    log = {k: [(r.rating, r.at) for r in store.reviews(keys=[k])] for k in keys}
    assert rescheduled == {k: replay(k, log[k], fitted) for k in keys}  # the plain fsrs chain, parameters FITTED
    assert {k: replay(k, log[k], make_scheduler()) for k in keys} == with_defaults
    # later answers, undo and a rebuild use the saved parameters
    after = store.record_review(keys[0], 3, now, mode="flip", scheduler=store.scheduler(), session_id="s")
    assert after == review(rescheduled[keys[0]], 3, now, fitted)
    assert store.rebuild_states() == store.states()
    assert store.undo_last("s") == keys[0] and store.states() == rescheduled
    assert store.save_parameters(None) == 4  # back to the defaults
    assert store.parameters() is None and store.states() == with_defaults


def test_saved_parameters_are_checked(store, home):
    with pytest.raises(ValueError, match=r"must be 21 numbers \(FSRS-6 weights, each within fsrs's bounds\)"):
        store.save_parameters(FITTED[:20])
    with pytest.raises(ValueError, match=r"must be within fsrs's bounds: w20 = 5 \(from 0.1 to 0.8\)"):
        store.save_parameters((*FITTED[:20], 5.0))  # w20 above fsrs's 0.8
    db = sqlite3.connect(home / DB_NAME)
    db.execute("INSERT INTO settings VALUES ('parameters', '[1, 2]')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"the setting 'parameters' in .* must be 21 numbers \(FSRS-6 weights"):
        store.scheduler()


def test_new_cards_today_and_answered_today(store):
    scheduler = make_scheduler()
    store.record_review(("a", "x"), 3, T0 - timedelta(days=1), mode="flip", scheduler=scheduler)
    store.record_review(("a", "x"), 3, T0 + timedelta(hours=1), mode="flip", scheduler=scheduler)
    store.record_review(("a", "y"), 1, T0 + timedelta(hours=2), mode="flip", scheduler=scheduler)
    store.record_review(("a", "y"), 3, T0 + timedelta(hours=2, minutes=1), mode="flip", scheduler=scheduler)
    store.record_review(("b", "z"), 4, T0 + timedelta(hours=3), mode="flip", scheduler=scheduler)
    assert store.new_introduced_since(T0) == {"a": 1, "b": 1}
    assert store.answered_since(T0) == {("a", "x"), ("a", "y"), ("b", "z")}
    assert store.answered_since(T0 + timedelta(hours=2, minutes=30)) == {("b", "z")}
    assert store.review_count() == 5 and store.review_count(["a"]) == 4
    assert store.review_counts_by_deck() == {"a": 4, "b": 1}


def test_stats_queries_count_per_deck_and_per_period(store):
    """The store side of `quiz stats` on a small known log (tests/test_stats.py recounts big random ones)."""
    assert store.decks_with_history() == [] and store.recent_answers([T0, T0 + timedelta(days=1)]) == {}
    scheduler = make_scheduler(fuzz=False)
    for deck, card, rating, hours, ms in [
        ("b", "z", 3, 0, 1000),
        ("a", "x", 3, 1, None),
        ("a", "x", 1, 25, 4000),
        ("a", "x", 3, 26, 2000),
        ("a", "y", 3, 30, 6000),
        ("c", "w", 3, 50, 500),
    ]:
        store.record_review(
            (deck, card), rating, T0 + timedelta(hours=hours), mode="flip", duration_ms=ms, scheduler=scheduler
        )
    assert store.decks_with_history() == ["a", "b", "c"]
    day = [T0 + timedelta(days=n) for n in range(4)]
    # Day 1 (hours 24-48): x's first answer that day is Again (a fail; its second answer is not a first);
    # y is new then. Answer time counts every timed answer of the period.
    assert store.recent_answers(day[:3]) == {"a": (0, 1, 12000, 3), "b": (0, 0, 1000, 1)}
    assert store.recent_answers(day[1:3], decks=["b", "a"]) == {"a": (0, 1, 12000, 3)}
    assert store.answers_per_period(day) == [2, 3, 1] and store.answers_per_period(day, decks=["a"]) == [1, 3, 0]
    counts = store.deck_counts(day[3], 21)
    assert sorted(counts) == ["a", "b", "c"] and counts["a"][0] == 2 and counts["a"][4] == 4
    assert store.deck_counts(day[3], 21, decks=["b"]) == {"b": counts["b"]} and counts["b"][4] == 1
    assert sum(store.due_per_period([T0, T0 + timedelta(days=400)])) == 4
    assert store.due_per_period([T0, T0 + timedelta(days=400)], decks=["c"]) == [1]


def test_every_deck_filter_takes_a_selection_alike(store):
    """Each query limited to some decks (one way: `deck IN (…)`) counts the same cards for the same
    selection, a deck named twice once, a deck with no history as nothing."""
    scheduler = make_scheduler(fuzz=False)
    for deck, card, hours in [("a", "x", 0), ("a", "y", 1), ("a", "x", 30), ("b", "z", 2), ("c", "w", 3)]:
        store.record_review((deck, card), 3, T0 + timedelta(hours=hours), mode="flip", scheduler=scheduler)
    chosen = ["c", "a", "a", "none"]
    day = [T0, T0 + timedelta(days=1), T0 + timedelta(days=2)]
    assert [(r.deck, r.card) for r in store.state_rows(chosen)] == [("a", "x"), ("a", "y"), ("c", "w")]
    assert sorted(store.states(decks=chosen)) == [("a", "x"), ("a", "y"), ("c", "w")]
    assert [(r.key, r.at.hour) for r in store.reviews(decks=chosen)] == [  # in append order
        (("a", "x"), 9),
        (("a", "y"), 10),
        (("a", "x"), 15),
        (("c", "w"), 12),
    ]
    assert store.review_count(chosen) == 4 and store.review_count([]) == 0
    assert store.answers_per_period(day, decks=chosen) == [3, 1]
    assert sorted(store.deck_counts(day[2], 21, decks=chosen)) == ["a", "c"]
    assert sum(store.due_per_period([T0, T0 + timedelta(days=400)], decks=chosen)) == 3


def test_state_rows_have_named_fields_and_states_are_the_vocabulary(store, home):
    """A state row is read by name (stats.py does); a state's word is a `State`, stored as the word."""
    store.record_review(("d", "c"), Rating.Good, T0, mode="flip", scheduler=make_scheduler(fuzz=False))
    store.record_review(
        ("d", "c"), Rating.Good, T0 + timedelta(minutes=15), mode="flip", scheduler=make_scheduler(fuzz=False)
    )
    (row,) = store.state_rows()
    assert isinstance(row, StateRow)
    assert (row.deck, row.card, row.state, row.reps, row.lapses) == ("d", "c", "review", 2, 0)
    assert row.due_ms - row.last_review_ms == 2 * 86_400_000
    state = store.state(("d", "c"))
    assert state.state is State.Review and store.states()[("d", "c")].state is State.Review
    assert _rows(home, "SELECT rating, state_before FROM reviews") == [(3, "new"), (3, "learning")]
    assert _rows(home, "SELECT state FROM card_states") == [("review",)]


def test_rating_and_state_are_fsrs_names_and_the_stored_values():
    """`Rating` is fsrs's (names and ints); `State` adds New to fsrs's states and holds the stored words,
    which it prints and dumps as such on every Python."""
    assert [(r.name, r.value) for r in Rating] == [(r.name, r.value) for r in fsrs.Rating]
    assert [s.name for s in State] == ["New", *(s.name for s in fsrs.State)]
    assert [s.value for s in State] == ["new", "learning", "review", "relearning"]
    assert (str(State.Review), f"{State.New}", str(Rating.Good), f"{Rating.Easy}") == ("review", "new", "3", "4")
    assert json.dumps([State.Relearning, Rating.Again]) == '["relearning", 1]'
    assert State.Learning == "learning" and Rating.Hard == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [("retention", 1.5), ("retention", "0.9"), ("day_start_hour", 4.5), ("day_start_hour", -1), ("new_per_day", True)],
)
def test_known_settings_are_checked_both_ways(store, home, name, value):
    with pytest.raises(ValueError, match=f"^setting '{name}' must be a"):
        store.set_setting(name, value)
    db = sqlite3.connect(home / DB_NAME)
    db.execute("INSERT INTO settings VALUES (?, ?)", (name, json.dumps(value)))
    db.commit()
    db.close()
    tail = f", not {re.escape(repr(value))} \\(to forget it: quiz config {name} --unset\\)$"
    with pytest.raises(StoreError, match=f"^the setting '{name}' in .* must be a .*{tail}"):
        store.get_setting(name)


def test_settings_round_trip_and_pick_the_scheduler(store, home):
    assert store.get_setting("retention") is None
    assert store.scheduler().desired_retention == 0.9
    store.set_setting("retention", 0.85)
    store.set_setting("day_start_hour", 5)
    assert store.scheduler().desired_retention == 0.85
    assert store.scheduler(retention=0.95).desired_retention == 0.95
    with Store.open(home) as again:
        assert again.get_setting("day_start_hour") == 5


def test_exam_results_are_stored_as_they_come(store, home):
    exam = store.start_exam(T0, ["dense-vs-1x1"], 42, 2)
    store.record_exam_answer(
        exam, 1, "q1", "typed", "Output shape?", "56x56x64", "56×56×64", True, ["shapes"], T0 + timedelta(seconds=20)
    )
    # Committed at once: another connection sees it before the exam ends.
    assert _rows(home, "SELECT exam, position, question, given, correct, tags FROM exam_answers") == [
        (exam, 1, "q1", "56x56x64", 1, '["shapes"]')
    ]
    store.record_exam_answer(
        exam, 2, "q2", "choice", "Params?", None, "4,160", False, ["costs", "shapes"], T0 + timedelta(seconds=50)
    )
    store.finish_exam(exam, T0 + timedelta(seconds=61), 1, 61.0)
    [row] = store.exams()
    assert (row.id, row.decks, row.seed, row.total, row.score, row.seconds) == (exam, ["dense-vs-1x1"], 42, 2, 1, 61.0)
    assert row.finished == T0 + timedelta(seconds=61)
    assert [(a["position"], a["correct"], a["tags"]) for a in store.exam_answers(exam)] == [
        (1, True, ["shapes"]),
        (2, False, ["costs", "shapes"]),
    ]


# -- migrations and damaged files ----------------------------------------------------------------


def test_a_version_1_database_is_backed_up_then_migrated(home, monkeypatch):
    """The real migrations from version 1 on (an index; each answer's previous answer time, filled
    in for the old answers; the imported id, empty for them; the scheduler's steps and weights, NULL: the
    defaults): a backup of the old file first, the answers kept."""
    latest = len(store_module.MIGRATIONS)
    assert latest == 6
    monkeypatch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
    Store.open(home).close()
    monkeypatch.undo()
    t0 = epoch_ms(T0)
    db = sqlite3.connect(home / DB_NAME)  # three answers as version 1 wrote them
    db.executemany(
        "INSERT INTO reviews (deck, card, at_ms, rating, state_before, mode, retention, fuzz) "
        "VALUES ('d', ?, ?, ?, ?, 'flip', 0.9, 1)",
        [("c", t0, 3, "new"), ("x", t0 + 60_000, 1, "new"), ("c", t0 + 540_000, 3, "learning")],
    )
    db.commit()
    db.close()
    scheduler = make_scheduler()
    with Store.open(home) as s:
        assert s._version() == latest
        states = s.rebuild_states(write=True)
        assert states[("d", "c")] == replay(("d", "c"), [(3, T0), (3, T0 + timedelta(minutes=9))], scheduler)
        s.record_review(("d", "x"), 3, T0 + timedelta(minutes=20), mode="flip", scheduler=scheduler)
    assert _rows(home, "SELECT card, prev_ms, imported_id, scheduler FROM reviews ORDER BY id") == [
        ("c", None, None, None),
        ("x", None, None, None),
        ("c", t0, None, None),
        ("x", t0 + 60_000, None, None),
    ]
    [backup] = list_backups(home)
    assert backup.name.endswith("-v1.sqlite3")
    db = sqlite3.connect(backup)
    assert db.execute("PRAGMA user_version").fetchone() == (1,)
    assert db.execute("SELECT card, rating FROM reviews").fetchall() == [("c", 3), ("x", 1), ("c", 3)]
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()


def test_a_failed_migration_changes_nothing(home, monkeypatch):
    Store.open(home).close()
    latest = len(store_module.MIGRATIONS)
    monkeypatch.setattr(
        store_module, "MIGRATIONS", [*store_module.MIGRATIONS, "CREATE TABLE extra (x); SELECT no_such_function();"]
    )
    with pytest.raises(StoreError):
        Store.open(home)
    assert _rows(home, "PRAGMA user_version") == [(latest,)]
    assert _rows(home, "SELECT name FROM sqlite_master WHERE name = 'extra'") == []


def test_a_database_from_a_newer_version_is_refused(home):
    Store.open(home).close()
    db = sqlite3.connect(home / DB_NAME)
    db.execute("PRAGMA user_version = 99")
    db.close()
    latest = len(store_module.MIGRATIONS)
    with pytest.raises(StoreError, match=rf"written by a newer version of quiz \(schema 99, this one knows {latest}\)"):
        Store.open(home)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "zeroed-page"])
def test_a_damaged_database_is_reported_and_left_untouched(home, damage):
    with Store.open(home) as s:
        for i in range(300):
            s.record_review(
                ("d", f"card-{i:04d}-" + "x" * 60), 3, T0, mode="flip", typed="y" * 200, scheduler=make_scheduler()
            )
        backup = s.backup()
    two_days_ago = backup.stat().st_mtime - 2 * 86400
    os.utime(backup, (two_days_ago, two_days_ago))  # so opening runs the daily check
    path = home / DB_NAME
    data = path.read_bytes()
    assert len(data) > 8 * 4096
    if damage == "garbage":
        data = b"this is not a database at all" * 100
    elif damage == "truncated":
        data = data[: len(data) // 2 // 4096 * 4096]
    else:
        middle = len(data) // 4096 // 2 * 4096  # a page of the review log, found by the daily quick_check
        data = data[:middle] + b"\0" * 4096 + data[middle + 4096 :]
    path.write_bytes(data)
    with pytest.raises(StoreError) as caught:
        Store.open(home)
    message = str(caught.value)
    assert message.startswith(f"the review database {path} is damaged (")
    assert message.endswith(f"Move it away to start afresh, or restore a backup: the newest backup is {backup}")
    assert path.read_bytes() == data
    assert list_backups(home) == [backup]  # a damaged database is never copied over the backups


def test_a_damaged_page_found_while_reading_is_reported(home):
    with Store.open(home) as s:
        for i in range(300):
            s.record_review(
                ("d", f"card-{i:04d}-" + "x" * 60), 3, T0, mode="flip", typed="y" * 200, scheduler=make_scheduler()
            )
        s.backup()  # fresh: the next open skips the daily check
    path = home / DB_NAME
    # A page in the middle of the log's table (not whichever the file's middle is: the layout follows the schema).
    pages = [n for (n,) in _rows(home, "SELECT pageno FROM dbstat WHERE name = 'reviews' AND pagetype = 'leaf'")]
    with Store.open(home) as s:
        middle = (pages[len(pages) // 2] - 1) * 4096
        with path.open("r+b") as f:
            f.seek(middle)
            f.write(b"\0" * 4096)
        damaged = r"^the review database .* is damaged \(database disk image is malformed\)"
        with pytest.raises(StoreError, match=damaged):
            s.reviews()


def _days_pass(home, days=1):
    """`days` of real time pass for the daily backup: every file in the backup folder gets older."""
    for path in (home / "backups").iterdir():
        st = path.stat()
        os.utime(path, (st.st_atime - days * 86400, st.st_mtime - days * 86400))


def _answer(home, times, day=0):
    with Store.open(home) as s:
        for n in range(times):
            s.record_review(("d", f"c{n % 7}"), 3, T0 + timedelta(days=day, minutes=n), mode="flip", scheduler=SCHED)


SCHED = make_scheduler(fuzz=False)


def test_one_checked_backup_a_day_when_the_database_changed(home):
    Store.open(home).close()
    assert list_backups(home) == []  # nothing to keep yet
    _answer(home, 1)
    Store.open(home).close()
    [daily] = list_backups(home)
    assert daily.name.endswith("-daily.sqlite3")
    assert (home / "backups" / "last-checked-copy").read_text() == "1\n"
    Store.open(home).close()
    assert list_backups(home) == [daily]
    _days_pass(home)
    Store.open(home).close()  # a day without answers: checked, nothing to copy
    assert list_backups(home) == [daily]
    _answer(home, 1, day=1)
    Store.open(home).close()  # the same day: checked already
    assert list_backups(home) == [daily]
    _days_pass(home)
    Store.open(home).close()
    assert len(list_backups(home)) == 2
    assert (home / "backups" / "last-checked-copy").read_text() == "2\n"


@pytest.mark.parametrize(
    ("first", "per_day", "copy_days"),
    [
        (64, 1, [0, 5, 9, 13]),  # a sixteenth of 64, 68, 72 answers: 4 days of one answer
        (320, 1, [0, 7, 14]),  # a sixteenth of 320 is 20 answers: a week comes first
        (64, 0, [0]),  # no answers: no copy, however long
    ],
)
def test_the_backup_folder_after_some_days(home, first, per_day, copy_days):
    """Exactly the files expected after 15 days: a checked copy when the log grew by a sixteenth since the
    last one, or when it changed and the newest backup is a week old; nothing else."""
    _answer(home, first)
    Store.open(home).close()
    made = [0] * len(list_backups(home))
    for day in range(1, 15):
        _days_pass(home)
        before = set(list_backups(home))
        _answer(home, per_day, day=day)  # the day's first command: checked (and copied) before it answers
        made += [day] * len(set(list_backups(home)) - before)
    assert made == copy_days
    names = sorted(p.name for p in (home / "backups").iterdir())
    assert names[0] == "last-checked-copy" and len(names) == len(copy_days) + 1
    assert all(re.fullmatch(r"quiz-\d{8}T\d{12}Z-daily\.sqlite3", n) for n in names[1:])
    last_copy = first + per_day * max(copy_days[-1] - 1, 0)
    assert (home / "backups" / "last-checked-copy").read_text() == f"{last_copy}\n"
    with sqlite3.connect(list_backups(home)[0]) as newest:
        assert newest.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == last_copy


def test_backups_are_pruned_by_count_and_total_size(home, monkeypatch):
    _answer(home, 50)
    with Store.open(home) as s:  # the daily copy, then four more
        [daily] = list_backups(home)
        made = [s.backup() for _ in range(4)]
    size = made[0].stat().st_size
    assert list_backups(home) == [*made[::-1], daily]
    monkeypatch.setattr(store_module, "BACKUP_BYTES_KEPT", 2 * size + size // 2)
    with Store.open(home) as s:
        newest = s.backup()
    assert list_backups(home) == [newest, made[3]]  # two fit in 2.5 backups' size
    monkeypatch.setattr(store_module, "BACKUP_BYTES_KEPT", 1)
    with Store.open(home) as s:
        only = s.backup()
    assert list_backups(home) == [only]  # the newest stays, whatever its size
    monkeypatch.setattr(store_module, "BACKUP_BYTES_KEPT", 1 << 30)
    monkeypatch.setattr(store_module, "BACKUPS_KEPT", 3)
    with Store.open(home) as s:
        more = [s.backup() for _ in range(4)]
    assert list_backups(home) == more[::-1][:3]


def test_damage_on_a_day_without_a_copy_is_found_before_any_write(home):
    """Between checked copies, the daily check reads every table an answer rewrites: a damaged card
    state stops the day's first command before it writes, and nothing is copied."""
    _answer(home, 64)
    Store.open(home).close()  # day 0: checked copy
    _days_pass(home)
    _answer(home, 1, day=1)  # not enough for a copy on day 2
    [backup] = list_backups(home)
    path = home / DB_NAME
    with sqlite3.connect(path) as db:
        root = db.execute("SELECT rootpage FROM sqlite_schema WHERE name = 'card_states'").fetchone()[0]
        page = db.execute("PRAGMA page_size").fetchone()[0]
    db.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page + 8 : (root - 1) * page + 40] = b"\xff" * 32  # cell pointers of the states' root page
    path.write_bytes(bytes(data))
    _days_pass(home)
    with pytest.raises(StoreError) as caught:
        Store.open(home)
    assert str(caught.value).startswith(f"the review database {path} is damaged (")
    assert str(caught.value).endswith(f"restore a backup: the newest backup is {backup}")
    assert path.read_bytes() == bytes(data)
    assert list_backups(home) == [backup]


def test_a_failed_daily_backup_warns_and_the_store_still_opens(home, capsys, monkeypatch):
    with Store.open(home) as s:
        s.record_review(("d", "c"), 3, T0, mode="flip", scheduler=make_scheduler())
    real_connect = sqlite3.connect

    def no_backup(target, *args, **kwargs):  # the backup folder is full or read-only
        if str(target).endswith(".part"):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", no_backup)
    with Store.open(home) as s:
        assert s.review_count() == 1
    warning = capsys.readouterr().err
    assert warning.startswith(f"Warning: cannot write the backup {home / 'backups'}/quiz-")
    assert warning.endswith("-daily.sqlite3: unable to open database file; no backup was made today.\n")
    assert list_backups(home) == [] and not list((home / "backups").glob("*.part"))


def test_a_database_that_cannot_be_read_is_not_called_damaged(home):
    home.mkdir(parents=True, exist_ok=True)
    (home / DB_NAME).mkdir()  # a folder where the file should be
    with pytest.raises(StoreError) as raised:
        Store.open(home)
    assert str(raised.value) == f"cannot read the review database {home / DB_NAME}: it is a folder, not a database file"


def test_a_fifo_in_the_databases_place_is_refused_without_opening_it(home, cli):
    import os

    home.mkdir(parents=True, exist_ok=True)
    os.mkfifo(home / DB_NAME)  # SQLite would open it and block on its first read
    result = cli("stats", memory_mib=1024, timeout=30)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot read the review database {home / DB_NAME}: it is a named pipe (FIFO), not a database file\n"
    )


def test_an_emptied_database_with_backups_is_damage_not_a_fresh_start(home):
    backup = _with_history_and_backup(home)
    (home / DB_NAME).write_bytes(b"")
    with pytest.raises(StoreError, match=rf"is damaged \(is empty\).*the newest backup is {backup}$"):
        Store.open(home)
    assert (home / DB_NAME).read_bytes() == b""


def _with_history_and_backup(home):
    with Store.open(home) as s:
        s.record_review(("d", "c"), 3, T0, mode="flip", scheduler=make_scheduler())
        return s.backup()


def test_a_backup_killed_halfway_is_never_taken_for_a_backup(home):
    backup = _with_history_and_backup(home)
    stale = backup.with_name("quiz-20990101T000000000000Z-daily.sqlite3.part")
    stale.write_bytes(b"half a copy")
    assert list_backups(home) == [backup]
    old = stale.stat().st_mtime - 7200
    os.utime(stale, (old, old))
    with Store.open(home) as s:
        s.backup()
    assert not stale.exists()


def test_damaged_without_backup_says_where_backups_would_be(home):
    home.mkdir()
    (home / DB_NAME).write_bytes(b"\x00" * 5000)
    with pytest.raises(StoreError, match=r"there is no backup in .*backups$"):
        Store.open(home)


def test_home_that_cannot_be_created(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match=r"^cannot create the folder .*file/home: "):
        Store.open(tmp_path / "file" / "home")


# -- property: any answers at any times ---------------------------------------------------------

answers = st.lists(  # (card, rating — 0 "undo the last answer", 5 "reset the card", 6 "(un)suspend it" —, minutes
    st.tuples(st.integers(0, 2), st.integers(0, 6), st.integers(0, 60 * 24 * 90), st.integers(0, 999_999)),
    min_size=1,
    max_size=25,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers, st.booleans())
def test_any_answer_sequence_keeps_the_invariants(sequence, fuzz):
    scheduler = make_scheduler(retention=0.9, fuzz=fuzz)
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder)) as s:
        now = T0
        log: list[tuple] = []  # what the log should hold: (key, state after, the card's resets before it)
        resets: dict[tuple, int] = {}  # resets per card
        suspended: set[tuple] = set()
        for card, rating, minutes, micros in sequence:
            now += timedelta(minutes=minutes, microseconds=micros)
            key = ("d", f"c{card}")
            if rating == 0:
                undone = s.undo_last("s")
                if log and resets.get(log[-1][0], 0) > log[-1][2]:  # reset since: that answer stays
                    assert undone is None
                    continue
                assert undone == (log.pop()[0] if log else None)
                earlier = [after for k, after, n in log if k == undone and n == resets.get(k, 0)]
                assert s.state(undone) == earlier[-1] if earlier else undone is None or undone not in s.states()
                continue
            if rating == 5:
                events = s.reset([key], now)
                answered = any(k == key and n == resets.get(key, 0) for k, _, n in log)  # since its last reset
                assert [(e.key, e.kind) for e in events] == ([(key, "reset")] if answered else [])
                resets[key] = resets.get(key, 0) + len(events)
                assert key not in s.states()
                continue
            if rating == 6:
                events = (s.unsuspend if key in suspended else s.suspend)([key], now, session_id="s")
                assert len(events) == 1 and events[0].before == (key in suspended)
                suspended ^= {key}
                assert s.set_aside(now) == suspended
                continue
            before = s.state(key)
            after = s.record_review(key, rating, now, mode="flip", session_id="s", scheduler=scheduler)
            log.append((key, after, resets.get(key, 0)))
            assert after.due >= after.last_review >= now - timedelta(milliseconds=1)
            assert after.reps == before.reps + 1
            assert after.lapses == before.lapses + (before.state == "review" and rating == 1)
            assert after.state in ("learning", "review", "relearning")
            assert (after.step is None) == (after.state == "review")
            assert 1 <= after.difficulty <= 10 and after.stability >= fsrs.scheduler.STABILITY_MIN
        stored = s.states()
        reps: dict[tuple, int] = {}
        for key, _, n in log:
            if n == resets.get(key, 0):  # answered since the card's last reset
                reps[key] = reps.get(key, 0) + 1
        assert {k: v.reps for k, v in stored.items()} == reps
        assert s.review_count() == len(log) == sum(s.review_counts_by_deck().values())
        assert s.rebuild_states() == stored  # the replay sees every reset
        assert s.rebuild_marks() == s.marks()
        assert {k for k, m in s.marks().items() if m.suspended} == suspended
        # Each answer's prev_ms is its card's previous answer time, none after a reset (the card is new again;
        # a reset's value is the card's last answer id then).
        boundaries = _rows(Path(folder), "SELECT card, value FROM card_events WHERE kind = 'reset'")
        last_answer: dict[str, tuple[int, int]] = {}  # card → (id, at_ms)
        for rid, card, at_ms, prev_ms in _rows(
            Path(folder), "SELECT id, card, at_ms, prev_ms FROM reviews ORDER BY id"
        ):
            last = last_answer.get(card)
            reset_since = last is not None and any(c == card and last[0] <= b < rid for c, b in boundaries)
            assert prev_ms == (None if last is None or reset_since else last[1])
            last_answer[card] = (rid, at_ms)


def test_a_setting_edited_by_hand_into_nonsense_is_a_clear_error(store, home):
    db = sqlite3.connect(home / DB_NAME)
    db.execute("INSERT INTO settings VALUES ('retention', 'ninety')")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match=r"^the setting 'retention' in .*quiz.sqlite3 is not a JSON value: 'ninety'$"):
        store.scheduler()


def test_states_of_an_empty_table_do_not_look_at_the_keys(store):
    """Nothing answered yet: `states` returns at once, without a set of every card's key (8.6% of a warm
    start at 100,000 cards)."""

    def keys():
        raise AssertionError("the keys were read")
        yield ("d", "c")

    assert store.states(keys()) == {}
    store.record_review(("d", "c"), 3, T0, mode="flip", scheduler=SCHED)
    assert list(store.states(iter([("d", "c"), ("d", "x")]))) == [("d", "c")]


# -- card marks and resets (issue 15) ------------------------------------------------------------


def test_marks_are_events_in_the_log_and_their_undo_takes_one_back(home):
    key, other = ("d", "c"), ("d", "x")
    with Store.open(home) as s:
        [suspended] = s.suspend([key, key], T0, session_id="s1")  # the same card twice: one event
        assert suspended == (1, key, "suspend", 1, 0)
        assert s.suspend([key], T0) == []  # already suspended: nothing appended
        until = T0 + timedelta(hours=19)
        [buried] = s.bury([other], until, T0)
        [flagged] = s.set_flag([key], 3, T0)
        leech = s.mark_leech(other, T0)
        assert s.mark_leech(other, T0) is None
        with pytest.raises(ValueError, match="from 0 to 7"):
            s.set_flag([key], 8, T0)
    assert _rows(home, "SELECT id, deck, card, at_ms, kind, value, session FROM card_events") == [
        (1, "d", "c", epoch_ms(T0), "suspend", 1, "s1"),
        (2, "d", "x", epoch_ms(T0), "bury", epoch_ms(until), None),
        (3, "d", "c", epoch_ms(T0), "flag", 3, None),
        (4, "d", "x", epoch_ms(T0), "leech", 1, None),
    ]
    with Store.open(home) as s:
        assert s.marks() == {key: Marks(True, None, 3, False), other: Marks(False, until, 0, True)}
        assert s.set_aside(T0) == {key, other}
        assert s.set_aside(until) == {key}  # a bury ends at its time
        assert s.marks()[other].buried(until - timedelta(milliseconds=1))
        assert s.undo_mark(suspended.id) == key  # `u` after `@`
        assert s.undo_mark(suspended.id) is None
        assert s.marks([key]) == {key: Marks(False, None, 3, False)}
        assert [e.id for e in s.unbury([other, key], T0)] == [5]
        assert s.undo_mark(flagged.id) == key and s.undo_mark(leech.id) == other  # type: ignore[union-attr]
        assert s.marks() == {other: Marks()}  # its bury and unbury are still in the log
        assert s.rebuild_marks() == s.marks()
        db = sqlite3.connect(home / DB_NAME)
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            db.execute("UPDATE card_events SET value = 0")
        db.execute("DELETE FROM card_marks")
        db.commit()
        db.close()
        assert s.marks() == {}
        assert s.rebuild_marks(write=True) == {other: Marks()} == s.marks()
    assert buried.before is None and flagged.before == 0


def test_reset_keeps_every_answer_and_the_replay_starts_after_it(home):
    key = ("d", "c")
    scheduler = make_scheduler(fuzz=False)
    with Store.open(home) as s:
        for minutes in (0, 10, 60 * 24 * 3):
            s.record_review(key, 3, T0 + timedelta(minutes=minutes), mode="flip", session_id="s", scheduler=scheduler)
        s.suspend([key], T0)
        [event] = s.reset([key, ("d", "never")], T0 + timedelta(days=5))
        assert event == (2, key, "reset", 3, None)  # its value: the card's last answer id
        assert s.states() == {} and s.state(key) == CardState.new(key)
        assert s.reset([key], T0 + timedelta(days=5)) == []  # new already
        assert s.review_count() == 3 and s.review_counts_by_deck() == {"d": 3}
        assert s.marks() == {key: Marks(suspended=True)}  # the reset keeps marks
        t1 = T0 + timedelta(days=6)
        after = s.record_review(key, 1, t1, mode="flip", session_id="s", scheduler=scheduler)
        assert after == review(CardState.new(key), 1, t1, scheduler)  # a new card's first answer
        assert s.rebuild_states() == s.states() == {key: after}
        assert s.review_counts_by_deck() == {"d": 4}
        assert s.deck_counts(t1, 21)["d"][4] == 4
        assert s.history() == {key: 4}
        assert s.undo_last("s") == key and s.states() == {}
        assert s.undo_last("s") is None  # its answers before the reset stay: the reset's place in the log
        assert s.undo_mark(event.id) == key  # the reset taken back: all three answers count again
        assert s.states() == s.rebuild_states() and s.state(key).reps == 3
    assert _rows(home, "SELECT card, state_before, prev_ms FROM reviews ORDER BY id") == [
        ("c", "new", None),
        ("c", "learning", epoch_ms(T0)),
        ("c", "review", epoch_ms(T0 + timedelta(minutes=10))),
    ]


def test_an_answer_after_a_reset_starts_from_new_in_the_log(home):
    key = ("d", "c")
    scheduler = make_scheduler(fuzz=False)
    with Store.open(home) as s:
        s.record_review(key, 3, T0, mode="flip", scheduler=scheduler)
        s.reset([key], T0 + timedelta(hours=1))
        s.record_review(key, 3, T0 + timedelta(hours=2), mode="flip", scheduler=scheduler)
    assert _rows(home, "SELECT state_before, prev_ms FROM reviews ORDER BY id") == [("new", None), ("new", None)]
    assert _rows(home, "SELECT reset_after, reset_answers FROM card_marks") == [(1, 1)]


def test_forget_removes_every_trace_after_a_backup(home):
    with Store.open(home) as s:
        for card in ("a", "b"):
            s.record_review(("gone", card), 3, T0, mode="flip", scheduler=make_scheduler())
        s.set_flag([("gone", "a")], 1, T0)
        s.reset([("gone", "b")], T0)
        assert s.history() == {("gone", "a"): 1, ("gone", "b"): 1}
        removed, backup = s.forget([("gone", "a"), ("gone", "b")], reason="forget-orphans")
        assert removed == 2 and backup is not None and backup.name.endswith("-forget-orphans.sqlite3")
        assert s.history() == {} and s.marks() == {} and s.review_count() == 0
        assert s.forget([]) == (0, None)
    db = sqlite3.connect(backup)
    assert db.execute("SELECT COUNT(*) FROM reviews").fetchone() == (2,)
    assert db.execute("SELECT COUNT(*) FROM card_events").fetchone() == (2,)
    db.close()


def test_the_leech_rule_writes_with_the_answer_and_its_undo_takes_both_back(store, home):
    """A lapse that makes a leech commits the answer, the leech mark and (leech_action suspend) the
    suspension in ONE transaction, so no crash can keep the answer without them; `undo_last` with the
    events' ids takes all of them back in one transaction too."""
    scheduler = make_scheduler(fuzz=False)
    key = ("d", "c")
    at = T0
    ratings = [4] + [1, 4] * 7  # Easy to review, then seven lapses, each relearned
    for rating in ratings:
        state, events = store.record_answer(key, rating, at, mode="flip", scheduler=scheduler, leech=(8, True))
        assert events == []
        at = state.due + timedelta(minutes=1)
    assert state.lapses == 7
    before = store.states()[key]
    answers = store.review_counts_by_deck()
    state, events = store.record_answer(key, 1, at, mode="flip", session_id="s", scheduler=scheduler, leech=(8, True))
    assert state.lapses == 8 and [e.kind for e in events] == ["leech", "suspend"]
    assert store.marks([key]) == {key: Marks(suspended=True, leech=True)}
    assert store.rebuild_marks() == store.marks()
    assert store.undo_last("s", [e.id for e in events]) == key
    assert store.marks([key]) == {} and store.mark_events() == []
    assert store.states()[key] == before and store.review_counts_by_deck() == answers
