"""The exam core: building questions from decks, grading, and the timed loop with its recorded rows."""

from __future__ import annotations

import random
import textwrap
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dense1x1quiz import answers
from dense1x1quiz.deck import load_deck
from dense1x1quiz.env import user_deck_dir
from dense1x1quiz.exam import (
    ExamResult,
    Outcome,
    Question,
    TimeUp,
    build_exam,
    deck_pool,
    grade,
    question_from_card,
    result_json,
    run_exam,
    study_next,
)
from dense1x1quiz.model import Card, Deck
from dense1x1quiz.store import Store
from dense1x1quiz.text import display

DECK = textwrap.dedent("""\
    deck: fx
    title: Exam fixture
    cards:
      - {id: c1, front: What does a 1×1 conv mix?, options: [Channels, Pixels, Batches], answer: Channels,
         tags: [idea], source: NiN paper}
      - {id: c2, front: Does a 1×1 conv change H×W?, options: ["No", "Yes"], answer: "No", tags: [shapes]}
      - {id: c3, front: Which layer flattens its input?, options: [Dense, 1×1 conv], answer: Dense, tags: [idea]}
      - {id: t1, front: Weights of a 1×1 conv 64 → 32 with bias?, answer: "2080", tags: [params]}
      - {id: t2, front: PyTorch name of a dense layer?, answer: nn.Linear, accept: [Linear, torch.nn.Linear],
         tags: [code]}
      - {id: t3, front: Output channels of a 1×1 conv with 10 filters?, answer: "10", tags: [shapes]}
      - {id: z1, cloze: "A 1×1 conv keeps {{c1::spatial}} structure; a dense layer {{c2::loses}} it.", tags: [idea]}
      - {id: z2, cloze: "MobileNet splits a conv into depthwise and {{c1::pointwise}} parts.", tags: [mobilenet]}
      - {id: b1, front: A basic card, back: never asked in an exam}
    tables:
      - id: cmp
        title: Dense vs 1×1
        tags: [compare]
        columns: [Feature, Dense, 1×1 conv]
        rows:
          - [Input, Flattened vector, H×W×C tensor]
          - [Spatial info, Lost, Preserved]
          - [Connectivity, Global, Per pixel]
""")

T0 = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def deck(tmp_path):
    path = tmp_path / "fx.yaml"
    path.write_text(DECK, encoding="utf-8")
    return load_deck(path)


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "db") as s:
        yield s


class FakeClock:
    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class ScriptedUI:
    """Answers from a list (None = end of input, TimeUp = the bell rings); each ask takes `step` seconds."""

    def __init__(self, lines, clock=None, step=0.0):
        self.lines, self.clock, self.step = list(lines), clock, step
        self.log: list[str] = []

    def ask(self, position, total, question, seconds_left):
        self.log.append(f"ask {position}/{total} {question.id} left={seconds_left}")
        if self.clock:
            self.clock.t += self.step
        line = self.lines.pop(0) if self.lines else None
        if line is TimeUp:
            raise TimeUp
        return line

    def feedback(self, outcome):
        self.log.append(f"{'right' if outcome.correct else 'wrong'} {outcome.given!r}")

    def time_up(self, unanswered):
        self.log.append(f"time up, {unanswered} unanswered")


def minutes_clock():
    moments = (T0 + timedelta(minutes=i) for i in range(1000))
    return lambda: next(moments)


# -- building ----------------------------------------------------------------------------------


def test_pool_holds_the_gradable_kinds_only(deck):
    pool = deck_pool([deck])
    assert {c.kind for c in pool} == {"choice", "typed", "cloze", "table"}
    assert "b1" not in {c.id for c in pool}
    assert len(pool) == 3 + 3 + 3 + len([c for c in deck.cards if c.kind == "table"])


def test_exam_mixes_kinds_and_never_asks_twice(deck):
    questions = build_exam([deck], 12, random.Random(1))
    assert len(questions) == 12
    assert {q.kind for q in questions} == {"choice", "typed", "cloze", "table", "computed"}
    assert sum(q.kind == "computed" for q in questions) == 3  # a quarter
    assert len({q.id for q in questions}) == 12
    assert len({answers.fold(display(q.prompt)) for q in questions}) == 12


