"""`quiz study` on a real pseudo-terminal (pexpect): single keys, undo, show me, a resize mid-card,
a tiny terminal, and Ctrl-C (exit 130 with every acknowledged answer kept)."""

import os
import re
import signal
import sqlite3
import sys
import time
from contextlib import closing

import pytest

pexpect = pytest.importorskip("pexpect")

# Bold and dim stay under NO_COLOR (it is about colour); the screen is matched without them.
ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


class Screen:
    """What a pexpect child has written, escape sequences left out, matched in order."""

    def __init__(self, child):
        self.child = child
        self.raw = ""
        self.pos = 0

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw)

    def expect(self, pattern: str, literal: bool = True, timeout: float = 30) -> str:
        """Wait until `pattern` appears after the previous match; return the text skipped over."""
        regex = re.compile(re.escape(pattern) if literal else pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.text
            found = regex.search(text, self.pos)
            if found:
                skipped, self.pos = text[self.pos : found.start()], found.end()
                return skipped
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not shown; after the last match: {text[self.pos :][-1500:]!r}")
            try:
                self.raw += self.child.read_nonblocking(4096, timeout=0.2)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                if not regex.search(self.text, self.pos):
                    raise AssertionError(
                        f"{pattern!r} not shown before the end: {text[self.pos :][-1500:]!r}"
                    ) from None

    def end(self) -> int:
        """Wait for the program to exit; its exit status."""
        self.child.expect(pexpect.EOF)
        self.raw += self.child.before or ""
        self.child.close()
        return self.child.exitstatus


DECK = """\
deck: term
title: Terminal deck
cards:
  - id: what
    front: What does a 1×1 convolution compute at each pixel?
    back: A dense layer over the channels
    demo: {name: equivalence, height: 2, width: 2, cin: 3, cout: 2}
  - id: shape
    front: 'Output shape of a 1×1 conv with 16 filters on 32×32×64?'
    answer: 32x32x16
  - id: pick
    front: Which layer keeps H × W?
    options: [1×1 convolution, flatten + dense]
    answer: 1×1 convolution
"""


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "term.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def spawn(deck, home, rows=24, cols=80, *extra):
    env = {
        **os.environ,
        "DENSE1X1QUIZ_HOME": str(home),
        "DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z",
        "TERM": "xterm-256color",
        "NO_COLOR": "1",
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "dense1x1quiz", "study", deck, *extra],
        env=env,
        dimensions=(rows, cols),
        encoding="utf-8",
        timeout=30,
    )


def rows(home):
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute("SELECT card, rating, mode, typed FROM reviews ORDER BY id").fetchall()


def test_reveal_rate_undo_show_me_resize_and_ctrl_c(deck, isolated_home):
    child = spawn(deck, isolated_home, 30)  # the demo's 25 rows fit: printed, not paged
    screen = Screen(child)
    screen.expect("What does a 1×1 convolution compute at each pixel")
    screen.expect("space: show answer · s show me · u undo · q quit")
    child.send(" ")  # reveal: one key, no Enter
    screen.expect("A dense layer over the channels")
    screen.expect("3 Good 10m")
    child.send("3")
    screen.expect("Saved Good · next in 10m")
    screen.expect("Output shape of a 1×1 conv")
    screen.expect("Type the answer")

    child.sendline("u")  # a typed card reads a line: `u` alone undoes
    screen.expect("Undone: Good on what; it is asked again.")
    screen.expect("What does a 1×1 convolution compute at each pixel")
    assert rows(isolated_home) == []

    child.send("s")  # show me: the card's demo runs, then the card comes back
    screen.expect("quiz demo equivalence")
    screen.expect("Press any key to return to the card.")
    child.send("x")
    screen.expect("What does a 1×1 convolution compute at each pixel")

    child.setwinsize(5, 20)  # a resize mid-card redraws it for the new size
    screen.expect("3 0 0 spc s u q")  # the compact layout: counts in the key hint
    child.setwinsize(30, 80)
    screen.expect("new 3  learning 0  review 0")
    child.send(" ")
    screen.expect("A dense layer over the channels")
    child.send("4")
    screen.expect("Saved Easy")

    screen.expect("Type the answer")
    child.sendline("32 x 32 x 16")
    screen.expect("✓ Correct")
    screen.expect(r"Enter: suggested", literal=False)
    child.send("\r")  # Enter takes the suggested rating
    screen.expect("Saved Good")

    screen.expect("Which layer keeps H × W")
    child.sendintr()  # Ctrl-C: the summary, exit 130, the answers kept
    screen.expect(r"Stopped \(interrupted\); every answer given is saved\.", literal=False)
    screen.expect(r"Studied 2 cards in \d+s: 2 right, 0 wrong", literal=False)
    assert screen.end() == 130
    assert rows(isolated_home) == [("what", 4, "flip", None), ("shape", 3, "type", "32 x 32 x 16")]


