"""Answers graded by meaning (issue 13): formulas, shapes, numbers and ranges, code; one grader for study,
exam and option picking; a prose answer typed on a basic card is compared, not judged."""

from __future__ import annotations

import io
import json
import random
import sqlite3
import textwrap
from contextlib import closing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dense1x1quiz import exam
from dense1x1quiz.answers import answer_kind, grade, option_index
from dense1x1quiz.deck import load_deck
from dense1x1quiz.session import accepted, sure_rating
from dense1x1quiz.text import display
from dense1x1quiz.ui.study_plain import PlainStudyUI

PARAMS = r"$C_{in} \cdot C_{out} + C_{out}$"
MACS = r"$H \cdot W \cdot C_{in} \cdot C_{out}$"
SHAPE = r"$H \times W \times C_{in}$"

# expected answer, its kind, answers that are right, near misses that must stay wrong
TABLE = [
    (
        PARAMS,
        "math",
        [
            "Cin*Cout + Cout",
            "C_out·C_in + C_out",
            "Cout(Cin+1)",
            "Cout (Cin + 1)",
            "(C_in + 1)·C_out",
            "C_in C_out + C_out",
            "Cᵢₙ·Cₒᵤₜ + Cₒᵤₜ",
            "C_{in} \\cdot C_{out} + C_{out}",
            "Cin × Cout + Cout",
            "Cin x Cout + Cout",
            "cin*cout + cout",
        ],
        ["Cin*Cout", "Cin + Cout", "Cout(Cin-1)", "Cin(Cout+1)", "Cin*Cout + Cin", "input times output"],
    ),
    (
        MACS,
        "math",
        ["H*W*Cin*Cout", "Cin*Cout*H*W", "H·W·Cᵢₙ·Cₒᵤₜ", "HWCinCout", "H × W × C_in × C_out", "(H W)(Cin Cout)"],
        ["H*W*Cin", "H*W*Cin*Cout + Cout", "H+W+Cin+Cout"],
    ),
    (
        SHAPE,
        "shape",
        ["HxWxCin", "(H, W, Cin)", "H×W×Cᵢₙ", "H x W x C_in", "HWCin", "[H, W, C_{in}]", "H*W*Cin"],
        ["WxHxCin", "HxWxCout", "HWC", "H×W", "H×W×Cin×1"],
    ),
    ("(C, H, W)", "shape", ["CHW", "C, H, W", "C×H×W", "(c, h, w)"], ["HWC", "(H, W, C)", "CWH"]),
    ("CHW", "shape", ["(C, H, W)", "C×H×W", "chw"], ["HWC", "(H, W, C)", "C·W·H"]),  # a layout, as an accept: form
    ("NHWC", "shape", ["N, H, W, C", "nhwc"], ["NCHW", "NHCW"]),
    (r"$1/N + 1/D_K^2$", "math", ["1/N + 1/D_K²", "1/D_K^2 + 1/N", "1/(D_K*D_K) + 1/N", "N^-1 + D_K^-2"], ["1/N"]),
    ("y = Wx + b", "math", ["y = W·x + b", "y=b+Wx", "Wx + b = y", "y = W x + b"], ["y = Wx", "y = Wx - b"]),
    (
        "about 102.8 million",
        "number",
        ["102.8M", "102,800,000", "1.028e8", "102.76M", "~102.8 million", "1.028 × 10^8", "102.8 M params"],
        ["10.28M", "102.7M", "103M", "1.028e7", "102.8"],
    ),
    ("16,448", "number", ["16,448 parameters", "16448 params", "16 448", "16.448K"], ["16,449", "16448 or 16449"]),
    (
        "8 to 9 times",
        "number",
        ["8-9x", "8–9", "between 8 and 9 times", "8 to 9", "9 to 8", "8—9 times"],
        ["9 to 10 times", "8", "8 to 10"],
    ),
    ("3.8 billion", "number", ["3.8B", "3,800,000,000", "3.8e9", "3.8 bn"], ["3.8M", "38 billion"]),
    (
        "nn.Conv2d(128, 64, kernel_size=1)",
        "code",
        [
            "nn.Conv2d(128, 64, 1)",
            "torch.nn.Conv2d(128, 64, (1, 1))",
            "nn.Conv2d(in_channels=128, out_channels=64, kernel_size=1)",
            "conv = nn.Conv2d(128, 64, 1)",
            "Conv2d(128, 64, [1, 1], stride=1, padding=0, bias=True)",
        ],
        [
            "nn.Conv2d(64, 128, 1)",
            "nn.Conv2d(128, 64, 3)",
            "nn.Linear(128, 64)",
            "nn.Conv2d(128, 64, 1, bias=False)",
            "nn.Conv2d(128, 64, 1, stride=2)",
            "nn.Conv1d(128, 64, 1)",
        ],
    ),
    (
        "Conv2D(64, (1, 1))",
        "code",
        ["tf.keras.layers.Conv2D(64, 1)", "Conv2D(filters=64, kernel_size=1)", "layers.Conv2D(64, [1, 1], strides=1)"],
        ["Conv2D(64, (3, 3))", "Conv2D(32, 1)", "Dense(64)", "Conv2D(64, 1, padding='same')"],
    ),
    (
        "nn.Linear(128, 64)",
        "code",
        ["torch.nn.Linear(in_features=128, out_features=64, bias=True)"],
        ["nn.Linear(64, 128)"],
    ),
    ("Dense(64)", "code", ["keras.layers.Dense(units=64)"], ["Dense(64, activation='relu')"]),
    ("rectified linear activation", "text", ["Rectified linear activation."], ["linear activation"]),
]
RIGHT = [(expected, answer) for expected, _, rights, _ in TABLE for answer in rights]
WRONG = [(expected, answer) for expected, _, _, wrongs in TABLE for answer in wrongs]


