"""Issue 11, the review database's corner: what sits beside `quiz.sqlite3`, impossible stored states and
settings. Each case ends in one `Error:` line naming the file (and the card or setting) with exit 1,
within a timeout and a memory cap, and nothing is written.

- A FIFO (or folder, device) at `quiz.sqlite3-journal`, `-wal` or `-shm`: SQLite opens those itself, by
  name; a FIFO at `-journal` blocked `stats`, `study` and `exam` forever, one at `-wal` or `-shm` gave "the
  disk reported an I/O error" (or exit 0). They are looked at before SQLite opens the database.
- A stored card state no answer can make (a hand edit or damage: stability 0, -5, 1e999, a blob; an
  unknown state; no due time) is damage, named with its card and value, not an "internal error".
- A bad saved setting is refused before the first card is shown, not after the first answer."""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dense1x1quiz import store as store_module
from dense1x1quiz.errors import StoreError
from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.store import DB_NAME, Store, list_backups
from tests.conftest import run_quiz

LIMITS = {"memory_mib": 1024, "timeout": 30}
NOW = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
DECK = "deck: tiny\ntitle: Tiny\ncards:\n  - {id: a, front: one, back: two}\n  - {id: b, front: three, back: four}\n"


def one_line(stderr: str) -> str:
    """An error message as one line (print_error wraps long messages at the terminal width)."""
    return " ".join(stderr.split())


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def _answered(home) -> None:
    """A database holding one answer (card tiny:a), closed: no -wal or -shm is left beside it."""
    with Store.open(home) as store:
        store.record_review(("tiny", "a"), 3, NOW, mode="flip", scheduler=make_scheduler())
    assert sorted(p.name for p in home.glob(f"{DB_NAME}*")) == [DB_NAME]


def _sql(home, statement: str) -> None:
    db = sqlite3.connect(home / DB_NAME)
    try:
        db.execute(statement)
        db.commit()
    finally:
        db.close()


def _reviews(home) -> list[tuple]:
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute("SELECT deck, card, rating FROM reviews ORDER BY id").fetchall()
    finally:
        db.close()


# -- what sits beside the database --------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["-journal", "-wal", "-shm"])
def test_a_fifo_beside_the_database_is_refused_before_sqlite_opens_it(isolated_home, deck, suffix):
    _answered(isolated_home)
    side = isolated_home / f"{DB_NAME}{suffix}"
    os.mkfifo(side)
    expected = f"Error: {side} is a named pipe (FIFO), not a file SQLite can use; move it away"
    for command in (["stats"], ["study", str(deck), "--mode", "flip"], ["exam", str(deck), "-n", "1"]):
        result = run_quiz(*command, input="show\n3\nq\n", **LIMITS)  # a hang fails with TimeoutExpired
        assert (result.returncode, one_line(result.stderr)) == (1, expected), command
        if command[0] != "exam":  # (the exam's introduction is printed before the database is opened)
            assert result.stdout == ""
    assert os.path.exists(side) and not os.path.isfile(side)  # left where it was
    side.unlink()  # (before reading the database here: this process's SQLite would block on it too)
    assert _reviews(isolated_home) == [("tiny", "a", 3)]


def test_a_fifo_at_the_journal_of_a_database_not_made_yet_is_refused_and_nothing_is_created(isolated_home):
    isolated_home.mkdir()
    os.mkfifo(isolated_home / f"{DB_NAME}-journal")
    result = run_quiz("stats", **LIMITS)
    assert (result.returncode, one_line(result.stderr)) == (
        1,
        f"Error: {isolated_home / DB_NAME}-journal is a named pipe (FIFO), not a file SQLite can use; move it away",
    )
    assert not (isolated_home / DB_NAME).exists()


def test_a_folder_at_the_write_ahead_log_is_named_not_called_a_disk_error(isolated_home, cli):
    _answered(isolated_home)
    (isolated_home / f"{DB_NAME}-wal").mkdir()
    result = cli("stats", **LIMITS)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: {isolated_home / DB_NAME}-wal is a folder, not a file SQLite can use; move it away\n",
    )


def test_what_is_not_a_file_in_the_backup_folder_is_no_backup(isolated_home, cli):
    """A folder, a FIFO and a dangling link named like backups: none is the "newest backup" (the
    dangling link made every command an internal error), and today's backup is still made."""
    _answered(isolated_home)
    folder = isolated_home / "backups"
    folder.mkdir()
    (folder / "quiz-20990101T000000000000Z-daily.sqlite3").mkdir()
    os.mkfifo(folder / "quiz-20990102T000000000000Z-daily.sqlite3")
    os.symlink(folder / "gone", folder / "quiz-20990103T000000000000Z-daily.sqlite3")
    result = cli("stats", **LIMITS)
    assert (result.returncode, result.stderr) == (0, "")
    backups = list_backups(isolated_home)
    assert len(backups) == 1 and backups[0].name.endswith("-daily.sqlite3") and backups[0].is_file()


# -- impossible stored states ---------------------------------------------------------------------------


