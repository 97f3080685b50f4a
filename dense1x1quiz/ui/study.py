"""`quiz study` on screen: cards in panels, rating buttons with intervals, and the learner's actions.

Two kinds of input (DESIGN.md "Sessions without a terminal"), from ui/keys.py:
- `KeyInput`: stdin is a terminal; single keys act at once, typed answers are read as a line.
  A resize redraws the current card.
- `LineInput`: anything else; one line per step, so sessions can be scripted.

The session (dense1x1quiz/session.py) drives the flow and asks `StudyUI` for one `Action` per step.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from dense1x1quiz.answers import char_diff
from dense1x1quiz.text import display, visible_controls
from dense1x1quiz.ui.console import deck_text, make_console
from dense1x1quiz.ui.keys import KeyInput, LineInput

if TYPE_CHECKING:
    from rich.table import Table  # imported where used: a first card rarely needs it (start-up, issue 7)

    from dense1x1quiz.answers import Grade
    from dense1x1quiz.model import Card
    from dense1x1quiz.session import Summary

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
RATING_WORDS = {name.lower(): number for number, name in RATINGS.items()}
RATING_STYLES = {1: "red", 2: "yellow", 3: "green", 4: "blue"}
COMMANDS = {"q": "quit", "u": "undo", "s": "show"}


@dataclass(frozen=True)
class Action:
    """What the learner did at one step: reveal, rate (value 1–4), answer (value: the text typed),
    pick (value: 0-based option), next, quit, undo or show (run the card's demo)."""

    kind: str
    value: int | str | None = None


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
    local, local_now = due.astimezone(), now.astimezone()
    when = local.strftime("%H:%M") if local.date() == local_now.date() else local.strftime("%a %d %b %H:%M")
    return f"in {format_interval(delta)} ({when})"


def parse_rating(text: str) -> int | None:
    """`1`–`4` or again/hard/good/easy (any case, also their first letter spelled out) → 1–4."""
    text = text.strip().lower()
    if text in ("1", "2", "3", "4"):
        return int(text)
    return RATING_WORDS.get(text)


# -- the screen -----------------------------------------------------------------------------------


@dataclass
class CardView:
    """What is asked for one card: the prompt, numbered options (choice), and the header counts."""

    card: Card
    prompt: str
    style: str  # flip | type | choice
    options: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)  # new, learning, review left
    cram: bool = False


