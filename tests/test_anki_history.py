"""Anki's review log imported into ours (authoring/anki_history.py, Store.import_answers): packages made by
Anki's own backend (the `anki` package), answered with its scheduler, some entries written into its
revlog table; our rows asserted exactly, our card states against a replay from scratch with fsrs."""

from __future__ import annotations

import importlib.util
import json
import os
import random
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dense1x1quiz.scheduler import fuzz_seed, make_scheduler
from dense1x1quiz.store import ImportCounts, ImportedAnswer, Store, epoch_ms

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
NOW = T0 + timedelta(days=30)
MIN, DAY = 60_000, 86_400_000


@pytest.fixture
def home(isolated_home):
    return isolated_home


def at(offset_ms: int) -> int:
    return epoch_ms(T0) + offset_ms


# -- a reference replay: fsrs alone, from a new card, with the fuzz seed each review is given -----------


def reference(key, log):
    """(state words before each answer, the final fsrs card) for `log` = [(rating, at_ms)], retention 0.9."""
    import fsrs
    import fsrs.scheduler as fsrs_scheduler

    scheduler = fsrs.Scheduler(
        desired_retention=0.9,
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps=(timedelta(minutes=10),),
        enable_fuzzing=True,
    )
    words = {fsrs.State.Learning: "learning", fsrs.State.Review: "review", fsrs.State.Relearning: "relearning"}
    card, before = fsrs.Card(card_id=1), []
    saved = fsrs_scheduler.random
    try:
        for reps, (rating, at_ms) in enumerate(log):
            before.append("new" if reps == 0 else words[card.state])
            fsrs_scheduler.random = random.Random(fuzz_seed(key, reps)).random
            moment = datetime.fromtimestamp(at_ms / 1000, timezone.utc)
            card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
    finally:
        fsrs_scheduler.random = saved
    return before, card


def stored_state(home: Path, key):
    import sqlite3

    db = sqlite3.connect(home / "quiz.sqlite3")
    try:
        return db.execute(
            "SELECT state, step, stability, difficulty, due_ms, last_review_ms, reps FROM card_states "
            "WHERE deck = ? AND card = ?",
            key,
        ).fetchone()
    finally:
        db.close()


def as_row(card, reps: int):
    words = {1: "learning", 2: "review", 3: "relearning"}
    return (
        words[int(card.state)],
        card.step,
        card.stability,
        card.difficulty,
        epoch_ms(card.due),
        epoch_ms(card.last_review),
        reps,
    )


def rows(home: Path, sql: str, params=()):
    import sqlite3

    db = sqlite3.connect(home / "quiz.sqlite3")
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def test_replay_log_gives_what_chaining_review_gives():
    """The quick replay the store uses (one fsrs card carried along, fuzz seeded only when drawn) against
    `review` one answer at a time: 300 random logs, two retentions, fuzz on and off, every state word before."""
    from dense1x1quiz.scheduler import CardState, replay_log, review

    rng = random.Random(5)
    schedulers = [make_scheduler(0.9), make_scheduler(0.8, fuzz=False), make_scheduler(0.95)]
    for n in range(300):
        key = ("d", f"c{n}")
        moment, log = T0, []
        for _ in range(rng.randint(1, 12)):
            moment += timedelta(minutes=rng.choice((1, 7, 45, 600, 1500, 9000, 40000, 200000)))
            log.append((rng.randint(1, 4), moment, rng.choice(schedulers)))
        state, words = CardState.new(key), []
        for rating, when, scheduler in log:
            words.append(state.state.value)
            state = review(state, rating, when, scheduler)
        before: list[str] = []
        assert replay_log(key, log, before) == state
        assert before == words


# -- the store: import_answers ----------------------------------------------------------------------------


def answer(card: str, imported_id: int, offset_ms: int, rating: int, duration: int | None = 1000):
    return ImportedAnswer(("d", card), imported_id, at(offset_ms), rating, duration)


