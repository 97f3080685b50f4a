"""`quiz study` as a script drives it: piped input (the line protocol of DESIGN.md), the exact lines
that matter in the transcript, and the rows in the database (read with sqlite3 directly)."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest
from typer.testing import CliRunner

from dense1x1quiz.cli import app

DECK = """\
deck: mini
title: Mini deck
cards:
  - id: what
    front: What does a 1×1 convolution compute at each pixel?
    back: A dense layer over the channels
    reverse: true
    tags: [basics]
  - id: shape
    front: 'Input $32 \\times 32 \\times 64$, 1×1 conv with 16 filters: output shape?'
    answer: 32x32x16
  - id: pick
    front: Which layer mixes channels but not pixels?
    options: [1×1 convolution, 3×3 convolution, max pooling]
    answer: 1×1 convolution
    tags: [basics]
  - id: cz
    cloze: 'A 1×1 conv keeps {{c1::H × W}}.'
"""

START = "2026-11-26T09:00:00Z"
START_MS = int(datetime(2026, 11, 26, 9, tzinfo=timezone.utc).timestamp() * 1000)

runner = CliRunner()


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def quiz(args, script, now=START):
    env = {"DENSE1X1QUIZ_NOW": now} if now else {}
    return runner.invoke(app, ["study", *args], input=script, env=env)


def reviews(home):
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute("SELECT deck, card, at_ms, rating, state_before, mode, typed, session FROM reviews "
                          "ORDER BY id").fetchall()


def test_flip_takes_exactly_two_lines_per_card_and_every_answer_is_a_row(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n3\nreveal\nagain\n\neasy\n")
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    local = (datetime(2026, 11, 26, 9, tzinfo=timezone.utc) + timedelta(minutes=10)).astimezone()
    assert f"Saved Good · next in 10m ({local:%H:%M})" in out
    assert re.fullmatch(r"Studied 3 cards in \d+s: 2 right, 1 wrong", out[-3])
    assert out[-2] == "3 cards left for today."  # the cloze card, and two learning cards coming back
    assert out[-1].startswith("Next card due in 1m (")  # the card failed a minute before
    rows = reviews(isolated_home)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("what", 3, "new", "flip", None), ("shape", 1, "new", "flip", None), ("pick", 4, "new", "flip", None)]
    assert {r[0] for r in rows} == {"mini"} and {r[2] for r in rows} == {START_MS}
    assert len({r[7] for r in rows}) == 1 and rows[0][7]  # one session id


def test_the_rating_buttons_show_the_fsrs_intervals(deck):
    result = quiz([deck, "--mode", "flip"], "\n")
    assert "1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d" in result.output.splitlines()


def test_q_and_end_of_input_quit_with_exit_0_and_keep_the_answers(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n4\nq\n")
    assert result.exit_code == 0
    assert len(reviews(isolated_home)) == 1
    result = quiz([deck, "--mode", "flip"], "\n")  # ends while the answer is shown
    assert result.exit_code == 0
    assert len(reviews(isolated_home)) == 1
    assert result.output.splitlines()[-3:-1] == ["No cards studied.", "3 cards left for today."]


def test_auto_mode_asks_each_kind_its_way(deck, isolated_home):
    # basic: reveal + rating; typed: answer + rating (empty = suggested); choice: one line; cloze: two lines
    result = quiz([deck], "\n3\n32 x 32 x 16\n\n1×1 convolution\n\n3\n")
    assert result.exit_code == 0, result.output
    out = result.output.splitlines()
    assert "✓ Correct  you typed: 32 x 32 x 16" in out
    assert any(line.startswith("✓ Right: ") and line.endswith(". 1×1 convolution") for line in out)
    assert any("A 1×1 conv keeps […]." in line for line in out)
    assert "A 1×1 conv keeps H × W." in out
    rows = reviews(isolated_home)
    assert [(r[1], r[3], r[5], r[6]) for r in rows] == [
        ("what", 3, "flip", None), ("shape", 3, "type", "32 x 32 x 16"), ("pick", 3, "choice", "1×1 convolution"),
        ("cz:c1", 3, "cloze", None)]


def test_type_mode_grades_every_card_by_typing(deck, isolated_home):
    result = quiz([deck, "--mode", "type"], "a dense layer over the channel\n\n")
    assert "✗ Not quite  you typed: a dense layer over the channel" in result.output.splitlines()
    assert "  diff: a dense layer over the channel{+s+}" in result.output.splitlines()
    assert reviews(isolated_home)[0][3:7] == (2, "new", "type", "a dense layer over the channel")


def test_choice_mode_gives_basic_cards_options_from_the_deck(deck, isolated_home):
    result = quiz([deck, "--mode", "choice", "--tag", "basics"], "A dense layer over the channels\n")
    assert result.exit_code == 0
    assert reviews(isolated_home)[0][3:6] == (3, "new", "choice")


def test_undo_removes_the_row_and_asks_the_card_again(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n1\n\nu\n\n4\n")
    assert "Undone: Again on what; it is asked again." in result.output
    assert [(r[1], r[3]) for r in reviews(isolated_home)] == [("what", 4)]


def test_show_me_on_a_card_without_a_demo(deck):
    result = quiz([deck, "--mode", "flip"], "\ns\n3\n")
    assert "This card has no demo." in result.output.splitlines()


def test_cram_practises_without_touching_the_schedule(deck, isolated_home):
    result = quiz([deck, "--cram", "--mode", "flip"], "\n1\n\n3\n\n3\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Saved Again · cram, schedule unchanged") == 1
    assert "(cram: schedule unchanged)" in result.output
    assert not (isolated_home / "quiz.sqlite3").exists()


def test_tag_new_and_limit_choose_the_cards(deck, isolated_home):
    result = quiz([deck, "--tag", "basics", "--mode", "flip"], "\n4\n\n4\n\n4\n")
    # `what` and its reverse share a note: the reverse is buried once `what` is answered
    assert [r[1] for r in reviews(isolated_home)] == ["what", "pick"]
    headers = [line for line in result.output.splitlines() if line.startswith("new ")]
    assert headers == ["new 3  learning 0  review 0", "new 1  learning 0  review 0"]


def test_new_cards_per_day(deck, isolated_home):
    quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n\n4\n")
    assert [r[1] for r in reviews(isolated_home)] == ["what"]
    result = quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n")
    assert "Nothing to study now." in result.output  # the day's one new card is used up
    result = quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n", now="2026-11-28T09:00:00Z")
    assert [r[1] for r in reviews(isolated_home)] == ["what", "what:reverse"]  # the next new card


def test_limit_stops_after_that_many_cards(deck, isolated_home):
    quiz([deck, "--limit", "1", "--mode", "flip"], "\n4\n\n4\n\n4\n")
    assert [r[1] for r in reviews(isolated_home)] == ["what"]


def test_retention_is_used_and_saved(deck, isolated_home):
    quiz([deck, "--retention", "0.95", "--mode", "flip"], "\n4\n")
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT retention FROM reviews").fetchall() == [(0.95,)]
        assert db.execute("SELECT value FROM settings WHERE name = 'retention'").fetchall() == [("0.95",)]
    result = quiz([deck, "--retention", "1.5"], "")
    assert result.exception.exit_code == 2  # a UsageError: `quiz` (cli.main) exits 2 with its one line


def test_a_week_of_study_brings_cards_back_when_due(deck, isolated_home):
    # Day 1: every card Good until nothing is left (learning steps come back early, as in Anki).
    result = quiz([deck, "--mode", "flip"], "\n3\n" * 20)
    day1 = reviews(isolated_home)
    assert {r[1] for r in day1} == {"what", "shape", "pick", "cz:c1"}
    assert "Nothing to study now." not in result.output
    assert re.search(r"Next card due in \d+d", result.output)
    # The same day again: nothing due
    result = quiz([deck, "--mode", "flip"], "\n3\n")
    assert "Nothing to study now." in result.output
    # A week later the graduated cards are reviews; the reverse card, new, is buried again by `what`
    result = quiz([deck, "--mode", "flip"], "\n3\n" * 20, now="2026-12-03T09:00:00Z")
    assert result.output.splitlines()[0] == "new 1  learning 0  review 4"
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        states = dict(db.execute("SELECT card, state FROM card_states").fetchall())
    assert states == {"cz:c1": "review", "pick": "review", "shape": "review", "what": "review"}


def test_unknown_deck_and_broken_deck(tmp_path, isolated_home):
    process = spawn(["nope-no-such-deck"], isolated_home)
    out, err = process.communicate("", timeout=60)
    assert process.returncode == 2 and err.startswith("Error: no deck named 'nope-no-such-deck'")
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ncards:\n  - {id: a, front: q}\n", encoding="utf-8")
    process = spawn([str(broken)], isolated_home)
    out, err = process.communicate("", timeout=60)
    assert process.returncode == 1 and "missing `back`" in err


def test_no_cards_with_that_tag(deck):
    result = quiz([deck, "--tag", "nothing-has-this"], "")
    assert result.exit_code == 0
    assert "No cards to study: no deck found, or no card with the tags given." in result.output


# -- real processes ---------------------------------------------------------------------------------


def spawn(args, home, **env):
    environment = {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "DENSE1X1QUIZ_NOW": START, "TERM": "xterm-256color",
                   "PYTHONUNBUFFERED": "1", **env}
    environment.pop("NO_COLOR", None)
    environment.pop("COLUMNS", None)
    return subprocess.Popen([sys.executable, "-m", "dense1x1quiz", "study", *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment, text=True,
                            encoding="utf-8")


def test_piped_output_has_no_escape_codes_even_with_colour_allowed(deck, isolated_home):
    process = spawn([deck], isolated_home)
    out, err = process.communicate("\n3\nwrong\n\n2\n", timeout=60)
    assert process.returncode == 0, err
    assert "\x1b" not in out and "\x1b" not in err
    assert "✗ Wrong  you typed: wrong" in out


def test_sigterm_saves_and_exits(deck, isolated_home):
    process = spawn([deck, "--mode", "flip"], isolated_home)
    process.stdin.write("\n3\n")
    process.stdin.flush()
    seen = ""
    while "Saved Good" not in seen:
        line = process.stdout.readline()
        assert line, "the session ended before acknowledging the answer"
        seen += line
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 128 + signal.SIGTERM, err
    assert "Stopped (SIGTERM); every answer given is saved." in out
    assert [(r[1], r[3]) for r in reviews(isolated_home)] == [("what", 3)]
    assert err == ""


def test_a_home_that_cannot_be_created_is_a_clear_error(deck, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    process = spawn([deck], blocker / "home")
    out, err = process.communicate("", timeout=60)
    assert process.returncode == 1
    # (print_error wraps long messages at the terminal width; compare the words)
    assert " ".join(err.split()).startswith(f"Error: cannot create the folder {blocker / 'home'}: Not a directory")
    assert "Traceback" not in err


def test_next_due_is_shown_relative_to_the_stored_review_time(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n1\n")
    stamp = (datetime(2026, 11, 26, 9, tzinfo=timezone.utc) + timedelta(minutes=1)).astimezone().strftime("%H:%M")
    assert f"Saved Again · next in 1m ({stamp})" in result.output.splitlines()


@pytest.mark.parametrize("answers", [1, 3])
def test_kill_9_after_k_acknowledged_answers_keeps_exactly_k(deck, isolated_home, answers):
    process = spawn([deck, "--mode", "flip"], isolated_home)
    acknowledged = 0
    for _ in range(answers):
        process.stdin.write("\n3\n")
        process.stdin.flush()
        while True:
            line = process.stdout.readline()
            assert line, "the session ended early"
            if line.startswith("Saved "):
                acknowledged += 1
                break
    process.kill()  # SIGKILL: no handler runs
    process.communicate(timeout=60)
    assert acknowledged == answers
    assert len(reviews(isolated_home)) == answers
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
