"""`quiz study` as a script drives it: piped input (the line protocol of DESIGN.md), the whole transcript,
and the rows in the database (read with sqlite3 directly). Runs go through `cli.run` in this process;
signals and kill -9 need a real process (`spawn`)."""

import os
import re
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timezone

import pytest
from conftest import run_in_process, run_quiz

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

# The card headers as the plain screen shows them (TZ is UTC in tests: clock times read 09:10).
WHAT = "── mini ──\nWhat does a 1×1 convolution compute at each pixel?"
SHAPE = "── mini ──\nInput 32 × 32 × 64, 1×1 conv with 16 filters: output shape?"
PICK = "── mini ──\nWhich layer mixes channels but not pixels?"
CLOZE = "── mini ──\nA 1×1 conv keeps […]."

START = "2026-11-26T09:00:00Z"
START_MS = int(datetime(2026, 11, 26, 9, tzinfo=timezone.utc).timestamp() * 1000)


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def quiz(args, script, now=START, **env):
    """`quiz study ARGS` with `script` piped in, run in this process through `cli.run`."""
    return run_in_process("study", *args, input=script, env={"DENSE1X1QUIZ_NOW": now, **env})


def reviews(home):
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute(
            "SELECT deck, card, at_ms, rating, state_before, mode, typed, session FROM reviews ORDER BY id"
        ).fetchall()


def test_flip_takes_exactly_two_lines_per_card_and_every_answer_is_a_row(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n3\nreveal\nagain\n\neasy\n")
    assert (result.exit_code, result.stderr) == (0, "")
    # 3 cards left: the cloze card, and two learning cards coming back; the next one failed a minute before
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Good · next in 10m (09:10)

new 3  learning 1  review 0
{SHAPE}
Answer: 32x32x16
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
Saved Again · next in 1m (09:01)

new 2  learning 2  review 0
{PICK}
Answer: 1×1 convolution
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
Saved Easy · next in 10d (Sun 06 Dec 09:00)

new 1  learning 2  review 0
{CLOZE}
Studied 3 cards in 0s: 2 right, 1 wrong
3 cards left for today.
Next card due in 1m (09:01).
"""
    )
    rows = reviews(isolated_home)
    assert [(r[1], r[3], r[4], r[5], r[6]) for r in rows] == [
        ("what", 3, "new", "flip", None),
        ("shape", 1, "new", "flip", None),
        ("pick", 4, "new", "flip", None),
    ]
    assert {r[0] for r in rows} == {"mini"} and {r[2] for r in rows} == {START_MS}
    assert len({r[7] for r in rows}) == 1 and rows[0][7]  # one session id


def test_the_rating_buttons_show_the_fsrs_intervals(deck):
    result = quiz([deck, "--mode", "flip"], "\n")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
No cards studied.
5 cards left for today.
"""
    )


