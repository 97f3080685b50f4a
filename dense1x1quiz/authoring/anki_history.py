"""An Anki collection's review log (revlog) brought into our review log: `quiz import` of a package.

What comes in: every revlog entry that is an answer, i.e. a button press (ease 1–4) while the card was
learning, in review or relearning (revlog type 0, 1, 2), on a card that became a quiz card. It becomes
one answer in our log: its time (the revlog id, ms since the epoch), its rating (the ease: Again, Hard,
Good, Easy as in Anki), its duration (revlog.time; none when 0 or less, at most two hours, Anki's own
cap) and mode "anki"; then each card's state is rebuilt by replaying its whole log (`Store.import_answers`,
the store's replay: FSRS-6 through the fsrs package, our learning steps and the saved retention).

What does not: entries that are no answer (manual entries: set due date, forget, reset; rescheduling;
answers in a filtered deck, logged as cram), entries without a rating, entries of cards that became no
quiz card, entries dated after now. Anki's own scheduling state (its intervals, ease factors, FSRS
memory states) is not copied: ours is what our replay of the same answers gives.

The revlog id is the key: an answer imported before (same id) is not imported again, so importing the
same package twice adds nothing the second time and says so; a package exported later from the same
collection adds only the answers made since.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from dense1x1quiz.authoring.anki_package import AnkiCard, AnkiCollection
from dense1x1quiz.scheduler import Key
from dense1x1quiz.store import ImportedAnswer, Store

if TYPE_CHECKING:
    from dense1x1quiz.authoring.anki_import import AnkiImport

SOURCE = "anki"  # the `mode` of imported answers, and with the revlog id their key
MAX_DURATION_MS = 7_200_000  # Anki caps an answer's time at its "maximum answer seconds", at most 7,200

# revlog.type values that are answers, and what the others are (the reasons given when skipping them)
ANSWER_KINDS = (0, 1, 2)  # learn, review, relearn
NOT_ANSWERS = {3: "in a filtered deck (cram)", 4: "manual (set due date, forget)", 5: "rescheduled"}
NO_RATING, NO_CARD, FUTURE, UNKNOWN_KIND = (
    "without a rating",
    "of cards not imported",
    "dated after now",
    "of an unknown kind",
)
REASONS = (*NOT_ANSWERS.values(), UNKNOWN_KIND, NO_RATING, NO_CARD, FUTURE)  # the order they are reported in


@dataclass
class HistoryImport:
    """What importing a collection's review log did."""

    added: int  # answers added to our log
    already: int  # answers imported before (their revlog id is in the log)
    cards: int  # quiz cards with imported history in this package (new or not)
    changed_cards: int  # cards whose log grew (their states rebuilt)
    moved: int  # answers given here that went after older imported ones (Store.import_answers)
    suspended: int  # suspended Anki cards among those imported (anki_import's report says how many)
    skipped: dict[str, int] = field(default_factory=dict)  # reason → revlog entries left out

    def lines(self) -> list[str]:
        """The report, one line each (plain text: no markup, nothing from the package)."""
        lines = [
            f"Review history: {_n(self.added, 'new review')}, {self.already:,} already imported"
            + (f"; {_n(self.cards, 'card')} with history" if self.cards else "")
            + "."
        ]
        if self.moved:
            lines.append(
                f"  {_n(self.moved, 'answer')} given here went after older answers from Anki (merged by time)."
            )
        if self.skipped:
            parts = ", ".join(f"{n:,} {reason}" for reason, n in self.skipped.items())
            lines.append(f"  Skipped {_n(sum(self.skipped.values()), 'revlog entry', 'revlog entries')}: {parts}.")
        return lines


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def answers_of(
    collection: AnkiCollection,
    card_key: Callable[[AnkiCard], Key | None],
    now_ms: int,
    written: Collection[Key] | None = None,
) -> tuple[list[ImportedAnswer], dict[str, int], dict[int, Key]]:
    """The revlog entries of `collection` that are answers, as answers to import; the others counted by
    reason; and the quiz card of each Anki card that has one. `card_key` maps an Anki card to its quiz
    card (anki_cards.CardKeys); `written`, when given, holds the quiz cards the deck files have (an
    answer of any other card is skipped, so no history is left without its card)."""
    keys: dict[int, Key] = {}
    for card in collection.cards:
        key = card_key(card)
        if key is not None and (written is None or key in written):
            keys[card.card_id] = key
    answers: list[ImportedAnswer] = []
    skipped: dict[str, int] = {}
    for revlog_id, card_id, ease, duration, kind in collection.reviews:  # AnkiReview's fields
        if kind not in ANSWER_KINDS:
            reason = NOT_ANSWERS.get(kind, UNKNOWN_KIND)
        elif not 1 <= ease <= 4:
            reason = NO_RATING
        elif card_id not in keys:
            reason = NO_CARD
        elif revlog_id > now_ms:
            reason = FUTURE
        else:
            answers.append(
                ImportedAnswer(
                    keys[card_id],
                    revlog_id,
                    revlog_id,
                    ease,
                    None if duration <= 0 else min(duration, MAX_DURATION_MS),
                )
            )
            continue
        skipped[reason] = skipped.get(reason, 0) + 1
    return answers, skipped, keys