class StudyUI:
    """Renders a study session and reads the learner's actions, one `Action` per step.

    On a terminal each card has a screen of its own, kept as a list of functions that render its
    parts, so a resize (or the end of a demo) redraws it for the new size. A small terminal gets a
    compact layout: no borders, the counts in the key hint, the answer in place of the question.
    """

    def __init__(self, console: Console, keys: KeyInput | None = None, lines: LineInput | None = None):
        if (keys is None) == (lines is None):
            raise ValueError("give exactly one of keys or lines")
        self.console = console
        self.keys = keys
        self.lines = lines
        self.screen: list[Callable[[], RenderableType | None]] = []  # the current card's screen
        self.option_texts: list[str] = []  # the current card's options, so a line may name one
        self.view: CardView | None = None
        self._question: list[RenderableType] = []  # the panel's upper part
        self._revealed: list[RenderableType] = []  # its lower part: verdict, answer, explanation
        self._hint: tuple[str, str] | None = None  # the keys that work now (terminal only; not kept)
        self._last_ack: Text | None = None  # shown atop the next card on a terminal
        self._open_line = False  # the cursor is after the hint, not at the start of a line

    @property
    def interactive(self) -> bool:
        return self.keys is not None

    @property
    def compact(self) -> bool:
        """A small terminal (or narrow output): no borders, short hints."""
        width, height = self.console.size
        return width < 40 or (self.interactive and height < 12)

    def _emit(self, part: RenderableType | Callable[[], RenderableType | None]) -> None:
        render = part if callable(part) else (lambda: part)
        self.screen.append(render)  # type: ignore[arg-type]
        if self._hint is not None:  # the hint was for the step that just ended
            self._hint = None
            self._redraw()
        else:
            self._print(render())

    def _print(self, renderable: RenderableType | None, end: str = "\n") -> None:
        if renderable is None:
            return
        if self._open_line:
            self.console.print()
        self.console.print(renderable, end=end)
        self._open_line = end != "\n"

    def end_line(self) -> None:
        """Finish a line left open (the key hint stays on the last row so small screens lose nothing)."""
        if self._open_line:
            self.console.print()
            self._open_line = False

    def _redraw(self) -> None:
        """The current screen again: after a resize, a demo, or when the panel grew (reveal)."""
        self.console.clear()
        self._open_line = False
        for render in self.screen:
            self._print(render())
        self._print(self._hint_text(), end="")

    def message(self, text: str, style: str = "") -> None:
        """A line of our own (not deck text) for the learner."""
        self._emit(Text(text, style=style))

    # -- cards --

    def card(self, view: CardView) -> None:
        """A new screen with the header and the card's question (and options) in a panel."""
        self.screen, self._hint, self.view = [], None, view
        self.option_texts = list(view.options)
        self._question = [deck_text(view.prompt)]
        if view.options:
            self._question.append(self._options(view.options))
        self._revealed = []
        if self.interactive:
            self.console.clear()
            self._open_line = False
            ack = self._last_ack
            if ack is not None:
                self._emit(lambda: None if self.compact else ack)
        self._emit(lambda: None if self.compact and self.interactive else self._header(view))
        self._emit(self._panel)

    def _panel(self) -> RenderableType:
        if self.compact:  # the answer takes the question's place: a small screen cannot hold both
            return Group(*(self._revealed or self._question))
        body = [*self._question, *([Rule(style="dim"), *self._revealed] if self._revealed else [])]
        assert self.view is not None
        return Panel(Group(*body), title=deck_text(self.view.card.deck, style="dim"), title_align="left",
                     padding=(0, 1))

    def _to_card(self, parts: list[RenderableType]) -> None:
        """Add to the card: inside its panel on a terminal (redrawn), printed below it otherwise."""
        if self.interactive:
            self._revealed += parts
            self._hint = None
            self._redraw()
        else:
            self._emit(Group(*parts))

    def _header(self, view: CardView) -> Text:
        new, learning, review = view.counts
        if view.cram:  # no schedule: just the cards left
            return Text.assemble(("cram ", "bold magenta"), (str(sum(view.counts)), "bold"),
                                 ("" if self.compact else " left", "dim"))
        if self.compact:
            return Text.assemble((str(new), "blue"), " ", (str(learning), "red"), " ", (str(review), "green"))
        return Text.assemble(("new ", "dim"), (str(new), "bold blue"), ("  learning ", "dim"),
                             (str(learning), "bold red"), ("  review ", "dim"), (str(review), "bold green"))

    def _hint_text(self) -> Text | None:
        if self._hint is None:
            return None
        if not self.compact:
            return Text(self._hint[0], style="dim")
        assert self.view is not None
        return self._header(self.view) + Text(" " + self._hint[1], style="dim")

    @staticmethod
    def _options(options: list[str]) -> Table:
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style="bold", no_wrap=True)
        grid.add_column()
        for number, option in enumerate(options, 1):
            grid.add_row(f"{number}.", deck_text(option))
        return grid

    def answer(self, card: Card, answer: str | None, context: str = "") -> None:
        """The revealed answer (None: already shown by the verdict); `context` is the full text of a
        cloze card; then the explanation, the source and, for a table card, its whole row."""
        parts: list[RenderableType] = []
        if answer is not None:
            parts.append(Text.assemble(("Answer: ", "bold"), deck_text(answer, style="bold green")))
        if context:
            parts.append(deck_text(context))
        if card.explain:
            parts.append(deck_text(card.explain, style="italic"))
        if card.source:
            parts.append(Text.assemble(("Source: ", "dim"), deck_text(card.source, style="dim")))
        if card.table is not None and 0 <= card.row < len(card.table.rows):
            parts.append(self._table_row(card))
        if parts:
            self._to_card(parts)

    @staticmethod
    def _table_row(card: Card) -> TableRow:
        assert card.table is not None
        return TableRow(card.table.title, card.table.columns, card.table.rows[card.row])

    def typed_verdict(self, given: str, grade: Grade, show_diff: bool) -> None:
        """Whether the typed answer was right; a near miss shows a character diff."""
        if grade.correct:
            self._to_card([Text.assemble(("✓ Correct", "bold green"), ("  you typed: ", "dim"), deck_text(given))])
            return
        if not given.strip():
            self._to_card([Text("✗ No answer", style="bold red")])
            return
        parts: list[RenderableType] = [Text.assemble(("✗ Not quite" if grade.near else "✗ Wrong", "bold red"),
                                                     ("  you typed: ", "dim"), deck_text(given))]
        if show_diff:
            parts.append(Text.assemble(("  diff: ", "dim"), self._diff(given, grade.closest)))
        self._to_card(parts)

    def _diff(self, given: str, expected: str) -> Text:
        """Typed vs expected: extra characters struck through in red, missing ones underlined in green;
        without colour they are marked [-typed-]{+missing+} so the diff reads in any terminal or pipe."""
        plain = self.console.no_color or self.console.color_system is None
        text = Text()
        for op, run in visible_diff(given, expected):
            if op == "same":
                text.append(run)
            elif op == "extra":
                text.append_text(Text.assemble(("[-", "red"), (run, "red strike"), ("-]", "red"))
                                 if plain else Text(run, "red strike"))
            else:
                text.append_text(Text.assemble(("{+", "green"), (run, "green underline"), ("+}", "green"))
                                 if plain else Text(run, "bold green underline"))
        return text

    def choice_verdict(self, options: list[str], picked: int, right: int) -> None:
        """The option picked, and the right one when it was another."""
        if picked == right:
            self._to_card([Text.assemble(("✓ Right: ", "bold green"), f"{right + 1}. ", deck_text(options[right]))])
        else:
            self._to_card([Text.assemble(("✗ Wrong: ", "bold red"), f"{picked + 1}. ", deck_text(options[picked])),
                           Text.assemble(("  right: ", "bold"), f"{right + 1}. ", deck_text(options[right]))])

    def buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None = None) -> None:
        """Again/Hard/Good/Easy on keys 1–4, each with the interval it would give (none when cramming);
        the suggested rating is marked with a ▸ and taken by Enter."""
        self._emit(lambda: self._buttons(intervals, suggested))

    def _buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None) -> Text:
        width = self.console.size.width
        labels = [self._button(number, intervals, suggested, short=False) for number in RATINGS]
        if sum(len(label) for label in labels) + 2 * (len(labels) - 1) > width:
            labels = [self._button(number, intervals, suggested, short=True) for number in RATINGS]
        return Text(" " if suggested is not None or labels[0].plain[1] == "·" else "  ").join(labels)

    @staticmethod
    def _button(number: int, intervals: dict[int, timedelta] | None, suggested: int | None, short: bool) -> Text:
        """`1 Again 1m`, or on a narrow screen `1·1m` (the colour says which rating it is)."""
        label = Text()
        style = RATING_STYLES[number] + (" bold reverse" if number == suggested else "")
        if suggested is not None and not short:
            label.append("▸" if number == suggested else " ", style="bold")
        if short:
            label.append(str(number), style="bold " + style)
            label.append(f"·{format_interval(intervals[number])}" if intervals is not None else
                         f"·{RATINGS[number][0]}", style=RATING_STYLES[number])
            return label
        label.append(f"{number} ", style="bold")
        label.append(RATINGS[number], style=style)
        if intervals is not None:
            label.append(f" {format_interval(intervals[number])}", style="dim")
        return label

    def ack(self, rating: int, due: datetime | None, now: datetime, cram: bool = False) -> None:
        """The answer is saved (shown only after the store committed it); `now` is the review's time."""
        text = Text.assemble(("Saved ", "dim"), (RATINGS[rating], "bold " + RATING_STYLES[rating]))
        short = Text.assemble(("✓ ", "dim"), (RATINGS[rating], "bold " + RATING_STYLES[rating]))
        if cram:
            text.append(" · cram, schedule unchanged", style="dim")
        elif due is not None:
            text.append(f" · next {format_due(due, now)}", style="dim")
            short.append(f" {format_interval(due - now)}", style="dim")
        self._emit(lambda: short if self.compact and self.interactive else text)
        self._last_ack = text

    def hint(self, text: str, short: str) -> None:
        """The keys that work now, on a terminal only (a script knows its protocol); it goes away
        when the step ends. `short` is for small screens, where the counts come first."""
        if self.interactive:
            self._hint = (text, short)
            self._print(self._hint_text(), end="")

    # -- reading actions --

    def read(self, step: str, *, options: int = 0, suggested: int | None = None) -> Action:
        """The learner's action at `step`: reveal, rate, answer, pick or next (see the module doc)."""
        while True:
            action = self._read_key(step, options, suggested) if self.interactive else \
                self._read_line(step, options, suggested)
            if action is not None:
                return action

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
            return Action("answer", text)
        if step == "rate":
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
            from dense1x1quiz.answers import same_answer

            times = re.compile(r"(?<=\d)\s*[xX*]\s*(?=\d)")  # `1x1` names the option `1×1`
            for i, option in enumerate(self.option_texts):
                if same_answer(times.sub("×", word), times.sub("×", option)):
                    return Action("pick", i)
        self.message(f"Choose 1–{options} (or the option's text); u undo, s show me, q quit.", "yellow")
        return None

    def _read_key(self, step: str, options: int, suggested: int | None) -> Action | None:
        assert self.keys is not None
        if step == "answer" or (step == "pick" and options > 9):
            self._print(Text("› "), end="")
            self._open_line = False  # input() ends the line
            text = self.keys.line()
            if text is None:
                return Action("quit")
            if text.strip().lower() in COMMANDS:
                return Action(COMMANDS[text.strip().lower()])
            return Action("answer", text) if step == "answer" else self._pick_from_text(text, options)
        key = self.keys.key()
        if key is None:
            return Action("quit")
        if key == "resize":
            self._redraw()
            return None
        key = key.lower()
        if key in COMMANDS:
            return Action(COMMANDS[key])
        if step in ("reveal", "next"):
            return Action(step) if step == "next" or key in (" ", "\n", "\r") else None
        if step == "rate":
            if key in ("1", "2", "3", "4"):
                return Action("rate", int(key))
            if key in (" ", "\n", "\r"):
                return Action("rate", suggested or 3)
            return None
        if step == "pick" and key.isdecimal() and 1 <= int(key) <= options:
            return Action("pick", int(key) - 1)
        return None

    def pause(self) -> None:
        """After a demo: wait for a key on a terminal before the card comes back."""
        if self.interactive:
            self._print(Text("Press any key to return to the card.", style="dim"))
            assert self.keys is not None
            while self.keys.key() == "resize":
                pass

    def show_again(self) -> None:
        """Put the current card's screen back (after a demo or a message that scrolled it away)."""
        if self.interactive:
            self._redraw()

    # -- show me --

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
        self.console.print()
        try:
            show_demo(card.demo.name, dict(card.demo.params))
        except QuizError as exc:
            self.message(f"The demo `{card.demo.name}` could not run: {exc}", "yellow")
        return True

    def note(self, text: str) -> None:
        """A line about what just happened (undo), kept atop the next card's screen on a terminal."""
        self._last_ack = Text(text, style="yellow")
        self._emit(self._last_ack)


