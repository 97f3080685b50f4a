"""Cards as `quiz cards` lists them, and the cards a command names (issue 15).

`card_rows` joins each card of some decks with its stored state and marks; `matches` filters them
(`--due`, `--state`, `--tag`, `--search`, `--leech`, `--flag`); `pick` turns command-line words
(`DECK:ID`, a bare `DECK`, with `--tag`/`--search`) into cards, with a did-you-mean hint for a word
that names none; `orphans` is the history whose card no deck has any more. Pure but for the store
read; rendering is ui/cards.py's.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from dense1x1quiz.errors import QuizError, UsageError
from dense1x1quiz.model import cloze_prompt
from dense1x1quiz.scheduler import CardState, Key
from dense1x1quiz.store import Marks
from dense1x1quiz.text import quoted, render_math

if TYPE_CHECKING:
    from dense1x1quiz.model import Card, Deck
    from dense1x1quiz.store import Store

_PATH_RE = re.compile(r"(.+?\.ya?ml)(:.+)?\Z")  # a deck file's path, and maybe `:ID`
STATE_CHOICES = ("new", "learning", "review", "relearning", "suspended")


@dataclass(frozen=True)
class CardRow:
    """One card with its schedule and marks, as `quiz cards` shows it."""

    card: Card
    state: CardState
    marks: Marks

    @property
    def key(self) -> Key:
        return self.card.key

    def due_by(self, moment: datetime) -> bool:
        """Due before `moment` (a new card never is: the daily limit lets it in)."""
        return self.state.due is not None and self.state.due < moment

    def interval_days(self) -> float | None:
        """Days from its last answer to its due time (None while new)."""
        if self.state.due is None or self.state.last_review is None:
            return None
        return (self.state.due - self.state.last_review).total_seconds() / 86_400


def shown_prompt(card: Card) -> str:
    """The card's question as a session shows it (a cloze with its number hidden), LaTeX as Unicode."""
    return render_math(cloze_prompt(card.cloze, card.cloze_number) if card.kind == "cloze" else card.prompt)


