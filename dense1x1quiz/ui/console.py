"""Consoles and the one way deck text reaches the screen."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.text import Text

from dense1x1quiz.text import display, visible_lines


def make_console(stderr: bool = False) -> Console:
    """A console that honours NO_COLOR and never writes escape codes to a pipe or file.

    `highlight` and `emoji` are off so deck text is shown as written (`:smile:` stays text).
    """
    stream = sys.stderr if stderr else sys.stdout
    return Console(file=stream, highlight=False, emoji=False, soft_wrap=False)


def deck_text(text: str, style: str = "") -> Text:
    """Untrusted deck text as a rich Text: math rendered, controls visible, markup never parsed."""
    return Text(display(text), style=style)


def print_error(message: str) -> None:
    """`Error: …` on stderr; the message is shown literally, its own line breaks kept and every other
    control character made visible (it may quote deck or user text)."""
    make_console(stderr=True).print(Text("Error: ", style="bold red") + Text(visible_lines(message)), soft_wrap=True)


__all__ = ["deck_text", "make_console", "print_error"]
