"""The study loop with its collaborators passed in: a fake store, the line-protocol UI on a StringIO,
a fixed clock. Real scheduling (fsrs through dense1x1quiz.scheduler), no database."""

import io
import os
import random
import signal
from datetime import datetime, timedelta, timezone

import pytest
from rich.console import Console

from dense1x1quiz.answers import grade
from dense1x1quiz.model import Card, Table, cloze_answer
from dense1x1quiz.queue import CramQueue, StudyQueue, select_cards
from dense1x1quiz.scheduler import CardState, make_scheduler, review
from dense1x1quiz.session import (
    ask_style,
    choice_options,
    question,
    run_study,
    suggested_rating,
)
from dense1x1quiz.ui.study import LineInput, StudyUI, format_due, format_interval, parse_rating, visible_diff

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=timezone.utc)

BASIC = Card("d", "basic", "basic", "What mixes channels at each pixel?", "A 1×1 convolution", note="basic")
REVERSE = Card("d", "basic:reverse", "basic", "A 1×1 convolution", "What mixes channels at each pixel?", note="basic")
TYPED = Card(
    "d",
    "shape",
    "typed",
    "Output shape of a 1×1 conv, 16 filters, on 32×32×64?",
    "32×32×16",
    accept=("32 by 32 by 16",),
    explain="Channels become the number of filters.",
    note="shape",
)
WORDS = Card("d", "name", "typed", "What is a 1×1 convolution also called?", "pointwise convolution", note="name")
CHOICE = Card(
    "d",
    "pick",
    "choice",
    "Which layer keeps H × W?",
    "1×1 convolution",
    options=("1×1 convolution", "flatten + dense", "global pooling"),
    note="pick",
)
CLOZE_TEXT = "A 1×1 conv has {{c1::Cin·Cout}} weights and keeps {{c2::H × W}}."
CLOZE = Card(
    "d", "cz:c1", "cloze", CLOZE_TEXT, cloze_answer(CLOZE_TEXT, 1), cloze=CLOZE_TEXT, cloze_number=1, note="cz"
)
TABLE = Table(
    "cmp",
    "Dense vs 1×1",
    ("layer", "params", "keeps space"),
    (("dense", "H·W·Cin·Cout", "no"), ("1×1 conv", "Cin·Cout", "yes"), ("3×3 conv", "9·Cin·Cout", "yes")),
)
TABLE_CARD = Card(
    "d",
    "cmp:1x1-conv:params",
    "table",
    "Dense vs 1×1\nlayer: 1×1 conv\nparams: ?",
    "Cin·Cout",
    options=("Cin·Cout", "9·Cin·Cout", "H·W·Cin·Cout"),
    note="cmp:1x1-conv",
    table=TABLE,
    row=1,
)


class FakeStore:
    """Records answers like Store.record_review (real FSRS states), remembering what the screen
    showed at the moment of each commit."""

    def __init__(self, out: io.StringIO, on_record=None, states=None):
        self.out = out
        self.states = dict(states or {})
        self.rows: list[dict] = []
        self.screen_at_commit: list[str] = []
        self.on_record = on_record
        self.undone: list[tuple] = []

    def record_review(self, card, rating, now, *, mode, duration_ms, typed, session_id, scheduler):
        state = self.states.get(card.key) or CardState.new(card.key)
        for row in self.rows:
            if row["key"] == card.key:
                state = review(state, row["rating"], row["now"], scheduler)
        after = review(state, rating, now, scheduler)
        self.screen_at_commit.append(self.out.getvalue())
        if self.on_record:
            self.on_record()
        self.rows.append(
            dict(
                key=card.key,
                rating=rating,
                now=now,
                mode=mode,
                typed=typed,
                session=session_id,
                duration_ms=duration_ms,
            )
        )
        return after

    def record_answer(self, card, rating, now, *, leech=None, **answer):
        return self.record_review(card, rating, now, **answer), []  # no leech rule here: tests/test_study_keys.py

    def files_moved(self):
        return None

    def undo_last(self, session_id, events=()):
        mine = [r for r in self.rows if r["session"] == session_id]
        if not mine:
            return None
        self.rows.remove(mine[-1])
        self.undone.append(mine[-1]["key"])
        return mine[-1]["key"]


