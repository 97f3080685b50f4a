"""`quiz study` on screen: cards in panels, rating buttons with intervals, and the learner's actions.

Two kinds of input (DESIGN.md "Sessions without a terminal"), from ui/keys.py:
- `KeyInput`: stdin is a terminal; single keys act at once, typed answers are read as a line.
  A resize redraws the current card.
- `LineInput`: anything else; one line per step, so sessions can be scripted.

The session (dense1x1quiz/session.py) drives the flow and asks `StudyUI` for one `Action` per step.
Its words come from ui/study_parts.py, which ui/study_plain.py shares: when stdout is a pipe or a
file, `open_study_ui` (ui/study_screen.py) picks that plain screen instead of this one, and rich is
not imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from dense1x1quiz.ui.console import deck_text
from dense1x1quiz.ui.keys import CUT_NOTICE, KeyInput, LineInput
from dense1x1quiz.ui.plain import Line
from dense1x1quiz.ui.study_parts import (
    CARD_KEYS,
    COMMANDS,
    RATINGS,
    StudyScreen,
    ack_line,
    answer_lines,
    buttons_line,
    choice_verdict_lines,
    format_due,
    format_duration,
    format_interval,
    header_line,
    image_line,
    parse_rating,
    table_row,
    typed_verdict_lines,
    visible_diff,
)
from dense1x1quiz.views import Action, CardView

if TYPE_CHECKING:
    from rich.segment import Segment
    from rich.table import Table  # imported where used: a first card rarely needs it (start-up, issue 7)

    from dense1x1quiz.answers import Grade
    from dense1x1quiz.model import Card


def styled(line: Line) -> Text:
    """A composed line (ui/study_parts.py) as rich Text; its deck text is never parsed as markup."""
    return Text.assemble(*line)


class StudyUI(StudyScreen):
    """Renders a study session and reads the learner's actions, one `Action` per step.

    On a terminal each card has a screen of its own, kept as a list of functions that render its
    parts, so a resize (or the end of a demo) redraws it for the new size. When that screen would
    not fit the terminal (or it is under 40 columns) it gets a compact layout: no borders, the counts
    in the key hint, and the question clipped to what the answer, the options and the keys leave
    (`CompactCard`), so all of them stay visible down to 20×5.
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
        self._compact: bool | None = None  # the layout of the current drawing (None: decide when asked)
        self._budget: int | None = None  # rows the compact card may take in it (None: no limit)

    @property
    def interactive(self) -> bool:
        return self.keys is not None

    @property
    def compact(self) -> bool:
        """A small terminal (or narrow output): no borders, short hints."""
        if self._compact is None:
            self._compact = self._needs_compact()
        return self._compact

    def _needs_compact(self) -> bool:
        """Under 40 columns; on a terminal also when the full screen of the card would not fit its rows."""
        width, height = self.console.size
        if width < 40:
            return True
        if not self.interactive:
            return False
        self._compact = False  # measure the full layout
        rows = sum(self._rows(render()) for render in self.screen) + self._rows(self._hint_text() or Text(""))
        return rows + self._typing_row() > height

    def _rows(self, renderable: RenderableType | None) -> int:
        """Rows `renderable` takes at the terminal's width."""
        if renderable is None:
            return 0
        return len(self.console.render_lines(renderable, self.console.options.update(height=None), pad=False))

    def _typing_row(self) -> int:
        """1 while the answer (or a choice among more than 9) will be typed on a row of its own below the hint."""
        view = self.view
        if view is None or self._revealed:
            return 0
        return int(view.style == "type" or (view.style == "choice" and len(view.options) > 9))

    def _plan(self) -> None:
        """Decide the layout for a drawing of the whole screen, and the rows the compact card gets."""
        self._compact, self._budget = None, None
        if self.compact and self.interactive:
            others = sum(self._rows(render()) for render in self.screen if render != self._panel)
            hint = self._rows(self._hint_text() or Text(""))
            self._budget = self.console.size.height - others - hint - self._typing_row()

    def _emit(self, part: RenderableType | Callable[[], RenderableType | None]) -> None:
        render = part if callable(part) else (lambda: part)
        self.screen.append(render)
        if self.interactive:  # the whole screen again: what it holds now decides its layout
            self._hint = None  # the hint was for the step that just ended
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
        self._plan()
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
        image = image_line(view.card)
        if image is not None:
            self._question.append(styled(image))
        self._revealed = []
        if self.interactive:  # drawn whole, once the layout for this terminal is decided
            ack = self._last_ack
            if ack is not None:
                self.screen.append(lambda: None if self.compact else ack)
            self.screen += [lambda: None if self.compact else self._header(view), self._panel]
            self._redraw()
            return
        self._emit(lambda: None if self.compact and self.interactive else self._header(view))
        self._emit(self._panel)

    def _panel(self) -> RenderableType:
        if self.compact:  # no borders; on a terminal the question is clipped to leave room for the rest
            assert self.view is not None
            prompt = self._question[:1]
            rest = self._revealed or [*self._question[1:], *self._options(self.view.options, one_row_each=True)]
            return CompactCard(prompt, rest, self._budget if self.interactive else None)
        assert self.view is not None
        body = [*self._question, *self._options(self.view.options)]
        body += [Rule(style="dim"), *self._revealed] if self._revealed else []
        return Panel(
            Group(*body), title=deck_text(self.view.card.deck, style="dim"), title_align="left", padding=(0, 1)
        )

    def _to_card(self, parts: list[RenderableType]) -> None:
        """Add to the card: inside its panel on a terminal (redrawn), printed below it otherwise."""
        if self.interactive:
            self._revealed += parts
            self._hint = None
            self._redraw()
        else:
            self._emit(Group(*parts))

    def _header(self, view: CardView) -> Text:
        return styled(header_line(view, self.compact, progress=self.interactive))

    def _hint_text(self) -> Text | None:
        if self._hint is None:
            return None
        if not self.compact:
            return Text(self._hint[0], style="dim")
        assert self.view is not None
        line = self._header(self.view) + Text(" " + self._hint[1], style="dim")
        if line.cell_len > self.console.size.width and self.view.done:  # the keys on one row before the progress
            line = styled(header_line(self.view, compact=True)) + Text(" " + self._hint[1], style="dim")
        return line

    @staticmethod
    def _options(options: list[str], one_row_each: bool = False) -> list[Table]:
        """The numbered options (none: an empty list); `one_row_each` (a small screen): a long option is
        cut with `…` rather than wrapped, so that every option keeps a row."""
        if not options:
            return []
        from rich.table import Table

        grid = Table.grid(padding=(0, 1))
        grid.add_column(justify="right", style="bold", no_wrap=True, min_width=len(f"{len(options)}."))
        grid.add_column(no_wrap=one_row_each, overflow="ellipsis" if one_row_each else "fold")
        for number, option in enumerate(options, 1):
            grid.add_row(f"{number}.", deck_text(option))
        return [grid]

    def answer(self, card: Card, answer: str | None, context: str = "") -> None:
        """The revealed answer (None: already shown by the verdict); `context` is the full text of a
        cloze card; then the explanation, the source and, for a table card, its whole row."""
        parts: list[RenderableType] = [styled(line) for line in answer_lines(card, answer, context)]
        row = table_row(card)
        if row is not None:
            parts.append(TableRow(*row))
        if parts:
            self._to_card(parts)

    def typed_verdict(self, given: str, grade: Grade, show_diff: bool, rate_yourself: bool = False) -> None:
        """Whether the typed answer was right; a near miss shows a character diff, marked
        [-typed-]{+missing+} when there is no colour to show it; `rate_yourself`: a comparison, no verdict."""
        marked = self.console.no_color or self.console.color_system is None
        lines = typed_verdict_lines(given, grade, show_diff, marked_diff=marked, rate_yourself=rate_yourself)
        self._to_card([styled(line) for line in lines])

    def choice_verdict(self, options: list[str], picked: int, right: int) -> None:
        """The option picked, and the right one when it was another."""
        self._to_card([styled(line) for line in choice_verdict_lines(options, picked, right)])

    def buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None = None) -> None:
        """Again/Hard/Good/Easy on keys 1–4, each with the interval it would give (none when cramming);
        the suggested rating is marked with a ▸ and taken by Enter."""
        self._emit(lambda: self._buttons(intervals, suggested))

    def _buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None) -> Text:
        return styled(buttons_line(intervals, suggested, width=self.console.size.width))

    def ack(self, rating: int, due: datetime | None, now: datetime, cram: bool = False) -> None:
        """The answer is saved (shown only after the store committed it); `now` is the review's time."""
        text = styled(ack_line(rating, due, now, cram=cram))
        short = styled(ack_line(rating, due, now, cram=cram, short=True))
        self._emit(lambda: short if self.compact and self.interactive else text)
        self._last_ack = text

    def hint(self, text: str, short: str) -> None:
        """The keys that work now, on a terminal only (a script knows its protocol); it goes away
        when the step ends. `short` is for small screens, where the counts come first."""
        if self.interactive:
            self._hint = (text, short)
            self._redraw()  # its rows count in deciding the layout and the compact card's room

    # -- reading actions --

    def read(self, step: str, *, options: int = 0, suggested: int | None = None) -> Action:
        """The learner's action at `step`: reveal, rate, answer, pick or next (see the module doc)."""
        while True:
            action = (
                self._read_key(step, options, suggested)
                if self.interactive
                else self._read_line(step, options, suggested)
            )
            if action is not None:
                return action

    def _read_key(self, step: str, options: int, suggested: int | None) -> Action | None:
        assert self.keys is not None
        if step == "answer" or (step == "pick" and options > 9):
            self.end_line()
            text = self.keys.line("› ", on_resize=self._redraw_above_line)  # Enter ends the line
            if text is None:
                return Action("quit")
            if text.strip().lower() in COMMANDS:
                return Action(COMMANDS[text.strip().lower()])
            if self.keys.cut and step == "answer":
                self.message(CUT_NOTICE, "yellow")
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
        if key in CARD_KEYS:
            return Action(CARD_KEYS[key])
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

    def _redraw_above_line(self) -> None:
        """A resize while an answer is typed: the card again, then the line on a row of its own."""
        self._redraw()
        self.end_line()

    def pause(self) -> None:
        """After a demo: wait for a key on a terminal before the card comes back (not after a pager)."""
        if self.interactive and not self.demo_paged:
            self._print(Text("Press any key to return to the card.", style="dim"))
            assert self.keys is not None
            while self.keys.key() == "resize":
                pass

    def show_again(self) -> None:
        """Put the current card's screen back (after a demo or a message that scrolled it away)."""
        if self.interactive:
            self._redraw()

    def blank_line(self) -> None:
        self.console.print()

    def note(self, text: str) -> None:
        """A line about what just happened (undo), kept atop the next card's screen on a terminal."""
        self._last_ack = Text(text, style="yellow")
        self._emit(self._last_ack)

    def summary(self, lines: list[Line]) -> None:
        """The session's summary (`study_screen.print_summary`), below the last card."""
        self.end_line()
        if self.interactive:
            self.console.print()
        for line in lines:
            self.console.print(styled(line))


