"""`quiz exam` as a learner runs it: an exact scripted transcript, --json, errors, Ctrl-C, a real terminal."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import time

import pexpect
import pytest

from dense1x1quiz.store import Store

DECK = textwrap.dedent("""\
    deck: small
    title: Small exam deck
    cards:
      - id: mix
        front: What does a 1×1 convolution mix?
        options: [The channels at each pixel, Neighbouring pixels, Samples in the batch]
        answer: The channels at each pixel
        source: Lin et al. 2013, Network In Network
        tags: [idea]
      - id: params
        front: Weights of a 1×1 conv from $C_{in} = 64$ to $C_{out} = 32$, bias included?
        answer: "2080"
        explain: 64·32 + 32
        tags: [params]
      - id: keeps
        cloze: "A 1×1 convolution keeps the {{c1::spatial}} structure of its input."
        tags: [idea]
    tables:
      - id: cmp
        title: Dense vs 1×1 convolution
        columns: [Feature, Dense, 1×1 conv]
        rows:
          - [Input, Flattened vector, H×W×C tensor]
          - [Spatial info, Lost, Preserved]
        tags: [compare]
    """)

NOW = {"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"}
SCRIPT = "2\nspacial\n2 080\n1\n23.2\n"  # five answers; the sixth question meets the end of input

ASKED = textwrap.dedent("""\
    Exam: 6 questions
    Answer with an option's number or text, or type the answer; q ends the exam.

    Question 1 of 6  small
    What does a 1×1 convolution mix?
      1. Neighbouring pixels
      2. Samples in the batch
      3. The channels at each pixel
    Answer (1–3): 2
    ✗ Wrong. Right answer: 3. The channels at each pixel
      source: Lin et al. 2013, Network In Network

    Question 2 of 6  small
    A 1×1 convolution keeps the […] structure of its input.
    Answer: spacial
    ✗ Wrong. Right answer: spatial (close: check the spelling)

    Question 3 of 6  small
    Weights of a 1×1 conv from Cᵢₙ = 64 to Cₒᵤₜ = 32, bias included?
    Answer: 2 080
    ✓ Right: 2080
      64·32 + 32

    Question 4 of 6  computed
    A 5×5 convolution (padding 2) maps 14×14×16 to 14×14×64. How many parameters, biases included?
    Answer: 1
    ✗ Wrong. Right answer: 25,664
      Cₒᵤₜ·Cᵢₙ·k² + Cₒᵤₜ = 64·16·25 + 64 = 25,664
      source: PyTorch nn.Conv2d: weight Cₒᵤₜ × Cᵢₙ/groups × k × k, bias Cₒᵤₜ

    Question 5 of 6  computed
    How many times cheaper, in multiply-accumulates, is a depthwise-separable 5×5 layer with 320 output channels than a standard 5×5 convolution? (within ±2%)
      1. 23.19
      2. 320
      3. 25
      4. 0.04313
    Answer (1–4): 23.2
    ✓ Right: 1. 23.19
      separable/standard = 1/N + 1/D_K² = 1/320 + 1/25; its inverse is 23.19
      source: MobileNets (Howard et al., 2017), section 3.1

    Question 6 of 6  small
    Dense vs 1×1 convolution
    Feature: Input
    Which column says «H×W×C tensor»?
      1. 1×1 conv
      2. Dense
    """)  # noqa: E501 - the transcript keeps each line whole
TRANSCRIPT = ASKED + textwrap.dedent("""\

    Score 2/6 (33%) · time 0:00 · seed 16
    Ended early: 1 unanswered, counted wrong.

    Missed (4)
    1. What does a 1×1 convolution mix?
       right: 3. The channels at each pixel · you: Samples in the batch
    2. A 1×1 convolution keeps the […] structure of its input.
       right: spatial · you: spacial
    4. A 5×5 convolution (padding 2) maps 14×14×16 to 14×14×64. How many parameters, biases included?
       right: 25,664 · you: 1
    6. Dense vs 1×1 convolution · Feature: Input · Which column says «H×W×C tensor»?
       right: 1. 1×1 conv · not answered

    Study next
    idea     0/2 right  quiz study --cram --tag idea
    compare  0/1 right  quiz study --cram --tag compare
    params   1/2 right  quiz study --cram --tag params
    """)  # noqa: E501 - the transcript keeps each line whole


# What --json writes for SCRIPT: the document in this order, as json.dumps writes it with an indent of 2.
DOCUMENT = {
    "score": 2,
    "total": 6,
    "seconds": 0.0,
    "questions": [
        {
            "id": "small/mix",
            "kind": "choice",
            "prompt": "What does a 1×1 convolution mix?",
            "options": ["Neighbouring pixels", "Samples in the batch", "The channels at each pixel"],
            "given": "Samples in the batch",
            "expected": "The channels at each pixel",
            "correct": False,
        },
        {
            "id": "small/keeps:c1",
            "kind": "cloze",
            "prompt": "A 1×1 convolution keeps the […] structure of its input.",
            "options": [],
            "given": "spacial",
            "expected": "spatial",
            "correct": False,
        },
        {
            "id": "small/params",
            "kind": "typed",
            "prompt": "Weights of a 1×1 conv from $C_{in} = 64$ to $C_{out} = 32$, bias included?",
            "options": [],
            "given": "2 080",
            "expected": "2080",
            "correct": True,
        },
        {
            "id": "computed:conv-params:14-14-16-64-5",
            "kind": "computed",
            "prompt": "A 5×5 convolution (padding 2) maps 14×14×16 to 14×14×64. How many parameters, biases included?",
            "options": [],
            "given": "1",
            "expected": "25,664",
            "correct": False,
        },
        {
            "id": "computed:separable-ratio:320-5",
            "kind": "computed",
            "prompt": "How many times cheaper, in multiply-accumulates, is a depthwise-separable 5×5 layer with 320 "
            "output channels than a standard 5×5 convolution? (within ±2%)",
            "options": ["23.19", "320", "25", "0.04313"],
            "given": "23.19",
            "expected": "23.19",
            "correct": True,
        },
        {
            "id": "small/cmp:input:1x1-conv:which",
            "kind": "table",
            "prompt": "Dense vs 1×1 convolution\nFeature: Input\nWhich column says «H×W×C tensor»?",
            "options": ["1×1 conv", "Dense"],
            "given": None,
            "expected": "1×1 conv",
            "correct": False,
        },
    ],
}


def as_json(document: dict) -> str:
    """The whole stdout of `quiz exam --json` holding `document` (UTF-8 as is, indent 2, one newline)."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


