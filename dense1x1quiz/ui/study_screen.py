"""Which study screen `quiz study` gets, and the summary at its end; the CLI wires these to the session.

Plain lines (ui/study_plain.py) when stdout is not a terminal, so rich is not imported; else rich
(ui/study.py), reading keys when stdin is a terminal too. Both renderers say the words of
ui/study_parts.py; this module is the only one that imports them both, and nothing imports it but
the CLI, so the dependencies among the study screens run one way.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import IO, TYPE_CHECKING

from dense1x1quiz.ui.study_parts import summary_lines

if TYPE_CHECKING:
    from dense1x1quiz.session import Summary
    from dense1x1quiz.ui.study import StudyUI
    from dense1x1quiz.ui.study_plain import PlainStudyUI


@contextmanager
def open_study_ui(stdin: IO[str] | None = None) -> Iterator[StudyUI | PlainStudyUI]:
    """The study screen on stdout: plain lines when stdout is not a terminal; else rich, with keys
    when stdin is a terminal too, lines otherwise."""
    from dense1x1quiz.ui.keys import LineInput

    try:
        piped = not sys.stdout.isatty()
    except (AttributeError, ValueError):  # a closed or odd stream: write plainly
        piped = True
    if piped:
        from dense1x1quiz.ui.study_plain import PlainStudyUI

        yield PlainStudyUI(sys.stdout, LineInput(stdin or sys.stdin))
        return
    from dense1x1quiz.ui.console import make_console
    from dense1x1quiz.ui.study import StudyUI, open_input

    console = make_console()
    keys, lines = open_input(console, stdin)
    if keys is None:
        yield StudyUI(console, lines=lines)
        return
    with keys:
        yield StudyUI(console, keys=keys)


def print_summary(
    ui: StudyUI | PlainStudyUI,
    summary: Summary,
    now: datetime,
    *,
    cards_found: int,
    cram: bool = False,
    command: str = "quiz study",
    tags: Sequence[str] = (),
) -> None:
    """The end of a session (`summary_lines`; `command` and `tags` as the session was asked for) on
    `ui`'s screen. Written even when the terminal has gone (SIGHUP): a failed write is ignored, the
    answers are saved. A store error that stopped the session goes to stderr as `Error: …`, like
    every other error, in every screen."""
    if summary.error:
        from dense1x1quiz.ui.console import print_error

        try:
            print_error(summary.error)
        except OSError:
            pass
    try:
        ui.summary(summary_lines(summary, now, cards_found=cards_found, cram=cram, command=command, tags=tags))
    except OSError:
        pass


__all__ = ["open_study_ui", "print_summary"]