def study(
    cards,
    script,
    *,
    mode="auto",
    clock=lambda: NOW,
    states=None,
    cram=False,
    limit=None,
    new_per_day=20,
    on_record=None,
    width=100,
):
    """Run a session over `cards` with `script` as its input lines; returns (summary, transcript, store)."""
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False, emoji=False)
    ui = StudyUI(console, lines=LineInput(io.StringIO(script)))
    store = FakeStore(out, on_record, states)
    scheduler = make_scheduler(fuzz=False)
    if cram:
        queue = CramQueue(cards, limit)
    else:
        queue = StudyQueue(
            cards,
            dict(states or {}),
            scheduler=scheduler,
            new_per_day=new_per_day,
            new_done_today={},
            answered_today=set(),
            limit=limit,
        )
    summary = run_study(
        queue,
        scheduler=scheduler,
        store=None if cram else store,
        ui=ui,
        clock=clock,
        mode=mode,
        rng=random.Random(7),
        session_id="s1",
        pool=cards,
    )
    return summary, out.getvalue(), store


def lines(transcript: str) -> list[str]:
    return [line.rstrip() for line in transcript.splitlines()]


def cells(transcript: str) -> list[list[str]]:
    """The words of each line, box drawing left out (for tables)."""
    return [[w for w in line.split() if w not in "│╭╮╰╯├┤┬┴┼─"] for line in transcript.splitlines()]


# -- pure pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "delta, shown",
    [
        (timedelta(seconds=59), "<1m"),
        (timedelta(minutes=1), "1m"),
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=3), "3h"),
        (timedelta(hours=1, minutes=30), "1.5h"),
        (timedelta(days=1), "1d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=46), "1.5mo"),
        (timedelta(days=498), "1.4y"),
    ],
)
def test_intervals_are_shown_like_ankis_buttons(delta, shown):
    assert format_interval(delta) == shown


def test_due_times_are_relative_with_the_clock_time():
    due = NOW + timedelta(minutes=10)
    assert format_due(due, NOW) == f"in 10m ({due.astimezone().strftime('%H:%M')})"
    assert format_due(NOW - timedelta(days=1), NOW) == "now"


@pytest.mark.parametrize(
    "text, rating",
    [
        ("1", 1),
        ("4", 4),
        (" Good ", 3),
        ("again", 1),
        ("EASY", 4),
        ("hard", 2),
        ("5", None),
        ("0", None),
        ("", None),
        ("g", None),
    ],
)
def test_ratings_are_numbers_or_names(text, rating):
    assert parse_rating(text) == rating


@pytest.mark.parametrize(
    "card, mode, style",
    [
        (BASIC, "auto", "flip"),
        (TYPED, "auto", "type"),
        (CHOICE, "auto", "choice"),
        (TABLE_CARD, "auto", "choice"),
        (CLOZE, "auto", "flip"),
        (CHOICE, "flip", "flip"),
        (BASIC, "type", "type"),
        (BASIC, "choice", "choice"),
    ],
)
def test_each_kind_is_asked_its_own_way_unless_a_mode_says_otherwise(card, mode, style):
    assert ask_style(card, mode, has_options=True) == style


def test_choice_mode_flips_a_card_that_has_no_options():
    assert ask_style(BASIC, "choice", has_options=False) == "flip"


def test_options_are_shuffled_by_the_seed_and_keep_the_answer():
    first = choice_options(CHOICE, random.Random(1))
    assert sorted(first) == sorted(CHOICE.options)
    assert choice_options(CHOICE, random.Random(1)) == first
    orders = {tuple(choice_options(CHOICE, random.Random(seed))) for seed in range(20)}
    assert len(orders) > 1