@pytest.mark.parametrize(("expected", "kind"), [(e, k) for e, k, _, _ in TABLE])
def test_the_kind_follows_from_the_expected_answer(expected, kind):
    assert answer_kind(expected) == kind


@pytest.mark.parametrize(("expected", "given"), RIGHT)
def test_right_in_any_way_a_teacher_accepts(expected, given):
    result = grade(given, [expected])
    assert (result.correct, result.sure) == (True, True)


@pytest.mark.parametrize(("expected", "given"), WRONG)
def test_near_misses_stay_wrong(expected, given):
    assert grade(given, [expected]).correct is False


@pytest.mark.parametrize(
    ("expected", "given", "sure"),
    [
        (PARAMS, "Cin*Cout", True),  # a formula read and different: clearly wrong
        (PARAMS, "the weights and the biases", False),  # prose: not judged
        ("16,448", "16,449", True),
        ("16,448", "sixteen thousand", False),
        ("nn.Conv2d(128, 64, kernel_size=1)", "nn.Conv2d(64, 128, 1)", True),
        ("nn.Conv2d(128, 64, kernel_size=1)", "a conv layer", False),
        (SHAPE, "HWC", True),
        ("A dense layer over the channels", "a per-pixel fully connected layer", False),
    ],
)
def test_sure_means_read_in_the_answers_kind(expected, given, sure):
    assert grade(given, [expected]).sure is sure


def test_a_declared_kind_overrides_the_answers_look():
    assert grade("y=b+Wx", ["y = Wx + b"]).correct
    assert not grade("y=b+Wx", ["y = Wx + b"], declared="text").correct
    assert grade("8-9", ["8 to 9"], declared="number").correct
    assert not grade("CHW", ["(C, H, W)"], declared="text").correct


# -- every built-in answer, as written and as shown ------------------------------------------------

