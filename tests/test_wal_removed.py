"""Deleting `quiz.sqlite3-wal` and `-shm` while a session runs (issue 11). SQLite documents this as a way
to corrupt a database: the running session keeps writing into the deleted log, and when it closed last it
checkpointed that log and deleted, by name, the new log of a second session, whose acknowledged answers
were lost (3 times of 3). Now the running session notices (the WAL's identity changed), stops before
acknowledging, and closes without touching the other session's log.

Real `quiz study` processes and real files; rows counted in the database afterwards."""

import os
import subprocess

import pytest
from test_reliability import QUIZ, SAVED, START, Session, _count, _env, _integrity
from test_reliability import deck as deck  # the fixture

from dense1x1quiz.store import DB_NAME, Store

MESSAGE = (
    "Error: the write-ahead log quiz.sqlite3-wal was removed while quiz was running; answers saved in it and "
    "not yet copied into the database (this session's, and those of any quiz running meanwhile) may be lost. "
    "Close every quiz session and start again."
)
# The summary on stdout says the same (it used to say "every answer marked Saved is kept": those were lost).
STOPPED = "Stopped: the review log was removed; answers saved in this session may be lost."


def _remove_wal_and_shm(home) -> None:
    for suffix in ("-wal", "-shm"):
        os.unlink(home / f"{DB_NAME}{suffix}")


def _second_session(deck, home) -> bytes:
    """A whole second session, started after the deletion: three answers, then q."""
    result = subprocess.run(
        [*QUIZ, "study", str(deck), "--mode", "flip", "--new", "1000"],
        input=b"show\n3\n" * 3 + b"q\n",
        capture_output=True,
        env=_env(home),
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == b"", result.stderr.decode()
    assert len(SAVED.findall(result.stdout)) == 3
    return result.stdout


def _answers_per_session(home) -> list[int]:
    with Store.open(home) as store:
        sessions = [r.session for r in store.reviews()]
    return sorted(sessions.count(s) for s in set(sessions))


def test_the_running_session_stops_before_acknowledging_and_the_second_keeps_its_answers(deck, tmp_path):
    home = tmp_path / "home"
    Store.open(home).close()  # the schema is in the database file
    first = Session(deck, home, START)
    for i in range(2):
        first.answer(3)
        first.wait_acks(i + 1)
    _remove_wal_and_shm(home)
    _second_session(deck, home)

    first.answer(3)  # written into a log that no longer exists: must not be acknowledged
    out, err = first.proc.communicate(timeout=60)
    first.out += out
    assert first.proc.returncode == 1
    assert first.acks() == 2
    assert "Warning:" not in err.decode()  # said once
    # (the plain UI writes a session's store error in its summary; issue 11 moves it to stderr: either stream)
    assert MESSAGE in " ".join((out + err).decode().split())
    assert STOPPED in first.out.decode().splitlines()

    # The second session's three answers last. The first session's two answers from before the deletion
    # lived only in the deleted log: they are lost, and no later answer was acknowledged.
    assert _count(home) == 3
    assert _answers_per_session(home) == [3]
    assert _integrity(home) == "ok"


def test_a_session_that_quits_after_the_deletion_does_not_delete_the_second_sessions_log(deck, tmp_path):
    home = tmp_path / "home"
    Store.open(home).close()
    first = Session(deck, home, START)
    first.answer(3)
    first.wait_acks(1)
    _remove_wal_and_shm(home)
    _second_session(deck, home)

    first.proc.stdin.write(b"q\n")  # it never writes again: quitting is all it does
    out, err = first.proc.communicate(timeout=60)
    assert first.proc.returncode == 0, err.decode()
    assert " ".join(err.decode().split()) == MESSAGE.replace("Error: ", "Warning: ")
    assert _answers_per_session(home) == [3]
    assert _integrity(home) == "ok"


def test_a_database_file_replaced_under_an_open_store_stops_the_next_answer(tmp_path):
    import shutil
    from datetime import datetime, timezone

    import pytest

    from dense1x1quiz.errors import StoreError
    from dense1x1quiz.scheduler import make_scheduler

    home = tmp_path / "home"
    store = Store.open(home)
    now, scheduler = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc), make_scheduler()
    store.record_review(("d", "a"), 3, now, mode="flip", scheduler=scheduler)
    shutil.copy(home / DB_NAME, tmp_path / "copy.sqlite3")
    os.replace(tmp_path / "copy.sqlite3", home / DB_NAME)  # e.g. a backup moved over it
    with pytest.raises(StoreError) as caught:
        store.record_review(("d", "b"), 3, now, mode="flip", scheduler=scheduler)
    assert str(caught.value) == (
        f"the review database {home / DB_NAME} was removed or replaced while quiz was "
        "running; answers saved to the old file (this session's, and those of any quiz "
        "running meanwhile) may be lost. Close every quiz session and start again."
    )
    assert (type(caught.value).__name__, caught.value.moved) == ("StoreFilesMovedError", "database")
    store.close()


@pytest.mark.parametrize("stop", [b"q\n", b""], ids=["q", "end-of-input"])
def test_a_session_that_quits_after_the_deletion_says_its_answers_may_be_lost(deck, tmp_path, stop):
    """No write fails, yet the answers saved before the deletion went with the old log: the summary's stop
    line says so (it used to end with an ordinary "Studied 1 card" summary and only a warning on stderr)."""
    home = tmp_path / "home"
    Store.open(home).close()
    first = Session(deck, home, START)
    first.answer(3)
    first.wait_acks(1)
    _remove_wal_and_shm(home)

    first.proc.stdin.write(stop)  # q, or the end of input: it never writes again
    out, err = first.proc.communicate(timeout=60)
    first.out += out
    assert first.proc.returncode == 0, err.decode()
    assert " ".join(err.decode().split()) == MESSAGE.replace("Error: ", "Warning: ")
    lines = first.out.decode().splitlines()
    assert STOPPED in lines
    assert lines[lines.index(STOPPED) + 1].startswith("Studied 1 card in ")
