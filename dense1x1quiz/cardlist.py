"""A deck's cards kept as columns, each Card built only when it is first used (a lazy deck, issue 16).

A 100,000-card deck read from the deck cache is a column per Card field (a list of each card's value,
or, for a field most cards leave at its default, a dict of the cards that do not). Starting a session
needs only the cards' keys, decks and notes, read from those columns (`keys`, `column`); a `Card`
is made the first time `cards[i]` asks for it, and the same object is returned after that (the queue
compares cards by identity). Building 100,000 Card objects before the first card cost a third of a
warm start; this way a session builds the few it shows.

`CardList` is a `Sequence[Card]`: indexing, `len`, iteration (which builds every card), and `==` with
a tuple or list of the same cards, as `Deck.cards` has always been. Code that only needs a field of
every card asks `field_of(cards, name)`, which reads the column when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from itertools import chain, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from dense1x1quiz.model import Card
    from dense1x1quiz.scheduler import Key


class CardList(Sequence["Card"]):
    """`n` cards as columns: `dense` maps a field to a list of n values, `sparse` a field to
    {index: value} for the cards whose value is not the field's default; a field in neither has its
    default on every card. `built` holds the cards made so far (None where not yet)."""

    __slots__ = ("_built", "_dense", "_keys", "_n", "_sparse")

    def __init__(
        self,
        n: int,
        dense: dict[str, list[Any]],
        sparse: dict[str, dict[int, Any]],
        built: list[Card | None] | None = None,
    ):
        self._n = n
        self._dense = dense
        self._sparse = sparse
        self._built: list[Card | None] = built if built is not None else [None] * n
        self._keys: list[Key] | None = None

    @classmethod
    def of(cls, cards: Sequence[Card]) -> CardList:
        """Cards already built (a deck just parsed), as a CardList that hands out those very objects."""
        if isinstance(cards, CardList):
            return cards
        dense = {name: list(map(attrgetter(name), cards)) for name in _fields().names}
        return cls(len(cards), dense, {}, list(cards))

    @classmethod
    def concat(cls, parts: Sequence[Sequence[Card]]) -> CardList:
        """The cards of `parts` one after another (each part a CardList or a sequence of built cards);
        the cards built already are kept."""
        lists = [cls.of(part) for part in parts]
        if len(lists) == 1:
            return lists[0]
        dense: dict[str, list[Any]] = {}
        sparse: dict[str, dict[int, Any]] = {}
        for name in _fields().names:
            if any(name in p._dense for p in lists):
                dense[name] = list(chain.from_iterable(p.column(name) for p in lists))
                continue
            merged: dict[int, Any] = {}
            start = 0
            for p in lists:
                merged.update((start + i, v) for i, v in p._sparse.get(name, {}).items())
                start += len(p)
            if merged:
                sparse[name] = merged
        return cls(sum(map(len, lists)), dense, sparse, list(chain.from_iterable(p._built for p in lists)))

    def take(self, positions: Sequence[int]) -> CardList:
        """The cards at `positions`, in that order (the same Card objects where built already)."""
        if not positions:
            return CardList(0, {name: [] for name in self._dense}, {})
        pick = itemgetter(*positions) if len(positions) > 1 else lambda col: (col[positions[0]],)
        dense = {name: list(pick(col)) for name, col in self._dense.items()}
        sparse = {name: {j: col[i] for j, i in enumerate(positions) if i in col} for name, col in self._sparse.items()}
        return CardList(len(positions), dense, sparse, list(pick(self._built)))

    def with_field(self, name: str, values: list[Any]) -> CardList:
        """These cards with field `name` set to `values` (one per card); cards are built anew."""
        dense = dict(self._dense)
        dense[name] = values
        sparse = {k: v for k, v in self._sparse.items() if k != name}
        return CardList(self._n, dense, sparse)

    def column(self, name: str) -> list[Any]:
        """Field `name` of every card, in order, without building a card."""
        col = self._dense.get(name)
        if col is not None:
            return col
        if name == "key":
            return self.keys()
        values = list(repeat(_fields().defaults[name], self._n))  # KeyError: not a field with a default
        for i, value in self._sparse.get(name, {}).items():
            values[i] = value
        return values

    def keys(self) -> list[Key]:
        """Every card's key, (deck, id), in order."""
        if self._keys is None:
            self._keys = list(zip(self.column("deck"), self.column("id"), strict=True))
        return self._keys

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, index: int) -> Card: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Card, ...]: ...

    def __getitem__(self, index: int | slice) -> Card | tuple[Card, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(self._n)))
        card = self._built[index]  # IndexError as a tuple gives it; a negative index counts from the end
        if card is None:
            card = self._build(index % self._n)
        return card

    def _build(self, i: int) -> Card:
        # The Card's __dict__ holds the fields that are not their defaults, as the loader's cards in the
        # cache always have (the others are the dataclass's class attributes).
        defaults = _fields().defaults
        state = {name: v for name, col in self._dense.items() if (v := col[i]) is not defaults.get(name, _NONE)}
        for name, col in self._sparse.items():
            if i in col:
                state[name] = col[i]
        state["key"] = (state["deck"], state["id"])
        card: Card = object.__new__(_fields().card)
        object.__setattr__(card, "__dict__", state)  # a frozen dataclass: its __setattr__ refuses
        self._built[i] = card
        return card

    def __iter__(self) -> Iterator[Card]:
        built, build = self._built, self._build
        for i in range(self._n):
            card = built[i]
            yield card if card is not None else build(i)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (CardList, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"CardList({len(self)} cards)"


_NONE = object()  # a default no value is


class _Fields:
    """What a CardList must know of Card: its class, field names and defaults (read once, at first use)."""

    def __init__(self) -> None:
        from dataclasses import MISSING, fields

        from dense1x1quiz.model import Card

        self.card = Card
        self.names = tuple(f.name for f in fields(Card) if f.init)  # `key` is made from deck and id
        self.defaults = {f.name: f.default for f in fields(Card) if f.default is not MISSING}


_the_fields: _Fields | None = None


def _fields() -> _Fields:
    global _the_fields
    if _the_fields is None:
        _the_fields = _Fields()
    return _the_fields


def field_of(cards: Sequence[Card], name: str) -> list[Any]:
    """Field `name` of each of `cards`: a CardList's column, else read from each card."""
    if isinstance(cards, CardList):
        return cards.column(name)
    return list(map(attrgetter(name), cards))


def keys_of(cards: Sequence[Card]) -> list[Key]:
    """Each card's key, without building a card of a CardList."""
    return cards.keys() if isinstance(cards, CardList) else list(map(attrgetter("key"), cards))


__all__ = ["CardList", "field_of", "keys_of"]
