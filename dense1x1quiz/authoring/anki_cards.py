"""How Anki's notes, note types, cards and decks map onto quiz decks and cards: the one place that says
which quiz card an Anki card becomes (`quiz_card_key`), so the notes and the review history agree.

- A note type is recognised by its shape, not its (translated, renamable) name: a cloze note type →
  cloze; one template asking `{{Field1}}` and `{{type:Field2}}` → typed; one template asking the first
  field → basic; two templates asking the first and the second field → basic with `reverse: true`, and
  with the second template shown only if a third field is filled (`{{#Field3}}…`) → reverse when that
  field is filled. Fields past those (an "Extra", "Source") do not change the kind. Image occlusion
  notes are left out; the multiple-choice type `quiz export` writes reads back as choice cards. Anything
  else is "other": a basic card from the first two fields, with a warning.
- A note becomes one card entry with an id from its GUID (`anki-` and 16 hex digits of its SHA-256),
  so importing again finds the same card whatever its text became. Its Anki cards become the entry's
  study cards: template 0 → the entry's id, template 1 of a reversed type → `<id>:reverse`, cloze card
  `ord` n → `<id>:c<n+1>`.
- A note goes into the quiz deck made from the home deck of its first card (a filtered deck is not a
  home); `Parent::Child` becomes its own deck, id `parent-child`, title "Parent › Child".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

from dense1x1quiz.authoring.anki_package import AnkiCard, AnkiCollection, AnkiNotetype

BASIC, REVERSED, OPTIONAL_REVERSED, TYPED, CLOZE, CHOICE, OTHER = (
    "basic",
    "reversed",
    "optional-reversed",
    "typed",
    "cloze",
    "choice",
    "other",
)
IMAGE_OCCLUSION = "image-occlusion"  # Anki's image occlusion notes: left out (a terminal cannot show them)
# The multiple-choice note type `quiz export` writes (authoring/export_apkg.py), read back as choice cards.
OUR_CHOICE = ("dense1x1quiz Multiple choice", ("Front", "Options", "Back"))
_REF_RE = re.compile(r"\{\{([#^/]?)([^{}]*)\}\}")  # a template's field reference: {{Front}}, {{#Add Reverse}}


def _refs(template: str) -> list[tuple[str, str]]:
    """(sigil, field name) of each reference in a template, filters (`type:`, `text:` …) taken off."""
    return [(m.group(1), m.group(2).rsplit(":", 1)[-1].strip()) for m in _REF_RE.finditer(template)]


def _asks(template: str) -> set[str]:
    """The fields a template shows (not `{{type:…}}` answer boxes, conditions or `{{FrontSide}}`)."""
    shown = (m.group(2) for m in _REF_RE.finditer(template) if not m.group(1))
    return {ref.rsplit(":", 1)[-1].strip() for ref in shown if not ref.strip().startswith("type:")} - {"FrontSide"}


def note_kind(notetype: AnkiNotetype) -> str:
    """What a note of this type becomes (see the module docstring): basic, reversed, optional-reversed,
    typed, cloze, choice (the note type `quiz export` writes for choice cards) or other. Fields past the
    ones a kind uses do not change it (see `used_fields`)."""
    names, templates = notetype.field_names, notetype.templates
    if (notetype.name, names[:3]) == OUR_CHOICE:
        return CHOICE
    if notetype.original_stock_kind == 6 or any("image-occlusion" in q for q, _ in templates):
        return IMAGE_OCCLUSION
    if notetype.kind == "cloze":
        cloze = any(re.search(r"\{\{cloze:[^{}]+\}\}", q) for q, _ in templates)
        return CLOZE if cloze and names and f"{{{{cloze:{names[0]}}}}}" in "".join(q for q, _ in templates) else OTHER
    if len(names) < 2 or not templates:
        return OTHER
    first, second = names[0], names[1]
    question = templates[0][0]
    if len(templates) == 1:
        if re.search(r"\{\{type:" + re.escape(second) + r"\}\}", question) and _asks(question) == {first}:
            return TYPED
        if _asks(question) == {first} and second in _asks(templates[0][1]):
            return BASIC
        return OTHER
    if len(templates) == 2 and _asks(question) == {first} and _asks(templates[1][0]) == {second}:
        conditions = {name for sigil, name in _refs(templates[1][0]) if sigil == "#"}
        if not conditions:
            return REVERSED
        if len(names) >= 3 and conditions == {names[2]}:
            return OPTIONAL_REVERSED
    return OTHER


def used_fields(kind: str) -> int:
    """How many of a note's first fields a kind turns into the card (the rest: `source:`/`explain:` when
    so named, else left out with a warning)."""
    return {OPTIONAL_REVERSED: 3, CHOICE: 3}.get(kind, 2)


def note_card_id(guid: str) -> str:
    """Our id for the card entry made from the note with this GUID."""
    return "anki-" + hashlib.sha256(guid.encode("utf-8")).hexdigest()[:16]


def card_suffix(kind: str, ord_: int) -> str | None:
    """The part after the entry id for the Anki card `ord_` of a note of `kind` ('' for the entry's own
    card); None if that Anki card has no quiz card (e.g. a second template of an "other" note type)."""
    if kind == IMAGE_OCCLUSION:
        return None
    if kind == CLOZE:
        return f":c{ord_ + 1}"
    if ord_ == 0:
        return ""
    if ord_ == 1 and kind in (REVERSED, OPTIONAL_REVERSED):
        return ":reverse"
    return None


def deck_title(name: str) -> str:
    """`Parent::Child` → `Parent › Child`."""
    return " › ".join(part.strip() for part in name.split("::"))


def default_deck_ids(collection: AnkiCollection) -> dict[int, str]:
    """Anki deck id → quiz deck id: its name slugged (`Parent::Child` → `parent-child`), unique among the
    collection's decks (in name order, so the same collection always gives the same ids). `quiz import`
    may still rename one that another deck on this machine uses; its result has the ids it wrote."""
    from dense1x1quiz.authoring.draft import make_id

    taken: set[str] = set()
    return {
        deck.id: make_id(deck.name.replace("::", " "), taken, fallback="anki")
        for deck in sorted(collection.decks.values(), key=lambda d: (d.name, d.id))
    }


def note_decks(collection: AnkiCollection) -> dict[int, int]:
    """Note id → the Anki deck its entry goes to: the home deck of its card with the lowest `ord`."""
    decks: dict[int, tuple[int, int]] = {}
    for card in collection.cards:
        best = decks.get(card.note_id)
        if best is None or card.ord < best[0]:
            decks[card.note_id] = (card.ord, card.home_deck_id)
    return {note: deck for note, (_, deck) in decks.items()}


class CardKeys:
    """`quiz_card_key` for many cards: the per-note lookups done once (linear in the collection)."""

    def __init__(self, collection: AnkiCollection, deck_ids: Mapping[int, str] | None = None):
        self.deck_ids = dict(deck_ids) if deck_ids is not None else default_deck_ids(collection)
        self.note_decks = note_decks(collection)
        kinds = {ntid: note_kind(nt) for ntid, nt in collection.notetypes.items()}
        self.notes = {n.note_id: (note_card_id(n.guid), kinds.get(n.notetype_id, OTHER)) for n in collection.notes}

    def __call__(self, card: AnkiCard) -> tuple[str, str] | None:
        note = self.notes.get(card.note_id)
        deck = self.deck_ids.get(self.note_decks.get(card.note_id, card.home_deck_id))
        if note is None or deck is None:
            return None
        suffix = card_suffix(note[1], card.ord)
        return None if suffix is None else (deck, note[0] + suffix)


def quiz_card_key(
    collection: AnkiCollection, card: AnkiCard, deck_ids: Mapping[int, str] | None = None
) -> tuple[str, str] | None:
    """(quiz deck id, quiz card id) of the quiz card the Anki `card` becomes, or None if it becomes none.

    `deck_ids` maps Anki deck ids to the quiz deck ids written (`AnkiImport.deck_ids` after an import;
    default: `default_deck_ids`). A note that `quiz import` skipped (no text on its front) has no card in
    the deck written, though it has a key. For many cards use `CardKeys(collection, deck_ids)` directly:
    this function rebuilds its lookups on every call.
    """
    return CardKeys(collection, deck_ids)(card)


__all__ = [
    "CHOICE",
    "CLOZE",
    "IMAGE_OCCLUSION",
    "OTHER",
    "CardKeys",
    "card_suffix",
    "deck_title",
    "default_deck_ids",
    "note_card_id",
    "note_decks",
    "note_kind",
    "quiz_card_key",
    "used_fields",
]