def test_choice_keys_and_q_on_a_tiny_terminal(deck, isolated_home):
    child = spawn(deck, isolated_home, 5, 20, "--tag", "nothing")
    screen = Screen(child)
    screen.expect("No cards to study")
    assert screen.end() == 0

    child = spawn(deck, isolated_home, 5, 20, "--mode", "choice")
    screen = Screen(child)
    screen.expect(r"3 0 0 (spc|1–\d) s u q", literal=False)
    child.send("q")
    assert screen.end() == 0
    assert rows(isolated_home) == []


def test_a_choice_is_graded_at_once_and_saved_before_the_next_key(deck, isolated_home):
    child = spawn(deck, isolated_home)
    screen = Screen(child)
    child.send(" ")
    child.send("1")
    screen.expect("Saved Again")
    child.sendline("no idea")
    screen.expect("✗ Wrong")
    child.send("1")
    screen.expect("Saved Again")
    screen.expect("Which layer keeps H × W")
    options = screen.expect("1–2: choose")
    right = "1" if "1. 1×1 convolution" in options else "2"
    child.send(right)
    screen.expect("✓ Right")
    screen.expect("Saved Good")
    screen.expect("any key: next card")
    assert rows(isolated_home)[-1] == ("pick", 3, "choice", "1×1 convolution")  # saved before the next key
    child.send("q")
    assert screen.end() == 0


def test_no_color_leaves_no_colour_codes_and_sighup_saves_and_exits(deck, isolated_home):
    child = spawn(deck, isolated_home)
    screen = Screen(child)
    screen.expect("space: show answer")
    child.send(" ")
    screen.expect("1–4: rate")
    child.send("2")
    screen.expect("Saved Hard")
    screen.expect("Type the answer")
    child.kill(signal.SIGHUP)
    screen.expect("Stopped (SIGHUP); every answer given is saved.")
    assert screen.end() == 128 + signal.SIGHUP
    assert rows(isolated_home) == [("what", 2, "flip", None)]
    # NO_COLOR: bold and dim are allowed, colours (SGR 30–38, 40–48, 90–107) are not
    sgr = [code for params in re.findall(r"\x1b\[([0-9;]*)m", screen.raw) for code in params.split(";") if code]
    assert sgr and not [code for code in sgr if 30 <= int(code) <= 49 or 90 <= int(code) <= 107]


def test_e_on_a_terminal_keeps_what_became_of_the_history_atop_the_edited_card(
    deck, isolated_home, tmp_path, monkeypatch
):
    editor = tmp_path / "fix-typo"
    editor.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write(text.replace('compute at each', 'compute at every'))\n"
    )
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.delenv("VISUAL", raising=False)
    child = spawn(deck, isolated_home)
    child.setecho(False)
    screen = Screen(child)
    screen.expect("space: show answer")
    child.send("e")
    screen.expect("compute at every pixel")
    screen.expect("space: show answer")
    child.send("q")
    screen.end()
    # the last screen drawn (after the last clear) is the edited card, with the note above it
    last = ANSI.sub("", screen.raw.split("\x1b[2J")[-1])
    assert "term:what kept its id, and so its history." in last
    assert "compute at every pixel" in last


@pytest.mark.parametrize(("keys", "said"), [("*u", "Undone: flag on what."), ("u", "Nothing to undo in this session.")])
def test_u_that_leaves_the_card_shown_keeps_the_keys_hint_below_it(deck, isolated_home, keys, said):
    child = spawn(deck, isolated_home)
    screen = Screen(child)
    screen.expect("space: show answer")
    for key in keys:
        child.send(key)
    screen.expect(said)
    child.send("q")
    screen.end()
    last = ANSI.sub("", screen.raw.split("\x1b[2J")[-1])  # the last screen drawn, then the summary
    assert said in last
    assert "space: show answer · s show me · u undo · q quit" in last.split(said, 1)[1]