def print_summary(ui: StudyUI, summary: Summary, now: datetime, *, cards_found: int, cram: bool = False) -> None:
    """The end of a session: why it stopped, cards studied, right/wrong, time, next card due.
    Written even when the terminal has gone (SIGHUP): a failed write is ignored."""
    console = ui.console
    lines: list[Text] = []
    if summary.error:
        lines.append(Text(f"Error: {summary.error}", style="bold red"))
        lines.append(Text("Stopped: the last answer was not saved; every answer marked Saved is kept.",
                          style="yellow"))
    elif summary.stopped:
        lines.append(Text(f"Stopped ({summary.stopped}); every answer given is saved.", style="yellow"))
    if cards_found == 0:
        lines.append(Text("No cards to study: no deck found, or no card with the tags given."))
    elif summary.answered == 0:
        lines.append(Text("No cards studied." if summary.left or cram else "Nothing to study now."))
    else:
        plural = "s" if summary.answered != 1 else ""
        line = Text.assemble(f"Studied {summary.answered} card{plural} in {format_duration(summary.seconds)}: ",
                             (f"{summary.right} right", "green"), ", ", (f"{summary.wrong} wrong", "red"))
        if cram:
            line.append(" (cram: schedule unchanged)", style="dim")
        lines.append(line)
    if summary.left:
        lines.append(Text(f"{summary.left} card{'s' * (summary.left != 1)} left for today."))
    if summary.next_due is not None and summary.next_due > now:
        lines.append(Text(f"Next card due {format_due(summary.next_due, now)}."))
    try:
        ui.end_line()
        if ui.interactive:
            console.print()
        for line in lines:
            console.print(line)
    except OSError:  # the terminal is gone (SIGHUP): the answers are saved, the summary cannot be shown
        pass