class CompactCard:
    """A card on a small terminal: the prompt's rows, then the other parts' (options before the
    answer, the verdict and answer after it), within `budget` rows. When they do not all fit, the
    prompt keeps at least its first row and the other parts get the rest; a part cut short ends
    with `…`. None: no limit (output that is not a terminal)."""

    def __init__(self, prompt: list[RenderableType], rest: list[RenderableType], budget: int | None):
        self.prompt, self.rest, self.budget = prompt, rest, budget

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.segment import Segment

        options = options.update(height=None)
        width = options.max_width
        head = console.render_lines(Group(*self.prompt), options, pad=False) if self.prompt else []
        tail = console.render_lines(Group(*self.rest), options, pad=False) if self.rest else []
        if self.budget is not None and len(head) + len(tail) > self.budget:
            keep_head = max(1, self.budget - len(tail))
            keep_tail = max(0, self.budget - keep_head)
            head = _clipped(head, keep_head, width)
            tail = _clipped(tail, keep_tail, width)
        for line in head + tail:
            yield from line
            yield Segment.line()


def _clipped(lines: list[list[Segment]], keep: int, width: int) -> list[list[Segment]]:
    """The first `keep` of `lines`, the last one ending with `…` when some were left out."""
    from rich.segment import Segment

    if keep >= len(lines):
        return lines
    if keep <= 0:
        return []
    kept = lines[:keep]
    last = Segment.adjust_line_length(kept[-1], min(Segment.get_line_length(kept[-1]), width - 1))
    kept[-1] = [*last, Segment("…")]
    return kept


class TableRow:
    """A table card's whole row after the answer, one column per line so it fits any width; boxed
    when there is room (decided at each drawing, so a resize changes it)."""

    def __init__(self, title: str, columns: tuple[str, ...], cells: tuple[str, ...]):
        self.title, self.columns, self.cells = title, columns, cells

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.table import Table

        roomy = options.max_width >= 40
        grid = Table(
            title=deck_text(self.title, style="bold"),
            title_justify="left",
            show_header=False,
            box=box.ROUNDED if roomy else None,
            padding=(0, 1),
            pad_edge=roomy,
        )
        grid.add_column(style="dim", no_wrap=roomy, overflow="fold")
        grid.add_column(overflow="fold")  # a long formula breaks anywhere rather than being cut
        for name, cell in zip(self.columns, self.cells, strict=False):
            grid.add_row(deck_text(name), deck_text(cell))
        yield grid


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
    "parse_rating",
    "visible_diff",
]
