"""Importing notes again into an existing deck: keep every id that still means the same card.

Review history is keyed by (deck, id), so a card whose text was edited in the notes must keep
its old id. New items are matched to the old deck's items in passes, from surest to loosest:
same content, same id, same question (or table title), same answer, similar text. Every pass is
a dictionary lookup except the last, which only compares an item with the few old items that
share the most words with it, so re-importing thousands of cards stays fast.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Set
from dataclasses import dataclass, field, replace

from dense1x1quiz.authoring.draft import DeckDraft, Item, make_id
from dense1x1quiz.model import Table

SIMILAR = 0.6  # difflib ratio from which an edited card counts as the same card
CANDIDATES = 5  # old items compared per new item in the similarity pass
COMMON_WORD = 50  # words in more old items than this do not point to candidates


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


Entry = Item | Table


def _content(entry: Entry) -> tuple:
    """Everything an author wrote except the id (and where it was)."""
    return (type(entry).__name__, *replace(entry, id="", line=0).__dict__.items())


def _question(entry: Entry) -> tuple[str, str]:
    return type(entry).__name__, entry.title if isinstance(entry, Table) else entry.front or entry.cloze


def _answer(entry: Entry) -> tuple[str, str]:
    return type(entry).__name__, repr(entry.rows) if isinstance(entry, Table) else entry.answer or entry.cloze


def _text(entry: Entry) -> str:
    return f"{_question(entry)[1]}\n{_answer(entry)[1]}"


def _words(entry: Entry) -> set[str]:
    return set(re.findall(r"\w+", _text(entry).casefold()))


class _Matcher:
    def __init__(self, entries: list[Entry], olds: dict[str, Entry], pinned: Set[str]):
        self.entries = entries
        self.ids: dict[int, str] = {i: e.id for i, e in enumerate(entries) if e.id in pinned}
        self.free = {k: v for k, v in olds.items() if k not in self.ids.values()}

    def unmatched(self) -> list[int]:
        return [i for i in range(len(self.entries)) if i not in self.ids]

    def by_key(self, key: Callable[[Entry], Hashable]) -> None:
        """Match entries whose `key` equals an unmatched old entry's (first come, first served)."""
        index: dict[Hashable, list[str]] = defaultdict(list)
        for old_id, old in self.free.items():
            index[key(old)].append(old_id)
        for i in self.unmatched():
            candidates = [c for c in index.get(key(self.entries[i]), []) if c in self.free]
            if candidates:
                self.take(i, candidates[0])

    def by_id(self) -> None:
        for i in self.unmatched():
            entry = self.entries[i]
            old = self.free.get(entry.id)
            if old is not None and type(old) is type(entry):
                self.take(i, entry.id)

    def by_similarity(self) -> None:
        words_of = {old_id: _words(old) for old_id, old in self.free.items()}
        index: dict[str, list[str]] = defaultdict(list)
        for old_id, words in words_of.items():
            for word in words:
                index[word].append(old_id)
        for i in self.unmatched():
            entry = self.entries[i]
            shared = Counter(
                old_id
                for word in _words(entry)
                if len(index[word]) <= COMMON_WORD
                for old_id in index[word]
                if old_id in self.free
            )
            best, best_ratio = None, SIMILAR
            for old_id, _ in shared.most_common(CANDIDATES):
                old = self.free[old_id]
                if type(old) is type(entry):
                    ratio = difflib.SequenceMatcher(None, _text(entry), _text(old)).ratio()
                    if ratio >= best_ratio:
                        best, best_ratio = old_id, ratio
            if best is not None:
                self.take(i, best)

    def take(self, i: int, old_id: str) -> None:
        self.ids[i] = old_id
        del self.free[old_id]


def keep_ids(new: DeckDraft, old: DeckDraft, pinned: Set[str] = frozenset()) -> tuple[DeckDraft, Changes]:
    """`new` with ids taken from the matching items of `old`, and what was added, changed and removed.

    Ids in `pinned` (set explicitly in the notes) are kept as they are.
    """
    entries: list[Entry] = list(new.entries)
    olds: dict[str, Entry] = {e.id: e for e in old.entries}
    matcher = _Matcher(entries, olds, pinned)
    matcher.by_key(_content)
    matcher.by_id()
    matcher.by_key(_question)
    matcher.by_key(_answer)
    matcher.by_similarity()

    taken = set(olds) | set(matcher.ids.values())
    changes = Changes()
    result: list[Entry] = []
    for i, entry in enumerate(entries):
        entry_id = matcher.ids.get(i)
        if entry_id is None:  # new: its own slug, unless an old card (even a removed one) had it
            entry_id = entry.id if entry.id not in taken else make_id(entry.id, taken)
            taken.add(entry_id)
            changes.added.append(entry_id)
        elif entry_id not in olds:
            changes.added.append(entry_id)
        elif _content(entry) == _content(olds[entry_id]):
            changes.unchanged += 1
        else:
            changes.changed.append(entry_id)
        result.append(replace(entry, id=entry_id))
    kept = {e.id for e in result}
    changes.removed = [k for k in olds if k not in kept]
    items = tuple(e for e in result if isinstance(e, Item))
    tables = tuple(e for e in result if isinstance(e, Table))
    return replace(new, items=items, tables=tables), changes


__all__ = ["Changes", "keep_ids"]