def test_q_and_end_of_input_quit_with_exit_0_and_keep_the_answers(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n4\nq\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Easy · next in 8d (Fri 04 Dec 09:00)

new 3  learning 0  review 0
{SHAPE}
Studied 1 card in 0s: 1 right, 0 wrong
3 cards left for today.
Next card due in 8d (Fri 04 Dec 09:00).
"""
    )
    assert len(reviews(isolated_home)) == 1
    result = quiz([deck, "--mode", "flip"], "\n")  # ends while the answer is shown
    assert (result.exit_code, result.stderr) == (0, "")
    assert len(reviews(isolated_home)) == 1
    assert (
        result.stdout
        == f"""\
new 3  learning 0  review 0
{SHAPE}
Answer: 32x32x16
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
No cards studied.
3 cards left for today.
Next card due in 8d (Fri 04 Dec 09:00).
"""
    )


def test_auto_mode_asks_each_kind_its_way(deck, isolated_home):
    # basic: reveal + rating; typed: answer + rating (empty = suggested); choice: one line; cloze: two lines
    result = quiz([deck], "\n3\n32 x 32 x 16\n\n1×1 convolution\n\n3\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Good · next in 10m (09:10)

new 3  learning 1  review 0
{SHAPE}
✓ Correct  you typed: 32 x 32 x 16
Answer: 32x32x16
 1 Again 1m  2 Hard 6m ▸3 Good 10m  4 Easy 10d
Saved Good · next in 10m (09:10)

new 2  learning 2  review 0
{PICK}
1. max pooling
2. 3×3 convolution
3. 1×1 convolution
✓ Right: 3. 1×1 convolution
Saved Good · next in 10m (09:10)

new 1  learning 3  review 0
{CLOZE}
Answer: H × W
A 1×1 conv keeps H × W.
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 7d
Saved Good · next in 10m (09:10)

new 0  learning 4  review 0
{WHAT}
Studied 4 cards in 0s: 4 right, 0 wrong
4 cards left for today.
Next card due in 10m (09:10).
"""
    )
    rows = reviews(isolated_home)
    assert [(r[1], r[3], r[5], r[6]) for r in rows] == [
        ("what", 3, "flip", None),
        ("shape", 3, "type", "32 x 32 x 16"),
        ("pick", 3, "choice", "1×1 convolution"),
        ("cz:c1", 3, "cloze", None),
    ]


def test_type_mode_grades_every_card_by_typing(deck, isolated_home):
    # A basic card's back is prose: the grader shows how alike the answers are and suggests nothing, so an
    # empty line records nothing (it used to say "Not quite" and record the suggested Hard).
    result = quiz([deck, "--mode", "type"], "a dense layer over the channel\n\n2\n")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
≈ Compare  you typed: a dense layer over the channel
  similarity: 98% · rate it yourself
  diff: a dense layer over the channel{{+s+}}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Rate with 1–4 (again, hard, good, easy); u undo, s show me, q quit.
Saved Hard · next in 6m (09:05)

new 3  learning 1  review 0
{SHAPE}
Studied 1 card in 0s: 1 right, 0 wrong
4 cards left for today.
Next card due in 6m (09:05).
"""
    )
    assert reviews(isolated_home)[0][3:7] == (2, "new", "type", "a dense layer over the channel")


def test_choice_mode_gives_basic_cards_options_from_the_deck(deck, isolated_home):
    result = quiz([deck, "--mode", "choice", "--tag", "basics"], "A dense layer over the channels\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == f"""\
new 3  learning 0  review 0
{WHAT}
1. A dense layer over the channels
2. 1×1 convolution
✓ Right: 1. A dense layer over the channels
Saved Good · next in 10m (09:10)

new 1  learning 1  review 0
{PICK}
1. max pooling
2. 1×1 convolution
3. 3×3 convolution
Studied 1 card in 0s: 1 right, 0 wrong
2 cards left for today.
Next card due in 10m (09:10).
"""
    )
    assert reviews(isolated_home)[0][3:6] == (3, "new", "choice")


def test_undo_removes_the_row_and_asks_the_card_again(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n1\n\nu\n\n4\n")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Again · next in 1m (09:01)

new 3  learning 1  review 0
{SHAPE}
Answer: 32x32x16
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
Undone: Again on what; it is asked again.

new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Easy · next in 8d (Fri 04 Dec 09:00)

new 3  learning 0  review 0
{SHAPE}
Studied 1 card in 0s: 1 right, 0 wrong
3 cards left for today.
Next card due in 8d (Fri 04 Dec 09:00).
"""
    )
    assert [(r[1], r[3]) for r in reviews(isolated_home)] == [("what", 4)]


def test_show_me_on_a_card_without_a_demo(deck):
    result = quiz([deck, "--mode", "flip"], "\ns\n3\n")
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
This card has no demo.
Saved Good · next in 10m (09:10)

