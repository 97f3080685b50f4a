"""Cloze deletions: one parser for study, exam, validation, Markdown import and export; braces in math."""

from __future__ import annotations

import json
import textwrap

import pytest

from dense1x1quiz.authoring.markdown_import import parse_notes
from dense1x1quiz.deck import load_deck
from dense1x1quiz.model import cloze_answer, cloze_numbers, cloze_prompt, cloze_reveal, parse_cloze
from dense1x1quiz.text import display

LIMITS = {"memory_mib": 1024, "timeout": 30}
NOW = {"DENSE1X1QUIZ_NOW": "2026-11-26T10:00:00Z"}
UNCLOSED = (
    "`{{c1::` has no closing `}}`: inside a deletion `{` and `}` pair up (as in `{{c1::$W_{a_{b}}$}}`) "
    "and `\\{`, `\\}` are literal braces; close every `{`, or write a lone one as `\\{`"
)


@pytest.mark.parametrize(
    "text, prompt, answer",
    [
        # braces pair up inside a deletion, so `}}` inside math does not end it
        ("The {{c1::$W_{a_{b}}$}} is", "The […] is", "$W_{a_{b}}$"),
        ("The {{c1::$W_{a_{b}}$::matrix}} is", "The [matrix] is", "$W_{a_{b}}$"),
        ("$$x = {{c1::\\frac{a}{\\frac{b}{c}}}}$$", "$$x = […]$$", "\\frac{a}{\\frac{b}{c}}"),  # a deletion in math
        ("\\(y = {{c1::x^{2}}}\\)", "\\(y = […]\\)", "x^{2}"),
        ("literal {{c1::\\{ brace}}", "literal […]", "\\{ brace"),  # `\{` pairs with nothing
        ("ends {{c1::x}}} here", "ends […]} here", "x"),  # a `}` that closes nothing is text, as in Anki
        ("{{c1::std::vector}}", "[vector]", "std"),  # the hint starts at the first `::`, as in Anki
    ],
)
def test_braces_in_a_deletion_pair_up(text, prompt, answer):
    assert cloze_prompt(text, 1) == prompt
    assert cloze_answer(text, 1) == answer
    assert parse_cloze(text)[1] == ()


def test_every_use_of_a_cloze_text_sees_the_same_deletions():
    text = "A {{c1::$W_{a_{b}}$}}, a {{c2::$\\{x\\}$::set}} and {{c1::$y^{z}$}}."
    assert cloze_numbers(text) == [1, 2]
    assert cloze_prompt(text, 1) == "A […], a $\\{x\\}$ and […]."
    assert cloze_prompt(text, 2) == "A $W_{a_{b}}$, a [set] and $y^{z}$."
    assert cloze_answer(text, 1) == "$W_{a_{b}}$ … $y^{z}$"
    assert cloze_reveal(text) == "A $W_{a_{b}}$, a $\\{x\\}$ and $y^{z}$."
    assert display(cloze_answer(text, 1)) == "W_(a_b) … yᶻ"


MATH_DECK = textwrap.dedent("""\
    deck: mathcloze
    title: Math cloze
    cards:
      - {id: w, cloze: "The {{c1::$W_{a_{b}}$}} is"}
""")


def test_exam_asks_the_whole_formula(cli, tmp_path):
    path = tmp_path / "math.yaml"
    path.write_text(MATH_DECK)
    result = cli(
        "exam", str(path), "-n", "1", "--no-computed", "--seed", "1", "--json", input="$W_{a_{b}}$\n", env=NOW, **LIMITS
    )
    assert result.returncode == 0, result.stderr
    (question,) = json.loads(result.stdout)["questions"]
    assert (question["prompt"], question["expected"], question["correct"]) == ("The […] is", "$W_{a_{b}}$", True)


def test_study_shows_no_stray_braces(cli, tmp_path):
    path = tmp_path / "math.yaml"
    path.write_text(MATH_DECK)
    result = cli("study", str(path), "--mode", "flip", input="\n3\n", env=NOW, **LIMITS)
    assert result.returncode == 0, result.stderr
    assert "The […] is\n" in result.stdout
    assert "W_(a_b)" in result.stdout and "$}}" not in result.stdout and "W_{a_" not in result.stdout


BROKEN = textwrap.dedent("""\
    deck: broken
    title: Broken clozes
    cards:
      - {id: open, cloze: "The {{c1::$W_{a_{b}$}} is"}
      - id: nested
        cloze: 'Outer {{c1::a {{c2::b}} c}}'
      - id: block
        cloze: |
          Block {{c1::x{}}
""")


def test_validate_points_at_a_deletion_that_cannot_be_read_and_says_how_to_write_it(cli, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN)
    result = cli("validate", str(path), **LIMITS)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:4:28: {UNCLOSED}",  # the column of `{{c1::` in the file
        f"{path}:6:27: a deletion inside another (`{{{{c2::` inside `{{{{c1::…}}}}`) is not supported; "
        "write them one after the other",
        f"{path}:8:12: {UNCLOSED}",  # a block scalar: its start
    ]


def test_markdown_import_skips_a_broken_cloze_with_the_reason():
    notes = "# N\n\nCloze: The {{c1::$W_{a_{b}$}} is\n\nCloze: The {{c1::$W_{a_{b}}$}} is\n"
    result = parse_notes(notes, "n")
    assert [item.cloze for item in result.draft.items] == ["The {{c1::$W_{a_{b}}$}} is"]
    assert result.warnings == [f"notes:3: {UNCLOSED}; skipped"]


def test_a_loaded_deck_has_the_exact_answer(tmp_path):
    path = tmp_path / "math.yaml"
    path.write_text(MATH_DECK)
    (card,) = load_deck(path).cards
    assert (card.answer, cloze_prompt(card.cloze, 1)) == ("$W_{a_{b}}$", "The […] is")


def test_many_deletions_that_never_close_are_one_problem_read_in_one_pass(cli, tmp_path):
    # Each `{{c1::{` opens a brace that never closes. Going on from every later `{{` after the first
    # failure rescanned the rest of the text each time: 8,000 of them took 46 s, 200,000 would hang.
    path = tmp_path / "bomb.yaml"
    path.write_text('deck: bomb\ntitle: Bomb\ncards:\n  - id: c\n    cloze: "' + "{{c1::{ " * 200_000 + '"\n')
    result = cli("validate", str(path), **LIMITS)
    assert (result.returncode, result.stderr) == (1, f"{path}:5:13: {UNCLOSED}\n")
    assert parse_cloze("{{c1::{ " * 3 + "{{c2::x}}")[1][0].offset == 0
    assert len(parse_cloze("{{c1::{ " * 3 + "{{c2::x}}")[1]) == 1