DECKS = sorted(Path(__file__).parent.parent.joinpath("decks").glob("*.yaml"))
ASKED = [card for path in DECKS for card in load_deck(path).cards if card.kind in ("typed", "cloze")]


@pytest.mark.parametrize("card", ASKED, ids=[f"{c.deck}:{c.id}" for c in ASKED])
def test_every_builtin_answer_grades_right_as_written_and_as_shown(card):
    for form in (card.answer, display(card.answer), *card.accept, *map(display, card.accept)):
        assert grade(form, [card.answer, *card.accept], declared=card.grade or None).correct, form
        assert exam.grade(exam.question_from_card(card, random.Random(0)), form).correct, form


SYMBOLS = ["H", "W", "N", "M", "C_{in}", "C_{out}", "D_K", "D_F"]
product = st.lists(st.sampled_from(SYMBOLS), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(st.lists(product, min_size=1, max_size=3), st.randoms(use_true_random=False))
def test_a_rendered_formula_and_its_latex_grade_right_in_any_order(terms, rng):
    """A sum of products written in LaTeX: its source, its rendering on screen (`text.display`), and the
    rendering with factors and terms shuffled all grade right against it."""
    latex = "$" + " + ".join(" \\cdot ".join(term) for term in terms) + "$"
    shuffled = [rng.sample(term, len(term)) for term in rng.sample(terms, len(terms))]
    other = display("$" + " + ".join(" \\cdot ".join(term) for term in shuffled) + "$")
    for form in (latex, display(latex), other):
        assert grade(form, [latex]).correct, (form, latex)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SYMBOLS), min_size=2, max_size=4, unique=True))
def test_a_rendered_shape_and_its_latex_grade_right_and_stay_ordered(parts):
    latex = "$" + " \\times ".join(parts) + "$"
    assert grade(display(latex), [latex]).correct
    assert grade(latex, [latex]).correct
    swapped = [parts[1], parts[0], *parts[2:]]
    assert not grade(display("$" + " \\times ".join(swapped) + "$"), [latex]).correct


# -- study and exam agree --------------------------------------------------------------------------

OPTIONS = [r"$C_{in} \cdot C_{out}$", r"$C_{in} + C_{out}$", "65,536", "1×1 convolution"]


@pytest.mark.parametrize(
    ("line", "picked"),
    [
        ("Cᵢₙ · Cₒᵤₜ", 0),
        ("Cout*Cin", 0),
        ("C_in + C_out", 1),
        ("65536", 2),
        ("1x1 convolution", 3),
        ("4", 3),
        ("Cin", None),
        ("5", None),
    ],
)
def test_study_and_exam_pick_the_same_option_by_text(line, picked):
    question = exam.Question(id="q", kind="choice", prompt="?", expected=OPTIONS[0], options=tuple(OPTIONS))
    ui = PlainStudyUI(out=io.StringIO(), lines=None)  # type: ignore[arg-type]
    ui.option_texts = list(OPTIONS)
    action = ui._pick_from_text(line, len(OPTIONS))
    in_study = None if action is None else action.value
    in_exam = exam.chosen_option(question, line)
    assert (in_study, in_exam) == (picked, None if picked is None else OPTIONS[picked])
    assert option_index(line, OPTIONS) == picked


@pytest.mark.parametrize(("expected", "given"), RIGHT[:12] + WRONG[:8] + RIGHT[-8:] + WRONG[-8:])
def test_study_and_exam_give_the_same_verdict(expected, given, tmp_path):
    path = tmp_path / "one.yaml"
    path.write_text(
        f"deck: one\ntitle: One\ncards:\n  - id: a\n    front: Q?\n    answer: {json.dumps(expected)}\n",
        encoding="utf-8",
    )
    card = load_deck(path).cards[0]
    in_study = grade(given, accepted(card), declared=card.grade or None).correct
    in_exam = exam.grade(exam.question_from_card(card, random.Random(0)), given).correct
    assert in_study == in_exam == ((expected, given) in RIGHT)