def test_siblings_and_cards_of_one_table_wait_while_other_notes_remain(deck):
    # 8 notes (3 choice, 3 typed, 2 cloze texts) and 1 table: 9 questions take one of each.
    for seed in range(30):
        questions = build_exam([deck], 9, random.Random(seed), computed=False)
        groups = [q.id.split(":")[0] for q in questions]  # fx/cmp, fx/z1, fx/c1, …
        assert sorted(groups) == ["fx/c1", "fx/c2", "fx/c3", "fx/cmp", "fx/t1", "fx/t2", "fx/t3", "fx/z1", "fx/z2"]
        more = build_exam([deck], 11, random.Random(seed), computed=False)
        assert sorted(q.id.split(":")[0] for q in more).count("fx/cmp") == 2


def test_tags_filter_deck_and_computed_questions(deck):
    questions = build_exam([deck], 10, random.Random(2), tags=["shapes"])
    assert {q.id for q in questions if q.kind != "computed"} == {"fx/c2", "fx/t3"}
    assert all("shapes" in q.tags for q in questions)
    assert len(questions) == 10  # computed shape problems fill the rest


def test_tags_are_matched_ignoring_case_as_study_matches_them(deck):
    """`quiz study --tag Shapes` finds the cards tagged `shapes` (queue.select_cards folds case): so does
    the exam, for deck cards and computed problems."""
    questions = build_exam([deck], 10, random.Random(2), tags=["SHAPES"])
    assert {q.id for q in questions if q.kind != "computed"} == {"fx/c2", "fx/t3"}
    assert all("shapes" in q.tags for q in questions)
    assert len(questions) == 10
    assert {c.id for c in deck_pool([deck], ["Shapes"])} == {c.id for c in deck_pool([deck], ["shapes"])}


def test_without_computed_problems_an_exam_can_be_shorter_than_asked(deck):
    questions = build_exam([deck], 100, random.Random(3), computed=False)
    assert len(questions) == len(deck_pool([deck]))
    assert not any(q.kind == "computed" for q in questions)
    assert build_exam([deck], 5, random.Random(3), tags=["nothing"], computed=False) == []


def test_short_exams_ask_the_decks_first(deck):
    assert [q.kind == "computed" for q in build_exam([deck], 1, random.Random(0))] == [False]
    assert sum(q.kind == "computed" for q in build_exam([deck], 4, random.Random(0))) == 1


def test_computed_problems_never_run_out():
    questions = build_exam([], 40, random.Random(4))
    assert len(questions) == 40 and {q.kind for q in questions} == {"computed"}
    assert len({q.prompt for q in questions}) == 40


def test_same_seed_same_exam_other_seed_other_exam(deck):
    assert build_exam([deck], 10, random.Random(5)) == build_exam([deck], 10, random.Random(5))
    assert build_exam([deck], 10, random.Random(5)) != build_exam([deck], 10, random.Random(6))


def test_choice_options_are_shuffled_by_the_generator(deck):
    card = next(c for c in deck.cards if c.id == "c1")
    orders = {question_from_card(card, random.Random(seed)).options for seed in range(40)}
    assert len(orders) == 6  # every order of three options turns up
    assert all(sorted(o) == ["Batches", "Channels", "Pixels"] for o in orders)


def test_cloze_is_asked_as_typed_with_the_other_deletions_shown(deck):
    card = next(c for c in deck.cards if c.id == "z1:c2")
    question = question_from_card(card, random.Random(0))
    assert (question.kind, question.prompt, question.expected, question.options) == (
        "cloze",
        "A 1×1 conv keeps spatial structure; a dense layer […] it.",
        "loses",
        (),
    )


# -- distractors -------------------------------------------------------------------------------

LOOKALIKES = [
    "Lost",
    "lost",
    " Lost ",
    "LOST",
    "Preserved",
    "$C_{in}$",
    "Cᵢₙ",
    "Global",
    "global.",
    "per pixel",
    "Per-pixel",
    "per  pixel",
    "H×W",
    "H x W",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(LOOKALIKES), min_size=1, max_size=8), st.data())
def test_distractors_never_repeat_the_answer_or_each_other(options, data):
    answer = data.draw(st.sampled_from(options))
    card = Card(deck="d", id="x", kind="choice", prompt="?", answer=answer, options=tuple(options))
    question = question_from_card(card, random.Random(data.draw(st.integers(0, 99))))
    shown = [answers.fold(display(o)) for o in question.options]
    assert len(shown) == len(set(shown)), question.options
    assert question.options.count(answer) == 1
    assert set(question.options) <= set(options)