DAMAGE = [
    ("stability = 0, difficulty = 0", "card tiny:a has stability 0.0; it must be a number of days above 0"),
    ("stability = -5", "card tiny:a has stability -5.0; it must be a number of days above 0"),
    ("stability = 1e999", "card tiny:a has stability inf; it must be a number of days above 0"),
    ("difficulty = 11", "card tiny:a has difficulty 11.0; it must be a number from 1 to 10"),
    ("state = 'bogus'", "card tiny:a has state 'bogus'; it must be new, learning, review or relearning"),
    ("stability = X'00'", "card tiny:a has stability b'\\x00'; it must be a number of days above 0"),
    ("due_ms = NULL", "card tiny:a (learning) has no due_ms; every answered card has one"),
    ("reps = -1", "card tiny:a has reps -1; it must be a whole number from 0"),
    ("step = 'x'", "card tiny:a has step 'x'; it must be empty or a whole number from 0"),
]


@pytest.mark.parametrize(("edit", "problem"), DAMAGE, ids=[edit for edit, _ in DAMAGE])
def test_an_impossible_stored_state_is_named_damage_not_an_internal_error(isolated_home, deck, cli, edit, problem):
    _answered(isolated_home)
    _sql(isolated_home, f"UPDATE card_states SET {edit} WHERE card = 'a'")
    for command in (["study", str(deck), "--mode", "flip"], ["stats", str(deck), "--json"]):
        result = cli(*command, input="show\n3\nq\n", **LIMITS)
        backup = list_backups(isolated_home)[0]  # the first run's daily backup: the values are no SQLite damage
        assert (result.returncode, result.stdout) == (1, ""), command
        assert result.stderr == (
            f"Error: the review database {isolated_home / DB_NAME} is damaged ({problem}); it "
            "was left untouched. Move it away to start afresh, or restore a backup: the newest "
            f"backup is {backup}\n"
        ), command
    assert _reviews(isolated_home) == [("tiny", "a", 3)]  # nothing written


def test_a_state_damaged_under_a_running_session_stops_its_next_answer(isolated_home):
    """record_review reads the card's state inside its transaction: the same check, the same message."""
    _answered(isolated_home)
    with Store.open(isolated_home) as store:
        _sql(isolated_home, "UPDATE card_states SET stability = -5 WHERE card = 'a'")
        with pytest.raises(StoreError, match=r"\(card tiny:a has stability -5\.0; it must be a number of days"):
            store.record_review(("tiny", "a"), 3, NOW, mode="flip", scheduler=make_scheduler())
    assert _reviews(isolated_home) == [("tiny", "a", 3)]


VALUES = [
    None,
    0,
    -1,
    3,
    2**62,
    0.0,
    -5.0,
    0.5,
    1.0,
    5.0,
    10.0,
    10.5,
    float("inf"),
    float("nan"),
    "new",
    "learning",
    "review",
    "bogus",
    "",
    b"\x00",
]


@given(
    st.tuples(
        st.sampled_from(["tiny", b"tiny", None]),
        st.sampled_from(["a", 7]),
        *[st.sampled_from(VALUES) for _ in range(8)],
    )
)
def test_the_quick_row_check_agrees_with_the_one_that_explains(row):
    """Every stored state row is checked by the inline `_state_row_ok` (it must stay cheap); the words
    come from the field rules of `_state_row_problem`. The two must say the same of any row."""
    assert store_module._state_row_ok(row) == (store_module._state_row_problem(row) is None)


def test_every_state_the_program_writes_passes_the_check(isolated_home):
    with Store.open(isolated_home) as store:
        for i, rating in enumerate([1, 1, 3, 4, 2, 1, 3, 3, 4, 1, 2, 3] * 3):
            store.record_review(
                ("tiny", "a"), rating, NOW + timedelta(hours=7 * i), mode="flip", scheduler=make_scheduler()
            )
        rows = store.state_rows()
        assert rows and all(store_module._state_row_ok(row) for row in rows)


# -- settings -------------------------------------------------------------------------------------------


def test_a_bad_retention_setting_is_refused_before_any_card_is_shown(isolated_home, deck, cli):
    Store.open(isolated_home).close()
    _sql(isolated_home, "INSERT OR REPLACE INTO settings VALUES ('retention', 'NaN')")
    result = cli("study", str(deck), "--mode", "flip", input="show\n3\nq\n", **LIMITS)
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"Error: the setting 'retention' in {isolated_home / DB_NAME} must be a number from 0.7 to 0.99, not nan "
        "(to forget it: quiz config retention --unset)\n",
    )
    assert _reviews(isolated_home) == []
    # --retention is for one session and saves nothing: the saved value is still refused until unset
    result = cli("study", str(deck), "--mode", "flip", "--retention", "0.85", input="show\n3\nq\n", **LIMITS)
    assert (result.returncode, _reviews(isolated_home)) == (1, [])
    result = cli("config", "retention", "--unset", **LIMITS)
    assert (result.returncode, result.stdout, result.stderr) == (0, "retention unset; now 0.9 (default)\n", "")
    result = cli("study", str(deck), "--mode", "flip", "--retention", "0.85", input="show\n3\nq\n", **LIMITS)
    assert (result.returncode, result.stderr) == (0, "")
    assert _reviews(isolated_home) == [("tiny", "a", 3)]
