"""`quiz exam`: questions built from decks and computed problems, graded, timed, and recorded.

The exam never touches the FSRS schedule; its results go to the store's own exam tables. The
loop gets its collaborators passed in (a UI, a recorder, a clock), so a whole exam can be driven by
a script in tests: `run_exam(questions, ui=…, recorder=…, clock=…)`.
"""

from __future__ import annotations

import functools
import random
import shlex
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol, TypedDict

from dense1x1quiz import answers
from dense1x1quiz.choices import wrong_options
from dense1x1quiz.env import timer
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import Card, CardKind, Deck, cloze_prompt
from dense1x1quiz.problems import ComputedProblem, computed_problems
from dense1x1quiz.text import display, quoted

QuestionKind = Literal["choice", "table", "typed", "cloze", "computed"]
ASKED_KINDS: tuple[CardKind, ...] = ("choice", "table", "typed", "cloze")  # a basic card's back cannot be graded
COMPUTED_SHARE = 0.25  # of an exam, when the decks have enough questions for the rest
COMPUTED_CHOICE_SHARE = 1 / 3  # of computed problems, asked with the answers of typical slips as options
QUIT = "q"
MAX_QUESTIONS = 500  # an exam's unanswered questions are recorded one transaction each


@dataclass(frozen=True)
class Question:
    """One exam question. `options` are in the order shown (empty for typed answers)."""

    id: str
    kind: QuestionKind
    prompt: str
    expected: str
    accept: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    tolerance: float = 0.0
    tags: tuple[str, ...] = ()
    source: str = ""
    explain: str = ""
    deck: str = ""
    grade: str = ""  # the card's declared answer kind (`grade:` in the deck), "" when decided from the answer


@dataclass(frozen=True)
class Outcome:
    """A graded answer: what was given (a choice resolved to its option's text), and whether it is right.

    `given` is None for a question left unanswered (time ran out, input ended, the learner quit).
    """

    question: Question
    given: str | None
    correct: bool
    near: bool = False  # wrong by a slip of a character or two (still wrong)


@dataclass
class ExamResult:
    exam_id: int | None
    seed: int
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0
    ended: str = "done"  # done | time | quit | eof

    @property
    def score(self) -> int:
        return sum(o.correct for o in self.outcomes)

    @property
    def total(self) -> int:
        return len(self.outcomes)

    @property
    def missed(self) -> list[tuple[int, Outcome]]:
        """(position from 1, outcome) of every question not answered right."""
        return [(i, o) for i, o in enumerate(self.outcomes, 1) if not o.correct]


class TimeUp(Exception):
    """Raised by a UI's `ask` when the time limit ends while the learner is typing."""


class ExamUI(Protocol):
    def ask(self, position: int, total: int, question: Question, seconds_left: float | None) -> str | None:
        """The learner's answer line, or None at end of input; may raise TimeUp."""

    def feedback(self, outcome: Outcome) -> None: ...

    def time_up(self, unanswered: int) -> None: ...


class Recorder(Protocol):
    def start_exam(self, started_at: datetime, decks: list[str], seed: int, total: int) -> int: ...

    def record_exam_answer(
        self,
        exam_id: int,
        position: int,
        question_id: str,
        kind: str,
        prompt: str,
        given: str | None,
        expected: str,
        correct: bool,
        tags: list[str],
        answered_at: datetime,
    ) -> None: ...

    def finish_exam(self, exam_id: int, finished_at: datetime, score: int, seconds: float) -> None: ...


# -- building questions ------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _shown(text: str) -> str:
    """Deck text as compared for sameness: as it reads on screen (math rendered only where there is
    math, which is the slow part), folded."""
    return answers.fold(display(text) if "$" in text else text)


def _unique_options(
    options: Sequence[str], right: str, accepted: Sequence[str] = (), tolerance: float = 0.0, declared: str = ""
) -> list[str]:
    """Options as shown, the right answer first: any other option that the grader accepts (against
    `right` and `accepted`, within `tolerance`) or that would look the same on screen as the right answer
    or an earlier option is dropped, so no question has two right options."""
    seen = {_shown(right)}
    kept = [right]
    for option in wrong_options(options, right, accepted, tolerance, declared)[1:]:
        key = _shown(option)
        if key not in seen:
            seen.add(key)
            kept.append(option)
    return kept


class _CardQuestionFields(TypedDict):
    """What a question takes from its card whatever the card's kind (passed as `**common`)."""

    id: str
    tags: tuple[str, ...]
    source: str
    explain: str
    deck: str