new 3  learning 1  review 0
{SHAPE}
Studied 1 card in 0s: 1 right, 0 wrong
4 cards left for today.
Next card due in 10m (09:10).
"""
    )


def test_cram_practises_without_touching_the_schedule(deck, isolated_home):
    result = quiz([deck, "--cram", "--mode", "flip"], "\n1\n\n3\n\n3\n")
    assert (result.exit_code, result.stderr) == (0, "")
    assert (
        result.stdout
        == f"""\
cram 5 left
{WHAT}
Answer: A dense layer over the channels
1 Again  2 Hard  3 Good  4 Easy
Again · practice only; nothing saved

cram 5 left
{SHAPE}
Answer: 32x32x16
1 Again  2 Hard  3 Good  4 Easy
Good · practice only; nothing saved

cram 4 left
── mini ──
A dense layer over the channels
Answer: What does a 1×1 convolution compute at each pixel?
1 Again  2 Hard  3 Good  4 Easy
Good · practice only; nothing saved

cram 3 left
{CLOZE}
Studied 3 cards in 0s: 2 right, 1 wrong (practice only; nothing saved)
3 cards left for today.
"""
    )
    assert not (isolated_home / "quiz.sqlite3").exists()


def test_the_summary_counts_distinct_cards_and_answers(deck, isolated_home):
    """A card failed in cram comes back: five answers to four cards, and the summary says both."""
    result = quiz([deck, "--cram", "--mode", "flip"], "\n1\n\n3\n\n3\n\n3\n\n3\nq\n")
    assert result.stdout.splitlines()[-2:] == [
        "Studied 4 cards, 5 answers in 0s: 4 right, 1 wrong (practice only; nothing saved)",
        "1 card left for today.",
    ]


def test_tag_new_and_limit_choose_the_cards(deck, isolated_home):
    result = quiz([deck, "--tag", "basics", "--mode", "flip"], "\n4\n\n4\n\n4\n")
    # `what` and its reverse share a note: the reverse is buried once `what` is answered
    assert [r[1] for r in reviews(isolated_home)] == ["what", "pick"]
    assert (
        result.stdout
        == f"""\
new 3  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Easy · next in 8d (Fri 04 Dec 09:00)

new 1  learning 0  review 0
{PICK}
Answer: 1×1 convolution
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
Saved Easy · next in 10d (Sun 06 Dec 09:00)
Studied 2 cards in 0s: 2 right, 0 wrong
Next card due in 8d (Fri 04 Dec 09:00).
"""
    )


def test_new_cards_per_day(deck, isolated_home):
    done = quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n\n4\n")
    assert [r[1] for r in reviews(isolated_home)] == ["what"]
    # done for today only because of the limit: the summary says so, not just when the next card is due
    assert done.stdout.splitlines()[-3:] == [
        "Studied 1 card in 0s: 1 right, 0 wrong",
        f"The daily limit of 1 new card is reached (3 new cards left): `quiz study {deck} --new 4` studies more now.",
        "Next card due in 8d (Fri 04 Dec 09:00).",
    ]
    result = quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n")
    # the day's one new card is used up: why, what to do (commands that work: run below), when the next is due
    assert result.stdout == (
        "Nothing to study now: no card is due, and the daily limit of 1 new card is reached (3 new cards left).\n"
        f"To study more: `quiz study {deck} --new 4` (4 new cards a day) or `quiz study {deck} --cram` "
        "(practice only; nothing saved).\n"
        "Next card due in 8d (Fri 04 Dec 09:00).\n"
    )
    more = quiz([deck, "--new", "4", "--mode", "flip"], "\n4\n")
    assert more.stdout.splitlines()[0] == "new 3  learning 0  review 0"
    assert [r[1] for r in reviews(isolated_home)] == ["what", "shape"]
    result = quiz([deck, "--new", "1", "--mode", "flip"], "\n4\n", now="2026-11-28T09:00:00Z")
    assert [r[1] for r in reviews(isolated_home)] == ["what", "shape", "what:reverse"]  # the next new card


def test_nothing_left_at_all_says_so_and_offers_cram_with_the_same_tags(tmp_path, isolated_home):
    """Every card studied and none due: no new card is left; the cram suggestion keeps the session's deck and tags."""
    one = tmp_path / "my one.yaml"
    one.write_text("deck: one\ntitle: One\ncards:\n  - {id: a, front: q, back: b, tags: [t]}\n", encoding="utf-8")
    quiz([str(one), "--mode", "flip"], "\n4\n")
    result = quiz([str(one), "--tag", "t", "--mode", "flip"], "\n4\n")
    quoted = f"'{one}'"
    assert result.stdout == (
        "Nothing to study now: no card is due and no new card is left.\n"
        f"To practise anyway: `quiz study {quoted} --tag t --cram` (practice only; nothing saved).\n"
        "Next card due in 11d (Mon 07 Dec 09:00).\n"
    )
    practice = quiz([str(one), "--tag", "t", "--cram", "--mode", "flip"], "\n3\n")
    assert practice.stdout.splitlines()[-1] == "Studied 1 card in 0s: 1 right, 0 wrong (practice only; nothing saved)"


