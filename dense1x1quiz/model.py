"""What a deck is once loaded: frozen dataclasses and pure helpers, no I/O.

An authored item (a `cards:` entry or a table) yields one or more study cards. Cards that come
from the same item are siblings (`Card.note`): a basic card and its reverse, the cloze numbers of
one text, the cards of one table row. The vocabulary (`CardKind`, `Rating`, `State`) lives in
`vocabulary.py`, importable without the model; it is re-exported here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from operator import attrgetter
from typing import TypedDict

from dense1x1quiz.vocabulary import KINDS, CardKind, Rating, State

_CLOZE_OPEN_RE = re.compile(r"\{\{c(\d+)::")
# What matters inside a deletion: escaped braces (skipped), a nested opening, a brace, the hint's `::`.
_CLOZE_INNER_RE = re.compile(r"\\[\\{}]|\{\{c\d+::|[{}]|::")


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
    kind: CardKind
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
    grade: str = ""  # a typed card's declared answer kind (math, number, code, text); "": from the answer
    image: str = ""  # an image file the card shows, relative to the deck file (`image:`)
    # The review history's key: stable while the card's id is. Kept, not a property: a session's
    # start reads it ~5 times per card (100,000 reads for a 20,000-card deck, issue 7).
    key: tuple[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", (self.deck, self.id))


_image_of = attrgetter("image")


def with_image_paths(deck: Deck) -> Deck:
    """The deck with each card's `image` as a path to the file (the deck file's folder joined with it), as
    the study screen shows it; the deck as loaded keeps what the file says (the cache is keyed by content)."""
    # A lazy deck (cardlist.CardList, read from the deck cache) gives the column: no card is built.
    column = getattr(deck.cards, "column", None)
    images = column("image") if column is not None else list(map(_image_of, deck.cards))  # map: in C
    if not any(images):
        return deck
    folder = os.path.dirname(os.path.abspath(deck.path))
    if column is not None:
        joined = [os.path.join(folder, image) if image else image for image in images]
        return replace(deck, cards=deck.cards.with_field("image", joined))  # type: ignore[attr-defined]
    cards = tuple(replace(c, image=os.path.join(folder, c.image)) if c.image else c for c in deck.cards)
    return replace(deck, cards=cards)


class CardFields(TypedDict):
    """What the cards of one authored item share, passed to each `Card` as `**fields` by the loader."""

    deck: str
    note: str
    tags: tuple[str, ...]
    source: str
    demo: DemoLink | None
    line: int
    image: str


@dataclass(frozen=True)
class Deck:
    """A loaded deck: its cards in deck order (table cards after the `cards:` entries) and tables."""

    id: str
    title: str
    path: str
    description: str = ""
    cards: Sequence[Card] = ()  # a tuple, or a cardlist.CardList (read from the deck cache: built as used)
    tables: tuple[Table, ...] = ()
    tags: tuple[str, ...] = field(default=())

    @property
    def card_ids(self) -> tuple[str, ...]:
        """The ids of the cards, in deck order (what a `deckcache.DeckOutline` holds of them)."""
        return tuple(card.id for card in self.cards)


@dataclass(frozen=True)
class Deletion:
    """One `{{cN::hidden::hint}}` of a cloze text: offsets into the text, and its parts."""

    number: int
    start: int  # the first `{`
    end: int  # after the closing `}}`
    hidden: str
    hint: str  # "" when there is none
    hidden_start: int  # where `hidden` starts (after `{{cN::`)
    hint_start: int  # where `hint` starts (after its `::`), or -1


@dataclass(frozen=True)
class ClozeProblem:
    """A deletion that cannot be read: where its `{{` is and what to write instead."""

    offset: int
    message: str


def parse_cloze(text: str) -> tuple[tuple[Deletion, ...], tuple[ClozeProblem, ...]]:
    """The deletions of a cloze text and the problems found; the one parser of `{{cN::…}}`.

    Inside a deletion, `{` and `}` pair up (unless written `\\{`, `\\}`), and it ends at the first `}}`
    that closes no `{`: so `{{c1::$W_{a_{b}}$}}` hides the whole formula, as does a deletion inside
    math such as `$x = {{c1::\\frac{a}{b}}}$`. The hint starts at the first `::` outside braces.
    A deletion that never closes is a problem, and it and the rest of the text are read as plain text;
    a deletion inside another is a problem too.
    """
    return _parse_cloze(text) if "{{c" in text else ((), ())


@lru_cache(maxsize=4096)  # a card's text is parsed at load (numbers, answers) and again when it is asked
def _parse_cloze(text: str) -> tuple[tuple[Deletion, ...], tuple[ClozeProblem, ...]]:
    deletions: list[Deletion] = []
    problems: list[ClozeProblem] = []
    at = 0
    while opening := _CLOZE_OPEN_RE.search(text, at):
        depth, hint_at, close, nested = 0, -1, -1, -1
        for token in _CLOZE_INNER_RE.finditer(text, opening.end()):
            kind = token.group()
            if kind == "::":
                if depth == 0 and hint_at < 0:
                    hint_at = token.start()
            elif kind.startswith("{{"):
                nested = token.start() if nested < 0 else nested
                depth += 2  # its `}}` closes it, not the outer deletion
            elif kind == "{":
                depth += 1
            elif kind == "}":
                if depth:
                    depth -= 1
                elif text.startswith("}", token.end()):
                    close = token.start()
                    break
        marker = opening.group()
        if close < 0:
            problems.append(
                ClozeProblem(
                    opening.start(),
                    (
                        f"`{marker}` has no closing `}}}}`: inside a deletion `{{` and `}}` pair up (as in "
                        f"`{{{{c1::$W_{{a_{{b}}}}$}}}}`) and `\\{{`, `\\}}` are literal braces; close every `{{`, "
                        "or write a lone one as `\\{`"
                    ),
                )
            )
            break  # the scan reached the end of the text: going on from each later `{{` would be quadratic
        if nested >= 0:
            inner = _CLOZE_OPEN_RE.match(text, nested)
            problems.append(
                ClozeProblem(
                    nested,
                    (
                        f"a deletion inside another (`{inner.group() if inner else '{{c'}` inside `{marker}…}}}}`) "
                        "is not supported; write them one after the other"
                    ),
                )
            )
        hidden_end = hint_at if hint_at >= 0 else close
        deletions.append(
            Deletion(
                int(opening.group(1)),
                opening.start(),
                close + 2,
                text[opening.end() : hidden_end],
                text[hint_at + 2 : close] if hint_at >= 0 else "",
                opening.end(),
                hint_at + 2 if hint_at >= 0 else -1,
            )
        )
        at = close + 2
    return tuple(deletions), tuple(problems)


def _rewrite(text: str, replace) -> str:
    """`text` with each deletion replaced by `replace(deletion)`."""
    out, at = [], 0
    for deletion in parse_cloze(text)[0]:
        out += [text[at : deletion.start], replace(deletion)]
        at = deletion.end
    return "".join(out) + text[at:]


def cloze_numbers(text: str) -> list[int]:
    """The distinct cloze numbers in `text`, ascending."""
    return sorted({d.number for d in parse_cloze(text)[0]})


def cloze_prompt(text: str, number: int, mask: str = "[…]") -> str:
    """`text` with deletion `number` hidden (its hint shown as `[hint]`) and the others revealed."""

    def replace(d: Deletion) -> str:
        if d.number != number:
            return d.hidden
        return f"[{d.hint}]" if d.hint else mask

    return _rewrite(text, replace)


def cloze_answer(text: str, number: int) -> str:
    """The hidden text of deletion `number`; several deletions of one number are joined by ' … '."""
    return " … ".join(d.hidden for d in parse_cloze(text)[0] if d.number == number)


def cloze_reveal(text: str) -> str:
    """`text` with every deletion shown."""
    return _rewrite(text, lambda d: d.hidden)


__all__ = [
    "KINDS",
    "Card",
    "CardFields",
    "CardKind",
    "ClozeProblem",
    "Deck",
    "DemoLink",
    "Deletion",
    "Rating",
    "State",
    "Table",
    "cloze_answer",
    "cloze_numbers",
    "cloze_prompt",
    "cloze_reveal",
    "parse_cloze",
    "with_image_paths",
]