@contextmanager
def open_study_ui(stdin: IO[str] | None = None) -> Iterator[StudyUI]:
    """The study screen on stdout; keys when stdin and stdout are a terminal, lines otherwise."""
    console = make_console()
    keys, lines = open_input(console, stdin)
    if keys is None:
        yield StudyUI(console, lines=lines)
        return
    with keys:
        yield StudyUI(console, keys=keys)


class TableRow:
    """A table card's whole row after the answer, one column per line so it fits any width; boxed
    when there is room (decided at each drawing, so a resize changes it)."""

    def __init__(self, title: str, columns: tuple[str, ...], cells: tuple[str, ...]):
        self.title, self.columns, self.cells = title, columns, cells

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table

        roomy = options.max_width >= 40
        grid = Table(title=deck_text(self.title, style="bold"), title_justify="left", show_header=False,
                     box=box.ROUNDED if roomy else None, padding=(0, 1), pad_edge=roomy)
        grid.add_column(style="dim", no_wrap=roomy, overflow="fold")
        grid.add_column(overflow="fold")  # a long formula breaks anywhere rather than being cut
        for name, cell in zip(self.columns, self.cells, strict=False):
            grid.add_row(deck_text(name), deck_text(cell))
        yield grid


def visible_diff(given: str, expected: str) -> list[tuple[str, str]]:
    """`answers.char_diff` of what was typed against the answer as shown, leaving out what grading
    ignores: case, sub/superscripts vs plain letters (`Cin` = `Cᵢₙ`), and punctuation or spaces
    missing or added. Both sides are made safe for the screen first (deck text is untrusted)."""
    given = unicodedata.normalize("NFKC", visible_controls(given))
    expected = unicodedata.normalize("NFKC", display(expected))
    low_given, low_expected = given.lower(), expected.lower()
    if len(low_given) != len(given) or len(low_expected) != len(expected):
        return char_diff(given, expected)
    runs: list[tuple[str, str]] = []
    g = e = 0
    for op, run in char_diff(low_given, low_expected):
        if op == "missing":
            text, e = expected[e:e + len(run)], e + len(run)
        else:
            text, g = given[g:g + len(run)], g + len(run)
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


def open_input(console: Console, stdin: IO[str] | None = None) -> tuple[KeyInput | None, LineInput | None]:
    """Keys when stdin is a terminal (and stdout too, so the screen can be redrawn); lines otherwise."""
    stream = stdin or sys.stdin
    try:
        is_tty = stream.isatty() and console.is_terminal
    except (AttributeError, ValueError):
        is_tty = False
    if is_tty:
        return KeyInput(stream.fileno()), None
    return None, LineInput(stream)


__all__ = [
    "RATINGS",
    "Action",
    "CardView",
    "KeyInput",
    "LineInput",
    "StudyUI",
    "format_due",
    "format_duration",
    "format_interval",
    "open_input",
    "open_study_ui",
    "parse_rating",
    "print_summary",
    "visible_diff",
]