def test_limit_stops_after_that_many_cards(deck, isolated_home):
    quiz([deck, "--limit", "1", "--mode", "flip"], "\n4\n\n4\n\n4\n")
    assert [r[1] for r in reviews(isolated_home)] == ["what"]


def test_retention_and_new_are_for_the_session_only(deck, isolated_home):
    """--retention and --new change this session and save nothing (quiz config saves settings)."""
    quiz([deck, "--retention", "0.95", "--new", "1", "--mode", "flip"], "\n4\n\n4\n")
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT card, retention FROM reviews").fetchall() == [("what", 0.95)]
        assert db.execute("SELECT * FROM settings").fetchall() == []
    quiz([deck, "--mode", "flip"], "\n4\n", now="2026-11-26T10:00:00Z")
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT card, retention FROM reviews").fetchall() == [("what", 0.95), ("shape", 0.9)]
    result = quiz([deck, "--retention", "1.5"], "")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: --retention is the desired retention, from 0.7 to 0.99, not 1.5\n"


def test_a_week_of_study_brings_cards_back_when_due(deck, isolated_home):
    # Day 1: every card Good until nothing is left (learning steps come back early, as in Anki).
    result = quiz([deck, "--mode", "flip"], "\n3\n" * 20)
    day1 = reviews(isolated_home)
    assert {r[1] for r in day1} == {"what", "shape", "pick", "cz:c1"}
    assert "Nothing to study now." not in result.stdout
    assert re.search(r"Next card due in \d+d", result.stdout)
    # The same day again: nothing due
    result = quiz([deck, "--mode", "flip"], "\n3\n")
    assert result.stdout == (
        "Nothing to study now: no card is due, and 1 new card waits until tomorrow (a sibling card was studied "
        "today).\n"
        f"To practise anyway: `quiz study {deck} --cram` (practice only; nothing saved).\n"
        "Next card due in 2d (Sat 28 Nov 09:00).\n"
    )
    # A week later the graduated cards are reviews; the reverse card, new, is buried again by `what`
    result = quiz([deck, "--mode", "flip"], "\n3\n" * 20, now="2026-12-03T09:00:00Z")
    assert result.stdout.splitlines()[0] == "new 1  learning 0  review 4"
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        states = dict(db.execute("SELECT card, state FROM card_states").fetchall())
    assert states == {"cz:c1": "review", "pick": "review", "shape": "review", "what": "review"}


def test_unknown_deck_and_broken_deck(tmp_path, isolated_home):
    result = quiz(["nope-no-such-deck"], "")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: no deck named 'nope-no-such-deck' (decks: 1x1-in-practice, dense-vs-1x1; or "
        "give a path to a .yaml file)\n"
    )
    broken = tmp_path / "broken.yaml"
    broken.write_text("deck: b\ncards:\n  - {id: a, front: q}\n", encoding="utf-8")
    result = quiz([str(broken)], "")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: {broken}:1:1: missing `title`\n{broken}:3:5: missing `back`\n"


