"""Typed answers are edited as any terminal line (ui/line_editor.py, keys from ui/keys.py), and no key
typed during a session reaches the shell after it (issue 14, Input).

The decoder and the editor are tested as functions; then on a real pseudo-terminal (pexpect): the
editing keys and history in `quiz study --mode type` and in the exam's typed questions, and a shell
`read` after a session that ended (time limit, SIGTERM, Ctrl-C) gets only what was typed after it."""

import io
import os
import re
import select
import signal
import sqlite3
import sys
import textwrap
import time
import tty
from contextlib import closing

import pytest
from test_terminal import Screen  # the screen as shown, escape sequences left out

from dense1x1quiz.store import Store
from dense1x1quiz.ui.keys import KeyDecoder, KeyInput
from dense1x1quiz.ui.line_editor import LineEditor

pexpect = pytest.importorskip("pexpect")

HOME, END, LEFT, RIGHT, DELETE, UP, DOWN = "\x1b[H", "\x1b[F", "\x1b[D", "\x1b[C", "\x1b[3~", "\x1b[A", "\x1b[B"
BACKSPACE, CTRL_A, CTRL_E, CTRL_U, CTRL_W = "\x7f", "\x01", "\x05", "\x15", "\x17"


# -- keys from bytes ------------------------------------------------------------------------------


def test_escape_sequences_become_one_named_key_each_and_the_keys_after_them_are_kept():
    keys = KeyDecoder().feed(
        b"ab\x1b[Dc\x1bOD\x1b[H\x1bOH\x1b[1~\x1b[7~\x1b[3~\x1b[F\x1bOF\x1b[4~\x1b[8~\x1b[A\x1bOB\x1b[C"
        b"\x1b[1;5D\x1b[1;3C\x1bb\x1bF\x1b\x7f\x1b[15~q"
    )
    assert keys == [
        *("a", "b", "left", "c", "left", "home", "home", "home", "home", "delete", "end", "end", "end", "end"),
        *("up", "down", "right", "word-left", "word-right", "alt-b", "alt-f", "alt-backspace", "unknown", "q"),
    ]


def test_a_sequence_or_a_character_split_across_reads_is_completed_by_the_next_read():
    decoder = KeyDecoder()
    assert decoder.feed(b"x\x1b[") == ["x"]
    assert decoder.unfinished
    assert decoder.feed(b"3~") == ["delete"]
    assert decoder.feed("日".encode()[:2]) == []
    assert decoder.feed("日".encode()[2:] + b"\x1bO") == ["日"]
    assert decoder.feed(b"D") == ["left"]
    assert decoder.feed(b"\x1b") == [] and decoder.finish() == ["escape"]  # no more bytes came: a lone Esc
    assert not decoder.unfinished


def test_a_bracketed_paste_is_its_characters_with_line_breaks_as_spaces():
    decoder = KeyDecoder()
    assert decoder.feed(b"\x1b[200~one\r\ntwo\rthree\x1b[D\x1b[2") == list("one two three") + ["\x1b", *"[D"]
    assert decoder.feed(b"01~\r") == ["\r"]  # the end marker, split; then Enter is a key again


# -- the editor -----------------------------------------------------------------------------------


def edit(*keys: str, history: list[str] | None = None, limit: int = 100) -> LineEditor:
    editor = LineEditor("› ", history if history is not None else [], limit)
    for key in keys:
        for part in KeyDecoder().feed(key.encode()) if key.startswith("\x1b") else key:
            editor.feed(part)
    return editor


