"""Multiple-choice options: a card's own, or answers borrowed from other cards of its deck, never one
that the grader accepts as the card's answer (a question with two right options is a bad question).

Used by `quiz study` (`session.choice_options`) and `quiz exam` (`exam.question_from_card`). Pure: the
options follow from the card, the pool and a seeded generator, so one seed gives the same options.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Iterable, Iterator, Sequence

from dense1x1quiz import answers
from dense1x1quiz.model import Card

MOST_BORROWED = 3  # distractors a card without options of its own gets

_CALL = re.compile(r"(?:[A-Za-z_]\w*\s*=\s*)?[A-Za-z_][\w.]*\s*\(.*\)", re.DOTALL)
_SYMBOL = r"[A-Za-z]\w{0,5}(?:_\{?\w{1,5}\}?)?"
_SYMBOLS = re.compile(rf"[\(\[]?\s*{_SYMBOL}(?:\s*(?:[×x*,]|\\times)\s*{_SYMBOL})+\s*[\)\]]?")  # H × W × Cᵢₙ
_QUANTITY = re.compile(
    r"(?:~|≈|about\s+|around\s+)?\d[\d,.\s]*(?:\s*(?:to|-|–|and)\s*\d[\d,.\s]*)?"
    r"\s*(?:%|×|x|times|k|m|b|million|billion|thousand)?",
    re.IGNORECASE,
)
_OPERATOR = re.compile(r"[=+·⋅*/^²×\\]")


@functools.lru_cache(maxsize=4096)
def rough_kind(text: str) -> str:
    """What an answer looks like, for choosing distractors of the same kind: `code` (a call), `shape`
    (`32×32×64`, `H × W × Cᵢₙ`, `(C, H, W)`), `number` (`6,176`, `about 102.8 million`, `8 to 9`), `math`
    (a short formula) or `text`. Cheap and approximate (it only orders the candidates): whether a
    candidate is right is for the grader (`answers.grade`) to say."""
    body = text.strip().strip("$").strip()
    if _CALL.fullmatch(body):
        return "code"
    if answers.parse_shape(body) is not None or _SYMBOLS.fullmatch(body):
        return "shape"
    if answers.parse_number(body) is not None or _QUANTITY.fullmatch(body):
        return "number"
    words = re.sub(r"\\[A-Za-z]+", " ", body.replace("$", " "))  # LaTeX commands are not words
    if len(words.strip()) <= 40 and _OPERATOR.search(body) and not re.search(r"[A-Za-z]{4,}", words):
        return "math"
    return "text"


_fold = functools.lru_cache(maxsize=8192)(answers.fold)  # a card's answer is folded each time it is asked


@functools.lru_cache(maxsize=16384)
def _accepts(option: str, accepted: tuple[str, ...], tolerance: float, declared: str) -> bool:
    """Whether the grader takes `option` as a right answer (cached: grading a formula takes ~1 ms)."""
    return answers.grade(option, list(accepted), tolerance, declared or None).correct


def accepts(card: Card, option: str, tolerance: float = 0.0) -> bool:
    """Whether the grader takes `option` as a right answer to `card` (its answer, or one of its `accept:`)."""
    return option == card.answer or _accepts(option, (card.answer, *card.accept), tolerance, card.grade)


def wrong_options(
    options: Iterable[str], right: str, accepted: Sequence[str] = (), tolerance: float = 0.0, declared: str = ""
) -> list[str]:
    """`right` first, then those of `options` that the grader does not accept against `right` and `accepted`."""
    key = (right, *accepted)
    return [right] + [o for o in options if o != right and not _accepts(o, key, tolerance, declared)]


class OptionPool:
    """The answers that cards of a study session may borrow as distractors, indexed once by deck and kind.

    A candidate is one answer per folded text; it remembers the notes (sibling groups) it answers, since
    a sibling's answer would give the card away (a reverse card's answer is its card's question)."""

    PREPARED = 512  # cards whose candidates are kept ready (a session asks each card once or twice)

    def __init__(self, cards: Iterable[Card]):
        entries: dict[tuple[str, str], tuple[str, set[str]]] = {}  # (deck, folded) → (answer, notes)
        for card in sorted(cards, key=lambda c: (c.deck, c.answer)):
            folded = _fold(card.answer)
            if folded:
                entries.setdefault((card.deck, folded), (card.answer, set()))[1].add(card.note)
        self._by_deck: dict[str, list[tuple[int, str, str, str, frozenset[str]]]] = {}
        for (deck, folded), (answer, notes) in entries.items():
            item = (len(answer), answer, folded, rough_kind(answer), frozenset(notes))
            self._by_deck.setdefault(deck, []).append(item)
        for items in self._by_deck.values():
            items.sort()
        self._prepared: dict[tuple[str, str], list[list[str]]] = {}

    def tiers(self, card: Card) -> list[list[str]]:
        """The answers `card` may borrow, best first: answers of the same kind (for text, phrases from half
        to twice as long, then from a quarter to four times, then any), then answers of other kinds; none
        of its siblings', none that looks like its answer."""
        if card.key in self._prepared:
            return self._prepared[card.key]
        kind, size, own = rough_kind(card.answer), len(card.answer), _fold(card.answer)
        bands = (2, 4, None) if kind == "text" else (None,)
        tiers: list[list[str]] = [[] for _ in range(len(bands) + 1)]
        for length, answer, folded, answer_kind, notes in self._by_deck.get(card.deck, []):
            if folded == own or card.note in notes:
                continue
            if answer_kind != kind:
                tiers[-1].append(answer)
                continue
            for i, band in enumerate(bands):
                if band is None or size <= length * band and length <= size * band:
                    tiers[i].append(answer)
                    break
        if len(self._prepared) >= self.PREPARED:
            self._prepared.clear()
        self._prepared[card.key] = tiers
        return tiers

    def borrow(self, card: Card, rng: random.Random, most: int = MOST_BORROWED) -> list[str]:
        """Up to `most` answers of other notes of `card`'s deck (`tiers`), drawn with `rng` from the best
        tier first, none that the grader accepts for the card."""
        picked: list[str] = []
        for tier in self.tiers(card):
            for answer in _draws(tier, rng):
                if len(picked) == most:
                    return picked
                if not accepts(card, answer):
                    picked.append(answer)
        return picked


def _draws(items: Sequence[str], rng: random.Random) -> Iterator[str]:
    """The items in a random order, drawn one at a time (a few are usually enough: no full shuffle)."""
    left = len(items)
    used: set[int] = set()
    while left:
        i = rng.randrange(len(items))
        if i not in used:
            used.add(i)
            left -= 1
            yield items[i]


def choice_options(card: Card, rng: random.Random, pool: OptionPool | Sequence[Card] = ()) -> list[str]:
    """The numbered options of `card`, shuffled by `rng`: its own options less any other that the grader
    accepts, or (a card without options, in `--mode choice`) its answer and up to three answers borrowed
    from `pool` (`OptionPool.borrow`); [] when there is nothing to borrow."""
    if card.options:
        options = [o for o in card.options if o == card.answer or not accepts(card, o)]
    else:
        index = pool if isinstance(pool, OptionPool) else OptionPool(pool)
        others = index.borrow(card, rng)
        if not others:
            return []
        options = [card.answer, *others]
    rng.shuffle(options)
    return options


__all__ = ["MOST_BORROWED", "OptionPool", "accepts", "choice_options", "rough_kind", "wrong_options"]