def test_choice_mode_draws_distractors_from_other_notes_of_the_deck():
    options = choice_options(BASIC, random.Random(3), [BASIC, REVERSE, TYPED, WORDS, CHOICE])
    # Answers of other notes, any kind; not the reverse card's (same note: it would give the answer away).
    assert sorted(options) == sorted(["A 1×1 convolution", "1×1 convolution", "pointwise convolution", "32×32×16"])
    assert choice_options(WORDS, random.Random(3), [TYPED, WORDS]) in (
        ["pointwise convolution", "32×32×16"],
        ["32×32×16", "pointwise convolution"],
    )


def test_choice_mode_finds_no_options_when_the_deck_has_no_other_answers():
    assert choice_options(BASIC, random.Random(3), [BASIC, REVERSE]) == []


def test_cloze_question_hides_one_number_and_shows_the_others():
    assert question(CLOZE) == "A 1×1 conv has […] weights and keeps H × W."


@pytest.mark.parametrize(
    "given, expected, rating",
    [
        ("32x32x16", "32×32×16", 3),
        ("pointwise convolutoin", "pointwise convolution", 2),  # a slip in words: Hard
        ("32x32x17", "32×32×16", 1),  # one digit off in a shape is wrong
        ("1025", "1024", 1),
        ("depthwise", "pointwise convolution", 1),
    ],
)
def test_suggested_rating(given, expected, rating):
    result = grade(given, [expected])
    assert suggested_rating(result.correct, result.near, result.closest) == rating


def test_select_cards_by_tag():
    class Deck:
        cards = (Card("d", "a", "basic", "q", "a", tags=("conv",)), Card("d", "b", "basic", "q", "a", tags=("Dense",)))

    assert [c.id for c in select_cards([Deck], ["dense"])] == ["b"]
    assert [c.id for c in select_cards([Deck], [])] == ["a", "b"]


# -- sessions ---------------------------------------------------------------------------------------


def test_flip_cards_take_two_lines_each_and_are_saved_before_being_acknowledged():
    summary, out, store = study([BASIC, TYPED], "\n3\n", mode="flip")
    assert [(r["key"], r["rating"], r["mode"], r["typed"]) for r in store.rows] == [(("d", "basic"), 3, "flip", None)]
    assert "Saved Good · next in 10m" in out
    assert "Saved Good" not in store.screen_at_commit[0]  # acknowledged only after the commit
    assert "1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 8d" in lines(out)
    assert "Answer: A 1×1 convolution" in lines(out)
    assert (summary.answered, summary.right, summary.wrong, summary.exit_code) == (1, 1, 0, 0)


def test_the_reveal_line_is_ignored_and_ratings_take_names():
    _, _, store = study([BASIC, TYPED], "anything at all\nhard\nshow\nEasy\n", mode="flip")
    assert [r["rating"] for r in store.rows] == [2, 4]


def test_a_bad_rating_line_is_asked_again():
    _, out, store = study([BASIC], "\n7\ngood\n", mode="flip")
    assert "Rate with 1–4 (again, hard, good, easy); u undo, s show me, q quit." in lines(out)
    assert [r["rating"] for r in store.rows] == [3]


def test_q_quits_at_any_step_and_end_of_input_quits():
    summary, _, store = study([BASIC, TYPED], "\n3\nq\n", mode="flip")
    assert (summary.answered, summary.exit_code, len(store.rows)) == (1, 0, 1)
    summary, _, store = study([BASIC, TYPED], "\n", mode="flip")
    assert (summary.answered, summary.exit_code, store.rows) == (0, 0, [])


def test_the_header_counts_new_learning_and_review_as_anki_does():
    due = review(CardState.new(TYPED.key), 3, NOW - timedelta(days=10), make_scheduler(fuzz=False))
    due = review(due, 3, NOW - timedelta(days=9), make_scheduler(fuzz=False))
    assert due.state == "review" and due.due <= NOW
    _, out, _ = study([BASIC, WORDS, TYPED], "\n3\n", mode="flip", states={TYPED.key: due})
    header = [line for line in lines(out) if line.startswith("new ")]
    assert header[0] == "new 2  learning 0  review 1"  # the due review comes first
    assert header[1] == "new 2  learning 0  review 0"