@pytest.mark.parametrize(
    ("keys", "text", "cursor"),
    [
        (("abc", LEFT, LEFT, "X"), "aXbc", 2),
        (("abc", HOME, "X", END, "Y"), "XabcY", 5),
        (("abc", CTRL_A, DELETE, CTRL_E, BACKSPACE), "b", 1),
        (("one two three", CTRL_W), "one two ", 8),
        (("one two  ", CTRL_W), "one ", 4),
        (("one two", LEFT, LEFT, LEFT, CTRL_U), "two", 0),
        (("one two", HOME, RIGHT, "\x0b"), "o", 1),  # Ctrl-K: to the end
        (("one two", "\x1b[1;5D", "X", "\x1bb", "Y"), "one YXtwo", 5),
        (("ab", "\x04", HOME, "\x04"), "b", 0),  # Ctrl-D deletes under the cursor on a line with text
        (("a\x1b\x07\tb",), "a b", 3),  # control characters never reach the line; Tab is a space
        (("e\u0301x", LEFT, LEFT, "y"), "ye\u0301x", 1),  # the accent goes with its letter
        (("日本", LEFT, "x"), "日x本", 2),
    ],
)
def test_editing_keys(keys, text, cursor):
    editor = edit(*keys)
    assert (editor.text, editor.pos) == (text, cursor)


def test_enter_finishes_the_line_and_ctrl_d_on_an_empty_line_ends_the_input():
    editor = edit("ab")
    assert editor.feed("\r") and editor.result == "ab"
    editor = edit()
    assert editor.feed("\x04") and editor.result is None


def test_up_and_down_walk_the_earlier_answers_and_come_back_to_the_line_being_typed():
    history = ["first", "second"]
    editor = edit("draft", UP, history=history)
    assert editor.text == "second"
    editor.feed("up")
    editor.feed("up")  # nothing older: stays on the oldest
    assert (editor.text, editor.pos) == ("first", 5)
    editor.feed("down")
    editor.feed("down")
    assert editor.text == "draft"
    editor.feed("down")
    assert editor.text == "draft"
    assert history == ["first", "second"]


def test_more_than_the_limit_is_dropped_and_said():
    editor = edit("abcdef", limit=4)
    assert (editor.text, editor.cut) == ("abcd", True)
    assert not edit("abcd", limit=4).cut


def test_the_cursor_is_placed_by_display_width():
    editor = edit("日本", LEFT)  # the prompt takes 2 columns, 日 2 more: the cursor is on 本
    assert editor.draw(80) == "\r› 日本\x1b[J\r\x1b[4C"
    editor = edit("e\u0301x", LEFT)  # é is one column
    assert editor.draw(80) == "\r› e\u0301x\x1b[J\r\x1b[3C"


def test_a_line_longer_than_the_terminal_wraps_and_the_cursor_goes_back_up_to_it():
    editor = edit("abcdefghij", HOME)  # 2 + 10 columns on a terminal 8 wide: two rows
    assert editor.draw(8) == "\r› abcdefghij\x1b[J\x1b[1A\r\x1b[2C"
    editor.feed("end")  # back to the first row, then down to the end
    assert editor.draw(8) == "\r› abcdefghij\x1b[J\r\x1b[4C"
    for key in "wxyz":  # the text fills the second row: the terminal waits to wrap, so the cursor goes on
        editor.feed(key)
    assert editor.draw(8) == "\x1b[1A\r› abcdefghijwxyz\r\n\x1b[J\r"
    editor = edit("abcdef日")  # a wide character that does not fit starts the next row
    assert editor.draw(9) == "\r› abcdef日\x1b[J\r\x1b[2C"


# -- the end of a session -------------------------------------------------------------------------


def test_keys_typed_and_not_read_are_discarded_when_the_session_ends():
    master, slave = os.openpty()
    try:
        tty.setcbreak(slave)  # every byte readable at once, a line or not
        os.write(master, b"spatial struc")
        assert select.select([slave], [], [], 2)[0]  # waiting to be read
        with KeyInput(slave):
            pass
        assert not select.select([slave], [], [], 0.2)[0]
    finally:
        os.close(master)
        os.close(slave)


def test_a_terminal_that_hangs_up_ends_the_line_as_ctrl_d_would():
    master, slave = os.openpty()
    try:
        os.write(master, b"half")
        time.sleep(0.1)
        os.close(master)
        with KeyInput(slave, out=io.StringIO()) as keys:
            assert keys.line("› ") is None
            assert keys.key() is None
    finally:
        os.close(slave)