def test_import_answers_appends_in_time_order_and_replays_each_card(home):
    answers = [answer("b", 7, 2 * DAY, 3), answer("a", 3, 0, 3, 4000), answer("a", 5, DAY, 2, None)]
    with Store.open(home) as store:
        counts = store.import_answers("anki", answers)
        assert store.states() == store.rebuild_states()
    assert counts == ImportCounts(added=3, already=0, cards=2, moved=0)
    assert rows(
        home,
        "SELECT card, at_ms, rating, state_before, mode, duration_ms, typed, session, retention, fuzz, prev_ms, "
        "imported_id FROM reviews ORDER BY id",
    ) == [
        ("b", at(2 * DAY), 3, "new", "anki", 1000, None, None, 0.9, 1, None, 7),
        ("a", at(0), 3, "new", "anki", 4000, None, None, 0.9, 1, None, 3),
        ("a", at(DAY), 2, "learning", "anki", None, None, None, 0.9, 1, at(0), 5),
    ]
    _, card = reference(("d", "a"), [(3, at(0)), (2, at(DAY))])
    assert stored_state(home, ("d", "a")) == as_row(card, 2)


def test_import_answers_twice_adds_nothing_and_a_later_package_only_its_new_answers(home):
    first = [answer("a", 1, 0, 3), answer("a", 2, DAY, 3)]
    with Store.open(home) as store:
        assert store.import_answers("anki", first) == ImportCounts(2, 0, 1, 0)
        assert store.import_answers("anki", first) == ImportCounts(0, 2, 0, 0)
        assert store.import_answers("anki", [*first, answer("a", 9, 5 * DAY, 1)]) == ImportCounts(1, 2, 1, 0)
        assert store.import_answers("other", [answer("a", 1, 6 * DAY, 3)]) == ImportCounts(1, 0, 1, 0)  # own keys
        assert store.states() == store.rebuild_states()
    assert rows(home, "SELECT mode, imported_id, rating FROM reviews ORDER BY id") == [
        ("anki", 1, 3),
        ("anki", 2, 3),
        ("anki", 9, 1),
        ("other", 1, 3),
    ]
    log = [(3, at(0)), (3, at(DAY)), (1, at(5 * DAY)), (3, at(6 * DAY))]
    assert stored_state(home, ("d", "a")) == as_row(reference(("d", "a"), log)[1], 4)


def test_answers_given_here_are_merged_by_time_with_older_imported_ones(home):
    """A deck studied here first, then its Anki package imported: the card's log in time order (the
    answers given here after the first imported one are appended again, same content), state by replay."""
    scheduler = make_scheduler()
    with Store.open(home) as store:
        store.record_review(("d", "a"), 3, T0 + timedelta(days=1), mode="flip", duration_ms=800, scheduler=scheduler)
        store.record_review(
            ("d", "a"), 4, T0 + timedelta(days=4), mode="type", typed="x", session_id="s1", scheduler=scheduler
        )
        store.record_review(("d", "b"), 3, T0 + timedelta(days=1), mode="flip", scheduler=scheduler)
        counts = store.import_answers("anki", [answer("a", 11, 0, 1, 5000), answer("a", 12, 2 * DAY, 3, 6000)])
        assert store.states() == store.rebuild_states()
    assert counts == ImportCounts(added=2, already=0, cards=1, moved=2)
    assert rows(
        home,
        "SELECT card, at_ms, rating, state_before, mode, duration_ms, typed, session, prev_ms, imported_id "
        "FROM reviews ORDER BY id",
    ) == [
        ("b", at(DAY), 3, "new", "flip", None, None, None, None, None),
        ("a", at(0), 1, "new", "anki", 5000, None, None, None, 11),
        ("a", at(DAY), 3, "learning", "flip", 800, None, None, at(0), None),
        ("a", at(2 * DAY), 3, "learning", "anki", 6000, None, None, at(DAY), 12),
        ("a", at(4 * DAY), 4, "review", "type", None, "x", "s1", at(2 * DAY), None),
    ]
    log = [(1, at(0)), (3, at(DAY)), (3, at(2 * DAY)), (4, at(4 * DAY))]
    before, card = reference(("d", "a"), log)
    assert before == ["new", "learning", "learning", "review"]
    assert stored_state(home, ("d", "a")) == as_row(card, 4)