@pytest.fixture
def deck(isolated_home):
    path = isolated_home / "decks" / "small.yaml"  # in the deck folder, so `quiz study small` finds it
    path.parent.mkdir(parents=True)
    path.write_text(DECK, encoding="utf-8")
    return str(path)


def test_a_scripted_exam_gives_this_exact_transcript_and_these_rows(cli, deck, isolated_home):
    result = cli("exam", deck, "-n", "6", "--seed", "16", input=SCRIPT, env=NOW)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == TRANSCRIPT
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert (exam.decks, exam.seed, exam.total, exam.score, exam.seconds) == (["small"], 16, 6, 2, 0.0)
        assert exam.finished is not None
        rows = store.exam_answers(exam.id)
        assert (store.review_count(), store.states()) == (0, {})  # the study schedule is untouched
    assert [(r["position"], r["question"], r["kind"], r["given"], r["expected"], r["correct"]) for r in rows] == [
        (1, "small/mix", "choice", "Samples in the batch", "The channels at each pixel", False),
        (2, "small/keeps:c1", "cloze", "spacial", "spatial", False),
        (3, "small/params", "typed", "2 080", "2080", True),
        (4, "computed:conv-params:14-14-16-64-5", "computed", "1", "25,664", False),
        (5, "computed:separable-ratio:320-5", "computed", "23.19", "23.19", True),
        (6, "small/cmp:input:1x1-conv:which", "table", None, "1×1 conv", False),
    ]
    assert rows[4]["tags"] == ["mobilenet", "macs"]