# -- on a terminal --------------------------------------------------------------------------------

DECK = textwrap.dedent("""\
    deck: typing
    title: Typing deck
    cards:
      - id: sixteen
        front: Output shape of a 1×1 conv with 16 filters on 32×32×64?
        answer: 32x32x16
      - id: eight
        front: Output shape of a 1×1 conv with 8 filters on 32×32×64?
        answer: 32x32x8
    """)


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "typing.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def spawn(argv, home, **extra):
    env = {
        **os.environ,
        "DENSE1X1QUIZ_HOME": str(home),
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
        **extra,
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return pexpect.spawn(argv[0], argv[1:], env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)


def quiz(*args):
    return [sys.executable, "-m", "dense1x1quiz", *args]


def in_shell(*args):
    """`sh -c` running quiz ARGS, then a `read` that shows what it got (and quiz's exit status). The
    shell traps Ctrl-C (the terminal sends it to both) so that it goes on to its `read`."""
    command = " ".join(f"'{a}'" for a in quiz(*args))
    return ["/bin/sh", "-c", f'trap : INT; {command}; echo "status:$?"; read x; echo "got:[$x]"']


def send_slowly(child, *keys):
    """Each key as a read of its own, as a person types (an escape sequence stays whole)."""
    for key in keys:
        child.send(key)
        time.sleep(0.05)


def test_editing_keys_and_history_in_study_mode_type(deck, isolated_home):
    child = spawn(quiz("study", deck, "--mode", "type"), isolated_home, DENSE1X1QUIZ_NOW="2026-11-26T09:00:00Z")
    screen = Screen(child)
    screen.expect("with 16 filters")
    screen.expect("› ")
    send_slowly(child, "wrong words", CTRL_W, CTRL_U, "2x32x1z", HOME, "3", "\x1bOF", BACKSPACE, "6")
    send_slowly(child, LEFT, "\x1bOD", DELETE, "1", "\x1b[1~", RIGHT, RIGHT, "\x1b[4~", "\r")
    screen.expect("✓ Correct  you typed: 32x32x16")
    screen.expect("Enter: suggested")
    child.send("\r")
    screen.expect("with 8 filters")
    screen.expect("› ")
    send_slowly(child, "draft", UP, UP, DOWN, DOWN, CTRL_U, UP, BACKSPACE, BACKSPACE, "8", CTRL_A, "\r")
    screen.expect("✓ Correct  you typed: 32x32x8")
    screen.expect("Enter: suggested")
    child.send("\r")
    screen.expect("Saved Good")
    screen.expect("› ")  # the first card again (a learning step): q ends the session
    child.sendline("q")
    screen.expect("Studied 2 cards")
    assert screen.end() == 0
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        typed = db.execute("SELECT card, typed FROM reviews ORDER BY id").fetchall()
    assert typed == [("sixteen", "32x32x16"), ("eight", "32x32x8")]


def test_editing_keys_and_history_in_an_exams_typed_questions(deck, isolated_home):
    child = spawn(quiz("exam", deck, "-n", "2", "--seed", "1", "--no-computed"), isolated_home)
    answers = {"16 filters": "32x32x16", "8 filters": "32x32x8"}
    typed = []
    for _ in range(2):
        child.expect(r"with (16|8) filters")
        wanted = answers[child.match.group(1) + " filters"]
        child.expect("Answer: ")
        if not typed:  # the first: typed with mistakes, corrected
            send_slowly(child, "x" + wanted[:-1] + "9", HOME, DELETE, END, BACKSPACE, wanted[-1], LEFT, RIGHT, "\r")
        else:  # the second: the first answer again (Up), its end changed
            send_slowly(child, UP, *[BACKSPACE] * len(typed[0].split("x")[-1]), wanted.split("x")[-1], "\r")
        typed.append(wanted)
        child.expect("✓ Right")
    child.expect("Score 2/2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert [r["given"] for r in store.exam_answers(exam.id)] == typed


def test_an_answer_half_typed_when_the_time_is_up_does_not_reach_the_shell(deck, isolated_home):
    child = spawn(in_shell("exam", deck, "-n", "1", "--no-computed", "--time-limit", "0.1"), isolated_home)
    child.expect("Answer: ")
    child.send("spatial struc")  # never finished
    child.expect("Time is up; 1 question unanswered.")
    child.expect("status:0")
    child.sendline("after")
    child.expect(r"got:\[(.*)\]")
    assert child.match.group(1) == "after"
    child.expect(pexpect.EOF)


def test_sigterm_while_typing_restores_the_terminal_drops_the_line_and_still_kills(deck, isolated_home):
    child = spawn(in_shell("exam", deck, "-n", "1", "--no-computed"), isolated_home)
    child.expect("Answer: ")
    child.send("half an answe")
    time.sleep(0.3)
    with open(f"/proc/{child.pid}/task/{child.pid}/children") as children:
        [quiz_pid] = children.read().split()
    os.kill(int(quiz_pid), signal.SIGTERM)
    child.expect(r"status:(\d+)")
    assert child.match.group(1) == str(128 + signal.SIGTERM)  # died of it, as before
    child.sendline("after")
    child.expect("after")  # echoed: the terminal echoes again
    child.expect(r"got:\[(.*)\]")
    assert child.match.group(1) == "after"
    child.expect(pexpect.EOF)


def test_ctrl_c_while_typing_a_study_answer_gives_the_summary_and_restores_the_terminal(deck, isolated_home):
    child = spawn(in_shell("study", deck, "--mode", "type"), isolated_home, DENSE1X1QUIZ_NOW="2026-11-26T09:00:00Z")
    child.expect("› ")
    send_slowly(child, "32x", LEFT)
    child.sendintr()
    child.expect(r"Stopped \(interrupted\); every answer given is saved\.")
    child.expect("status:130")
    child.sendline("after")
    child.expect("after")
    child.expect(r"got:\[(.*)\]")
    assert child.match.group(1) == "after"
    child.expect(pexpect.EOF)


def test_a_resize_while_typing_redraws_the_card_and_keeps_the_line(deck, isolated_home):
    child = spawn(quiz("study", deck, "--mode", "type"), isolated_home, DENSE1X1QUIZ_NOW="2026-11-26T09:00:00Z")
    screen = Screen(child)
    screen.expect("with 16 filters")
    screen.expect("› ")
    send_slowly(child, "32x32", LEFT)
    child.setwinsize(12, 40)
    screen.expect("│ Output shape of a 1×1 conv with 16   │")  # the card again, for the new size
    screen.expect("› 32x32")  # then the line as it was
    send_slowly(child, END, "x16\r")
    screen.expect("✓ Correct  you typed: 32x32x16")
    child.sendline("q")
    assert screen.end() == 0


def test_a_resize_while_typing_an_exam_answer_redraws_the_question_and_keeps_the_line(deck, isolated_home):
    child = spawn(quiz("exam", deck, "-n", "1", "--seed", "1", "--no-computed", "--time-limit", "9"), isolated_home)
    screen = Screen(child)
    screen.expect("Question 1 of 1  typing  ")
    screen.expect("filters on 32×32×64?")
    screen.expect("Answer: ")
    send_slowly(child, "32x32", LEFT)
    child.setwinsize(12, 40)
    screen.expect("Question 1 of 1  typing  ")  # the question again, its time left counted down
    screen.expect(r"\d:\d\d left\r\nOutput shape of a 1×1 conv with \d+\s+filters on 32×32×64\?", literal=False)
    screen.expect("Answer: 32x32")  # then the line as it was
    send_slowly(child, END, "x1\r")
    screen.expect("✗ Wrong")
    assert screen.end() == 0


EXPLAINED = textwrap.dedent("""\
    deck: explained
    title: Explained deck
    cards:
      - id: sixteen
        front: 1×1 conv, 16 filters, on 32×32×64?
        answer: 32x32x16
        explain: A 1×1 convolution looks at one pixel at a time, so the height and width stay as they
          are; the channels become the number of filters. Each output pixel is a dense layer over
          the 64 channels of its input pixel.
        source: Lin et al. 2013, Network in Network
      - id: eight
        front: 1×1 conv, 8 filters, on 32×32×64?
        answer: 32x32x8
        explain: A 1×1 convolution looks at one pixel at a time, so the height and width stay as they
          are; the channels become the number of filters. Each output pixel is a dense layer over
          the 64 channels of its input pixel.
        source: Lin et al. 2013, Network in Network
    """)


@pytest.mark.parametrize(("rows", "cols", "waits"), [(12, 40, True), (24, 80, False)])
def test_on_a_small_terminal_the_exam_waits_for_a_key_before_the_next_question_hides_the_feedback(
    tmp_path, isolated_home, rows, cols, waits
):
    """At 40×12 the feedback (verdict, explanation, source, blank: 11 rows) and the next question (3
    rows with the prompt) do not fit together: a key first, so the feedback is read. At 80×24 they do."""
    path = tmp_path / "explained.yaml"
    path.write_text(EXPLAINED, encoding="utf-8")
    child = spawn(quiz("exam", str(path), "-n", "2", "--seed", "1", "--no-computed"), isolated_home)
    child.setwinsize(rows, cols)
    screen = Screen(child)
    screen.expect("Question 1 of 2")
    screen.expect(r"1×1 conv, (16|8) filters", literal=False)
    first = re.findall(r"conv, (\d+) filters", screen.text)[-1]
    screen.expect("Answer: ")
    send_slowly(child, f"32x32x{first}\r")
    screen.expect("✓ Right")
    screen.expect("source: Lin et al. 2013")
    if waits:
        after = screen.expect("Press any key for the next question.")
        assert "Question 2" not in after
        child.send(" ")
    screen.expect("Question 2 of 2")
    screen.expect("Answer: ")
    send_slowly(child, "32x32x16\r" if first == "8" else "32x32x8\r")
    screen.expect("Score 2/2")
    assert screen.text.count("Press any key") == waits  # not after the last question
    assert screen.end() == 0


def test_a_paste_never_submits_and_a_long_one_is_cut_and_said(deck, isolated_home):
    child = spawn(quiz("exam", deck, "-n", "1", "--no-computed"), isolated_home)
    child.expect("Answer: ")
    child.send("\x1b[200~ab\r\ncd" + "x" * 5000 + "\x1b[201~")  # a bracketed paste: its line break is a space
    child.send("\r")
    child.expect("Your answer was cut to 4,096 characters.")
    child.expect("✗ Wrong")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert [r["given"] for r in store.exam_answers(exam.id)] == ["ab cd" + "x" * 4091]


def test_back_from_a_stop_the_line_is_edited_as_before(deck, isolated_home):
    """After Ctrl-Z and `fg` the shell has put the terminal back in its own mode (echo, whole lines):
    on SIGCONT the editor takes it back and redraws."""
    import termios

    child = spawn(quiz("study", deck, "--mode", "type"), isolated_home, DENSE1X1QUIZ_NOW="2026-11-26T09:00:00Z")
    screen = Screen(child)
    screen.expect("with 16 filters")
    screen.expect("› ")
    send_slowly(child, "32x32x6")
    os.kill(child.pid, signal.SIGSTOP)
    mode = termios.tcgetattr(child.child_fd)
    mode[3] |= termios.ICANON | termios.ECHO  # what a shell does when it gets the terminal back
    termios.tcsetattr(child.child_fd, termios.TCSANOW, mode)
    os.kill(child.pid, signal.SIGCONT)
    screen.expect("│ Output shape of a 1×1 conv with 16 filters on 32×32×64?")  # redrawn
    screen.expect("› 32x32x6")
    send_slowly(child, LEFT, "1", "\r")  # one key at a time again: no Enter needed for Left to act
    screen.expect("✓ Correct  you typed: 32x32x16")
    child.sendline("q")
    assert screen.end() == 0