def test_new_cards_and_a_merged_card_in_one_import_keep_their_order_and_columns(home):
    """First answers of cards (written without `typed` and `session`) before and after a card whose log is
    merged (written in full): one log in the order the cards came, the merged answer's `typed` and `session` kept."""
    scheduler = make_scheduler()
    with Store.open(home) as store:
        store.record_review(
            ("d", "a"), 4, T0 + timedelta(days=4), mode="type", typed="x", session_id="s1", scheduler=scheduler
        )
        answers = [answer("b", 1, 0, 3), answer("a", 2, DAY, 3, None), answer("c", 3, 0, 4, 700)]
        assert store.import_answers("anki", answers) == ImportCounts(added=3, already=0, cards=3, moved=1)
        assert store.states() == store.rebuild_states()
    assert rows(
        home,
        "SELECT card, at_ms, rating, state_before, mode, duration_ms, typed, session, retention, fuzz, prev_ms, "
        "imported_id FROM reviews ORDER BY id",
    ) == [
        ("b", at(0), 3, "new", "anki", 1000, None, None, 0.9, 1, None, 1),
        ("a", at(DAY), 3, "new", "anki", None, None, None, 0.9, 1, None, 2),
        ("a", at(4 * DAY), 4, "learning", "type", None, "x", "s1", 0.9, 1, at(DAY), None),
        ("c", at(0), 4, "new", "anki", 700, None, None, 0.9, 1, None, 3),
    ]


def test_answers_at_times_past_the_calendar_replay_at_the_nearest_date(home):
    """An answer dated before year 1 or after year 9999 (no Anki log has one, but the store takes any
    integer) is replayed at the nearest time a date can hold (0001-01-02, 9999-12-30)."""
    from dense1x1quiz.scheduler import replay_log_us

    earliest, latest = -62_135_510_400_000, 253_402_128_000_000
    answers = [
        ImportedAnswer(("d", "a"), 1, -70_000_000_000_000, 3, None),
        ImportedAnswer(("d", "a"), 2, 0, 3, None),
        ImportedAnswer(("d", "b"), 3, 0, 3, None),
        ImportedAnswer(("d", "b"), 4, 260_000_000_000_000, 1, None),
    ]
    with Store.open(home) as store:
        assert store.import_answers("anki", answers) == ImportCounts(added=4, already=0, cards=2, moved=0)
        states = store.states()
    scheduler = make_scheduler()
    assert states[("d", "a")] == replay_log_us(("d", "a"), [(3, earliest * 1000, scheduler), (3, 0, scheduler)])
    b = replay_log_us(("d", "b"), [(3, 0, scheduler), (1, latest * 1000, scheduler)])
    assert b.last_review == datetime(9999, 12, 30, tzinfo=timezone.utc)
    assert states[("d", "b")] == b._replace(due=b.last_review)  # a due date past 9999-12-30 is stored as it


def test_a_failed_import_writes_nothing(home, monkeypatch):
    """One transaction: an error while the states are written leaves the log and states as they were."""
    import dense1x1quiz.store as store_module

    with Store.open(home) as store:
        store.import_answers("anki", [answer("a", 1, 0, 3)])
        calls = []

        def failing(state):
            calls.append(state)
            if len(calls) == 2:
                raise OSError("stop")
            return real(state)

        real = store_module._state_values
        monkeypatch.setattr(store_module, "_state_values", failing)
        with pytest.raises(OSError):
            store.import_answers("anki", [answer("a", 2, DAY, 3), answer("b", 3, DAY, 3), answer("c", 4, DAY, 3)])
    assert rows(home, "SELECT card, imported_id FROM reviews") == [("a", 1)]
    assert rows(home, "SELECT card, reps FROM card_states") == [("a", 1)]


