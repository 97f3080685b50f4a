"""`quiz study` written to a pipe or a file: plain lines without rich, the same words as the terminal.

CliRunner's stdout is not a terminal, so `quiz study` run through it writes the plain screen; the
whole transcript is compared line by line. The terminal screen (rich) is covered by test_session.py
(line input) and test_terminal.py (keys, in a pty)."""

import io
from datetime import datetime, timedelta, timezone

from typer.testing import CliRunner

from dense1x1quiz.answers import grade
from dense1x1quiz.cli import app
from dense1x1quiz.ui.keys import LineInput
from dense1x1quiz.ui.plain import aligned, cell_width, table_lines
from dense1x1quiz.ui.study_plain import PlainStudyUI
from dense1x1quiz.ui.study_screen import open_study_ui
from dense1x1quiz.views import Action, CardView

DECK = r"""
deck: plain
title: Plain transcript deck
cards:
  - id: pick
    front: Which layer mixes channels but not pixels?
    options: [1×1 convolution, 3×3 convolution, max pooling, a, b, c, d, e, f, g]
    answer: 1×1 convolution
  - id: shape
    front: 'Input $32 \times 32 \times 64$, 1×1 conv with 16 filters: output shape?'
    answer: 32x32x16
    explain: "The kernel sees one pixel;\nthe channels change."
tables:
  - id: cmp
    title: Dense vs 1×1
    columns: [layer, weights, 形状]
    rows:
      - [dense, "$C_{in} \\times C_{out}$", flat]
      - [1×1 conv, "$C_{in} \\times C_{out}$ per pixel", map]
"""

START = "2026-11-26T09:00:00Z"
OPTIONS = [
    " 1. f",
    " 2. g",
    " 3. a",
    " 4. max pooling",
    " 5. e",
    " 6. d",
    " 7. 3×3 convolution",  # right-aligned
    " 8. b",
    " 9. c",
    "10. 1×1 convolution",
]


def local_time(minutes: int) -> str:
    return (datetime(2026, 11, 26, 9, tzinfo=timezone.utc) + timedelta(minutes=minutes)).astimezone().strftime("%H:%M")


def test_the_whole_plain_transcript(tmp_path):
    deck = tmp_path / "plain.yaml"
    deck.write_text(DECK, encoding="utf-8")
    script = "3\n32x32x1\n\n1\n3\n1\n\nq\n"
    result = CliRunner().invoke(app, ["study", str(deck), "--new", "4"], input=script, env={"DENSE1X1QUIZ_NOW": START})
    assert result.exit_code == 0, result.output
    in_1m = local_time(1)
    assert result.output.splitlines() == [
        "new 4  learning 0  review 0",
        "── plain ──",
        "Which layer mixes channels but not pixels?",
        *OPTIONS,
        "✗ Wrong: 3. a",
        "  right: 10. 1×1 convolution",
        f"Saved Again · next in 1m ({in_1m})",
        "",
        "new 3  learning 1  review 0",
        "── plain ──",
        "Input 32 × 32 × 64, 1×1 conv with 16 filters: output shape?",
        "✗ Not quite  you typed: 32x32x1",
        "  diff: 32x32x1{+6+}",  # no colour in a pipe: the missing character is marked
        "Answer: 32x32x16",
        "The kernel sees one pixel;",
        "the channels change.",
        "▸1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d",
        f"Saved Again · next in 1m ({in_1m})",  # an empty line takes the suggested rating
        "",
        "new 2  learning 2  review 0",
        "── plain ──",
        "Dense vs 1×1",
        "layer: dense",
        "weights: ?",
        "1. Cᵢₙ × Cₒᵤₜ",
        "2. Cᵢₙ × Cₒᵤₜ per pixel",
        "✓ Right: 1. Cᵢₙ × Cₒᵤₜ",
        "Dense vs 1×1",  # the whole row, its names aligned by the columns they take (形状 takes 4)
        "  layer   dense",
        "  weights Cᵢₙ × Cₒᵤₜ",
        "  形状    flat",
        f"Saved Good · next in 10m ({local_time(10)})",
        "",
        "new 1  learning 3  review 0",
        "── plain ──",
        "Dense vs 1×1",
        "layer: 1×1 conv",
        "weights: ?",
        "1. Cᵢₙ × Cₒᵤₜ",
        "2. Cᵢₙ × Cₒᵤₜ per pixel",
        "Choose 1–2 (or the option's text); u undo, s show me, q quit.",  # "3" is not an option
        "✗ Wrong: 1. Cᵢₙ × Cₒᵤₜ",
        "  right: 2. Cᵢₙ × Cₒᵤₜ per pixel",
        "Dense vs 1×1",
        "  layer   1×1 conv",
        "  weights Cᵢₙ × Cₒᵤₜ per pixel",
        "  形状    map",
        f"Saved Again · next in 1m ({in_1m})",
        "",
        "new 0  learning 4  review 0",  # nothing new is left: the first card comes back early
        "── plain ──",
        "Which layer mixes channels but not pixels?",
        *OPTIONS,
        "Choose 1–10 (or the option's text); u undo, s show me, q quit.",
        "Studied 4 cards in 0s: 1 right, 3 wrong",
        "4 cards left for today.",
        f"Next card due in 1m ({in_1m}).",
    ]


def test_cram_header_undo_note_and_a_card_without_demo():
    out = io.StringIO()
    ui = PlainStudyUI(out, LineInput(io.StringIO("s\n")))
    card = _card()
    ui.card(CardView(card, "Why 1×1?", "flip", counts=(2, 0, 1), cram=True))
    assert ui.read("reveal") == Action("reveal")
    ui.hint("space: show answer", "spc")  # a script knows its protocol: no hint is written
    ui.note("Undone: Good on why; it is asked again.")
    assert ui.run_demo(card) is False
    ui.typed_verdict("$C_{in}$", grade("Cin", ["Cᵢₙ"]), show_diff=False)
    assert out.getvalue().splitlines() == [
        "cram 3 left",
        "── d ──",
        "Why 1×1?",
        "Undone: Good on why; it is asked again.",
        "This card has no demo.",
        "✓ Correct  you typed: Cᵢₙ",  # what was typed is shown as deck text is: math rendered
    ]


def test_piped_stdout_gets_the_plain_screen_and_a_terminal_the_rich_one(monkeypatch):
    class Stdout(io.StringIO):
        def __init__(self, tty: bool):
            super().__init__()
            self.tty = tty

        def isatty(self) -> bool:
            return self.tty

    for tty, kind in ((False, "PlainStudyUI"), (True, "StudyUI")):
        monkeypatch.setattr("sys.stdout", Stdout(tty))
        with open_study_ui(io.StringIO("")) as ui:
            assert type(ui).__name__ == kind
            assert ui.lines is not None  # stdin is not a terminal: one line per step either way


def test_aligned_columns_count_wide_and_combining_characters():
    assert cell_width("形状") == 4 and cell_width("e\u0301") == 1 and cell_width("Cᵢₙ") == 3
    assert aligned(["a", "形状"], ["x", "y\nz"]) == ["a    x", "形状 y", "     z"]
    assert aligned(["9.", "10."], ["p", "q"], right=True) == [" 9. p", "10. q"]
    assert table_lines([["deck", "cards", "from"], ["形状", "5", "user"], ["x", "1,234", ""]], right={1}) == [
        "deck  cards  from",
        "形状      5  user",
        "x     1,234",
    ]


def _card():
    from dense1x1quiz.model import Card

    return Card(deck="d", id="why", kind="basic", prompt="Why 1×1?", answer="Channels")