def question_from_card(card: Card, rng: random.Random) -> Question:
    """A deck card as an exam question; choice and table options are shuffled with `rng`."""
    common = _CardQuestionFields(
        id=f"{card.deck}/{card.id}", tags=card.tags, source=card.source, explain=card.explain, deck=card.deck
    )
    if card.kind == "choice" or card.kind == "table":
        options = _unique_options(card.options, card.answer, card.accept, declared=card.grade)
        return Question(
            kind=card.kind,
            prompt=card.prompt,
            expected=card.answer,
            options=tuple(rng.sample(options, len(options))),
            **common,
        )
    if card.kind == "cloze":
        return Question(
            kind="cloze",
            prompt=cloze_prompt(card.cloze, card.cloze_number),
            expected=card.answer,
            accept=card.accept,
            **common,
        )
    return Question(
        kind="typed", prompt=card.prompt, expected=card.answer, accept=card.accept, grade=card.grade, **common
    )


def question_from_problem(problem: ComputedProblem, rng: random.Random | None = None) -> Question:
    """A computed problem as a typed question, or, given `rng`, as a choice among the right answer and
    up to three answers that typical slips give (shuffled)."""
    options: tuple[str, ...] = ()
    if rng is not None:
        picks = rng.sample(problem.mistakes, min(3, len(problem.mistakes)))
        shown = _unique_options(picks, problem.answer, tolerance=problem.tolerance)
        options = tuple(rng.sample(shown, len(shown)))
    return Question(
        id=problem.id,
        kind="computed",
        prompt=problem.prompt,
        expected=problem.answer,
        options=options,
        tolerance=problem.tolerance,
        tags=problem.tags,
        source=problem.source,
        explain=problem.working,
    )


def deck_pool(decks: Sequence[Deck], tags: Sequence[str] | None = None) -> list[Card]:
    """Cards that can be asked and graded, one per distinct prompt, filtered by any of `tags` (case ignored)."""
    pool, prompts = [], set()
    wanted = {tag.casefold() for tag in tags or ()}  # case ignored, as `quiz study --tag` does
    for deck in decks:
        for card in deck.cards:
            if card.kind not in ASKED_KINDS or (wanted and not wanted & {t.casefold() for t in card.tags}):
                continue
            # As written, not as rendered: rendering math takes ~10 ms a prompt and the same card in
            # two decks is written the same.
            shown = answers.fold(cloze_prompt(card.cloze, card.cloze_number) if card.cloze else card.prompt)
            if shown not in prompts:
                prompts.add(shown)
                pool.append(card)
    return pool


def _pick_cards(pool: list[Card], count: int, rng: random.Random) -> list[Card]:
    """`count` cards, kinds taking turns, at most one card per note or table until they run out:
    siblings give each other away, and so do cards whose options come from the same table."""
    by_note: dict[str, list[Card]] = defaultdict(list)
    for card in pool:
        group = f"table:{card.table.id}" if card.table is not None else card.note or card.id
        by_note[f"{card.deck}/{group}"].append(card)
    rounds: list[list[Card]] = []
    for siblings in by_note.values():  # round k holds each note's k-th card, shuffled
        for k, card in enumerate(rng.sample(siblings, len(siblings))):
            if k == len(rounds):
                rounds.append([])
            rounds[k].append(card)
    picked: list[Card] = []
    for round_cards in rounds:
        by_kind: dict[str, list[Card]] = defaultdict(list)
        for card in rng.sample(round_cards, len(round_cards)):
            by_kind[card.kind].append(card)
        kinds = rng.sample(sorted(by_kind), len(by_kind))
        while len(picked) < count and any(by_kind.values()):
            for kind in kinds:
                if by_kind[kind] and len(picked) < count:
                    picked.append(by_kind[kind].pop())
        if len(picked) == count:
            break
    return picked


def build_exam(
    decks: Sequence[Deck], count: int, rng: random.Random, tags: Sequence[str] | None = None, computed: bool = True
) -> list[Question]:
    """Up to `count` questions in random order: deck cards (kinds mixed) and, unless `computed` is off,
    about a quarter computed problems — more when the decks run short. Fewer than `count` only when
    computed problems are off (or no template has the tag) and the decks have too few questions."""
    pool = deck_pool(decks, tags)
    n_computed = 0
    if computed:
        n_computed = round(count * COMPUTED_SHARE) if pool else count
        n_computed = min(count, max(n_computed, count - len(pool)))
    problems = computed_problems(rng, n_computed, list(tags) if tags else None)
    cards = _pick_cards(pool, count - len(problems), rng)
    questions = [question_from_card(c, rng) for c in cards]
    for problem in problems:
        as_choice = len(problem.mistakes) >= 2 and rng.random() < COMPUTED_CHOICE_SHARE
        questions.append(question_from_problem(problem, rng if as_choice else None))
    return rng.sample(questions, len(questions))