def test_json_holds_exactly_the_documented_document(cli, deck):
    result = cli("exam", deck, "-n", "6", "--seed", "16", "--json", input=SCRIPT, env=NOW)
    assert (result.returncode, result.stdout) == (0, as_json(DOCUMENT))
    assert result.stderr == ASKED  # the questions are still shown, away from stdout; the results are in the JSON


def test_option_text_works_like_its_number(cli, deck):
    script = "the channels at each pixel\nspatial\n2,080\n25664\n23.4\n1×1 CONV\n"
    result = cli("exam", deck, "-n", "6", "--seed", "16", "--json", input=script, env=NOW)
    given = ["The channels at each pixel", "spatial", "2,080", "25664", "23.19", "1×1 conv"]  # a choice: the option
    questions = [
        {**question, "given": answer, "correct": True}
        for question, answer in zip(DOCUMENT["questions"], given, strict=True)
    ]
    assert (result.returncode, result.stdout) == (0, as_json({**DOCUMENT, "score": 6, "questions": questions}))
    assert result.stderr == (
        ASKED.replace(
            "Answer (1–3): 2\n✗ Wrong. Right answer: 3.", "Answer (1–3): the channels at each pixel\n✓ Right: 3."
        )
        .replace(
            "Answer: spacial\n✗ Wrong. Right answer: spatial (close: check the spelling)",
            "Answer: spatial\n✓ Right: spatial",
        )
        .replace("Answer: 2 080\n", "Answer: 2,080\n")
        .replace("Answer: 1\n✗ Wrong. Right answer: 25,664", "Answer: 25664\n✓ Right: 25,664")
        .replace("Answer (1–4): 23.2\n", "Answer (1–4): 23.4\n")
        + "Answer (1–2): 1×1 CONV\n✓ Right: 1. 1×1 conv\n\n"
    )


def test_typed_escape_sequences_are_shown_not_obeyed(cli, deck):
    result = cli("exam", deck, "-n", "6", "--seed", "16", input="\x1b[2J$x$\n\x07\n", env=NOW)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "Answer (1–3): ␛[2J$x$\n" in result.stdout  # literally, not even the math rendered
    assert "right: spatial · you: ␇\n" in result.stdout


def test_without_computed_problems_only_deck_questions(cli, deck):
    result = cli("exam", deck, "-n", "20", "--no-computed", "--seed", "1", "--json", input="", env=NOW)
    document = json.loads(result.stdout)
    assert result.returncode == 0
    assert document["total"] == 11  # every gradable card (8 from the table), asked once
    assert {q["kind"] for q in document["questions"]} == {"choice", "typed", "cloze", "table"}
    assert "Exam: 11 questions (20 asked for; only 11 match)" in result.stderr


def test_a_deck_without_gradable_cards_gets_computed_problems_and_says_so(cli, tmp_path):
    path = tmp_path / "basic.yaml"
    path.write_text("deck: basic\ntitle: Basic\ncards:\n  - {id: a, front: Front, back: Back}\n", encoding="utf-8")
    result = cli("exam", str(path), "-n", "3", "--seed", "1", input="", env=NOW)
    assert result.returncode == 0
    assert result.stdout.splitlines()[:2] == [
        "Exam: 3 questions",
        "No choice, typed, cloze or table cards to ask: computed problems only.",
    ]
    assert result.stdout.count("  computed\n") == 1  # ended at the first question: input was empty


def test_nothing_to_ask_is_a_clear_error(cli, deck):
    result = cli("exam", deck, "--tag", "nosuch", "--no-computed")
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == "Error: no question has the tag `nosuch` (decks: small)\n"


