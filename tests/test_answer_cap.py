"""Issue 11: a typed answer is read, graded and stored up to MAX_ANSWER_CHARS (4,096) characters; a longer
line is cut (its rest read and dropped, never held) and the screen says so. Study and exam alike."""

from __future__ import annotations

import io
import sqlite3
from contextlib import closing

import pytest

from tests.conftest import run_quiz

HUGE = "x" * 20_000_000  # the 20 MB line
NOTICE = "Your answer was cut to 4,096 characters."


@pytest.fixture
def typed_deck(tmp_path):
    path = tmp_path / "typed.yaml"
    path.write_text('deck: typed\ntitle: Typed\ncards:\n  - {id: two, front: "Two?", answer: "2"}\n')
    return path


def test_the_cap_is_4096_characters():
    from dense1x1quiz.answers import MAX_ANSWER_CHARS

    assert MAX_ANSWER_CHARS == 4096


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short\nnext\n", [("short", False), ("next", False), (None, False)]),
        ("a" * 4096 + "\nnext\n", [("a" * 4096, False), ("next", False), (None, False)]),
        ("a" * 4096 + "\r\nnext", [("a" * 4096, False), ("next", False), (None, False)]),
        ("a" * 4097 + "\nnext\n", [("a" * 4096, True), ("next", False), (None, False)]),
        ("a" * 200_000 + "\n\n", [("a" * 4096, True), ("", False), (None, False)]),
        ("a" * 5000, [("a" * 4096, True), (None, False)]),
    ],
)
def test_read_line_keeps_at_most_the_cap_and_drops_the_rest_of_the_line(text, expected):
    from dense1x1quiz.ui.keys import read_line

    stream = io.StringIO(text)
    assert [read_line(stream) for _ in expected] == expected


def test_line_input_says_whether_the_last_line_was_cut():
    from dense1x1quiz.ui.keys import LineInput

    lines = LineInput(io.StringIO("b" * 5000 + "\nok\n"))
    assert (lines.line(), lines.cut) == ("b" * 4096, True)
    assert (lines.line(), lines.cut) == ("ok", False)


def test_a_20_mb_typed_answer_in_study_is_cut_said_and_stored_cut(typed_deck, isolated_home):
    result = run_quiz("study", str(typed_deck), "--mode", "type", input=HUGE + "\n3\n", memory_mib=1024, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[3] == NOTICE
    assert lines[4] == "✗ Wrong  you typed: " + "x" * 4096
    assert lines[7].startswith("Saved Good")
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT card, length(typed), typed = ? FROM reviews", ("x" * 4096,)).fetchall() == [
            ("two", 4096, 1)
        ]


def test_huge_reveal_and_rating_lines_are_not_held(typed_deck):
    """In flip mode the reveal line's text is ignored and the rating line is a word: a 20 MB one of each
    is read in bounded memory (the rating is refused and asked again)."""
    result = run_quiz(
        "study", str(typed_deck), "--mode", "flip", input=f"{HUGE}\n{HUGE}\n3\n", memory_mib=1024, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Rate with 1–4 (again, hard, good, easy); u undo, s show me, q quit." in result.stdout.splitlines()
    assert "Saved Good" in result.stdout


def test_a_20_mb_answer_in_an_exam_is_cut_said_and_stored_cut(typed_deck, isolated_home):
    result = run_quiz(
        "exam", str(typed_deck), "--no-computed", "-n", "1", input=HUGE + "\n", memory_mib=1024, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[lines.index("Answer: " + "x" * 4096) + 1] == NOTICE
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT length(given), correct FROM exam_answers").fetchall() == [(4096, 0)]