def test_again_brings_a_card_back_after_the_others_with_a_stopped_clock():
    _, _, store = study([BASIC, WORDS], "\n1\n\n3\n\n3\n", mode="flip")
    assert [(r["key"][1], r["rating"]) for r in store.rows] == [("basic", 1), ("name", 3), ("basic", 3)]


def test_siblings_are_buried_once_one_is_answered():
    _, out, store = study([BASIC, REVERSE, WORDS], "\n3\n\n3\n\n3\n\n3\n", mode="flip")
    assert ("d", "basic:reverse") not in [r["key"] for r in store.rows]


def test_new_cards_per_day_and_limit():
    _, _, store = study([BASIC, WORDS, TYPED], "\n4\n\n4\n\n4\n", mode="flip", new_per_day=1)
    assert [r["key"][1] for r in store.rows] == ["basic"]
    # --limit 1: one card, but its learning steps still come back; the header counts that card only
    _, out, store = study([BASIC, WORDS, TYPED], "\n1\n\n3\n\n3\n\n3\n", mode="flip", limit=1)
    assert {r["key"][1] for r in store.rows} == {"basic"} and len(store.rows) == 3
    assert [line for line in lines(out) if line.startswith("new ")] == [
        "new 1  learning 0  review 0",
        "new 0  learning 1  review 0",
        "new 0  learning 1  review 0",
    ]


def test_typed_answers_are_graded_and_the_suggestion_taken_on_an_empty_line():
    _, out, store = study([TYPED, WORDS], "(32, 32, 16)\n\npointwise convolutoin\n\n")
    assert "✓ Correct  you typed: (32, 32, 16)" in lines(out)
    assert "Channels become the number of filters." in lines(out)
    assert "▸3 Good 10m" in out  # the suggestion is marked on the buttons
    assert "✗ Not quite  you typed: pointwise convolutoin" in lines(out)
    assert "  diff: pointwise convolut{+i+}o[-i-]n" in lines(out)  # without colour, marked in brackets
    assert [(r["rating"], r["mode"], r["typed"]) for r in store.rows] == [
        (3, "type", "(32, 32, 16)"),
        (2, "type", "pointwise convolutoin"),
    ]


def test_the_diff_ignores_case_as_grading_does():
    _, out, _ = study([WORDS], "Pointwise Convolutio\n\n")
    assert "  diff: Pointwise Convolutio{+n+}" in lines(out)


def test_an_answer_written_in_latex_is_also_accepted_as_shown():
    card = Card("d", "p", "typed", "What does a 1×1 conv keep?", r"$H \times W$ and $C_{out}$", note="p")
    _, out, store = study([card], "H x W and Cout\n\n")
    assert "✓ Correct  you typed: H x W and Cout" in lines(out)
    assert "Answer: H × W and Cₒᵤₜ" in lines(out)


@pytest.mark.parametrize(
    "given, expected, runs",
    [
        (
            "pointwise convolutoin",
            "pointwise convolution",
            [("same", "pointwise convolut"), ("missing", "i"), ("same", "o"), ("extra", "i"), ("same", "n")],
        ),
        ("332x32x16", "32x32x16", [("extra", "3"), ("same", "32x32x16")]),
        # what grading ignores is not marked: case, Cin for Cᵢₙ, a missing full stop, added parentheses
        (
            "the Cin channels per pixl",
            "The $C_{in}$ channels per pixel.",
            [("same", "the Cin channels per pix"), ("missing", "e"), ("same", "l")],
        ),
        ("(a) dense layer", "a dense layer", [("same", "(a) dense layer")]),
        # deck text and typed text reach the screen harmless
        ("x\x1b[31m", "x", [("same", "x"), ("extra", "␛[31m")]),
    ],
)
def test_the_diff_marks_only_what_counts(given, expected, runs):
    assert visible_diff(given, expected) == runs