def test_too_many_questions_is_bad_usage(cli, deck):
    result = cli("exam", deck, "-n", "501")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "Error: -n 501 is more questions than an exam holds (at most 500)\n"


@pytest.mark.parametrize("minutes", ["inf", "nan", "1441", "1e-400", "14_41"])
def test_a_time_limit_out_of_range_is_bad_usage(cli, deck, minutes):
    result = cli("exam", deck, "--time-limit", minutes)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: --time-limit is minutes, from 0.1 to 1440 (a day), not {minutes}\n"  # as typed


@pytest.mark.parametrize("answer", ["²", "9" * 5000])
def test_a_choice_answered_with_odd_digits_is_wrong_not_a_crash(cli, deck, answer):
    # Seed 5 asks `small/mix`, a choice (seed 1 asked a typed question, so this tested no choice at all).
    result = cli("exam", deck, "-n", "1", "--no-computed", "--seed", "5", "--json", input=answer + "\n", env=NOW)
    assert result.returncode == 0, result.stderr
    (question,) = json.loads(result.stdout)["questions"]
    assert (question["id"], question["kind"], question["correct"]) == ("small/mix", "choice", False)
    assert question["given"] == answer[:4096]  # answers are cut at 4,096


def test_in_a_terminal_a_re_asked_answer_keeps_the_deadline(monkeypatch):
    """A blank or unknown answer is asked again with what is left of the time, not the time at the start."""
    import io

    from rich.console import Console

    from dense1x1quiz.exam import Question, TimeUp
    from dense1x1quiz.ui.exam import ExamScreen

    clock = [0.0]
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    given_time = []

    def blank_after_ten_seconds(prompt, seconds_left):
        given_time.append(seconds_left)
        assert len(given_time) < 5, f"asked again and again with {given_time}"
        clock[0] += 10
        return ""

    screen = ExamScreen(Console(file=io.StringIO()), interactive=True)
    monkeypatch.setattr(screen, "_read_before", blank_after_ten_seconds)
    with pytest.raises(TimeUp):
        screen.ask(1, 1, Question("q", "typed", "Shape?", "1×1"), seconds_left=15)
    assert given_time == [15, 5]


def test_an_unknown_deck_is_bad_usage(cli):
    result = cli("exam", "no-such-deck")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: no deck named 'no-such-deck'")


def test_ctrl_c_mid_exam_exits_130_and_keeps_the_answers(deck, isolated_home):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "dense1x1quiz", "exam", deck, "-n", "6", "--seed", "16"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        proc.stdin.write(b"3\nspatial\n")
        proc.stdin.flush()
        seen, deadline = b"", time.monotonic() + 30
        while b"Question 3 of 6" not in seen and time.monotonic() < deadline:
            if select.select([proc.stdout], [], [], 0.5)[0]:
                seen += os.read(proc.stdout.fileno(), 65536)
        assert b"Question 3 of 6" in seen
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 130
    assert b"Exam stopped; the answers given so far are saved." in seen + out
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert (exam.finished, exam.score) == (None, None)
        assert [(r["position"], r["given"], r["correct"]) for r in store.exam_answers(exam.id)] == [
            (1, "The channels at each pixel", True),
            (2, "spatial", True),
        ]


def spawn(*args, **env):
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dense1x1quiz", "exam", *args],
        encoding="utf-8",
        env={**os.environ, **env},
        dimensions=(24, 80),
        timeout=20,
    )
    return child


CHOICES = textwrap.dedent("""\
    deck: choices
    title: Two choices
    cards:
      - {id: a, front: Kernel of a pointwise convolution?, options: [1×1, 3×3, 5×5], answer: 1×1}
      - {id: b, front: What does a 1×1 convolution keep?, options: [H × W, C, Nothing], answer: H × W}
    """)