# -- basic cards in type mode ----------------------------------------------------------------------


def test_a_basic_card_suggests_a_rating_only_when_the_grader_is_sure():
    assert sure_rating(grade("8256 params", ["8,256"])) == 3  # right by meaning: Good
    assert sure_rating(grade("8,255", ["8,256"])) == 1  # a wrong number: Again
    assert sure_rating(grade("a dense layer", ["A fully connected layer"])) is None  # prose: the learner rates


# -- end to end ------------------------------------------------------------------------------------

NOW = {"DENSE1X1QUIZ_NOW": "2026-01-05T09:00:00Z"}
DECK = textwrap.dedent("""\
    deck: kinds
    title: Kinds
    cards:
      - id: params
        front: Parameters of a 1×1 conv, bias included?
        answer: $C_{in} \\cdot C_{out} + C_{out}$
      - id: layer
        front: A 1×1 conv from 128 to 64 channels in PyTorch?
        answer: nn.Conv2d(128, 64, kernel_size=1)
    """)


@pytest.fixture
def kinds_deck(tmp_path) -> str:
    path = tmp_path / "kinds.yaml"
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def test_a_factored_formula_is_accepted_in_study(cli, kinds_deck, isolated_home):
    script = "Cout(Cin+1)\n\ntorch.nn.Conv2d(128, 64, (1, 1))\n\n"
    result = cli("study", kinds_deck, "--mode", "type", input=script, env=NOW)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == textwrap.dedent("""\
        new 2  learning 0  review 0
        ── kinds ──
        Parameters of a 1×1 conv, bias included?
        ✓ Correct  you typed: Cout(Cin+1)
        Answer: Cᵢₙ ⋅ Cₒᵤₜ + Cₒᵤₜ
         1 Again 1m  2 Hard 6m ▸3 Good 10m  4 Easy 7d
        Saved Good · next in 10m (09:10)

        new 1  learning 1  review 0
        ── kinds ──
        A 1×1 conv from 128 to 64 channels in PyTorch?
        ✓ Correct  you typed: torch.nn.Conv2d(128, 64, (1, 1))
        Answer: nn.Conv2d(128, 64, kernel_size=1)
         1 Again 1m  2 Hard 6m ▸3 Good 10m  4 Easy 8d
        Saved Good · next in 10m (09:10)

        new 0  learning 2  review 0
        ── kinds ──
        Parameters of a 1×1 conv, bias included?
        Studied 2 cards in 0s: 2 right, 0 wrong
        2 cards left for today.
        Next card due in 10m (09:10).
        """)
    assert ratings(isolated_home) == [("params", 3, "Cout(Cin+1)"), ("layer", 3, "torch.nn.Conv2d(128, 64, (1, 1))")]


def ratings(home: Path) -> list[tuple[str, int, str]]:
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute("SELECT card, rating, typed FROM reviews ORDER BY id").fetchall()


def test_a_factored_formula_and_a_call_are_accepted_in_the_exam(cli, kinds_deck, isolated_home):
    script = (
        "conv = nn.Conv2d(in_channels=128, out_channels=64, kernel_size=(1, 1))\nCout(Cin+1)\n"  # seed 1: layer first
    )
    result = cli("exam", kinds_deck, "-n", "2", "--no-computed", "--seed", "1", "--json", input=script, env=NOW)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["score"] == 2
    assert sorted((q["id"], q["given"], q["correct"]) for q in document["questions"]) == [
        ("kinds/layer", "conv = nn.Conv2d(in_channels=128, out_channels=64, kernel_size=(1, 1))", True),
        ("kinds/params", "Cout(Cin+1)", True),
    ]


BASIC = textwrap.dedent("""\
    deck: prose
    title: Prose
    cards:
      - {id: what, front: What does a 1×1 convolution do?, back: A dense layer across the channels at every pixel}
      - {id: count, front: Parameters of a 1×1 conv from 128 to 64 channels?, back: "8,256"}
    """)


