"""What the study loop and its screen exchange: the view of one card, and the learner's action.

The session (session.py) builds a `CardView` for each card and reads back one `Action` per step;
the screens in ui/ draw the one and return the other. They live here, below both, so the core
never imports ui/ (the CLI picks the screen and hands it to the session).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dense1x1quiz.model import Card


@dataclass(frozen=True)
class Action:
    """What the learner did at one step: reveal, rate (value 1–4), answer (value: the text typed),
    pick (value: 0-based option), next, quit, undo or show (run the card's demo)."""

    kind: str
    value: int | str | None = None


@dataclass
class CardView:
    """What is asked for one card: the prompt, numbered options (choice), the header counts and how
    many answers the session has had (the terminal's header shows how far it is)."""

    card: Card
    prompt: str
    style: str  # flip | type | choice
    options: list[str] = field(default_factory=list)
    counts: tuple[int, int, int] = (0, 0, 0)  # new, learning, review left
    cram: bool = False
    done: int = 0  # answers given in this session so far


__all__ = ["Action", "CardView"]
