"""`quiz study` on small real terminals (pexpect): at 40×12 and 20×5 the question, the answer (or the
options) and the keys are on the screen in every state, and the header says how far the session is."""

import re
import unicodedata

import pytest
from test_terminal import ANSI, DECK, Screen, spawn

pexpect = pytest.importorskip("pexpect")


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "term.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


CLEAR = "\x1b[2J"  # every drawing of a card starts with it (rich's console.clear)


def visible(screen: Screen, rows: int, cols: int) -> list[str]:
    """The rows of the last drawing, checked to fit the terminal: none scrolled off, none wrapped."""
    drawing = screen.raw[screen.raw.rfind(CLEAR) :]
    lines = ANSI.sub("", drawing).replace("\r\n", "\n").replace("\r", "").split("\n")
    assert len(lines) <= rows, f"{len(lines)} rows drawn on a terminal of {rows}: {lines}"
    wide = [line for line in lines if sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line) > cols]
    assert not wide, f"rows wider than {cols} columns: {wide}"
    return lines


def shows(lines: list[str], *texts: str) -> None:
    """Each of `texts` on the screen (on one row); KEYS: the key hint, long or short."""
    screen = "\n".join(lines)
    for text in texts:
        found = re.search(r"u q\b|u undo\s*·\s*q quit|undo, quit", screen) if text == KEYS else text in screen
        assert found, f"{text!r} not on the screen:\n{screen}"


KEYS = "(the keys)"


@pytest.mark.parametrize(("rows", "cols"), [(12, 40), (5, 20)])
def test_flip_and_typed_cards_keep_the_question_answer_and_keys_on_screen(deck, isolated_home, rows, cols):
    child = spawn(deck, isolated_home, rows, cols, "--mode", "auto")
    screen = Screen(child)
    screen.expect(r"(spc s u q|space: show answer)", literal=False)  # before reveal
    shows(visible(screen, rows, cols), "What does a 1×1", KEYS)
    child.send(" ")
    screen.expect(r"(1–4 s u q|1–4: rate)", literal=False)  # after reveal: question, answer, buttons, keys
    shows(visible(screen, rows, cols), "What does a 1×1", "Answer: A dense", "1·1m", "1–4", KEYS)
    child.send("3")
    screen.expect(r"(type ⏎ s u q|Type the answer)", literal=False)  # a typed card waits for its line
    screen.expect("›")
    lines = visible(screen, rows, cols)
    shows(lines, "Output shape of", KEYS, "›")
    if cols >= 40:  # how far the session is (a compact hint too narrow for it keeps the keys instead)
        shows(lines, "new 2  learning 1  review 0  · 1 done")
    child.sendline("32x32x16")
    screen.expect(r"(1–4 s u q|1–4: rate)", literal=False)  # the verdict with the question still above it
    shows(visible(screen, rows, cols), "Output shape of", "✓ Correct", "1–4", KEYS)
    child.send("q")
    assert screen.end() == 0


@pytest.mark.parametrize(("rows", "cols"), [(12, 40), (5, 20)])
def test_choice_options_do_not_push_the_question_off(deck, isolated_home, rows, cols):
    child = spawn(deck, isolated_home, rows, cols, "--mode", "choice")
    screen = Screen(child)
    screen.expect(r"(1–3 s u q|1–3: choose)", literal=False)
    lines = visible(screen, rows, cols)
    shows(lines, "What does a 1×1", "1. ", "2. ", "3. ")
    picked = next(line for line in lines if "1. " in line)
    child.send("1")
    screen.expect(r"(key s u q|any key: next card)", literal=False)
    lines = visible(screen, rows, cols)
    verdict = "✓ Right" if "A dense layer" in picked else "✗ Wrong"
    shows(lines, "What does a 1×1", verdict, KEYS)
    child.send("q")
    assert screen.end() == 0


def test_a_terminal_that_grows_gets_the_full_layout_back(deck, isolated_home):
    """40×12 fits the first card's full screen; the same card at 20×5 is compact, then full again."""
    child = spawn(deck, isolated_home, 12, 40)
    screen = Screen(child)
    screen.expect("space: show answer")
    assert "╭─ term" in "\n".join(visible(screen, 12, 40))  # the panel: it fits
    child.setwinsize(5, 20)
    screen.expect("3 0 0 spc s u q")
    shows(visible(screen, 5, 20), "What does a 1×1")
    child.setwinsize(12, 40)
    screen.expect("space: show answer")
    assert re.search("new 3 +learning 0 +review 0", "\n".join(visible(screen, 12, 40)))
    child.send("q")
    assert screen.end() == 0
