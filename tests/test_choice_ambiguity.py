"""No multiple-choice question has two right options, and borrowed distractors are of the answer's kind.

Every built-in card is asked in choice mode (study's `choice_options`, the exam's `question_from_card`)
over 2,000 seeds; every option but the answer is graded with the grader (`answers.grade`) against the
answers the card accepts (`session.accepted`: the answer and its `accept:` forms). Before issue 13, 48%
of the draws for `flashcard-q1` offered a second right answer, 52% for `conv1x1-definition` and 27% for
`conv1x1-formula-meaning`.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest

from dense1x1quiz import answers
from dense1x1quiz.catalog import builtin_deck_dir
from dense1x1quiz.choices import OptionPool, rough_kind, wrong_options
from dense1x1quiz.deck import load_deck
from dense1x1quiz.exam import question_from_card, question_from_problem
from dense1x1quiz.model import Card
from dense1x1quiz.problems import PICKERS
from dense1x1quiz.session import accepted, choice_options

SEEDS = range(2000)
DECKS = {path.stem: load_deck(path) for path in sorted(builtin_deck_dir().glob("*.yaml"))}
CARDS = [card for deck in DECKS.values() for card in deck.cards]


def second_right_options(offered: dict[tuple[str, str], Counter[str]]) -> dict[str, list[tuple[str, float]]]:
    """Per card, each option other than its answer that the grader accepts, with the share of draws
    that offered it (each option is graded once: grading a formula takes about a millisecond)."""
    by_key = {card.key: card for card in CARDS}
    found: dict[str, list[tuple[str, float]]] = {}
    for key, counts in offered.items():
        card = by_key[key]
        draws = counts.pop("")  # how many times the card was asked
        right = [
            (option, round(n / draws, 3))
            for option, n in sorted(counts.items())
            if option != card.answer and answers.grade(option, accepted(card), declared=card.grade or None).correct
        ]
        if right:
            found[f"{card.deck}:{card.id}"] = right
    return found


def test_the_built_in_decks_are_all_here():
    assert {c.deck for c in CARDS} == {"dense-vs-1x1", "1x1-in-practice"}
    assert {"flashcard-q1", "conv1x1-definition", "conv1x1-formula-meaning"} <= {c.id for c in CARDS}


@pytest.mark.parametrize("deck", sorted(DECKS))  # one test per deck: `-n 2` runs them side by side
def test_study_choice_mode_never_offers_a_second_right_option(deck):
    cards = DECKS[deck].cards
    pool = OptionPool(CARDS)  # a session over every deck (`quiz study`); cards borrow from their own deck
    offered: dict[tuple[str, str], Counter[str]] = {}
    optionless = []  # cards that would fall back to flipping for want of options
    for card in cards:
        counts: Counter[str] = Counter()
        for seed in SEEDS:
            options = choice_options(card, random.Random(seed), pool)
            if not options:
                optionless.append(card.id)
                break
            assert card.answer in options, card.id
            counts.update(options)
            counts[""] += 1
        offered[card.key] = counts
    assert optionless == []
    assert second_right_options(offered) == {}


@pytest.mark.parametrize("deck", sorted(DECKS))
def test_exam_never_offers_a_second_right_option(deck):
    offered: dict[tuple[str, str], Counter[str]] = {}
    for card in DECKS[deck].cards:
        if not card.options:  # asked typed: nothing to choose from
            continue
        counts: Counter[str] = Counter()
        for seed in SEEDS:
            question = question_from_card(card, random.Random(seed))
            assert question.expected == card.answer and card.answer in question.options, card.id
            counts.update(question.options)
            counts[""] += 1
        offered[card.key] = counts
    assert offered
    assert second_right_options(offered) == {}


@pytest.mark.parametrize("template", sorted(PICKERS))
def test_computed_problems_asked_as_choices_have_one_right_option(template):
    for seed in range(100):
        rng = random.Random(seed)
        problem = PICKERS[template](rng)
        question = question_from_problem(problem, rng)
        others = [o for o in question.options if o != problem.answer]
        assert problem.answer in question.options
        assert [o for o in others if answers.grade(o, [problem.answer], problem.tolerance).correct] == []


# -- which distractors are borrowed ---------------------------------------------------------------


def card(card_id: str, answer: str, kind: str = "basic", accept: tuple[str, ...] = ()) -> Card:
    return Card("d", card_id, kind, f"question {card_id}?", answer, accept=accept, note=card_id)


NUMBERS = [card(f"n{i}", a, "typed") for i, a in enumerate(["6,176", "8,256", "2,408,448", "120,422,400", "69,632"])]
SHAPES = [card(f"s{i}", a, "typed") for i, a in enumerate(["32×32×64", "(64, 128, 1, 1)", "1×1×4096", "H × W × Cᵢₙ"])]
CALLS = ["nn.Conv2d(128, 64, 1)", "nn.Linear(128, 64)", "Conv2D(64, (1, 1))", "Dense(64)", "nn.Conv1d(8, 4, 1)"]
CODE = [card(f"c{i}", a, "typed") for i, a in enumerate(CALLS)]
# Card kinds mixed on purpose: the kind that counts is the answer's (a word), not the card's.
TERMS = ["bias", "speed", "logits", "depthwise", "pointwise"]
WORDS = [card(f"w{i}", a, "cloze" if i else "typed") for i, a in enumerate(TERMS)]
PHRASES = [
    card(f"p{i}", a, "basic" if i else "typed")
    for i, a in enumerate(
        [
            "A fully connected layer where every input neuron is connected to every output neuron.",
            "Reduces channels, adds non-linearity, and mixes features.",
            "Yes, spatial structure (H×W) is preserved.",
            "Dense operates on flattened input, 1×1 conv works on spatial tensor and maintains structure.",
        ]
    )
]
MIXED = NUMBERS + SHAPES + CODE + WORDS + PHRASES


def borrowed(asked: Card, pool: list[Card], seeds: range = range(200)) -> set[str]:
    """Every distractor `asked` is offered over `seeds`."""
    index = OptionPool(pool)
    found: set[str] = set()
    for seed in seeds:
        found.update(o for o in choice_options(asked, random.Random(seed), index) if o != asked.answer)
    return found


@pytest.mark.parametrize(
    ("asked", "same_kind"),
    [
        (NUMBERS[0], NUMBERS[1:]),
        (SHAPES[0], SHAPES[1:]),
        (CODE[0], CODE[1:]),
        (WORDS[0], WORDS[1:]),
        (PHRASES[0], PHRASES[1:]),
    ],
    ids=["number", "shape", "code", "word", "phrase"],
)
def test_distractors_are_answers_of_the_same_kind_when_the_deck_has_three(asked, same_kind):
    assert borrowed(asked, MIXED) == {c.answer for c in same_kind}


def test_a_deck_with_too_few_of_the_kind_borrows_other_answers_after_them():
    other_number = card("basic-number", "8,256")  # on a basic card: still the one other number
    pool = [NUMBERS[0], other_number, *WORDS]
    for seed in range(50):
        options = choice_options(NUMBERS[0], random.Random(seed), OptionPool(pool))
        assert len(options) == 4 and "8,256" in options, options


def test_a_phrase_gets_phrases_of_similar_length_first():
    short = [card(f"short{i}", f"tiny {i}") for i in range(5)]
    long = [card(f"long{i}", f"a phrase of about the same length as the answer, number {i}") for i in range(4)]
    asked = card("asked", "the answer: a phrase of some fifty-odd characters in all")
    assert borrowed(asked, [asked, *short, *long]) == {c.answer for c in long}


def test_the_kinds_of_the_built_in_answers():
    assert [rough_kind(a) for a in ("6,176", "8 to 9", "94.86%", "3.8 billion", "159K")] == ["number"] * 5
    assert [rough_kind(a) for a in ("32×32×64", "(64, 128, 1, 1)", "H × W × Cᵢₙ", "C, H, W", "1×1")] == ["shape"] * 5
    assert [rough_kind(a) for a in ("nn.Conv2d(128, 64, 1)", "conv = Conv2D(64, 1)")] == ["code"] * 2
    assert [rough_kind(a) for a in ("y = Wx + b", "Cᵢₙ·Cₒᵤₜ + Cₒᵤₜ", "1/N + 1/D_K²", "$M \\cdot N$")] == ["math"] * 4
    assert [rough_kind(a) for a in ("1×1 convolution", "bias", "Dense layer (fully connected layer)")] == ["text"] * 3


def test_an_answer_the_grader_accepts_is_never_borrowed():
    asked = card("params", "6,176", "typed")
    same_value = card("other", "6176 parameters", "typed")  # another card's answer, the same number
    pool = [asked, same_value, *NUMBERS[1:]]
    assert answers.grade("6176 parameters", ["6,176"]).correct
    assert "6176 parameters" not in borrowed(asked, pool)
    # ... nor an answer the card accepts in so many words (`accept:` on a basic card)
    says_it = card("q1", "Applies a fully connected layer across channels at every pixel location.")
    same_idea = card("def", "A per-pixel weighted sum across all channels.")
    says_it = card("q1", says_it.answer, accept=(same_idea.answer,))
    assert same_idea.answer not in borrowed(says_it, [says_it, same_idea, *PHRASES])
    assert same_idea.answer in borrowed(card("q1", says_it.answer), [says_it, same_idea, *PHRASES])


def test_own_options_the_grader_accepts_are_dropped_in_study_and_exam():
    pick = Card("d", "pick", "choice", "Parameters?", "6,176", options=("6,176", "6176", "6,144", "8,256"), note="pick")
    for seed in range(20):
        assert sorted(choice_options(pick, random.Random(seed))) == ["6,144", "6,176", "8,256"]
        assert sorted(question_from_card(pick, random.Random(seed)).options) == ["6,144", "6,176", "8,256"]
    assert wrong_options(["6176", "6,144", "1×1"], "6,176") == ["6,176", "6,144", "1×1"]


def test_the_same_seed_gives_the_same_options():
    index = OptionPool(MIXED)
    for asked in MIXED:
        assert choice_options(asked, random.Random(7), index) == choice_options(asked, random.Random(7), MIXED)
