"""A deck as authored (one entry per `cards:` item, reverse and cloze numbers not expanded).

The loader turns authored items into study cards; `draft_from_deck` goes back, so exporters and
the importer can work on what an author wrote and `deck_writer` can write it out again.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import TypedDict

from dense1x1quiz.model import CardKind, Deck, DemoLink, Table


@dataclass(frozen=True)
class Item:
    """One `cards:` entry. `answer` is a basic card's back, a typed or choice card's answer."""

    id: str
    kind: CardKind  # basic, typed, choice or cloze (tables are not items)
    front: str = ""
    answer: str = ""
    reverse: bool = False
    accept: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    cloze: str = ""
    explain: str = ""
    tags: tuple[str, ...] = ()
    source: str = ""
    demo: DemoLink | None = None
    line: int = 0  # where it came from (notes line), for messages only
    image: str = ""  # an image file, relative to the deck file (`image:`)


class ItemFields(TypedDict):
    """What an item takes from each of its cards alike (passed to `Item` as `**fields`)."""

    tags: tuple[str, ...]
    source: str
    demo: DemoLink | None
    line: int
    image: str


@dataclass(frozen=True)
class DeckDraft:
    id: str
    title: str
    description: str = ""
    tags: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()
    tables: tuple[Table, ...] = field(default=())

    @property
    def entries(self) -> tuple[Item | Table, ...]:
        """The items, then the tables: everything the draft names by id."""
        return (*self.items, *self.tables)


def own_tags(tags: tuple[str, ...], deck_tags: tuple[str, ...]) -> tuple[str, ...]:
    """A card's tags without the ones it inherits from its deck."""
    return tuple(t for t in tags if t not in deck_tags)


def draft_from_deck(deck: Deck) -> DeckDraft:
    """The authored form of a loaded deck: siblings (reverse, cloze numbers) folded back into one item."""
    items: dict[str, Item] = {}
    for card in deck.cards:
        if card.kind == "table":
            continue
        common = ItemFields(
            tags=own_tags(card.tags, deck.tags), source=card.source, demo=card.demo, line=card.line, image=card.image
        )
        if card.kind == "cloze":
            items.setdefault(card.note, Item(card.note, "cloze", cloze=card.cloze, explain=card.explain, **common))
        elif card.kind == "basic" and card.id == f"{card.note}:reverse":
            items[card.note] = replace(items[card.note], reverse=True)
        else:
            items[card.id] = Item(
                card.id,
                card.kind,
                front=card.prompt,
                answer=card.answer,
                accept=card.accept,
                options=card.options,
                explain=card.explain,
                **common,
            )
    tables = tuple(
        Table(t.id, t.title, t.columns, t.rows, own_tags(t.tags, deck.tags), t.source, t.demo, t.line)
        for t in deck.tables
    )
    return DeckDraft(deck.id, deck.title, deck.description, deck.tags, tuple(items.values()), tables)


def make_id(text: str, taken: set[str], fallback: str = "card") -> str:
    """A stable slug id for `text` (`1×1 conv?` → `1x1-conv`), made unique against `taken` and added to it."""
    ascii_text = unicodedata.normalize("NFKD", re.sub(r"(\d)\s*[×✕]\s*(\d)", r"\1x\2", text))
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.encode("ascii", "ignore").decode().lower()).strip("-")
    base = words if len(words) <= 40 else words[:41].rsplit("-", 1)[0][:40]
    base = base or fallback
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base[:36]}-{n}"
    taken.add(candidate)
    return candidate


__all__ = ["DeckDraft", "Item", "ItemFields", "draft_from_deck", "make_id", "own_tags"]