def test_in_a_terminal_a_bad_choice_is_asked_again_and_ctrl_c_exits_130(tmp_path, isolated_home):
    path = tmp_path / "choices.yaml"
    path.write_text(CHOICES, encoding="utf-8")
    child = spawn(str(path), "-n", "2", "--seed", "1", "--no-computed")
    child.expect(r"Answer \(1–3\): ")
    assert "Kernel of a pointwise convolution?" in child.before
    child.sendline("")  # a stray Enter costs nothing
    child.expect(r"Answer \(1–3\): ")
    child.sendline("9")
    child.expect("Type a number from 1 to 3, or the option's text.")
    child.expect(r"Answer \(1–3\): ")
    child.sendline("1x1")  # the option's text, written another way
    child.expect("✓ Right")
    child.expect("Question 2 of 2")
    child.expect(r"Answer \(1–3\): ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "Exam stopped; the answers given so far are saved." in child.before
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert [(r["position"], r["correct"]) for r in store.exam_answers(exam.id)] == [(1, True)]


def test_in_a_terminal_the_time_limit_ends_the_exam_while_typing(deck, isolated_home):
    child = spawn(deck, "-n", "3", "--seed", "7", "--time-limit", "0.1")  # 6 seconds, the shortest allowed
    child.expect("time limit 0:06")
    child.expect("Answer")
    child.send("half an answe")  # typing, never sent
    child.expect("Time is up; 3 questions unanswered.")
    child.expect("Score 0/3")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with Store.open(isolated_home) as store:
        [exam] = store.exams()
        assert (exam.score, exam.total) == (0, 3)
        assert [r["given"] for r in store.exam_answers(exam.id)] == [None, None, None]


def test_each_study_next_command_studies_the_cards_it_names(cli, deck):
    """Right after studying every card, a plain `quiz study --tag idea` has nothing to show (no card is
    due); each command the report suggests practises its cards (issue 14: it used to lead nowhere)."""
    import shlex

    studied = cli("study", "small", "--mode", "flip", input="\n4\n" * 8, env=NOW)
    assert "Studied 5 cards" in studied.stdout
    report = cli("exam", deck, "-n", "6", "--seed", "16", input=SCRIPT, env=NOW).stdout.splitlines()
    commands = [line.split("right  ")[1] for line in report[report.index("Study next") + 1 :]]
    assert commands == [f"quiz study --cram --tag {tag}" for tag in ("idea", "compare", "params")]
    plain = cli("study", "--tag", "idea", "--mode", "flip", input="", env=NOW)
    assert plain.stdout.startswith("Nothing to study now: no card is due")
    for command, cards in zip(commands, (2, 2, 1), strict=True):
        words = shlex.split(command)[1:]
        result = cli(*words, "--mode", "flip", input="\n3\n" * cards, env=NOW)
        assert (result.returncode, result.stderr) == (0, "")
        last = f"Studied {cards} card{'s' * (cards > 1)} in 0s: {cards} right, 0 wrong (practice only; nothing saved)"
        assert last in result.stdout.splitlines(), command


def test_on_a_narrow_terminal_a_study_next_command_wraps_in_its_own_column():
    """At 40 columns `quiz study --cram --tag comparison` does not fit after its label: its second line
    starts under the command, not at the left edge."""
    import io

    from rich.console import Console

    from dense1x1quiz.exam import ExamResult, Outcome, Question
    from dense1x1quiz.ui.exam import ExamScreen

    console = Console(file=io.StringIO(), width=40, force_terminal=True, color_system=None)
    asked = [Question(f"d/{n}", "typed", "?", "x", tags=("comparison",) * (n < 2), deck="d") for n in range(3)]
    result = ExamResult(1, 5, [Outcome(asked[0], "y", False), *(Outcome(q, "x", True) for q in asked[1:])])
    ExamScreen(console, interactive=False).report(result, [])
    report = console.file.getvalue()
    assert [line.rstrip() for line in report.splitlines()[-3:]] == [
        "Study next",
        "comparison  1/2 right  quiz study --cram",
        "                       --tag comparison",
    ]
