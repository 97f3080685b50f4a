"""`quiz exam` on screen: questions, per-answer feedback, and the closing report.

Reading is line based in both modes. With a terminal, an answer is edited as any terminal line
(ui/line_editor.py: arrows, Home/End, Up/Down for earlier answers), a blank line or a choice that
names no option is asked again, a time limit interrupts typing when it runs out, and a resize while
typing draws the question again above the line. Without one, every line is an
answer (so a script stays in step with the questions) and is echoed after its prompt.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import TextIO

from rich.console import Console
from rich.table import Table
from rich.text import Text

from dense1x1quiz.exam import ExamResult, Outcome, Question, TimeUp, chosen_option, study_next
from dense1x1quiz.model import Deck
from dense1x1quiz.text import visible_controls
from dense1x1quiz.ui.console import deck_text
from dense1x1quiz.ui.keys import CUT_NOTICE, KeyInput, LineTimeout, cap_line, discard_typed_ahead, read_line

RIGHT, WRONG = "✓", "✗"


def clock_text(seconds: float) -> str:
    """Seconds as `m:ss` (`h:mm:ss` from an hour)."""
    whole = max(0, int(seconds))
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def one_line(text: str) -> str:
    return " · ".join(part.strip() for part in text.splitlines() if part.strip())


class ExamScreen:
    """The exam's UI (see `exam.ExamUI`), writing to `console` and reading lines from `stdin`."""

    def __init__(self, console: Console, *, interactive: bool, stdin: TextIO | None = None):
        self.console = console
        self.interactive = interactive
        self.stdin = stdin if stdin is not None else sys.stdin
        self._keys: KeyInput | None = None  # answers edited as a terminal line (inside `with`)
        self._signals: dict[int, object] = {}
        self._redraw: Callable[[], None] | None = None  # the question being answered, drawn again
        self._feedback_rows = 0  # terminal rows the last answer's feedback took

    def __enter__(self) -> ExamScreen:
        """The exam is on: with a terminal, answers are typed with line editing (ui/line_editor.py);
        at the end, time limit, `q`, Ctrl-C or SIGTERM/SIGHUP, what was typed and not read is
        discarded, so it never reaches the shell, and the terminal is left as it was."""
        if self.interactive and self.console.is_terminal and os.environ.get("TERM") != "dumb":
            try:
                fd = self.stdin.fileno()
            except (AttributeError, OSError, ValueError):
                return self
            self._keys = KeyInput(fd, out=self.console.file).__enter__()
            for signum in _ENDING_SIGNALS:  # killed as before, but after the terminal is restored
                try:
                    if signal.getsignal(signum) == signal.SIG_DFL:
                        self._signals[signum] = signal.signal(signum, _raise_signalled)
                except ValueError:  # not the main thread
                    pass
        return self

    def __exit__(self, kind: object, error: BaseException | None, trace: object) -> None:
        for signum, handler in self._signals.items():
            signal.signal(signum, handler)  # type: ignore[arg-type]
        self._signals = {}
        if self._keys is not None:
            self._keys.__exit__()
            self._keys = None
        elif self.interactive:
            with suppress(AttributeError, OSError, ValueError):
                discard_typed_ahead(self.stdin.fileno())
        if isinstance(error, _Signalled):  # die of the signal, as a program that did not catch it
            os.kill(os.getpid(), error.signum)

    def _print(self, *renderables: Text | Table | str) -> None:
        # A terminal wraps at word boundaries; a pipe or file gets each line whole (stable transcripts).
        self.console.print(*renderables, soft_wrap=not self.console.is_terminal)

    def _hanging(self, head: Text, body: Text) -> None:
        """`head` then `body`, wrapped lines of `body` indented under its start (in a terminal)."""
        self._print(self._hanging_part(head, body))

    def _hanging_part(self, head: Text, body: Text) -> Text | Table:
        """What `_hanging` prints: a grid on a terminal, else one line."""
        if not self.console.is_terminal:
            return head + body
        grid = Table.grid()
        grid.add_column(no_wrap=True)
        grid.add_column()
        grid.add_row(head, body)
        return grid

    def _rows(self, *renderables: Text | Table) -> int:
        """Terminal rows `renderables` take when printed."""
        options = self.console.options
        return sum(len(self.console.render_lines(r, options, pad=False)) for r in renderables)

    # -- before ----------------------------------------------------------------------------

    def intro(self, questions: Sequence[Question], wanted: int, time_limit: float | None) -> None:
        total = len(questions)
        line = Text(f"Exam: {total} question{'s' * (total != 1)}", style="bold")
        if total < wanted:
            line.append(f" ({wanted} asked for; only {total} match)", style="")
        if time_limit is not None:
            line.append(f" · time limit {clock_text(time_limit)}", style="")
        self._print(line)
        if all(q.kind == "computed" for q in questions):
            self._print(Text("No choice, typed, cloze or table cards to ask: computed problems only.", style="yellow"))
        hint = "Answer with an option's number or text, or type the answer; q ends the exam."
        self._print(Text(hint, style="dim"))
        self._print()

    # -- each question ---------------------------------------------------------------------

    def show_question(self, position: int, total: int, question: Question, seconds_left: float | None) -> None:
        for part in self._question_parts(position, total, question, seconds_left):
            self._print(part)

    def _question_parts(
        self, position: int, total: int, question: Question, seconds_left: float | None
    ) -> list[Text | Table]:
        header = Text(f"Question {position} of {total}", style="bold")
        where = "computed" if question.kind == "computed" else question.deck
        if where:
            header.append(f"  {where}", style="dim")
        if seconds_left is not None:
            header.append(f"  {clock_text(seconds_left)} left", style="yellow")
        options = [self._hanging_part(Text(f"  {n}. "), deck_text(o)) for n, o in enumerate(question.options, 1)]
        return [header, deck_text(question.prompt), *options]  # an option's wrapped lines under its text

    def _wait_if_feedback_would_scroll_away(
        self, position: int, total: int, question: Question, seconds_left: float | None
    ) -> None:
        """On a small terminal, where the next question would push the last answer's feedback off the
        screen before it is read, a key first (the clock runs on)."""
        if self._keys is None or not self._feedback_rows:
            return
        rows = self._feedback_rows + self._rows(*self._question_parts(position, total, question, seconds_left)) + 1
        self._feedback_rows = 0
        if rows <= self.console.height:
            return
        self.console.print(Text("Press any key for the next question.", style="dim"))
        while self._keys.key() == "resize":
            pass

    def _prompt(self, question: Question) -> str:
        return f"Answer (1–{len(question.options)}): " if question.options else "Answer: "

    def ask(self, position: int, total: int, question: Question, seconds_left: float | None) -> str | None:
        """Show the question and read the learner's line; None at end of input."""
        self._wait_if_feedback_would_scroll_away(position, total, question, seconds_left)
        self.show_question(position, total, question, seconds_left)
        if not self.interactive:
            line, cut = read_line(self.stdin)  # at most MAX_ANSWER_CHARS: a huge line is not held
            if line is None:
                return None
            self._print(Text(self._prompt(question)) + self._typed(line))
            self._say_if_cut(cut)
            return line
        deadline = None if seconds_left is None else time.monotonic() + seconds_left

        def redraw() -> None:  # after a resize: the question for the new width, its time left counted down
            self.console.clear()
            left = None if deadline is None else deadline - time.monotonic()
            self.show_question(position, total, question, left)

        self._redraw = redraw
        while True:  # a blank or unknown answer is asked again, against the same deadline
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise TimeUp
            try:
                line, cut = cap_line(self._read_before(self._prompt(question), left))
            except EOFError:
                return None
            cut = cut or (self._keys is not None and self._keys.cut)  # the editor took no more than fits
            self._say_if_cut(cut)
            text = line.strip()
            if not text:
                continue
            if question.options and text.lower() != "q" and chosen_option(question, text) is None:
                self._print(
                    Text(f"Type a number from 1 to {len(question.options)}, or the option's text.", style="yellow")
                )
                continue
            return line

    def _read_before(self, prompt: str, seconds_left: float | None) -> str:
        """A line typed after `prompt`; TimeUp when `seconds_left` run out, EOFError at the end of input."""
        if self._keys is None:
            return self._input_before(prompt, seconds_left)
        deadline = None if seconds_left is None else time.monotonic() + seconds_left
        try:
            line = self._keys.line(prompt, deadline=deadline, on_resize=self._redraw)
        except LineTimeout:
            raise TimeUp from None
        if line is None:
            raise EOFError
        return line

    def _input_before(self, prompt: str, seconds_left: float | None) -> str:
        """`input()` that raises TimeUp when `seconds_left` run out (where SIGALRM exists)."""
        timed = (
            seconds_left is not None
            and hasattr(signal, "setitimer")
            and threading.current_thread() is threading.main_thread()
        )
        if not timed:
            return self.console.input(prompt)

        def ring(signum, frame):
            raise TimeUp

        previous = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, max(0.01, seconds_left or 0))
        try:
            return self.console.input(prompt)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)

    def _say_if_cut(self, cut: bool) -> None:
        if cut:
            self._print(Text(CUT_NOTICE, style="yellow"))

    @staticmethod
    def _typed(text: str) -> Text:
        """What the learner typed, literally (no math rendering), control characters made visible."""
        return Text(visible_controls(text))

    def _expected(self, question: Question) -> Text:
        if question.options:
            number = question.options.index(question.expected) + 1
            return Text(f"{number}. ") + deck_text(question.expected)
        return deck_text(question.expected)

    def feedback(self, outcome: Outcome) -> None:
        """Right or wrong, the right answer, how it is worked out, and its source."""
        question = outcome.question
        if outcome.correct:
            line = Text(f"{RIGHT} Right: ", style="bold green") + self._expected(question)
        else:
            line = Text(f"{WRONG} Wrong. ", style="bold red") + Text("Right answer: ") + self._expected(question)
            if outcome.near:
                line.append(" (close: check the spelling)", style="yellow")
        parts: list[Text | Table] = [line]
        if question.explain:
            parts.append(self._hanging_part(Text("  "), deck_text(question.explain, style="dim")))
        if question.source:
            parts.append(self._hanging_part(Text("  source: ", style="dim"), deck_text(question.source, style="dim")))
        for part in parts:
            self._print(part)
        self._print()
        self._feedback_rows = self._rows(*parts) + 1 if self._keys is not None else 0

    def time_up(self, unanswered: int) -> None:
        self._print()
        left = f"; {unanswered} question{'s' * (unanswered != 1)} unanswered" if unanswered else ""
        self._print(Text(f"Time is up{left}.", style="bold yellow"))
        self._print()

    def interrupted(self) -> None:
        self._print()
        self._print(Text("Exam stopped; the answers given so far are saved.", style="yellow"))

    # -- after -----------------------------------------------------------------------------

    def report(self, result: ExamResult, decks: Sequence[Deck] = ()) -> None:
        """Score and time, the missed questions with their right answers, and what to study next."""
        if result.ended in ("eof", "quit"):  # the last question shown has no feedback under it
            self._print()
        share = f" ({result.score / result.total:.0%})" if result.total else ""
        line = Text(f"Score {result.score}/{result.total}{share}", style="bold")
        line.append(f" · time {clock_text(result.seconds)} · seed {result.seed}", style="")
        self._print(line)
        if result.ended in ("eof", "quit"):
            unanswered = sum(o.given is None for o in result.outcomes)
            if unanswered:
                self._print(Text(f"Ended early: {unanswered} unanswered, counted wrong.", style="dim"))
        missed = result.missed
        if missed:
            self._print()
            self._print(Text(f"Missed ({len(missed)})", style="bold"))
            width = len(str(missed[-1][0])) + 2
            for position, outcome in missed:
                number = Text(f"{position}.".rjust(width - 1) + " ")
                self._hanging(number, deck_text(one_line(outcome.question.prompt)))
                answer = Text("right: ", style="dim") + self._expected(outcome.question)
                if outcome.given is None:
                    answer.append(" · not answered", style="dim")
                else:
                    answer.append(" · you: ", style="dim")
                    chosen = outcome.given in outcome.question.options  # an option is deck text
                    answer.append_text(deck_text(outcome.given) if chosen else self._typed(outcome.given))
                self._hanging(Text(" " * width), answer)
        hints = study_next(result, decks)
        if hints:
            self._print()
            self._print(Text("Study next", style="bold"))
            label_width = max(len(hint.label) for hint in hints)
            count_width = max(len(f"{hint.right}/{hint.asked}") for hint in hints)
            for hint in hints:
                line = deck_text(hint.label.ljust(label_width + 2))
                line.append(f"{hint.right}/{hint.asked}".rjust(count_width) + " right  ")
                self._hanging(line, deck_text(hint.command, style="dim"))  # a wrapped command stays in its column
        elif result.total and result.score == result.total:
            self._print(Text("No misses. Try a longer exam or a time limit.", style="green"))


class _Signalled(BaseException):
    """SIGTERM or SIGHUP during the exam: unwind (the terminal restored), then die of it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_signalled(signum: int, frame: object) -> None:
    signal.signal(signum, signal.SIG_DFL)  # the second time, and in `__exit__`, it kills
    raise _Signalled(signum)


_ENDING_SIGNALS = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]


__all__ = ["ExamScreen", "clock_text"]
