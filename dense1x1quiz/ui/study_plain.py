"""`quiz study` written to a pipe or a file: plain lines, no rich, no escape codes.

The words are those of the terminal screen (ui/study_parts.py composes them for both); only the
layout differs. A card is a header line, a `── deck ──` line and the question (a blank line comes
between cards); what follows (verdict, answer, buttons, `Saved …`) comes one line each, never
wrapped, so a script can read the transcript line by line. Every write is flushed: a reader
waiting for `Saved` sees it at once.

    new 40  learning 0  review 0
    ── dense-vs-1x1 ──
    What does a 1×1 convolution do at each pixel?
    Answer: A dense layer over the channels
    1 Again 1m  2 Hard 6m  3 Good 10m  4 Easy 6d
    Saved Good · next in 10m (12:10)
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import IO, TYPE_CHECKING

from dense1x1quiz.text import display
from dense1x1quiz.ui.plain import Line, aligned, text_of
from dense1x1quiz.ui.study_parts import (
    StudyScreen,
    ack_line,
    answer_lines,
    buttons_line,
    choice_verdict_lines,
    header_line,
    image_line,
    table_row,
    typed_verdict_lines,
)
from dense1x1quiz.views import Action, CardView

if TYPE_CHECKING:
    from dense1x1quiz.answers import Grade
    from dense1x1quiz.model import Card
    from dense1x1quiz.ui.keys import LineInput


class PlainStudyUI(StudyScreen):
    """The study screen as plain lines on `out`, reading one line per step from `lines`."""

    interactive = False
    keys = None

    def __init__(self, out: IO[str], lines: LineInput):
        self.out = out
        self.lines = lines
        self.option_texts: list[str] = []
        self._cards = 0

    def _write(self, lines: list[Line] | list[str]) -> None:
        self.out.write("".join((line if isinstance(line, str) else text_of(line)) + "\n" for line in lines))
        self.out.flush()

    def message(self, text: str, style: str = "") -> None:
        self._write([text])

    note = message

    def end_line(self) -> None:
        """Lines are always ended here (there is no key hint to stay on)."""

    def blank_line(self) -> None:
        self._write([""])

    def card(self, view: CardView) -> None:
        self.option_texts = list(view.options)
        self._cards += 1
        lines = [""] * (self._cards > 1)  # a blank line between cards
        lines += [text_of(header_line(view)), f"── {display(view.card.deck)} ──", display(view.prompt)]
        image = image_line(view.card)
        if image is not None:
            lines.append(text_of(image))
        if view.options:
            numbers = [f"{n}." for n in range(1, len(view.options) + 1)]
            lines += aligned(numbers, [display(option) for option in view.options], right=True)
        self._write(lines)

    def answer(self, card: Card, answer: str | None, context: str = "") -> None:
        lines: list[str] = [text_of(line) for line in answer_lines(card, answer, context)]
        row = table_row(card)
        if row is not None:
            title, columns, cells = row
            lines.append(display(title))
            lines += ["  " + line for line in aligned([display(c) for c in columns], [display(c) for c in cells])]
        self._write(lines)

    def typed_verdict(self, given: str, grade: Grade, show_diff: bool) -> None:
        self._write(typed_verdict_lines(given, grade, show_diff, marked_diff=True))

    def choice_verdict(self, options: list[str], picked: int, right: int) -> None:
        self._write(choice_verdict_lines(options, picked, right))

    def buttons(self, intervals: dict[int, timedelta] | None, suggested: int | None = None) -> None:
        self._write([buttons_line(intervals, suggested)])

    def ack(self, rating: int, due: datetime | None, now: datetime, cram: bool = False) -> None:
        self._write([ack_line(rating, due, now, cram=cram)])

    def hint(self, text: str, short: str) -> None:
        """Key hints are for a terminal; a script knows its protocol."""

    def read(self, step: str, *, options: int = 0, suggested: int | None = None) -> Action:
        while True:
            action = self._read_line(step, options, suggested)
            if action is not None:
                return action

    def pause(self) -> None:
        """Nothing to wait for: the next line of input is the next step."""

    def show_again(self) -> None:
        """The card stays above in the transcript."""

    def summary(self, lines: list[Line]) -> None:
        self._write(lines)