def test_a_prose_answer_on_a_basic_card_has_no_default_rating(cli, tmp_path, isolated_home):
    path = tmp_path / "prose.yaml"
    path.write_text(BASIC, encoding="utf-8")
    # Enter alone after a paraphrase records nothing; `3` then rates it. A number typed on a basic card is
    # graded: right, Good is suggested and Enter takes it.
    script = "a per-pixel dense layer\n\n3\n8256 parameters\n\n"
    result = cli("study", str(path), "--mode", "type", input=script, env=NOW)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == textwrap.dedent("""\
        new 2  learning 0  review 0
        ── prose ──
        What does a 1×1 convolution do?
        ≈ Compare  you typed: a per-pixel dense layer
          similarity: 37% · rate it yourself
        Answer: A dense layer across the channels at every pixel
        1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d
        Rate with 1–4 (again, hard, good, easy); u undo, s show me, q quit.
        Saved Good · next in 10m (09:10)

        new 1  learning 1  review 0
        ── prose ──
        Parameters of a 1×1 conv from 128 to 64 channels?
        ✓ Correct  you typed: 8256 parameters
        Answer: 8,256
         1 Again 1m  2 Hard 6m ▸3 Good 10m  4 Easy 7d
        Saved Good · next in 10m (09:10)

        new 0  learning 2  review 0
        ── prose ──
        What does a 1×1 convolution do?
        Studied 2 cards in 0s: 2 right, 0 wrong
        2 cards left for today.
        Next card due in 10m (09:10).
        """)
    assert ratings(isolated_home) == [("what", 3, "a per-pixel dense layer"), ("count", 3, "8256 parameters")]


def test_a_wrong_number_on_a_basic_card_suggests_again(cli, tmp_path, isolated_home):
    path = tmp_path / "prose.yaml"
    path.write_text(BASIC, encoding="utf-8")
    script = "a dense layer across the channels at every pixel\n\n8,255\n\n"
    result = cli("study", str(path), "--mode", "type", input=script, env=NOW)
    assert "✗ Not quite  you typed: 8,255\nAnswer: 8,256\n" in result.stdout  # a slip, but a wrong number
    assert "▸1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 7d\n" in result.stdout
    assert ratings(isolated_home) == [
        ("what", 3, "a dense layer across the channels at every pixel"),
        ("count", 1, "8,255"),
    ]


def test_indexing_code_keeps_its_brackets_and_order():
    expected = ["linear.weight[:, :, None, None]"]
    assert grade("linear.weight[:,:,None,None]", expected).correct
    assert grade("Linear.Weight[:, :, none, none]", expected).correct  # spaces and case aside
    assert not grade("linear.weight[None, None, :, :]", expected).correct  # folded text made these equal
    assert not grade("linear.weight", expected).correct


def test_powers_of_powers_are_not_computed():
    """`9^8^8^8…` grows as 8^k digits: past a 4,096-bit coefficient the text is no formula (the old parser
    took 3.4 s at seven levels and hung beyond)."""
    from dense1x1quiz.answer_math import parse_formula

    assert parse_formula("x+9" + "^8" * 6) is None
    assert parse_formula("x^8^8") is not None  # a symbol's exponent is only a number
    assert not grade("x+9" + "^8" * 7, ["x+9"]).correct


def test_a_formula_written_as_a_function_is_no_python_call():
    """`f(Wx + b)` parses as Python, but only a known layer, a dotted name, keywords or an assignment make
    an expected answer code: a formula's sum still commutes inside it."""
    assert answer_kind("f(Wx + b)") == "math"
    assert grade("f(b + Wx)", ["f(Wx + b)"]).correct
    assert answer_kind("torch.flatten(x, 1)") == "code"
    assert answer_kind("conv = nn.Conv2d(128, 64, 1)") == "code"