def test_a_typed_rating_can_override_the_suggestion():
    _, out, store = study([TYPED], "no idea\neasy\n")
    assert "✗ Wrong  you typed: no idea" in lines(out)
    assert [r["rating"] for r in store.rows] == [4]


def test_accepted_alternatives_count_as_right():
    _, out, _ = study([TYPED], "32 by 32 by 16\n\n")
    assert "✓ Correct  you typed: 32 by 32 by 16" in lines(out)


def test_choice_cards_are_graded_at_once_by_number_or_by_text():
    options = choice_options(CHOICE, random.Random(7))
    right = options.index(CHOICE.answer) + 1
    wrong = 1 if right != 1 else 2
    _, out, store = study([CHOICE], f"{wrong}\n")
    assert f"✗ Wrong: {wrong}. {options[wrong - 1]}" in lines(out)
    assert f"  right: {right}. 1×1 convolution" in lines(out)
    assert [(r["rating"], r["mode"], r["typed"]) for r in store.rows] == [(1, "choice", options[wrong - 1])]
    _, out, store = study([CHOICE], "9\n²\n" + "9" * 5000 + "\n1X1 Convolution\n")  # odd digits: asked again
    assert lines(out).count("Choose 1–3 (or the option's text); u undo, s show me, q quit.") == 3
    assert f"✓ Right: {right}. 1×1 convolution" in lines(out)
    assert [r["rating"] for r in store.rows] == [3]


def test_a_table_card_shows_its_whole_row_after_the_answer():
    _, out, store = study([TABLE_CARD], "Cin·Cout\n")
    right = choice_options(TABLE_CARD, random.Random(7)).index("Cin·Cout") + 1
    assert f"✓ Right: {right}. Cin·Cout" in lines(out)
    rows = cells(out)
    at = rows.index(["Dense", "vs", "1×1"], 4)  # the table's title after the verdict, then its row
    assert rows[at + 2 : at + 5] == [["layer", "1×1", "conv"], ["params", "Cin·Cout"], ["keeps", "space", "yes"]]
    assert [r["rating"] for r in store.rows] == [3]


def test_cloze_is_revealed_with_the_whole_text():
    _, out, store = study([CLOZE], "\n3\n")
    text = lines(out)
    assert any("A 1×1 conv has […] weights and keeps H × W." in line for line in text)
    assert "Answer: Cin·Cout" in text
    assert "A 1×1 conv has Cin·Cout weights and keeps H × W." in text
    assert store.rows[0]["mode"] == "cloze"


def test_undo_removes_the_last_answer_and_asks_that_card_again():
    summary, out, store = study([BASIC, WORDS], "\n1\n\nu\n\n4\n\n3\n", mode="flip")
    assert store.undone == [("d", "basic")]
    assert "Undone: Again on basic; it is asked again." in lines(out)
    assert [(r["key"][1], r["rating"]) for r in store.rows] == [("basic", 4), ("name", 3)]
    assert (summary.answered, summary.right, summary.wrong) == (2, 2, 0)


def test_undo_with_nothing_to_undo_says_so():
    _, out, store = study([BASIC], "\nu\n3\n", mode="flip")
    assert "Nothing to undo in this session." in lines(out)
    assert [r["rating"] for r in store.rows] == [3]


def test_show_me_without_a_demo_says_so_and_returns_to_the_card():
    _, out, store = study([BASIC], "\ns\n3\n", mode="flip")
    assert "This card has no demo." in lines(out)
    assert [r["rating"] for r in store.rows] == [3]


def test_cram_writes_nothing_and_brings_failed_cards_back():
    cards = [BASIC, WORDS, TYPED, CHOICE, CLOZE]
    summary, out, store = study(cards, "\n1\n" + "\n3\n" * 6, mode="flip", cram=True)
    assert store.rows == []
    assert "Again · practice only; nothing saved" in lines(out)
    assert [line for line in lines(out) if line.startswith("cram ")][:3] == [
        "cram 5 left",
        "cram 5 left",
        "cram 4 left",
    ]  # the failed card is still left
    assert out.count("What mixes channels at each pixel?") == 2  # failed, then asked again after three cards
    assert (summary.answered, summary.right, summary.wrong, summary.next_due) == (6, 5, 1, None)