KILLED_IMPORT = """
import os, signal, sys
from pathlib import Path
import dense1x1quiz.store as store_module
from dense1x1quiz.store import ImportedAnswer, Store
real, calls = store_module._state_values, []
def killing(state):
    calls.append(state)
    if len(calls) == 500:  # the answers are inserted, half the states written: kill -9
        os.kill(os.getpid(), signal.SIGKILL)
    return real(state)
store_module._state_values = killing
answers = [ImportedAnswer(("d", f"c{i}"), 1000 + i, 1_740_000_000_000 + i, 3, 500) for i in range(30_000)]
with Store.open(Path(sys.argv[1])) as store:
    store.import_answers("anki", answers)
"""


def test_an_import_killed_midway_leaves_nothing(home):
    """kill -9 while the import writes (after 30,000 answers went in, with the log's indexes dropped for the
    bulk insert): the next open finds the log, its indexes and the states as they were."""
    with Store.open(home) as store:
        store.import_answers("anki", [answer("a", 1, 0, 3)])
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, "-c", KILLED_IMPORT, str(home)], env=env, timeout=300)
    assert done.returncode == -signal.SIGKILL
    with Store.open(home) as store:
        assert store.integrity_check() == "ok"
        assert store.states() == store.rebuild_states()
    assert rows(home, "SELECT card, imported_id FROM reviews") == [("a", 1)]
    assert rows(home, "SELECT COUNT(*) FROM card_states") == [(1,)]
    assert {name for (name,) in rows(home, "SELECT name FROM sqlite_master WHERE type = 'index'")} >= {
        "reviews_by_card",
        "reviews_by_time",
        "reviews_by_session",
        "reviews_by_deck_time",
        "reviews_by_imported_id",
    }