def import_history(
    store: Store,
    collection: AnkiCollection,
    card_key: Callable[[AnkiCard], Key | None],
    now_ms: int,
    written: Collection[Key] | None = None,
) -> HistoryImport:
    """Add the answers in `collection`'s review log to `store` (one transaction: all or none) and rebuild
    the states of their cards; see the module docstring for what is brought and what is not."""
    answers, skipped, keys = answers_of(collection, card_key, now_ms, written)
    counts = store.import_answers(SOURCE, answers)
    suspended = sum(1 for card in collection.cards if card.suspended and card.card_id in keys)
    return HistoryImport(
        added=counts.added,
        already=counts.already,
        cards=len({answer.key for answer in answers}),
        changed_cards=counts.cards,
        moved=counts.moved,
        suspended=suspended,
        skipped={reason: skipped[reason] for reason in REASONS if reason in skipped},
    )


def suspend_imported(
    store: Store,
    collection: AnkiCollection,
    card_key: Callable[[AnkiCard], Key | None],
    now_ms: int,
    written: Collection[Key],
) -> tuple[int, int]:
    """Suspend here the cards suspended in Anki (one transaction), except those whose suspension was set
    here before (suspended or unsuspended with `quiz`: the user's choice stands, also on a second import).
    Returns (cards suspended now, suspended cards left as set here)."""
    from dense1x1quiz.store import time_of_ms

    keys: list[Key] = []
    for card in collection.cards:
        key = card_key(card) if card.suspended else None
        if key is not None and key in written:
            keys.append(key)
    if not keys:
        return 0, 0
    set_here = {event.key for event in store.mark_events(keys) if event.kind == "suspend"}
    fresh = [key for key in dict.fromkeys(keys) if key not in set_here]
    return len(store.suspend(fresh, time_of_ms(now_ms))), len(set(keys) & set_here)


def import_package(
    path: Path, output: Path | None = None, deck_id: str | None = None, force: bool = False
) -> tuple[AnkiImport, HistoryImport | None]:
    """`quiz import` of an Anki package: its decks written (anki_import), then its review history added to
    the review database of this home (None when the package has no review log entry). The clock and the
    database are checked first: a bad DENSE1X1QUIZ_NOW or a damaged database stops it before any file is
    written."""
    from dense1x1quiz import env
    from dense1x1quiz.authoring.anki_cards import CardKeys
    from dense1x1quiz.authoring.anki_import import import_anki
    from dense1x1quiz.authoring.anki_package import read_package
    from dense1x1quiz.deckcache import collector_paused
    from dense1x1quiz.store import epoch_ms

    now_ms = epoch_ms(env.now())
    # No cyclic garbage collection meanwhile: a big package makes a million objects, none of them cyclic
    # (notes, cards, answers, rows), which the collector would only scan again and again (a twelfth of the time).
    with collector_paused():
        collection = read_package(path)
        if not collection.reviews and not any(card.suspended for card in collection.cards):
            return import_anki(path, collection, output, deck_id, force), None
        with Store.open(env.home_dir()) as store:
            result = import_anki(path, collection, output, deck_id, force)
            written = {card.key for deck in result.decks for card in deck.deck.cards}
            keys = CardKeys(collection, result.deck_ids)
            result.suspended_here = suspend_imported(store, collection, keys, now_ms, written)
            return result, import_history(store, collection, keys, now_ms, written) if collection.reviews else None


__all__ = ["SOURCE", "HistoryImport", "answers_of", "import_history", "import_package", "suspend_imported"]