def flip_session(ui, out):
    """A flip session over BASIC and WORDS on `ui`; returns (summary, store)."""
    store = FakeStore(out)
    scheduler = make_scheduler(fuzz=False)
    queue = StudyQueue([BASIC, WORDS], {}, scheduler=scheduler, new_per_day=20, new_done_today={}, answered_today=set())
    summary = run_study(queue, scheduler=scheduler, store=store, ui=ui, clock=lambda: NOW, mode="flip", session_id="s1")
    return summary, store


def test_ctrl_c_ends_the_session_with_exit_130_and_keeps_the_answers():
    script = io.StringIO("\n3\n\n")

    class Interrupting(io.StringIO):
        def readline(self, *args):
            line = script.readline()
            if not line:
                raise KeyboardInterrupt
            return line

    out = io.StringIO()
    ui = StudyUI(Console(file=out, width=100, no_color=True), lines=LineInput(Interrupting()))
    summary, store = flip_session(ui, out)
    assert (summary.exit_code, summary.stopped, summary.answered, len(store.rows)) == (130, "interrupted", 1, 1)
    assert summary.next_due == NOW + timedelta(minutes=10)


def test_sigterm_during_a_commit_is_held_until_the_answer_is_saved_and_acknowledged():
    summary, out, store = study(
        [BASIC, WORDS], "\n3\n\n3\n", mode="flip", on_record=lambda: os.kill(os.getpid(), signal.SIGTERM)
    )
    assert (summary.exit_code, summary.stopped) == (128 + signal.SIGTERM, "SIGTERM")
    assert len(store.rows) == 1 and summary.answered == 1
    assert "Saved Good" in out
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # handlers are put back


def test_sighup_ends_the_session_too():
    def hang_up():
        os.kill(os.getpid(), signal.SIGHUP)

    summary, _, store = study([BASIC, WORDS], "\n3\n\n3\n", mode="flip", on_record=hang_up)
    assert (summary.exit_code, summary.stopped, len(store.rows)) == (129, "SIGHUP", 1)


def test_a_narrow_screen_puts_the_buttons_on_one_short_line():
    _, out, _ = study([BASIC], "\n3\n", mode="flip", width=20)
    assert "1·1m 2·6m 3·10m 4·8d" in lines(out)


@pytest.mark.parametrize("seed", range(12))
def test_the_session_queue_follows_build_queue_after_every_answer(seed):
    """StudyQueue builds the day's order once and keeps it up to date; it must agree with
    scheduler.build_queue run from scratch (learning first, reviews, new cards, siblings buried)."""
    from dense1x1quiz.queue import build_queue, counts

    rng = random.Random(seed)
    scheduler = make_scheduler(fuzz=False)
    cards = [Card("d", f"c{i}", "basic", f"q{i}", f"a{i}", note=f"n{i // 3}") for i in range(30)]
    states = {}
    for card in cards[:20]:
        state, moment = CardState.new(card.key), NOW - timedelta(days=rng.randint(3, 40))
        for _ in range(rng.randint(1, 4)):
            state = review(state, rng.choice([1, 2, 3, 3, 4]), moment, scheduler)
            moment = max(moment + timedelta(hours=rng.randint(1, 72)), state.due)
            if moment > NOW:
                break
        states[card.key] = state
    queue = StudyQueue(cards, dict(states), scheduler=scheduler, new_per_day=4, new_done_today={}, answered_today=set())
    now, answered, new_done = NOW, set(), {}
    for _ in range(40):
        card = queue.next(now)
        reference = build_queue(
            cards,
            queue.states,
            now,
            new_per_day=4,
            new_done_today=new_done,
            answered_today=answered,
            scheduler=scheduler,
        )
        if card is None:
            assert reference == []
            break
        if reference:
            assert card == reference[0]
            expected = counts(reference, queue.states)
            new, _, review_count = queue.counts(now)
            assert (new, review_count) == (expected["new"], expected["review"])
        before = queue.state(card)
        after = review(before, rng.choice([1, 3, 3, 4]), now, scheduler)
        queue.answered_with(card, before, after, 3)
        answered.add(card.key)
        if before.state == "new":
            new_done["d"] = new_done.get("d", 0) + 1
        now += timedelta(minutes=rng.randint(0, 4))


