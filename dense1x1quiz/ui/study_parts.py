"""What the study screen says, for both of its renderers, without rich.

`quiz study` draws with rich on a terminal (ui/study.py) and writes plain lines to a pipe or a file
(ui/study_plain.py): importing rich's console costs a third of a start-up (issue 7), and a
transcript is easier to read and grep without boxes. Both say the same words, composed here as
`Line`s: lists of (text, style) segments. Deck text in a segment has been through `text.display`.
Reading one line per step (DESIGN.md "Sessions without a terminal") is here too, in `StudyScreen`.
The `CardView` drawn and the `Action` read back are the core's (views.py); which screen a session
gets is ui/study_screen.py's choice. This module imports neither renderer.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dense1x1quiz.env import local_zone
from dense1x1quiz.text import display, quoted, visible_controls
from dense1x1quiz.ui.plain import Line
from dense1x1quiz.views import Action, CardView

if TYPE_CHECKING:
    from dense1x1quiz.answers import Grade
    from dense1x1quiz.model import Card
    from dense1x1quiz.session import Summary
    from dense1x1quiz.ui.keys import LineInput


RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RATING_WORDS = {name.lower(): number for number, name in RATINGS.items()}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
COMMANDS = {"q": "quit", "u": "undo", "s": "show"}
CRAM_NOTE = "practice only; nothing saved"  # what --cram does, said where an answer would say Saved
# The keys that act on the card shown, as in Anki (a terminal: any step but a typed line; a script: a rating line).
CARD_KEYS = {"@": "suspend", "-": "bury", "*": "flag", "e": "edit"}


# -- pure formatting ------------------------------------------------------------------------------


def format_interval(delta: timedelta) -> str:
    """An interval as Anki's buttons show it: `<1m`, `10m`, `3h`, `4d`, `1.5mo`, `2.1y`."""
    seconds = delta.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{_one_decimal(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{_one_decimal(days / 30.4375)}mo"
    return f"{_one_decimal(days / 365.25)}y"


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def format_duration(seconds: float) -> str:
    """A session's length: `45s`, `4m 05s`, `1h 02m`."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m {seconds % 60:02d}s"
    return f"{seconds // 3600}h {seconds // 60 % 60:02d}m"


def format_due(due: datetime, now: datetime) -> str:
    """When a card is due, relative to now, with the local clock time: `in 10m (14:32)`,
    `in 2d (Sat 28 Nov 04:00)`, `now`."""
    delta = due - now
    if delta <= timedelta(0):
        return "now"
    zone = local_zone()  # the machine's, or UTC when TZ is unusable
    local, local_now = due.astimezone(zone), now.astimezone(zone)
    when = local.strftime("%H:%M") if local.date() == local_now.date() else local.strftime("%a %d %b %H:%M")
    return f"in {format_interval(delta)} ({when})"


def parse_rating(text: str) -> int | None:
    """`1`–`4` or again/hard/good/easy (any case, also their first letter spelled out) → 1–4."""
    text = text.strip().lower()
    if text in ("1", "2", "3", "4"):
        return int(text)
    return RATING_WORDS.get(text)


def visible_diff(given: str, expected: str) -> list[tuple[str, str]]:
    """`answers.char_diff` of what was typed against the answer as shown, leaving out what grading
    ignores: case, sub/superscripts vs plain letters (`Cin` = `Cᵢₙ`), and punctuation or spaces
    missing or added. Both sides are made safe for the screen first (deck text is untrusted)."""
    from dense1x1quiz.answers import char_diff

    given = unicodedata.normalize("NFKC", visible_controls(given))
    expected = unicodedata.normalize("NFKC", display(expected))
    low_given, low_expected = given.lower(), expected.lower()
    if len(low_given) != len(given) or len(low_expected) != len(expected):
        return char_diff(given, expected)
    runs: list[tuple[str, str]] = []
    g = e = 0
    for op, run in char_diff(low_given, low_expected):
        if op == "missing":
            text, e = expected[e : e + len(run)], e + len(run)
        else:
            text, g = given[g : g + len(run)], g + len(run)
            e += len(run) if op == "same" else 0
        if op != "same" and all(not ch.isalnum() for ch in text):
            if op == "missing":
                continue  # a missing full stop or space is not worth marking
            op = "same"  # nor is an extra one: show it as typed
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))
    return runs


# -- the words on the screen ----------------------------------------------------------------------


def header_line(view: CardView, compact: bool = False, progress: bool = False) -> Line:
    """`new 3  learning 1  review 5` (compact: `3 1 5`), or `cram 12 left`; `progress` (a terminal, where
    the transcript does not count the cards) adds how far the session is: `· 4 done` (compact `·4`)."""
    new, learning, review = view.counts
    done: Line = []
    if progress and view.done:
        done = [(f" ·{view.done}" if compact else f"  · {view.done} done", "dim")]
    if view.cram:  # no schedule: just the cards left
        return [("cram ", "bold magenta"), (str(sum(view.counts)), "bold"), ("" if compact else " left", "dim"), *done]
    if compact:
        return [(str(new), "blue"), (" ", ""), (str(learning), "red"), (" ", ""), (str(review), "green"), *done]
    return [
        ("new ", "dim"),
        (str(new), "bold blue"),
        ("  learning ", "dim"),
        (str(learning), "bold red"),
        ("  review ", "dim"),
        (str(review), "bold green"),
        *done,
    ]


def image_line(card: Card) -> Line | None:
    """`🖼 image (open it in an image viewer): PATH` for a card with an `image:`; the terminal cannot show it."""
    if not card.image:
        return None
    return [("🖼 image (open it in an image viewer): ", "dim"), (display(card.image), "")]


def answer_lines(card: Card, answer: str | None, context: str = "") -> list[Line]:
    """The revealed answer (None: already shown by the verdict), the full text of a cloze card,
    the explanation and the source. (A table card's row follows; each renderer lays it out.)"""
    lines: list[Line] = []
    if answer is not None:
        lines.append([("Answer: ", "bold"), (display(answer), "bold green")])
    if context:
        lines.append([(display(context), "")])
    if card.explain:
        lines.append([(display(card.explain), "italic")])
    if card.source:
        lines.append([("Source: ", "dim"), (display(card.source), "dim")])
    return lines


def table_row(card: Card) -> tuple[str, tuple[str, ...], tuple[str, ...]] | None:
    """A table card's title, column names and row, to show whole after the answer (else None)."""
    if card.table is None or not 0 <= card.row < len(card.table.rows):
        return None
    return card.table.title, card.table.columns, card.table.rows[card.row]


# A diff of two texts less alike than this (difflib's ratio) is noise: only the likeness is shown.
DIFF_SIMILARITY = 0.5


def typed_verdict_lines(
    given: str, grade: Grade, show_diff: bool, *, marked_diff: bool, rate_yourself: bool = False
) -> list[Line]:
    """Whether the typed answer was right; a near miss shows a character diff (`diff_segments`).
    `rate_yourself` (a prose answer on a basic card, which the grader cannot judge): no verdict, the
    texts' similarity and, when they are alike enough, the diff; the learner rates."""
    if grade.correct:
        return [[("✓ Correct", "bold green"), ("  you typed: ", "dim"), (display(given), "")]]
    if not given.strip():
        return [[("✗ No answer", "bold red")]]
    if rate_yourself:
        compared: list[Line] = [
            [("≈ Compare", "bold yellow"), ("  you typed: ", "dim"), (display(given), "")],
            [("  similarity: ", "dim"), (f"{grade.similarity:.0%}", "bold"), (" · rate it yourself", "dim")],
        ]
        if show_diff and grade.similarity >= DIFF_SIMILARITY:
            compared.append([("  diff: ", "dim"), *diff_segments(given, grade.closest, marked=marked_diff)])
        return compared
    lines: list[Line] = [
        [("✗ Not quite" if grade.near else "✗ Wrong", "bold red"), ("  you typed: ", "dim"), (display(given), "")]
    ]
    if show_diff:
        lines.append([("  diff: ", "dim"), *diff_segments(given, grade.closest, marked=marked_diff)])
    return lines


def diff_segments(given: str, expected: str, *, marked: bool) -> Line:
    """Typed vs expected: extra characters struck through in red, missing ones underlined in green;
    `marked` (no colour) adds [-typed-]{+missing+} marks so the diff reads in any terminal or pipe."""
    line: Line = []
    for op, run in visible_diff(given, expected):
        if op == "same":
            line.append((run, ""))
        elif op == "extra":
            line += [("[-", "red"), (run, "red strike"), ("-]", "red")] if marked else [(run, "red strike")]
        else:
            line += (
                [("{+", "green"), (run, "green underline"), ("+}", "green")]
                if marked
                else [(run, "bold green underline")]
            )
    return line


def choice_verdict_lines(options: list[str], picked: int, right: int) -> list[Line]:
    """The option picked, and the right one when it was another."""
    if picked == right:
        return [[("✓ Right: ", "bold green"), (f"{right + 1}. ", ""), (display(options[right]), "")]]
    return [
        [("✗ Wrong: ", "bold red"), (f"{picked + 1}. ", ""), (display(options[picked]), "")],
        [("  right: ", "bold"), (f"{right + 1}. ", ""), (display(options[right]), "")],
    ]


def buttons_line(intervals: dict[int, timedelta] | None, suggested: int | None, width: int | None = None) -> Line:
    """Again/Hard/Good/Easy on keys 1–4, each with the interval it would give (none when cramming),
    the suggested one marked with a ▸; short labels (`1·1m`) when the long ones pass `width`."""
    labels = [button(number, intervals, suggested, short=False) for number in RATINGS]
    short = width is not None and sum(len(t) for label in labels for t, _ in label) + 2 * (len(labels) - 1) > width
    if short:
        labels = [button(number, intervals, suggested, short=True) for number in RATINGS]
    gap = (" " if suggested is not None or short else "  ", "")
    line: Line = []
    for label in labels:
        line += [gap, *label] if line else label
    return line


def button(number: int, intervals: dict[int, timedelta] | None, suggested: int | None, short: bool) -> Line:
    """`1 Again 1m`, or on a narrow screen `1·1m` (the colour says which rating it is)."""
    style = RATING_STYLES[number] + (" bold reverse" if number == suggested else "")
    label: Line = []
    if suggested is not None and not short:
        label.append(("▸" if number == suggested else " ", "bold"))
    if short:
        label.append((str(number), "bold " + style))
        label.append(
            (
                f"·{format_interval(intervals[number])}" if intervals is not None else f"·{RATINGS[number][0]}",
                RATING_STYLES[number],
            )
        )
        return label
    label += [(f"{number} ", "bold"), (RATINGS[number], style)]
    if intervals is not None:
        label.append((f" {format_interval(intervals[number])}", "dim"))
    return label


def ack_line(rating: int, due: datetime | None, now: datetime, *, cram: bool = False, short: bool = False) -> Line:
    """`Saved Good · next in 10m (14:32)` once the store has committed the answer (short: `✓ Good 10m`);
    in cram, where nothing is saved, `Good · practice only; nothing saved`."""
    name = (RATINGS[rating], "bold " + RATING_STYLES[rating])
    if short:
        interval = [(f" {format_interval(due - now)}", "dim")] if due is not None and not cram else []
        return [("✓ ", "dim"), name, *interval]
    if cram:
        return [name, (f" · {CRAM_NOTE}", "dim")]
    return [("Saved ", "dim"), name, *([(f" · next {format_due(due, now)}", "dim")] if due is not None else [])]


# Which file was removed under the session (Summary.files_moved), for its stop line.
_MOVED = {"database": "the review database was removed or replaced", "WAL": "the review log was removed"}


def summary_lines(
    summary: Summary,
    now: datetime,
    *,
    cards_found: int,
    cram: bool = False,
    command: str = "quiz study",
    tags: Sequence[str] = (),
) -> list[Line]:
    """The end of a session: why it stopped, cards studied, right/wrong, time, next card due; with
    nothing studied, why and what to do (`command` is the session's, ready to add options to)."""
    lines: list[Line] = []
    if summary.files_moved:  # the error itself goes to stderr (print_summary)
        moved = _MOVED[summary.files_moved]
        lines.append([(f"Stopped: {moved}; answers saved in this session may be lost.", "yellow")])
    elif summary.error:
        lines.append([("Stopped: the last answer was not saved; every answer marked Saved is kept.", "yellow")])
    elif summary.stopped:
        lines.append([(f"Stopped ({summary.stopped}); every answer given is saved.", "yellow")])
    if cards_found == 0:
        lines.append([(_no_cards(tags), "")])
    elif summary.answered == 0:
        if summary.left or cram:
            lines.append([("No cards studied.", "")])
        else:
            lines += nothing_to_study(summary, command)
    else:
        cards, answers = summary.cards, summary.answered
        counted = f"{cards} card{_s(cards)}" + (f", {answers} answers" if answers != cards else "")
        line: Line = [
            (f"Studied {counted} in {format_duration(summary.seconds)}: ", ""),
            (f"{summary.right} right", "green"),
            (", ", ""),
            (f"{summary.wrong} wrong", "red"),
        ]
        if cram:
            line.append((f" ({CRAM_NOTE})", "dim"))
        lines.append(line)
        if not summary.left and summary.new_limited and summary.new_per_day is not None:
            # Done for today only because of the limit: the next due date alone would hide the new cards.
            per_day, limited = summary.new_per_day, summary.new_limited
            more = _more_new(per_day, limited)
            lines.append(
                [
                    (
                        f"{_new_limit_words(summary).capitalize()} ({limited} new card"
                        f"{_s(limited)} left): `{command} --new {more}` studies more now.",
                        "",
                    )
                ]
            )
    if summary.left:
        lines.append([(f"{summary.left} card{_s(summary.left)} left for today.", "")])
    if summary.next_due is not None and summary.next_due > now:
        lines.append([(f"Next card due {format_due(summary.next_due, now)}.", "")])
    return lines


def _s(count: int) -> str:
    return "s" if count != 1 else ""


def _no_cards(tags: Sequence[str]) -> str:
    """Why a session found no card at all: the tags matched none, or the decks have none."""
    if not tags:
        return "No cards to study: the decks have no cards."
    which = " or ".join(quoted(tag) for tag in tags)
    return f"No cards to study: no card has the tag {which}; study without --tag, or with a tag the cards carry."


def _new_limit_words(summary: Summary) -> str:
    """The words for a reached daily new-card limit: the limit's number, or the decks' when they differ."""
    if summary.new_limits_differ:
        return "the decks' daily new-card limits are reached"
    per_day = summary.new_per_day or 0
    return f"the daily limit of {per_day} new card{_s(per_day)} is reached"


def _more_new(per_day: int, limited: int) -> int:
    """A `--new` for more new cards today: up to the ones held back, at most 10 (or the limit) more."""
    return per_day + min(limited, max(per_day, 10))


def nothing_to_study(summary: Summary, command: str) -> list[Line]:
    """The "Nothing to study now" lines: why (no card due; the daily new-card limit reached; new cards buried
    by a sibling studied today) and what to do: more new cards (`--new N`) or practice (`--cram`).
    When the next card is due follows in the summary."""
    limited, buried, per_day = summary.new_limited, summary.new_buried, summary.new_per_day
    cram = f"`{command} --cram` ({CRAM_NOTE})"
    capped = summary.reviews_capped
    if capped:
        return [
            [
                (
                    f"Nothing to study now: the daily review limit is reached ({capped} due review card"
                    f"{_s(capped)} wait{'s' * (capped == 1)}).",
                    "",
                )
            ],
            [(f"To study more: `quiz config reviews_per_day N` with a higher N, or {cram}.", "")],
        ]
    if limited and per_day is not None:
        more = _more_new(per_day, limited)
        return [
            [
                (
                    f"Nothing to study now: no card is due, and {_new_limit_words(summary)} "
                    f"({limited} new card{_s(limited)} left).",
                    "",
                )
            ],
            [(f"To study more: `{command} --new {more}` ({more} new cards a day) or {cram}.", "")],
        ]
    if buried:
        why = f"no card is due, and {buried} new card{_s(buried)} wait{'s' * (buried == 1)} until tomorrow"
        why += " (a sibling card was studied today)"
    else:
        why = "no card is due and no new card is left"
    return [[(f"Nothing to study now: {why}.", "")], [(f"To practise anyway: {cram}.", "")]]


# -- what both screens do ---------------------------------------------------------------------------


class StudyScreen:
    """What both study screens do alike: read one line per step (the terminal screen too, for typed
    answers and long option lists) and run a card's demo. A subclass provides `lines` (or None),
    `option_texts`, `message`, `end_line` and `blank_line`."""

    lines: LineInput | None
    option_texts: list[str]
    demo_paged = False  # the last demo went through the pager: nothing is left on the screen to read

    @property
    def interactive(self) -> bool:
        """On a terminal, reading keys."""
        raise NotImplementedError

    def message(self, text: str, style: str = "") -> None:
        raise NotImplementedError

    def end_line(self) -> None:
        raise NotImplementedError

    def blank_line(self) -> None:
        raise NotImplementedError

    def run_demo(self, card: Card) -> bool:
        """Run the card's demo (`s`), or say plainly why there is none. True if a demo ran."""
        if card.demo is None:
            self.message("This card has no demo.", "yellow")
            return False
        try:
            from dense1x1quiz.ui.demo import show_demo
        except ImportError:
            self.message(f"Demos are not available in this version, so `{card.demo.name}` cannot run.", "yellow")
            return False
        from dense1x1quiz.errors import QuizError

        self.end_line()
        self.blank_line()
        try:
            # On a terminal a demo taller than it is paged, as `quiz demo` does: printed, its top
            # would scroll away (at 40×12 most of it).
            self.demo_paged = show_demo(card.demo.name, dict(card.demo.params), pager=self.interactive)
        except QuizError as exc:
            self.message(f"The demo `{card.demo.name}` could not run: {exc}", "yellow")
        return True

    def _read_line(self, step: str, options: int, suggested: int | None) -> Action | None:
        assert self.lines is not None
        if step == "next":
            return Action("next")  # a script does not confirm the verdict of a choice card
        text = self.lines.line()
        if text is None:
            return Action("quit")
        word = text.strip().lower()
        if word == "q":
            return Action("quit")
        if step == "reveal":
            return Action("reveal")  # the reveal line's text is ignored
        if word in COMMANDS:
            return Action(COMMANDS[word])
        if step == "answer":
            if self.lines.cut:
                from dense1x1quiz.ui.keys import CUT_NOTICE

                self.message(CUT_NOTICE, "yellow")
            return Action("answer", text)
        if step == "rate":
            if word in CARD_KEYS:
                return Action(CARD_KEYS[word])
            rating = parse_rating(word) if word else suggested
            if rating is not None:
                return Action("rate", rating)
            self.message("Rate with 1–4 (again, hard, good, easy); u undo, s show me, q quit.", "yellow")
            return None
        if step == "pick":
            return self._pick_from_text(text, options)
        raise ValueError(step)

    def _pick_from_text(self, text: str, options: int) -> Action | None:
        word = text.strip()
        if word.isdecimal() and len(word) < 7 and 1 <= int(word) <= options:  # not "²", not 5,000 digits
            return Action("pick", int(word) - 1)
        if word and self.option_texts:
            from dense1x1quiz.answers import option_index  # the exam picks with it too

            index = option_index(word, self.option_texts)
            if index is not None:
                return Action("pick", index)
        self.message(f"Choose 1–{options} (or the option's text); u undo, s show me, q quit.", "yellow")
        return None
