"""A study session at its edges: the study day ending mid-session, a database locked by someone else
for too long, and the reader of its output going away."""

import io
import os
import random
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta

from dense1x1quiz import store as store_module
from dense1x1quiz.model import Card
from dense1x1quiz.queue import StudyQueue
from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.session import run_study
from dense1x1quiz.store import Store
from dense1x1quiz.ui.keys import LineInput
from dense1x1quiz.ui.study_plain import PlainStudyUI
from dense1x1quiz.ui.study_screen import print_summary

BASIC = Card("d", "basic", "basic", "What mixes channels at each pixel?", "A 1×1 convolution", note="basic")
REVERSE = Card("d", "basic:reverse", "basic", "A 1×1 convolution", "What mixes channels at each pixel?", note="basic")
WORDS = Card("d", "name", "basic", "What is a 1×1 convolution also called?", "pointwise convolution", note="name")


def local(hour: int, minute: int) -> datetime:
    """A time of 2026-11-26 on this machine's clock (the study day starts at 4 a.m. local time)."""
    return datetime(2026, 11, 26, hour, minute).astimezone()


def session(store, clock, script: str, cards=(BASIC, REVERSE, WORDS), new_per_day: int = 1):
    out = io.StringIO()
    ui = PlainStudyUI(out, LineInput(io.StringIO(script)))
    scheduler = make_scheduler(fuzz=False)
    queue = StudyQueue(
        list(cards), {}, scheduler=scheduler, new_per_day=new_per_day, new_done_today={}, answered_today=set()
    )
    summary = run_study(
        queue,
        scheduler=scheduler,
        store=store,
        ui=ui,
        clock=clock,
        mode="flip",
        rng=random.Random(1),
        session_id="s",
        pool=list(cards),
        timer=lambda: 0.0,
    )  # "in 0s"
    print_summary(ui, summary, clock(), cards_found=len(cards))
    return summary, out.getvalue().splitlines()


def questions(transcript: list[str]) -> list[str]:
    return [transcript[i + 1] for i, line in enumerate(transcript) if line.startswith("── ")]


def test_a_session_that_runs_past_4_am_starts_a_new_study_day(tmp_path):
    """At 03:50 the day's one new card is used up and its reverse is buried; at 04:10 it is a new
    day: a new card is allowed again, and the sibling is no longer buried."""
    now = [local(3, 50)]
    with Store.open(tmp_path) as store:

        def answer_then_wait(*args, **kwargs):
            after = record(*args, **kwargs)
            now[0] = local(4, 10)
            return after

        record = store.record_answer
        store.record_answer = answer_then_wait  # the learner comes back 20 minutes later
        summary, transcript = session(store, lambda: now[0], "\n4\n\n4\nq\n")
    assert questions(transcript) == [BASIC.prompt, REVERSE.prompt]
    assert summary.answered == 2 and transcript[0] == "new 1  learning 0  review 0"


def test_before_4_am_the_day_is_the_same_and_its_one_new_card_is_all(tmp_path):
    """The control for the test above: the clock stays at 03:50."""
    with Store.open(tmp_path) as store:
        summary, transcript = session(store, lambda: local(3, 50), "\n4\n\n4\nq\n")
    assert questions(transcript) == [BASIC.prompt]
    due = (local(3, 50) + timedelta(days=8)).strftime("%a %d %b %H:%M")  # Easy on a new card: 8 days
    assert transcript[-3:] == [
        "Studied 1 card in 0s: 1 right, 0 wrong",
        "The daily limit of 1 new card is reached (1 new card left): `quiz study --new 2` studies more now.",
        f"Next card due in 8d ({due}).",
    ]


def test_a_database_locked_past_the_busy_timeout_stops_the_session_with_the_answer_unsaved(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 1000)
    with Store.open(tmp_path) as store, closing(sqlite3.connect(tmp_path / "quiz.sqlite3")) as other:
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock and does not let go
        summary, transcript = session(store, lambda: local(12, 0), "\n3\n\n3\n")
        other.rollback()
    with closing(sqlite3.connect(tmp_path / "quiz.sqlite3")) as db:
        assert db.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)
    assert summary.exit_code == 1 and summary.answered == 0
    assert not any(line.startswith("Saved") for line in transcript)
    # The error goes to stderr (issue 11: it used to be a line of the transcript on stdout).
    locked = f"Error: {tmp_path / 'quiz.sqlite3'} stayed locked by another quiz for 1 s; try again\n"
    assert capsys.readouterr().err == locked
    assert not any("Error" in line for line in transcript)
    assert transcript[-3:] == [
        "Stopped: the last answer was not saved; every answer marked Saved is kept.",
        "No cards studied.",
        "1 card left for today.",
    ]


def test_a_reader_that_goes_away_ends_the_session_quietly_with_the_answers_kept(tmp_path):
    """`quiz study | head -n 3`: the pipe closes after three lines; the session stops with exit 1
    ("output closed"), no traceback, and every answer given before is in the database."""
    deck = tmp_path / "d.yaml"
    deck.write_text(
        "deck: d\ntitle: D\ncards:\n"
        + "".join(f"  - {{id: c{i}, front: Question {i}?, back: Answer {i}}}\n" for i in range(30)),
        encoding="utf-8",
    )
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(tmp_path / "home"), "DENSE1X1QUIZ_NOW": "2026-11-26T12:00:00Z"}
    study = subprocess.Popen(
        [sys.executable, "-m", "dense1x1quiz", "study", str(deck), "--mode", "flip"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    study.stdin.write(b"\n3\n")
    study.stdin.flush()
    seen = [study.stdout.readline() for _ in range(6)]  # the first card, its answer, buttons and `Saved`
    study.stdout.close()  # the reader goes away
    _, err = study.communicate(b"\n3\n" * 29, timeout=60)
    assert b"Saved Good" in b"".join(seen)
    assert study.returncode == 1, err
    assert b"Traceback" not in err
    with closing(sqlite3.connect(tmp_path / "home" / "quiz.sqlite3")) as db:
        answered = db.execute("SELECT COUNT(*) FROM reviews").fetchone()[0]
    assert 1 <= answered <= 30
