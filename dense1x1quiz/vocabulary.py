"""The words the deck model, the scheduler, the store and the screens share: card kinds, ratings, states.

Apart from the model (`model.py` re-exports them) so that `quiz stats`, which reads deck outlines,
can name a state without defining the model's dataclasses.
"""

from __future__ import annotations

from enum import Enum, IntEnum
from typing import Literal, get_args

CardKind = Literal["basic", "typed", "choice", "cloze", "table"]
KINDS: tuple[CardKind, ...] = get_args(CardKind)


class Rating(IntEnum):
    """An answer's rating, as fsrs names them; the review log stores the int."""

    Again = 1
    Hard = 2
    Good = 3
    Easy = 4

    __str__ = int.__repr__  # "3" on every Python, as 3.11+ prints it (3.10 would print "Rating.Good")


class State(str, Enum):
    """A card's scheduling state; `card_states.state` and `reviews.state_before` store the value.

    fsrs has no New (a new card is its Learning at step 0) and numbers its states; ours are the
    words the database, `--state` and `--json` use. A `str`, so a stored word compares equal to it.
    """

    New = "new"
    Learning = "learning"
    Review = "review"
    Relearning = "relearning"

    # Printed as the word ("review"), as StrEnum (3.11+) does, not "State.Review".
    def __str__(self) -> str:
        return self.value

    def __format__(self, format_spec: str) -> str:
        return self.value.__format__(format_spec)


__all__ = ["KINDS", "CardKind", "Rating", "State"]