def test_a_bulk_import_rebuilds_the_indexes_it_dropped(home, monkeypatch):
    import dense1x1quiz.store as store_module

    with Store.open(home):
        pass
    before = rows(home, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    monkeypatch.setattr(store_module, "BULK_ROWS", 2)
    with Store.open(home) as store:
        store.import_answers("anki", [answer("a", 1, 0, 3), answer("b", 2, 0, 3)])
    assert rows(home, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == before
    assert rows(home, "PRAGMA integrity_check") == [("ok",)]
    assert rows(
        home,
        "SELECT card FROM reviews INDEXED BY reviews_by_imported_id WHERE mode = 'anki' AND imported_id IS NOT NULL",
    ) == [
        ("a",),
        ("b",),
    ]


def test_a_damaged_state_stops_the_import_before_anything_is_written(home):
    import sqlite3

    with Store.open(home) as store:
        store.import_answers("anki", [answer("a", 1, 0, 3)])
    db = sqlite3.connect(home / "quiz.sqlite3")
    db.execute("UPDATE card_states SET stability = 0")
    db.commit()
    db.close()
    with Store.open(home) as store, pytest.raises(Exception) as caught:
        store.import_answers("anki", [answer("a", 2, DAY, 3)])
    assert type(caught.value).__name__ == "StoreError"
    assert "card d:a has stability 0.0; it must be a number of days above 0" in str(caught.value)
    assert rows(home, "SELECT imported_id FROM reviews") == [(1,)]


# -- packages made by Anki ----------------------------------------------------------------------------


needs_anki = pytest.mark.skipif(
    importlib.util.find_spec("anki") is None, reason="the anki package (test extra) builds the packages"
)

# (card, ease, revlog type) of each entry Anki writes in `make_package`, in order, with the time and
# duration we give it afterwards.
ANKI_WRITES = [
    ("A", 3, 0, 0, 4000),  # learn, Good
    ("B", 1, 0, 1 * MIN, 12_000),  # learn, Again
    ("C", 3, 0, 5 * MIN, 2500),  # learn, Good
    ("C", 0, 4, 6 * MIN, 0),  # set due date: manual
    ("A", 3, 3, 2 * DAY, 3000),  # answered in a filtered deck that does not reschedule: cram
    ("A", 0, 4, 3 * DAY, 0),  # forget: manual
]
# Entries written into the revlog table directly (Anki makes these only on later days).
WRITTEN = [
    ("A", 3, 1, DAY, 6500),  # review, Good
    ("B", 3, 0, 2 * MIN, 0),  # learn, Good, no time
    ("B", 2, 1, 3 * DAY + 30 * MIN, 9_000_000),  # review, Hard, 2.5 hours: capped at 2
    ("B", 1, 1, 10 * DAY, 5000),  # review, Again
    ("B", 3, 2, 10 * DAY + 10 * MIN, 3000),  # relearn, Good
    ("C", 0, 5, 7 * MIN, 0),  # rescheduled
    ("C", 4, 1, 31 * DAY, 1000),  # review, Easy, after NOW
]


def make_package(folder: Path, later=()) -> tuple[Path, dict[str, int]]:
    """An .apkg written by Anki: deck Physics, Basic notes A, B, C (B suspended), the entries above. With
    `later` entries, these are added afterwards and the collection exported again, to `physics-later.apkg`."""
    from anki.collection import Collection, ExportAnkiPackageOptions
    from anki.decks import DeckId

    col = Collection(str(folder / "collection.anki2"))
    try:
        deck = col.decks.id("Physics")
        basic = col.models.by_name("Basic")
        ids = {}
        for name in "ABC":
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"Question {name}", f"Answer {name}"
            col.add_note(note, DeckId(deck))
            ids[name] = note.cards()[0].id
        col.decks.select(DeckId(deck))
        for name, ease in (("A", 3), ("B", 1), ("C", 3)):  # Anki shows new cards in the order added
            card = col.sched.getCard()
            assert card.id == ids[name]
            col.sched.answerCard(card, ease)
        col.sched.set_due_date([ids["C"]], "5")
        filtered = col.sched.get_or_create_filtered_deck(DeckId(0))
        filtered.config.search_terms[0].search = f"cid:{ids['A']}"
        filtered.config.reschedule = False
        made = col.sched.add_or_update_filtered_deck(filtered)
        col.decks.select(made.id)
        col.sched.answerCard(col.sched.getCard(), 3)
        col.sched.empty_filtered_deck(made.id)
        col.sched.schedule_cards_as_new([ids["A"]], restore_position=True, reset_counts=False)
        col.sched.suspend_cards([ids["B"]])
        by_id = {v: k for k, v in ids.items()}
        made_rows = col.db.all("SELECT id, cid, ease, type FROM revlog ORDER BY id")
        assert [(by_id[cid], ease, kind) for _, cid, ease, kind in made_rows] == [w[:3] for w in ANKI_WRITES]
        for (revlog_id, *_), (_, _, _, offset, duration) in zip(made_rows, ANKI_WRITES, strict=True):
            col.db.execute("UPDATE revlog SET id = ?, time = ? WHERE id = ?", at(offset), duration, revlog_id)
        for path, entries in ((folder / "physics.apkg", WRITTEN), (folder / "physics-later.apkg", later)):
            if not entries:
                continue
            for name, ease, kind, offset, duration in entries:
                col.db.execute(
                    "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
                    "VALUES (?, ?, -1, ?, 1, 0, 2500, ?, ?)",
                    at(offset),
                    ids[name],
                    ease,
                    duration,
                    kind,
                )
            col.export_anki_package(
                out_path=str(path),
                options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True),
                limit=None,
            )
    finally:
        col.close()
    return folder / "physics.apkg", ids


def history_of(path: Path, home: Path, now=NOW):
    from dense1x1quiz.authoring.anki_cards import CardKeys
    from dense1x1quiz.authoring.anki_history import import_history
    from dense1x1quiz.authoring.anki_package import read_package

    collection = read_package(path)
    with Store.open(home) as store:
        return import_history(store, collection, CardKeys(collection), epoch_ms(now)), collection


@needs_anki
def test_a_package_made_by_anki_brings_every_answer_and_nothing_else(home, tmp_path):
    from dense1x1quiz.authoring.anki_cards import note_card_id

    path, ids = make_package(tmp_path)
    result, collection = history_of(path, home)
    guid = {note.note_id: note.guid for note in collection.notes}
    card_of = {card.card_id: note_card_id(guid[card.note_id]) for card in collection.cards}
    key = {name: ("physics", card_of[ids[name]]) for name in "ABC"}
    expected = {
        "A": [(at(0), 3, 4000), (at(DAY), 3, 6500)],
        "B": [
            (at(MIN), 1, 12_000),
            (at(2 * MIN), 3, None),
            (at(3 * DAY + 30 * MIN), 2, 7_200_000),
            (at(10 * DAY), 1, 5000),
            (at(10 * DAY + 10 * MIN), 3, 3000),
        ],
        "C": [(at(5 * MIN), 3, 2500)],
    }
    for name, log in expected.items():
        before, card = reference(key[name], [(rating, at_ms) for at_ms, rating, _ in log])
        assert rows(
            home,
            "SELECT at_ms, rating, duration_ms, state_before, mode, imported_id, prev_ms FROM reviews "
            "WHERE deck = ? AND card = ? ORDER BY id",
            key[name],
        ) == [
            (at_ms, rating, duration, word, "anki", at_ms, log[i - 1][0] if i else None)
            for i, ((at_ms, rating, duration), word) in enumerate(zip(log, before, strict=True))
        ]
        assert stored_state(home, key[name]) == as_row(card, len(log))
    assert rows(home, "SELECT COUNT(*), COUNT(DISTINCT card) FROM reviews") == [(8, 3)]
    assert result.lines() == [
        "Review history: 8 new reviews, 0 already imported; 3 cards with history.",
        "  Skipped 5 revlog entries: 1 in a filtered deck (cram), 2 manual (set due date, forget), 1 rescheduled, "
        "1 dated after now.",
    ]
    assert result.suspended == 1  # anki_import's report says it
    with Store.open(home) as store:
        assert store.states() == store.rebuild_states()


@needs_anki
def test_a_second_import_of_the_same_package_adds_no_review(home, tmp_path):
    path, _ = make_package(tmp_path)
    history_of(path, home)
    log = rows(home, "SELECT * FROM reviews ORDER BY id")
    states = rows(home, "SELECT * FROM card_states ORDER BY deck, card")
    result, _ = history_of(path, home)
    assert rows(home, "SELECT * FROM reviews ORDER BY id") == log
    assert rows(home, "SELECT * FROM card_states ORDER BY deck, card") == states
    assert (result.added, result.already, result.changed_cards) == (0, 8, 0)
    assert result.lines()[0] == "Review history: 0 new reviews, 8 already imported; 3 cards with history."


@needs_anki
def test_a_package_exported_later_adds_only_the_answers_made_since(home, tmp_path):
    first, _ = make_package(tmp_path, later=[("C", 3, 1, 20 * DAY, 4200)])
    history_of(first, home)
    result, _ = history_of(tmp_path / "physics-later.apkg", home)
    assert result.lines()[0] == "Review history: 1 new review, 8 already imported; 3 cards with history."
    assert rows(home, "SELECT at_ms, rating, duration_ms, state_before FROM reviews ORDER BY id")[-1] == (
        at(20 * DAY),
        3,
        4200,
        "learning",  # C's one answer before was Good at the first learning step
    )
    [key] = rows(home, "SELECT deck, card FROM reviews ORDER BY id DESC LIMIT 1")
    assert stored_state(home, key) == as_row(reference(key, [(3, at(5 * MIN)), (3, at(20 * DAY))])[1], 2)
    with Store.open(home) as store:
        assert store.states() == store.rebuild_states()


@needs_anki
def test_a_card_studied_here_first_keeps_its_answers_merged_by_time(home, tmp_path):
    from dense1x1quiz.authoring.anki_cards import CardKeys

    path, ids = make_package(tmp_path)
    from dense1x1quiz.authoring.anki_package import read_package

    collection = read_package(path)
    key_of = CardKeys(collection)
    key = next(key_of(card) for card in collection.cards if card.card_id == ids["A"])
    with Store.open(home) as store:
        store.record_review(key, 1, T0 + timedelta(hours=12), mode="flip", scheduler=make_scheduler())
    result, _ = history_of(path, home)
    assert result.moved == 1
    assert result.lines()[1] == "  1 answer given here went after older answers from Anki (merged by time)."
    log = rows(home, "SELECT rating, at_ms, mode FROM reviews WHERE card = ? ORDER BY id", (key[1],))
    assert log == [(3, at(0), "anki"), (1, at(12 * 3_600_000), "flip"), (3, at(DAY), "anki")]
    assert stored_state(home, key) == as_row(reference(key, [(r, t) for r, t, _ in log])[1], 3)


@needs_anki
def test_no_history_without_a_card(home, tmp_path):
    """`written`: the cards the deck files hold; an answer of any other card is not brought."""
    from dense1x1quiz.authoring.anki_cards import CardKeys
    from dense1x1quiz.authoring.anki_history import import_history
    from dense1x1quiz.authoring.anki_package import read_package

    path, ids = make_package(tmp_path)
    collection = read_package(path)
    keys = CardKeys(collection)
    kept = {keys(card) for card in collection.cards if card.card_id != ids["B"]}
    with Store.open(home) as store:
        result = import_history(store, collection, keys, epoch_ms(NOW), written=kept)
    assert result.lines() == [
        "Review history: 3 new reviews, 0 already imported; 2 cards with history.",
        "  Skipped 10 revlog entries: 1 in a filtered deck (cram), 2 manual (set due date, forget), 1 rescheduled, "
        "5 of cards not imported, 1 dated after now.",
    ]
    assert rows(home, "SELECT COUNT(*) FROM reviews") == [(3,)]


@needs_anki
def test_quiz_import_of_a_package_brings_its_history_once(home, tmp_path, cli):
    """`quiz import PACKAGE`: the decks, then the history, reported; the second run adds no review and says so."""
    path, _ = make_package(tmp_path)
    env = {"DENSE1X1QUIZ_NOW": "2025-03-31T09:00:00Z"}
    first = cli("import", str(path), env=env)
    decks = home / "decks"
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout == (
        f"Read {path}: Anki package, 3 notes, 13 reviews\n"
        f"Wrote {decks}/physics.yaml: deck `physics` (Physics), 3 cards (3 study cards)\n"
        "3 new cards, 0 unchanged\n"
        "1 card was suspended in Anki: 1 suspended here too\n"
        "Review history: 8 new reviews, 0 already imported; 3 cards with history.\n"
        "  Skipped 5 revlog entries: 1 in a filtered deck (cram), 2 manual (set due date, forget), 1 rescheduled, "
        "1 dated after now.\n"
        "Study with `quiz study physics`.\n"
    )
    log = rows(home, "SELECT * FROM reviews ORDER BY id")
    states = rows(home, "SELECT * FROM card_states ORDER BY deck, card")
    assert [(r[3], r[4]) for r in rows(home, "SELECT * FROM reviews ORDER BY at_ms")] == [
        (at(0), 3),
        (at(MIN), 1),
        (at(2 * MIN), 3),
        (at(5 * MIN), 3),
        (at(DAY), 3),
        (at(3 * DAY + 30 * MIN), 2),
        (at(10 * DAY), 1),
        (at(10 * DAY + 10 * MIN), 3),
    ]
    again = cli("import", str(path), env=env)
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout == (
        f"Read {path}: Anki package, 3 notes, 13 reviews\n"
        f"Updated {decks}/physics.yaml: deck `physics` (Physics), 3 cards (3 study cards)\n"
        "0 new cards, 3 unchanged\n"
        "1 card was suspended in Anki: 1 left as set here\n"
        "Review history: 0 new reviews, 8 already imported; 3 cards with history.\n"
        "  Skipped 5 revlog entries: 1 in a filtered deck (cram), 2 manual (set due date, forget), 1 rescheduled, "
        "1 dated after now.\n"
        "Study with `quiz study physics`.\n"
    )
    assert rows(home, "SELECT * FROM reviews ORDER BY id") == log
    assert rows(home, "SELECT * FROM card_states ORDER BY deck, card") == states


@needs_anki
def test_a_card_suspended_in_anki_is_suspended_here_until_the_user_says_otherwise(home, tmp_path, cli):
    """Issue 12/15: Anki's suspended card B is suspended after the import (study never asks it); once
    unsuspended here, importing the package again leaves it unsuspended."""
    path, _ = make_package(tmp_path)
    env = {"DENSE1X1QUIZ_NOW": "2025-03-31T09:00:00Z"}
    assert cli("import", str(path), env=env).exit_code == 0
    suspended = json.loads(cli("cards", "physics", "--state", "suspended", "--json", env=env).stdout)
    assert [card["prompt"] for card in suspended] == ["Question B"]
    [(card, kind, value)] = rows(home, "SELECT card, kind, value FROM card_events")
    assert (card, kind, value) == (suspended[0]["id"], "suspend", 1)
    assert cli("unsuspend", f"physics:{card}", env=env).stdout == "Unsuspended 1 card.\n"
    again = cli("import", str(path), env=env)
    assert "1 card was suspended in Anki: 1 left as set here\n" in again.stdout
    assert cli("cards", "physics", "--state", "suspended", env=env).stdout == "No cards match.\n"


@needs_anki
def test_quiz_import_refuses_a_damaged_database_before_writing_a_deck(home, tmp_path, cli):
    path, _ = make_package(tmp_path)
    home.mkdir(parents=True)
    (home / "quiz.sqlite3").write_bytes(b"not a database at all" * 10)
    result = cli("import", str(path), env={"DENSE1X1QUIZ_NOW": "2025-03-31T09:00:00Z"})
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: the review database {home}/quiz.sqlite3 is damaged (is not an SQLite database (damaged or "
        f"overwritten)); it was left untouched. Move it away to start afresh, or restore a backup: there is no "
        f"backup in {home}/backups\n"
    )
    assert not (home / "decks").exists()
    assert (home / "quiz.sqlite3").read_bytes() == b"not a database at all" * 10


@needs_anki
def test_a_package_import_runs_without_the_cyclic_collector_and_turns_it_back_on(home, tmp_path, monkeypatch):
    """A big package makes a million acyclic objects: the collector is off while they are made (the package
    read, the decks written, the answers imported) and on again after, also when the import fails."""
    import gc

    import dense1x1quiz.authoring.anki_history as anki_history
    from dense1x1quiz.authoring import anki_package

    path, _ = make_package(tmp_path)
    seen = []
    real_read, real_import = anki_package.read_package, Store.import_answers

    def read_package(*args):
        seen.append(("read", gc.isenabled()))
        return real_read(*args)

    def import_answers(self, *args, **kwargs):
        seen.append(("answers", gc.isenabled()))
        return real_import(self, *args, **kwargs)

    monkeypatch.setattr(anki_package, "read_package", read_package)
    monkeypatch.setattr(Store, "import_answers", import_answers)
    assert gc.isenabled()
    anki_history.import_package(path, tmp_path / "decks")
    assert seen == [("read", False), ("answers", False)]
    assert gc.isenabled()

    def fail(self, *args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(Store, "import_answers", fail)
    with pytest.raises(RuntimeError):
        anki_history.import_package(path, tmp_path / "decks")
    assert gc.isenabled()