def test_ctrl_c_while_a_card_is_drawn_waits_until_the_screen_is_whole():
    """A signal in the middle of drawing is held to the next wait for input, so rich is never left
    mid-write (which once swallowed the summary) and the summary is shown whole."""

    class InterruptOnFirstCard(io.StringIO):
        sent = False

        def write(self, text):
            if not self.sent and BASIC.prompt in text:
                self.sent = True
                os.kill(os.getpid(), signal.SIGINT)  # arrives while the card is being written
            return super().write(text)

    out = InterruptOnFirstCard()
    ui = StudyUI(Console(file=out, width=100, no_color=True), lines=LineInput(io.StringIO("\n3\n")))
    summary, store = flip_session(ui, out)
    assert out.sent
    assert (summary.exit_code, summary.stopped, summary.answered, store.rows) == (130, "interrupted", 0, [])
    shown = out.getvalue()
    assert BASIC.prompt in shown and shown.rstrip().endswith("╯")  # the card's panel, whole


def test_a_store_failure_ends_the_session_with_the_summary_and_keeps_what_was_saved(capsys):
    from dense1x1quiz.errors import StoreError
    from dense1x1quiz.ui.study_screen import print_summary

    calls = []

    def fail_second_commit():
        calls.append(1)
        if len(calls) == 2:
            raise StoreError("cannot write to /home/x/quiz.sqlite3: disk full")

    summary, out, store = study([BASIC, WORDS], "\n3\n\n3\n", mode="flip", on_record=fail_second_commit)
    assert (summary.exit_code, summary.answered, len(store.rows)) == (1, 1, 1)
    assert lines(out).count("Saved Good · next in 10m (09:10)") == 1
    buffer = io.StringIO()
    ui = StudyUI(Console(file=buffer, width=100, no_color=True), lines=LineInput(io.StringIO("")))
    print_summary(ui, summary, NOW, cards_found=2)
    assert capsys.readouterr().err == "Error: cannot write to /home/x/quiz.sqlite3: disk full\n"  # not on the screen
    assert lines(buffer.getvalue())[0] == "Stopped: the last answer was not saved; every answer marked Saved is kept."


@pytest.mark.parametrize(
    ("moved", "stopped"),
    [
        ("WAL", "Stopped: the review log was removed; answers saved in this session may be lost."),
        (
            "database",
            "Stopped: the review database was removed or replaced; answers saved in this session may be lost.",
        ),
    ],
)
def test_a_store_whose_files_were_removed_stops_without_claiming_the_saved_answers_are_kept(capsys, moved, stopped):
    """The answers marked Saved lived in the removed log (or the old database file): the summary must not
    say they are kept. The kind of error is carried as data (StoreFilesMovedError.moved), not read from text."""
    from dense1x1quiz.errors import StoreFilesMovedError
    from dense1x1quiz.ui.study_screen import print_summary

    calls = []

    def fail_second_commit():
        calls.append(1)
        if len(calls) == 2:
            raise StoreFilesMovedError("the write-ahead log quiz.sqlite3-wal was removed …", moved)

    summary, out, store = study([BASIC, WORDS], "\n3\n\n3\n", mode="flip", on_record=fail_second_commit)
    assert (summary.exit_code, summary.answered, summary.files_moved) == (1, 1, moved)
    buffer = io.StringIO()
    ui = StudyUI(Console(file=buffer, width=100, no_color=True), lines=LineInput(io.StringIO("")))
    print_summary(ui, summary, NOW, cards_found=2)
    assert capsys.readouterr().err == "Error: the write-ahead log quiz.sqlite3-wal was removed …\n"
    assert lines(buffer.getvalue())[0] == stopped
