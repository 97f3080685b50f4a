"""What each deck has to study today, as Anki's deck list shows it: new, learning, due.

- new: the new cards a session would introduce today: the deck's cards never answered, at most the
  daily limit (`new_per_day`, default 20; the deck's own first) less the new cards already introduced today.
- learning: learning and relearning cards due before the next day start.
- due: review cards due before the next day start, at most the deck's `reviews_per_day` less the reviews
  answered today.
Siblings buried by today's answers are not taken out (a session would show a few fewer new cards).
Read-only; without a review database (nothing ever answered) nothing is opened or created.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from dense1x1quiz.deckcache import DeckOutline
    from dense1x1quiz.model import Deck

# scheduler.DEFAULT_NEW_PER_DAY and store.DB_NAME, repeated so that a home without a database imports
# neither (nor sqlite3: a fresh `quiz decks` stays within its start-up budget; tests/test_deckcounts.py checks both).
DEFAULT_NEW_PER_DAY = 20
DB_NAME = "quiz.sqlite3"


class TodayCounts(NamedTuple):
    new: int
    learning: int
    due: int


def today_counts(decks: Sequence[Deck | DeckOutline], home: Path, now: datetime) -> dict[str, TodayCounts]:
    """Per deck id: its `TodayCounts` at `now`, from the review database in `home` (if there is one)."""
    if not (home / DB_NAME).exists():  # never studied: every card new, nothing due
        return {d.id: TodayCounts(min(len(d.card_ids), DEFAULT_NEW_PER_DAY), 0, 0) for d in decks}
    from dense1x1quiz.scheduler import day_start, next_day_start
    from dense1x1quiz.store import Store, epoch_ms

    with Store.open(home) as store, store.snapshot():
        settings = store.settings()  # a deck's own new_per_day and reviews_per_day first, as a session reads them
        hour = int(settings.value("day_start_hour"))
        introduced = store.new_introduced_since(day_start(now, hour))
        reviewed = store.reviews_done_since(day_start(now, hour))
        end_ms = epoch_ms(next_day_start(now, hour))
        rows = store.state_rows([d.id for d in decks])
    stored: dict[str, dict[str, tuple[str, int]]] = {}
    for row in rows:
        stored.setdefault(row.deck, {})[row.card] = (row.state, row.due_ms or 0)
    counts = {}
    for deck in decks:
        states = stored.get(deck.id, {})
        new = learning = due = 0
        for card_id in deck.card_ids:
            found = states.get(card_id)
            if found is None or found[0] == "new":
                new += 1
            elif found[1] < end_ms:
                if found[0] == "review":
                    due += 1
                else:
                    learning += 1
        room = max(0, int(settings.value("new_per_day", deck.id)) - introduced.get(deck.id, 0))
        cap = settings.value("reviews_per_day", deck.id)
        if cap is not None:  # the daily review cap holds the rest back, as in a session
            due = min(due, max(0, int(cap) - reviewed.get(deck.id, 0)))
        counts[deck.id] = TodayCounts(min(new, room), learning, due)
    return counts


__all__ = ["TodayCounts", "today_counts"]