# -- grading -----------------------------------------------------------------------------------


def chosen_option(question: Question, given: str) -> str | None:
    """The option a line names: its number (from 1), its text, or its value (`65536` names `65,536`,
    `23.2` names `23.19` within a ±2% tolerance) when exactly one option has it; else None.
    The study screen picks with the same `answers.option_index`."""
    index = answers.option_index(given, question.options, question.tolerance)
    return None if index is None else question.options[index]


def grade(question: Question, given: str) -> Outcome:
    """Grade one answer line: choices by number, text or meaning, typed answers with `answers.grade`
    (by meaning: numbers, shapes, formulas, calls; a stated tolerance for ratios)."""
    if question.options:
        option = chosen_option(question, given)
        if option is None:
            return Outcome(question, given.strip(), False)
        return Outcome(question, option, option == question.expected)
    result = answers.grade(given, [question.expected, *question.accept], question.tolerance, question.grade or None)
    # A digit off in a number is a wrong number, not a spelling slip.
    spelled = answers.parse_number(result.closest) is None and answers.parse_shape(result.closest) is None
    return Outcome(question, given.strip(), result.correct, result.near and spelled)


# -- the exam loop -----------------------------------------------------------------------------


def run_exam(
    questions: Sequence[Question],
    *,
    ui: ExamUI,
    recorder: Recorder,
    clock: Callable[[], float],
    now: Callable[[], datetime],
    seed: int,
    decks: Sequence[str] = (),
    time_limit: float | None = None,
) -> ExamResult:
    """Ask every question, record each answer the moment it is graded, and return the result.

    `clock` gives seconds (monotonic), `now` the UTC instant stored with each row, and
    `time_limit` (seconds) ends the exam: questions not answered in time count as wrong. A line `q`
    (when it is not an option) or the end of input ends the exam early, the rest counted wrong.
    Ctrl-C (KeyboardInterrupt) propagates; the answers recorded so far stay recorded.
    """
    start = clock()
    deadline = None if time_limit is None else start + time_limit
    exam_id = recorder.start_exam(now(), list(decks), seed, len(questions))
    result = ExamResult(exam_id, seed)

    def record(position: int, outcome: Outcome) -> None:
        q = outcome.question
        recorder.record_exam_answer(
            exam_id, position, q.id, q.kind, q.prompt, outcome.given, q.expected, outcome.correct, list(q.tags), now()
        )
        result.outcomes.append(outcome)

    for position, question in enumerate(questions, 1):
        left = None if deadline is None else deadline - clock()
        if left is not None and left <= 0:
            result.ended = "time"
            break
        try:
            line = ui.ask(position, len(questions), question, left)
        except TimeUp:
            result.ended = "time"
            break
        if deadline is not None and clock() > deadline:  # typed after the bell: not accepted
            result.ended = "time"
            break
        if line is None:
            result.ended = "eof"
            break
        if line.strip().lower() == QUIT and chosen_option(question, line) is None:
            result.ended = "quit"
            break
        outcome = grade(question, line[: answers.MAX_ANSWER_CHARS])  # the screen read at most this (and said so)
        record(position, outcome)
        ui.feedback(outcome)
    unanswered = questions[len(result.outcomes) :]
    if result.ended == "time":
        ui.time_up(len(unanswered))
    for position, question in enumerate(unanswered, len(result.outcomes) + 1):
        record(position, Outcome(question, None, False))
    result.seconds = clock() - start
    if deadline is not None:
        result.seconds = min(result.seconds, time_limit or 0.0)
    recorder.finish_exam(exam_id, now(), result.score, round(result.seconds, 1))
    return result


def exam_clock() -> Callable[[], float]:
    """Monotonic seconds; frozen when DENSE1X1QUIZ_NOW fixes the time (screenshots, tests): `env.timer`."""
    return timer()


