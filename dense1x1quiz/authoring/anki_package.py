"""An Anki package (.apkg, .colpkg) read into plain data: notes, cards, decks, note types, review log, media.

Uses only the standard library's `sqlite3` (and zstd for current packages, see anki_archive.py). The
collection is unpacked into a temporary folder (capped, see anki_archive.MAX_COLLECTION_BYTES), opened
read-only as immutable, read in one pass per table, and removed. Two collection schemas exist:
- schema 11 (`collection.anki2`, `collection.anki21`): note types and decks are JSON in `col.models` and
  `col.decks`; deck names use `::` between parent and child.
- schema 15+ (`collection.anki21b`, schema 18 today): tables `notetypes` (protobuf config: kind),
  `fields`, `templates` (protobuf config: question and answer formats) and `decks`, whose names use
  "\\x1f" between parent and child. `notes`, `cards` and `revlog` are the same in both.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple

from dense1x1quiz.errors import QuizError


class AnkiReview(NamedTuple):
    """One revlog row, what `anki_history` reads of it. `AnkiCollection.reviews` holds plain tuples of
    these fields in this order, as SQLite gives them: a package holds 100,000s, and a named tuple made
    of each row cost a tenth of a 200,000-review import (issue 12)."""

    revlog_id: int  # Anki's key: ms since epoch when answered
    card_id: int  # Anki card id
    ease: int  # button 1-4 (0 for manual entries)
    duration_ms: int  # revlog.time
    kind: int  # revlog.type: 0 learn, 1 review, 2 relearn, 3 filtered/cram, 4 manual, 5 rescheduled


@dataclass(frozen=True)
class AnkiCard:
    card_id: int
    note_id: int
    deck_id: int  # the deck it is in now (a filtered deck while borrowed: see home_deck_id)
    ord: int  # which template (standard note types) or cloze number - 1 (cloze)
    queue: int  # -1 suspended, -2/-3 buried, 0 new, 1 learning, 2 review, 3 day learning
    card_type: int = 0  # cards.type: 0 new, 1 learning, 2 review, 3 relearning
    due: int = 0
    interval: int = 0
    reps: int = 0
    lapses: int = 0
    original_deck_id: int = 0  # cards.odid: the home deck of a card in a filtered deck, else 0

    @property
    def home_deck_id(self) -> int:
        """The deck the card belongs to (not the filtered deck it may be borrowed into)."""
        return self.original_deck_id or self.deck_id

    @property
    def suspended(self) -> bool:
        return self.queue == -1


@dataclass(frozen=True)
class AnkiNote:
    note_id: int
    guid: str
    notetype_id: int
    fields: tuple[str, ...]  # field HTML, in the note type's field order
    tags: tuple[str, ...]


@dataclass(frozen=True)
class AnkiNotetype:
    id: int
    name: str
    kind: str  # "standard" or "cloze"
    field_names: tuple[str, ...]
    template_names: tuple[str, ...]
    templates: tuple[tuple[str, str], ...] = ()  # (question format, answer format) per template
    original_stock_kind: int = 0  # Anki's OriginalStockKind (0 unknown, 1 basic … 5 cloze, 6 image occlusion)


@dataclass(frozen=True)
class AnkiDeck:
    id: int
    name: str  # parent and child joined with "::" (as Anki shows them), whatever the schema stored
    filtered: bool = False


MediaLoader = Callable[[], bytes]


@dataclass
class AnkiCollection:
    notes: list[AnkiNote]
    cards: list[AnkiCard]
    decks: dict[int, AnkiDeck]
    notetypes: dict[int, AnkiNotetype]
    reviews: list[tuple[int, int, int, int, int]]  # AnkiReview's fields, a plain tuple per revlog row
    media: dict[str, MediaLoader] = field(default_factory=dict)  # file name → its bytes (capped, QuizError)
    source: Path | None = None
    format: str = ""  # "anki21b", "anki21", "anki2" (packages) or "text" (Anki's text export)
    created: int = 0  # col.crt: when the collection was made (seconds since epoch; Anki's day 0)


def read_package(path: Path) -> AnkiCollection:
    """The Anki package (.apkg or .colpkg, any format since Anki 2.0) at `path`; QuizError on a bad file."""
    from dense1x1quiz.authoring.anki_archive import MAX_COLLECTION_BYTES, open_archive

    archive = open_archive(path)
    with tempfile.TemporaryDirectory(prefix="quiz-anki-") as folder:
        database = Path(folder) / "collection.sqlite"
        try:
            archive.collection.extract(database, MAX_COLLECTION_BYTES, f"the collection ({archive.collection.name})")
        except OSError as exc:
            raise QuizError(f"cannot unpack the collection of {path} into {folder}: {exc.strerror or exc}") from None
        try:
            collection = _read_collection(database)
        except sqlite3.DatabaseError as exc:
            raise QuizError(
                f"the collection in {path} ({archive.collection.name}) is damaged or not an Anki collection "
                f"(SQLite: {exc})"
            ) from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:  # NULLs, JSON of the wrong shape
            raise QuizError(f"the collection in {path} ({archive.collection.name}) is damaged ({exc})") from None
    collection.source = path
    collection.format = archive.collection.name.removeprefix("collection.")
    media = archive.media.items()
    collection.media = {name: partial(member.read, what=f"media file {name!r}") for name, member in media}
    return collection


def _read_collection(database: Path) -> AnkiCollection:
    db = sqlite3.connect(f"{database.resolve().as_uri()}?immutable=1", uri=True)  # quoted: a ? or # in TMPDIR
    try:
        db.text_factory = lambda b: b.decode("utf-8", errors="replace")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = {"col", "notes", "cards"} - tables
        if missing:
            raise sqlite3.DatabaseError(f"no table {', '.join(sorted(missing))}")
        created = int(db.execute("SELECT crt FROM col").fetchone()[0])
        if "notetypes" in tables:
            notetypes, decks = _notetypes_from_tables(db), _decks_from_tables(db)
        else:
            models, deck_json = db.execute("SELECT models, decks FROM col").fetchone()
            notetypes, decks = _notetypes_from_json(models), _decks_from_json(deck_json)
        notes = [
            AnkiNote(nid, guid, mid, tuple(flds.split("\x1f")), tuple(tags.split()))
            for nid, guid, mid, tags, flds in db.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
        ]
        cards = [
            AnkiCard(*row)
            for row in db.execute(
                "SELECT id, nid, did, ord, queue, type, due, ivl, reps, lapses, odid FROM cards ORDER BY nid, ord, id"
            )
        ]
        reviews = []
        if "revlog" in tables:
            reviews = db.execute("SELECT id, cid, ease, time, type FROM revlog ORDER BY id").fetchall()
    finally:
        db.close()
    return AnkiCollection(notes, cards, decks, notetypes, reviews, created=created)


_KINDS = {0: "standard", 1: "cloze"}


def _notetypes_from_json(models: str) -> dict[int, AnkiNotetype]:
    result = {}
    for model in (json.loads(models) or {}).values():
        flds = sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))
        tmpls = sorted(model.get("tmpls", []), key=lambda t: t.get("ord", 0))
        result[int(model["id"])] = AnkiNotetype(
            int(model["id"]),
            str(model.get("name", "")),
            _KINDS.get(model.get("type", 0), "standard"),
            tuple(str(f.get("name", "")) for f in flds),
            tuple(str(t.get("name", "")) for t in tmpls),
            tuple((str(t.get("qfmt", "")), str(t.get("afmt", ""))) for t in tmpls),
            int(model.get("originalStockKind", 0) or 0),
        )
    return result


def _decks_from_json(decks: str) -> dict[int, AnkiDeck]:
    return {
        int(d["id"]): AnkiDeck(int(d["id"]), str(d.get("name", "")), bool(d.get("dyn", 0)))
        for d in (json.loads(decks) or {}).values()
    }


def _notetypes_from_tables(db: sqlite3.Connection) -> dict[int, AnkiNotetype]:
    from dense1x1quiz.authoring.protowire import fields, text

    field_names: dict[int, list[str]] = {}
    for ntid, name in db.execute("SELECT ntid, name FROM fields ORDER BY ntid, ord"):
        field_names.setdefault(ntid, []).append(name)
    templates: dict[int, list[tuple[str, str, str]]] = {}
    for ntid, name, config in db.execute("SELECT ntid, name, config FROM templates ORDER BY ntid, ord"):
        values = dict(fields(bytes(config)))  # Template.Config: q_format 1, a_format 2
        templates.setdefault(ntid, []).append((name, text(values.get(1, b"")), text(values.get(2, b""))))
    result = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        values = dict(fields(bytes(config)))  # Notetype.Config: kind 1, original_stock_kind 9
        own = templates.get(ntid, [])
        stock_kind = values.get(9, 0)
        result[ntid] = AnkiNotetype(
            ntid,
            name,
            _KINDS.get(int(values.get(1, 0)), "standard"),
            tuple(field_names.get(ntid, [])),
            tuple(t[0] for t in own),
            tuple((t[1], t[2]) for t in own),
            stock_kind if isinstance(stock_kind, int) else 0,
        )
    return result


def _decks_from_tables(db: sqlite3.Connection) -> dict[int, AnkiDeck]:
    from dense1x1quiz.authoring.protowire import fields

    result = {}
    for deck_id, name, kind in db.execute("SELECT id, name, kind FROM decks"):
        filtered = any(number == 2 for number, _ in fields(bytes(kind)))  # DeckKind: normal 1, filtered 2
        result[deck_id] = AnkiDeck(deck_id, name.replace("\x1f", "::"), filtered)
    return result


__all__ = [
    "AnkiCard",
    "AnkiCollection",
    "AnkiDeck",
    "AnkiNote",
    "AnkiNotetype",
    "AnkiReview",
    "read_package",
]
