"""What a deck is once loaded: frozen dataclasses and pure helpers, no I/O.

An authored item (a `cards:` entry or a table) yields one or more study cards. Cards that come
from the same item are siblings (`Card.note`): a basic card and its reverse, the cloze numbers of
one text, the cards of one table row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

KINDS = ("basic", "typed", "choice", "cloze", "table")

CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::(.*?))?\}\}", re.DOTALL)


@dataclass(frozen=True)
class DemoLink:
    """A card's link to a `quiz demo`: the demo's name and the parameters to run it with."""

    name: str
    params: tuple[tuple[str, int | str], ...] = ()


@dataclass(frozen=True)
class Table:
    """A comparison table as authored: the first column names the rows."""

    id: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    tags: tuple[str, ...] = ()
    source: str = ""
    demo: DemoLink | None = None
    line: int = 0


@dataclass(frozen=True)
class Card:
    """One study card.

    `prompt` is what is asked and `answer` the canonical answer: a basic card's back, a typed card's
    answer, the right option of a choice or table card, the hidden text of a cloze card.
    """

    deck: str
    id: str
    kind: str
    prompt: str
    answer: str
    accept: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    cloze: str = ""
    cloze_number: int = 0
    explain: str = ""
    note: str = ""
    table: Table | None = None
    row: int = -1
    tags: tuple[str, ...] = ()
    source: str = ""
    demo: DemoLink | None = None
    line: int = 0
    # The review history's key: stable while the card's id is. Kept, not a property: a session's
    # start reads it ~5 times per card (100,000 reads for a 20,000-card deck, issue 7).
    key: tuple[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.deck, self.id))


@dataclass(frozen=True)
class Deck:
    """A loaded deck: its cards in deck order (table cards after the `cards:` entries) and tables."""

    id: str
    title: str
    path: str
    description: str = ""
    cards: tuple[Card, ...] = ()
    tables: tuple[Table, ...] = ()
    tags: tuple[str, ...] = field(default=())

    @property
    def card_ids(self) -> tuple[str, ...]:
        """The ids of the cards, in deck order (what a `deckcache.DeckOutline` holds of them)."""
        return tuple(card.id for card in self.cards)


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in `text`, ascending."""
    return sorted({int(m.group(1)) for m in CLOZE_RE.finditer(text)})


def cloze_prompt(text: str, number: int, mask: str = "[…]") -> str:
    """`text` with deletion `number` hidden (its hint shown as `[hint]`) and the others revealed."""

    def replace(m: re.Match[str]) -> str:
        if int(m.group(1)) != number:
            return m.group(2)
        return f"[{m.group(3)}]" if m.group(3) else mask

    return CLOZE_RE.sub(replace, text)


def cloze_answer(text: str, number: int) -> str:
    """The hidden text of deletion `number`; several deletions of one number are joined by ' … '."""
    return " … ".join(m.group(2) for m in CLOZE_RE.finditer(text) if int(m.group(1)) == number)


def cloze_reveal(text: str) -> str:
    """`text` with every deletion shown."""
    return CLOZE_RE.sub(lambda m: m.group(2), text)


__all__ = [
    "CLOZE_RE",
    "KINDS",
    "Card",
    "Deck",
    "DemoLink",
    "Table",
    "cloze_answer",
    "cloze_numbers",
    "cloze_prompt",
    "cloze_reveal",
]