def no_questions(decks: Sequence[Deck], tags: Sequence[str] | None, computed: bool) -> QuizError:
    """The error for an exam with nothing to ask, saying why."""
    where = ", ".join(d.id for d in decks) or "no decks found"
    if tags:
        from dense1x1quiz.catalog import did_you_mean, tag_counts

        known = [tag for tag, _ in tag_counts(decks)]
        hint = did_you_mean(tags[0], known) if len(tags) == 1 else ""
        return QuizError(f"no question has the tag {' or '.join(quoted(t) for t in tags)}{hint} (decks: {where})")
    extra = "" if computed else "; leave out --no-computed for computed problems"
    return QuizError(f"the decks ({where}) have no choice, typed, cloze or table cards to ask{extra}")


# -- what the result says ----------------------------------------------------------------------


@dataclass(frozen=True)
class StudyHint:
    """Something to study next: a tag or a deck, how it went in this exam, and the command to run."""

    label: str
    right: int
    asked: int
    command: str


def _worst_first(scores: dict[str, list[int]]) -> list[tuple[str, int, int]]:
    """(name, right, asked) with misses: lowest share right first, then most missed, then by name."""
    missed = [(name, right, asked) for name, (right, asked) in scores.items() if right < asked]
    return sorted(missed, key=lambda t: (t[1] / t[2], t[1] - t[2], t[0]))


def study_next(result: ExamResult, decks: Sequence[Deck] = (), most: int = 3) -> list[StudyHint]:
    """What to study next: the weakest tags, then the weakest decks, at most `most` in all.

    Deck-wide tags (on every card of a deck) and tags on every question say nothing a deck name
    would not, so they are left out. A tag found on deck cards is practised with `quiz study --cram
    --tag` (a plain `quiz study` would show only the cards due, often none right after an exam); one
    that only computed problems carry is practised with `quiz exam --tag`.
    """
    deck_wide = {tag for deck in decks for tag in deck.tags}
    card_tags = {tag for deck in decks for card in deck.cards for tag in card.tags}
    by_tag: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_deck: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for outcome in result.outcomes:
        question = outcome.question
        for tag in question.tags:
            by_tag[tag][0] += outcome.correct
            by_tag[tag][1] += 1
            if question.kind != "computed":
                card_tags.add(tag)
        if question.deck:
            by_deck[question.deck][0] += outcome.correct
            by_deck[question.deck][1] += 1
    telling = {tag: score for tag, score in by_tag.items() if tag not in deck_wide and score[1] < result.total}
    refs = {deck.id: _deck_ref(deck) for deck in decks}
    # A deck named by its path is not found by `quiz study --tag`: name the decks then.
    scope = " ".join(refs.values()) + " " if any(ref != deck_id for deck_id, ref in refs.items()) else ""
    hints = [
        StudyHint(tag, right, asked, f"quiz {'study --cram' if tag in card_tags else 'exam'} {scope}--tag {tag}")
        for tag, right, asked in _worst_first(telling)
    ]
    if len(by_deck) > 1 or not hints:
        hints += [
            StudyHint(deck, right, asked, f"quiz study --cram {refs.get(deck, deck)}")
            for deck, right, asked in _worst_first(by_deck)
        ]
    return hints[:most]


def _deck_ref(deck: Deck) -> str:
    """How a command line names `deck`: its id when `quiz` finds it by id, else its path."""
    from dense1x1quiz.catalog import builtin_deck_dir
    from dense1x1quiz.env import user_deck_dir

    folder = Path(deck.path).resolve().parent
    if folder in (builtin_deck_dir().resolve(), user_deck_dir().resolve()):
        return deck.id
    return shlex.quote(deck.path)


def result_json(result: ExamResult) -> dict:
    """The `quiz exam --json` document (DESIGN.md)."""
    return {
        "score": result.score,
        "total": result.total,
        "seconds": round(result.seconds, 1),
        "questions": [
            {
                "id": o.question.id,
                "kind": o.question.kind,
                "prompt": o.question.prompt,
                "options": list(o.question.options),
                "given": o.given,
                "expected": o.question.expected,
                "correct": o.correct,
            }
            for o in result.outcomes
        ],
    }


__all__ = [
    "MAX_QUESTIONS",
    "ExamResult",
    "ExamUI",
    "Outcome",
    "Question",
    "Recorder",
    "StudyHint",
    "TimeUp",
    "build_exam",
    "chosen_option",
    "deck_pool",
    "exam_clock",
    "grade",
    "no_questions",
    "question_from_card",
    "question_from_problem",
    "result_json",
    "run_exam",
    "study_next",
]