def test_a_deck_without_cards_says_so(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text("deck: e\ntitle: E\ncards: []\n", encoding="utf-8")
    result = quiz([str(empty)], "")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "No cards to study: the decks have no cards.\n"


def test_no_cards_with_that_tag(deck):
    result = quiz([deck, "--tag", "nothing-has-this"], "")
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "No cards to study: no card has the tag `nothing-has-this`; study without --tag, or with a tag the cards "
        "carry.\n"
    )


# -- the environment and signals: colour, SIGTERM, an unusable home, the time zone, kill -9 (signals in `spawn`) --


def spawn(args, home, **env):
    environment = {
        **os.environ,
        "DENSE1X1QUIZ_HOME": str(home),
        "DENSE1X1QUIZ_NOW": START,
        "TERM": "xterm-256color",
        "PYTHONUNBUFFERED": "1",
        **env,
    }
    environment.pop("NO_COLOR", None)
    environment.pop("COLUMNS", None)
    return subprocess.Popen(
        [sys.executable, "-m", "dense1x1quiz", "study", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        text=True,
        encoding="utf-8",
    )


def test_piped_output_has_no_escape_codes_even_with_colour_allowed(deck, isolated_home):
    result = quiz([deck], "\n3\nwrong\n\n2\n", NO_COLOR=None, COLUMNS=None, TERM="xterm-256color")
    assert (result.exit_code, result.stderr) == (0, "")
    assert "\x1b" not in result.stdout
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Good · next in 10m (09:10)

new 3  learning 1  review 0
{SHAPE}
✗ Wrong  you typed: wrong
Answer: 32x32x16
▸1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 10d
Saved Again · next in 1m (09:01)

new 2  learning 2  review 0
{PICK}
1. max pooling
2. 3×3 convolution
3. 1×1 convolution
✗ Wrong: 2. 3×3 convolution
  right: 3. 1×1 convolution
Saved Again · next in 1m (09:01)

new 1  learning 3  review 0
{CLOZE}
Studied 3 cards in 0s: 1 right, 2 wrong
4 cards left for today.
Next card due in 1m (09:01).
"""
    )


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
    result = quiz([deck], "", DENSE1X1QUIZ_HOME=str(blocker / "home"))
    assert (result.exit_code, result.stdout) == (1, "")
    # (print_error wraps long messages at the terminal width; compare the words)
    assert " ".join(result.stderr.split()).startswith(
        f"Error: cannot create the folder {blocker / 'home'}: Not a directory"
    )
    assert "Traceback" not in result.stderr


def test_next_due_is_shown_relative_to_the_stored_review_time(deck, isolated_home):
    result = quiz([deck, "--mode", "flip"], "\n1\n", TZ="Asia/Kolkata")  # 09:00 UTC is 14:30 there
    assert (
        result.stdout
        == f"""\
new 5  learning 0  review 0
{WHAT}
Answer: A dense layer over the channels
1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
Saved Again · next in 1m (14:31)

new 3  learning 1  review 0
{SHAPE}
Studied 1 card in 0s: 0 right, 1 wrong
4 cards left for today.
Next card due in 1m (14:31).
"""
    )


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


def test_readme_quick_start_transcript_is_real_output(tmp_path):
    """The README's first transcript is what the command prints (the clock fixed at 12:44 UTC, as it read)."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    command = "$ printf '\\n3\\nq\\n' | quiz study dense-vs-1x1 --mode flip\n"
    block = readme.split(command, 1)[1].split("```", 1)[0]
    env = {"DENSE1X1QUIZ_HOME": str(tmp_path / "home"), "DENSE1X1QUIZ_NOW": "2026-12-03T12:44:00Z"}
    done = run_quiz("study", "dense-vs-1x1", "--mode", "flip", input="\n3\nq\n", env=env)
    assert (done.returncode, done.stdout, done.stderr) == (0, block, "")