def test_table_distractors_are_distinct_even_with_repeated_cells(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text(
        textwrap.dedent("""\
        deck: t
        title: Repeats
        tables:
          - id: r
            title: Repeated cells
            columns: [Layer, Keeps H×W, Mixes]
            rows:
              - [Dense, "No", everything]
              - [1×1 conv, "Yes", channels]
              - [3×3 conv, "Yes", channels and neighbours]
              - [Pooling, "yes", nothing]
              - [Flatten, "no", nothing]
        """),
        encoding="utf-8",
    )
    deck = load_deck(path)
    for seed in range(10):
        for question in build_exam([deck], 50, random.Random(seed), computed=False):
            shown = [answers.fold(display(o)) for o in question.options]
            assert len(shown) == len(set(shown)) >= 2, question.options
            assert question.options.count(question.expected) == 1


# -- grading -----------------------------------------------------------------------------------

CHOICE = Question(id="d/c", kind="choice", prompt="?", expected="Channels", options=("Pixels", "Channels", "Batches"))


@pytest.mark.parametrize(
    ("line", "given", "correct"),
    [
        ("2", "Channels", True),
        (" 2 ", "Channels", True),
        ("channels", "Channels", True),
        ("CHANNELS.", "Channels", True),
        ("1", "Pixels", False),
        ("batches", "Batches", False),
        ("4", "4", False),
        ("0", "0", False),
        ("chanels", "chanels", False),
    ],
)
def test_a_choice_takes_the_number_or_the_text(line, given, correct):
    assert grade(CHOICE, line) == Outcome(CHOICE, given, correct)


def test_a_choice_also_takes_the_value_of_one_option():
    ratio = Question(
        id="computed:r",
        kind="computed",
        prompt="?",
        expected="23.19",
        tolerance=0.02,
        options=("23.19", "320", "25", "0.04313"),
    )
    assert grade(ratio, "23.2") == Outcome(ratio, "23.19", True)
    assert grade(ratio, "24.5") == Outcome(ratio, "25", False)
    assert grade(ratio, "24") == Outcome(ratio, "24", False)  # within 2% of no option
    numbers = Question(id="d/n", kind="choice", prompt="?", expected="65,536", options=("1", "9", "256", "65,536"))
    assert grade(numbers, "65536") == Outcome(numbers, "65,536", True)
    assert grade(numbers, "9") == Outcome(numbers, "9", False)  # no 9th option: the text
    assert grade(numbers, "1") == Outcome(numbers, "1", False)
    close = Question(id="d/c", kind="computed", prompt="?", expected="8.9", tolerance=0.02, options=("8.9", "9"))
    assert grade(close, "8.95") == Outcome(close, "8.95", False)  # both within 2%: names neither


def test_a_spelling_slip_is_wrong_but_called_close():
    typed = Question(id="d/t", kind="typed", prompt="?", expected="spatial")
    assert grade(typed, "spacial") == Outcome(typed, "spacial", False, near=True)
    assert grade(typed, "temporal") == Outcome(typed, "temporal", False, near=False)
    number = Question(id="d/n", kind="typed", prompt="?", expected="2080")
    assert grade(number, "2081") == Outcome(number, "2081", False, near=False)


def test_typed_answers_use_the_accepted_alternatives(deck):
    card = next(c for c in deck.cards if c.id == "t2")
    question = question_from_card(card, random.Random(0))
    assert [grade(question, g).correct for g in ("nn.Linear", "linear", "torch.nn.Linear", "nn.Dense")] == [
        True,
        True,
        True,
        False,
    ]


# -- the loop ----------------------------------------------------------------------------------


def small_exam():
    return [
        CHOICE,
        Question(id="d/t", kind="typed", prompt="Weights of 64 → 32 with bias?", expected="2080", tags=("params",)),
        Question(id="d/z", kind="cloze", prompt="keeps […] structure", expected="spatial", tags=("idea",)),
        Question(
            id="computed:x",
            kind="computed",
            prompt="ratio?",
            expected="8.409",
            tolerance=0.02,
            tags=("mobilenet", "params"),
        ),
    ]


def test_a_scripted_exam_records_every_answer_and_its_score(store):
    clock = FakeClock()
    ui = ScriptedUI(["2", "2,080", "spatal", "8.3"], clock, step=10)
    result = run_exam(small_exam(), ui=ui, recorder=store, clock=clock, now=minutes_clock(), seed=42, decks=["d"])
    assert ui.log == [
        "ask 1/4 d/c left=None",
        "right 'Channels'",
        "ask 2/4 d/t left=None",
        "right '2,080'",
        "ask 3/4 d/z left=None",
        "wrong 'spatal'",
        "ask 4/4 computed:x left=None",
        "right '8.3'",
    ]
    assert (result.score, result.total, result.seconds, result.ended) == (3, 4, 40.0, "done")
    [row] = store.exams()
    assert (row.id, row.decks, row.seed, row.total, row.score, row.seconds) == (result.exam_id, ["d"], 42, 4, 3, 40.0)
    assert (row.started, row.finished) == (T0, T0 + timedelta(minutes=5))
    rows = store.exam_answers(result.exam_id)
    assert [
        (r["position"], r["question"], r["kind"], r["given"], r["expected"], r["correct"], r["tags"]) for r in rows
    ] == [
        (1, "d/c", "choice", "Channels", "Channels", True, []),
        (2, "d/t", "typed", "2,080", "2080", True, ["params"]),
        (3, "d/z", "cloze", "spatal", "spatial", False, ["idea"]),
        (4, "computed:x", "computed", "8.3", "8.409", True, ["mobilenet", "params"]),
    ]
    assert [r["answered_at"] for r in rows] == [T0 + timedelta(minutes=i) for i in (1, 2, 3, 4)]


def test_time_limit_with_a_fake_clock_counts_the_rest_wrong(store):
    clock = FakeClock()
    ui = ScriptedUI(["2", "2080", "spatial", "8.4"], clock, step=40)
    result = run_exam(small_exam(), ui=ui, recorder=store, clock=clock, now=minutes_clock(), seed=1, time_limit=100)
    # The third answer comes at 120 s, after the bell: it is not accepted.
    assert ui.log == [
        "ask 1/4 d/c left=100.0",
        "right 'Channels'",
        "ask 2/4 d/t left=60.0",
        "right '2080'",
        "ask 3/4 d/z left=20.0",
        "time up, 2 unanswered",
    ]
    assert (result.score, result.total, result.seconds, result.ended) == (2, 4, 100.0, "time")
    assert [(o.given, o.correct) for o in result.outcomes] == [
        ("Channels", True),
        ("2080", True),
        (None, False),
        (None, False),
    ]
    rows = store.exam_answers(result.exam_id)
    assert [(r["position"], r["given"], r["correct"]) for r in rows] == [
        (1, "Channels", True),
        (2, "2080", True),
        (3, None, False),
        (4, None, False),
    ]
    assert store.exams()[0].score == 2


def test_the_bell_ringing_while_typing_ends_the_exam(store):
    clock = FakeClock()
    ui = ScriptedUI(["2", TimeUp], clock, step=1)
    result = run_exam(small_exam(), ui=ui, recorder=store, clock=clock, now=minutes_clock(), seed=1, time_limit=60)
    assert (result.score, result.total, result.ended) == (1, 4, "time")
    assert ui.log[-1] == "time up, 3 unanswered"


def test_no_time_left_before_a_question_asks_nothing_more(store):
    clock = FakeClock()
    ui = ScriptedUI(["2", "2080"], clock, step=30)
    result = run_exam(small_exam(), ui=ui, recorder=store, clock=clock, now=minutes_clock(), seed=1, time_limit=60)
    assert ui.log == [
        "ask 1/4 d/c left=60.0",
        "right 'Channels'",
        "ask 2/4 d/t left=30.0",
        "right '2080'",
        "time up, 2 unanswered",
    ]
    assert (result.score, result.ended, result.seconds) == (2, "time", 60.0)


@pytest.mark.parametrize(("lines", "ended"), [(["2"], "eof"), (["2", "q"], "quit"), (["2", " Q "], "quit")])
def test_end_of_input_or_q_ends_the_exam_with_the_rest_wrong(store, lines, ended):
    result = run_exam(
        small_exam(), ui=ScriptedUI(lines), recorder=store, clock=FakeClock(), now=minutes_clock(), seed=1
    )
    assert (result.score, result.total, result.ended) == (1, 4, ended)
    assert [r["given"] for r in store.exam_answers(result.exam_id)] == ["Channels", None, None, None]


def test_q_is_an_answer_when_it_is_an_option(store):
    question = Question(id="d/q", kind="choice", prompt="Letter?", expected="q", options=("p", "q"))
    result = run_exam([question], ui=ScriptedUI(["q"]), recorder=store, clock=FakeClock(), now=minutes_clock(), seed=1)
    assert (result.score, result.ended) == (1, "done")


def test_ctrl_c_keeps_the_answers_already_given(store):
    class InterruptedUI(ScriptedUI):
        def ask(self, position, total, question, seconds_left):
            if position == 3:
                raise KeyboardInterrupt
            return super().ask(position, total, question, seconds_left)

    with pytest.raises(KeyboardInterrupt):
        run_exam(
            small_exam(),
            ui=InterruptedUI(["2", "2080"]),
            recorder=store,
            clock=FakeClock(),
            now=minutes_clock(),
            seed=1,
        )
    [row] = store.exams()
    assert (row.finished, row.score) == (None, None)
    assert [r["given"] for r in store.exam_answers(row.id)] == ["Channels", "2080"]


# -- the result --------------------------------------------------------------------------------


def outcome(tags, correct, kind="typed", deck="a"):
    question = Question(
        id=str(tags), kind=kind, prompt="?", expected="x", tags=tags, deck="" if kind == "computed" else deck
    )
    return Outcome(question, "x", correct)


def test_study_next_names_the_weakest_tags_then_decks():
    decks = [
        Deck("a", "A", str(user_deck_dir() / "a.yaml"), tags=("deck-a",)),
        Deck("b", "B", str(user_deck_dir() / "b.yaml")),
    ]
    result = ExamResult(
        1,
        0,
        [
            outcome(("deck-a", "params"), False),
            outcome(("deck-a", "params"), True),
            outcome(("shapes",), False, deck="b"),
            outcome(("deck-a", "idea"), True),
            outcome(("deck-a", "idea"), False),
            outcome(("deck-a", "idea"), False),
            outcome(("macs",), False, kind="computed"),
            outcome(("macs",), True, kind="computed"),
        ],
    )
    hints = study_next(result, decks, most=10)
    assert [(h.label, h.right, h.asked, h.command) for h in hints] == [
        ("shapes", 0, 1, "quiz study --cram --tag shapes"),
        ("idea", 1, 3, "quiz study --cram --tag idea"),
        ("macs", 1, 2, "quiz exam --tag macs"),  # only computed problems carry it
        ("params", 1, 2, "quiz study --cram --tag params"),
        ("b", 0, 1, "quiz study --cram b"),
        ("a", 2, 5, "quiz study --cram a"),
    ]  # `deck-a` is on every card of deck a: it says no more than the deck's name
    assert [h.label for h in study_next(result, decks)] == ["shapes", "idea", "macs"]


def test_with_untagged_cards_study_next_names_the_deck():
    result = ExamResult(1, 0, [outcome(("deck-a",), False), outcome(("deck-a",), True)])
    decks = [Deck("a", "A", str(user_deck_dir() / "a.yaml"), tags=("deck-a",))]
    assert [(h.label, h.command) for h in study_next(result, decks)] == [("a", "quiz study --cram a")]
    assert study_next(ExamResult(1, 0, [outcome(("t",), True)]), decks) == []


def test_study_next_names_a_deck_given_by_path_by_its_path():
    """`quiz study a` or `quiz study --tag t` would not find a deck that lives outside the deck folders."""
    result = ExamResult(1, 0, [outcome(("deck-a", "params"), False), outcome(("deck-a", "idea"), True)])
    decks = [Deck("a", "A", "/notes/my deck.yaml", tags=("deck-a",))]
    assert [h.command for h in study_next(result, decks)] == ["quiz study --cram '/notes/my deck.yaml' --tag params"]
    only_deck = ExamResult(1, 0, [outcome(("deck-a",), False)])
    assert [h.command for h in study_next(only_deck, decks)] == ["quiz study --cram '/notes/my deck.yaml'"]


def test_json_document_has_exactly_the_documented_keys():
    result = ExamResult(1, 0, [Outcome(CHOICE, "Pixels", False), Outcome(small_exam()[1], None, False)], 12.34)
    assert result_json(result) == {
        "score": 0,
        "total": 2,
        "seconds": 12.3,
        "questions": [
            {
                "id": "d/c",
                "kind": "choice",
                "prompt": "?",
                "options": ["Pixels", "Channels", "Batches"],
                "given": "Pixels",
                "expected": "Channels",
                "correct": False,
            },
            {
                "id": "d/t",
                "kind": "typed",
                "prompt": "Weights of 64 → 32 with bias?",
                "options": [],
                "given": None,
                "expected": "2080",
                "correct": False,
            },
        ],
    }