def searchable(text: str) -> str:
    """Text as `--search` compares it: case and accents dropped (NFKD, so `Cᵢₙ` reads as `cin`), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def card_text(card: Card) -> str:
    """Everything of a card `--search` looks at, as shown: question, answer, options, explanation."""
    parts = [shown_prompt(card), render_math(card.answer), *map(render_math, card.options)]
    if card.explain:
        parts.append(render_math(card.explain))
    return searchable("\n".join(parts))


def card_rows(decks: Sequence[Deck], store: Store) -> list[CardRow]:
    """Every card of `decks`, in deck order, with its stored state (new if none) and marks."""
    names = [deck.id for deck in decks]
    with store.snapshot():  # states and marks of one moment
        states = store.states(decks=names)
        marks = store.marks(decks=names)
    none = Marks()
    return [
        CardRow(card, states.get(card.key) or CardState.new(card.key), marks.get(card.key, none))
        for deck in decks
        for card in deck.cards
    ]


MAX_DAYS_AHEAD = 36_525  # a hundred years: the furthest a due date can be (DENSE1X1QUIZ_NOW's bound too)


def end_of_day(text: str, now: datetime, day_start_hour: int) -> datetime:
    """`--due-by DAY`: the end (UTC) of the study day DAY names, seen from `now`: `today`, `tomorrow`, a
    number of days ahead (`0` is today) or a date `YYYY-MM-DD`. Cards due before it are the ones that
    study would ask that day if none were studied before. Anything else is bad usage (exit 2)."""
    from dense1x1quiz.env import local_zone
    from dense1x1quiz.errors import UsageError
    from dense1x1quiz.scheduler import day_start, next_day_start
    from dense1x1quiz.text import clipped, one_line

    word = text.strip().lower()
    today = day_start(now, day_start_hour).astimezone(local_zone()).date()
    ahead: int | None = {"today": 0, "tomorrow": 1}.get(word)
    if ahead is None and word.isascii() and word.isdigit():
        ahead = int(word)
    elif ahead is None:
        try:
            ahead = (date.fromisoformat(word) - today).days
        except ValueError:
            ahead = None
    if ahead is None or not 0 <= ahead <= MAX_DAYS_AHEAD:
        shown = one_line(clipped(text, 40))
        raise UsageError(
            f"--due-by takes today, tomorrow, a number of days ahead or a date from {today.isoformat()} on "
            f"(YYYY-MM-DD), not `{shown}`"
        )
    end = next_day_start(now, day_start_hour)
    for _ in range(ahead):  # day by day: a study day is not always 24 hours (DST)
        end = next_day_start(end, day_start_hour)
    return end


def matches(
    rows: Iterable[CardRow],
    *,
    due_by: datetime | None = None,
    state: str | None = None,
    tags: Sequence[str] = (),
    search: str | None = None,
    leech: bool = False,
    flag: int | None = None,
) -> list[CardRow]:
    """The rows that pass every filter given: due before `due_by`; in `state` ("suspended": suspended,
    whatever its schedule); carrying one of `tags` (any case); holding `search` in its text; a leech;
    carrying `flag` (1–7)."""
    wanted_tags = {tag.casefold() for tag in tags}
    needle = searchable(search) if search else None
    chosen = []
    for row in rows:
        if due_by is not None and not row.due_by(due_by):
            continue
        if state == "suspended" and not row.marks.suspended:
            continue
        if state not in (None, "suspended") and row.state.state != state:
            continue
        if wanted_tags and not wanted_tags & {tag.casefold() for tag in row.card.tags}:
            continue
        if leech and not row.marks.leech:
            continue
        if flag is not None and row.marks.flag != flag:
            continue
        if needle is not None and needle not in card_text(row.card):
            continue
        chosen.append(row)
    return chosen


def pick(
    words: Sequence[str],
    decks: Sequence[Deck],
    *,
    tags: Sequence[str] = (),
    search: str | None = None,
    allow_deck: bool = True,
    load: Callable[[str], Deck] | None = None,
) -> list[Card]:
    """The cards that command-line words name, in the order named, each once.

    A word is `DECK:ID` (a card; a card id may hold colons too: `d:cmp:row:col`) or, with `allow_deck`,
    a bare deck id (all its cards). `--tag`/`--search` keep the cards that match; with no word they
    choose among every deck of `decks`. With `load`, the DECK of a word may also be a deck file's path
    (`notes/deck.yaml:ID`, `notes/deck.yaml`), which `load` reads. A word naming nothing is a QuizError
    with the closest names; no word and no filter is a UsageError; filters that keep nothing are a QuizError."""
    by_id = {deck.id: deck for deck in decks}
    if not words and not tags and search is None:
        raise UsageError("name the cards (DECK:ID), a deck, or choose them with --tag or --search")
    chosen: dict[Key, Card] = {}
    for word in words:
        path = _PATH_RE.match(word)
        if path and load is not None and not any(word.startswith(f"{name}:") for name in by_id):
            deck = load(path.group(1))
            by_id.setdefault(deck.id, deck)
            word = deck.id + (path.group(2) or "")
        for card in _named(word, by_id, allow_deck):
            chosen.setdefault(card.key, card)
    pool = list(chosen.values()) if words else [card for deck in decks for card in deck.cards]
    if tags or search is not None:
        rows = [CardRow(card, CardState.new(card.key), Marks()) for card in pool]
        pool = [row.card for row in matches(rows, tags=tags, search=search)]
        if not pool:
            filters = [f"--tag {quoted(tag)}" for tag in tags] + ([f"--search {quoted(search)}"] if search else [])
            raise QuizError(f"no card matches {' '.join(filters)}")
    return pool


def _named(word: str, by_id: dict[str, Deck], allow_deck: bool) -> list[Card]:
    """The cards one word names, else a QuizError with a hint."""
    for at in [i for i, ch in enumerate(word) if ch == ":"]:  # the deck id is the part before some colon
        deck = by_id.get(word[:at])
        if deck is not None:
            card_id = word[at + 1 :]
            found = [card for card in deck.cards if card.id == card_id]
            if found:
                return found
            close = difflib.get_close_matches(card_id, [card.id for card in deck.cards], n=3, cutoff=0.5)
            hint = f"; did you mean {_or([quoted(f'{deck.id}:{c}') for c in close])}?" if close else ""
            raise QuizError(
                f"no card {quoted(card_id)} in deck {quoted(deck.id)}{hint} (`quiz cards {deck.id}` lists them)"
            )
    if word in by_id:
        if allow_deck:
            return list(by_id[word].cards)
        raise UsageError(f"{quoted(word)} is a deck; name a card as DECK:ID")
    deck_part = word.split(":", 1)[0] if ":" in word else word
    close = difflib.get_close_matches(deck_part, list(by_id), n=3, cutoff=0.5)
    hint = f"did you mean {_or([quoted(c) for c in close])}? " if close else ""
    decks = ", ".join(sorted(by_id)) or "none"
    what = "card" if ":" in word else "card or deck"
    raise QuizError(f"no {what} {quoted(word)}: {hint}a card is DECK:ID; decks: {decks}")


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


@dataclass(frozen=True)
class Orphan:
    """History (answers, marks) of a card no deck found has any more."""

    key: Key
    answers: int


def orphans(decks: Sequence[Deck], store: Store, *, all_decks: bool) -> list[Orphan]:
    """The history whose card `decks` no longer hold, sorted: of every deck ever answered when
    `all_decks` (the selection is every deck found), else of `decks` only."""
    known = {card.key for deck in decks for card in deck.cards}
    history = store.history(None if all_decks else [deck.id for deck in decks])
    return [Orphan(key, answers) for key, answers in sorted(history.items()) if key not in known]


def _iso(moment: datetime | None) -> str | None:
    """ISO-8601 UTC with a `Z`, as `quiz stats --json` writes times."""
    if moment is None:
        return None
    return moment.isoformat(timespec="milliseconds" if moment.microsecond else "seconds").replace("+00:00", "Z")


def row_json(row: CardRow, now: datetime) -> dict[str, Any]:
    """A card as `quiz cards --json` gives it (DESIGN.md); `buried_until` only while it is buried."""
    state, marks = row.state, row.marks
    return {
        "deck": row.card.deck,
        "id": row.card.id,
        "kind": row.card.kind,
        "state": state.state.value if hasattr(state.state, "value") else str(state.state),
        "due": _iso(state.due),
        "stability": state.stability,
        "difficulty": state.difficulty,
        "reps": state.reps,
        "lapses": state.lapses,
        "suspended": marks.suspended,
        "buried_until": _iso(marks.buried_until) if marks.buried(now) else None,
        "flag": marks.flag,
        "leech": marks.leech,
        "prompt": shown_prompt(row.card),
    }


def orphans_json(found: Sequence[Orphan]) -> list[dict[str, Any]]:
    """`quiz cards --orphans --json`: a list of {"deck", "id", "answers"}."""
    return [{"deck": o.key[0], "id": o.key[1], "answers": o.answers} for o in found]


__all__ = [
    "STATE_CHOICES",
    "CardRow",
    "Orphan",
    "card_rows",
    "card_text",
    "matches",
    "orphans",
    "orphans_json",
    "row_json",
    "pick",
    "searchable",
    "shown_prompt",
]
