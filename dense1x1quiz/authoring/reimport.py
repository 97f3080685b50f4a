"""Importing notes again into an existing deck: keep every id that still means the same card.

Review history is keyed by (deck, id), so a card whose text was edited in the notes must keep
its old id. New items are matched to the old deck's items in passes, from surest to loosest:
same content, same id, same question (or table title), same answer, similar text.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace

from dense1x1quiz.authoring.draft import DeckDraft, Item, make_id
from dense1x1quiz.model import Table


@dataclass
class Changes:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _content(entry: Item | Table) -> tuple:
    """Everything an author wrote except the id (and where it was)."""
    return tuple(replace(entry, id="", line=0).__dict__.items())


def _question(entry: Item | Table) -> str:
    return entry.title if isinstance(entry, Table) else entry.front or entry.cloze


def _answer(entry: Item | Table) -> str:
    return repr(entry.rows) if isinstance(entry, Table) else entry.answer or entry.cloze


def _text(entry: Item | Table) -> str:
    return f"{_question(entry)}\n{_answer(entry)}"


def keep_ids(new: DeckDraft, old: DeckDraft, pinned: set[str] = frozenset()) -> tuple[DeckDraft, Changes]:
    """`new` with ids taken from the matching items of `old`, and what was added, changed and removed.

    Ids in `pinned` (set explicitly in the notes) are kept as they are.
    """
    entries: list[Item | Table] = [*new.items, *new.tables]
    olds: dict[str, Item | Table] = {e.id: e for e in (*old.items, *old.tables)}
    ids: dict[int, str] = {i: e.id for i, e in enumerate(entries) if e.id in pinned}
    free = {k: v for k, v in olds.items() if k not in ids.values()}

    def match(test) -> None:
        for i, entry in enumerate(entries):
            if i in ids:
                continue
            for old_id, old_entry in free.items():
                if type(old_entry) is type(entry) and test(entry, old_entry, old_id):
                    ids[i] = old_id
                    del free[old_id]
                    break

    match(lambda e, o, _: _content(e) == _content(o))
    match(lambda e, o, old_id: e.id == old_id)
    match(lambda e, o, _: _question(e) == _question(o))
    match(lambda e, o, _: _answer(e) == _answer(o))
    match(lambda e, o, _: difflib.SequenceMatcher(None, _text(e), _text(o)).ratio() >= 0.6)

    taken = set(olds) | set(ids.values())
    changes = Changes()
    result: list[Item | Table] = []
    for i, entry in enumerate(entries):
        if i in ids:
            entry_id = ids[i]
            if entry_id not in olds:
                changes.added.append(entry_id)
            elif _content(entry) == _content(olds[entry_id]):
                changes.unchanged += 1
            else:
                changes.changed.append(entry_id)
        else:
            entry_id = entry.id if entry.id not in taken else make_id(entry.id, taken)
            taken.add(entry_id)
            changes.added.append(entry_id)
        result.append(replace(entry, id=entry_id))
    changes.removed = [k for k in olds if k not in {e.id for e in result}]
    items = tuple(e for e in result if isinstance(e, Item))
    tables = tuple(e for e in result if isinstance(e, Table))
    return replace(new, items=items, tables=tables), changes


__all__ = ["Changes", "keep_ids"]
