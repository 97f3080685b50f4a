"""`quiz import` of Anki notes (a package or Anki's text export): one quiz deck per Anki deck, images copied
into a `media` folder beside the decks, ids from note GUIDs so importing again adds no card.

Note types map as anki_cards.py says; field HTML becomes text as anki_html.from_html says. Every deck is
planned (and every refusal raised) before anything is written. An existing deck file is updated as
`quiz import` does for notes (import_deck.py): in place when it is our unedited output, else only with
--force; its cards keep their ids, which are the GUIDs' own.
"""

from __future__ import annotations

import re
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from dense1x1quiz.authoring.anki_cards import (
    CHOICE,
    CLOZE,
    IMAGE_OCCLUSION,
    OPTIONAL_REVERSED,
    OTHER,
    REVERSED,
    TYPED,
    deck_title,
    default_deck_ids,
    note_card_id,
    note_decks,
    note_kind,
    used_fields,
)
from dense1x1quiz.authoring.anki_html import FieldText, from_html
from dense1x1quiz.authoring.anki_package import AnkiCollection, AnkiNote, AnkiNotetype
from dense1x1quiz.authoring.draft import DeckDraft, Item, draft_from_deck, make_id
from dense1x1quiz.authoring.reimport import Changes, keep_ids
from dense1x1quiz.errors import QuizError, UsageError
from dense1x1quiz.model import Deck, cloze_numbers, parse_cloze
from dense1x1quiz.text import quoted_text
from dense1x1quiz.userfiles import why

MEDIA_FOLDER = "media"
MAX_TOTAL_MEDIA = 1 << 30  # images copied by one import
_SAFE_NAME_RE = re.compile(r"[^/\\\x00-\x1f\x7f]{1,200}\Z")
_TAG_BAD_RE = re.compile(r"[^A-Za-z0-9._-]+")
LISTED = 5


@dataclass
class DeckWritten:
    path: Path
    deck: Deck
    anki_name: str
    changes: Changes
    updated: bool
    renamed_from: str = ""

    @property
    def authored(self) -> int:
        return len({c.note for c in self.deck.cards if c.kind != "table"})


@dataclass
class AnkiImport:
    """What an import of Anki notes did. `deck_ids` maps each Anki deck id that gave cards to the quiz deck
    id written (pass it to anki_cards.quiz_card_key / CardKeys)."""

    source: Path
    collection: AnkiCollection
    decks: list[DeckWritten] = field(default_factory=list)
    deck_ids: dict[int, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    images: list[Path] = field(default_factory=list)  # files written into the media folder
    media_folder: Path | None = None
    skipped: int = 0  # notes with nothing to ask
    suspended_here: tuple[int, int] = (0, 0)  # (suspended now, left as set here): anki_history.suspend_imported

    @property
    def suspended(self) -> int:
        return sum(card.suspended for card in self.collection.cards)

    def total(self, what: str) -> int:
        if what == "unchanged":
            return sum(d.changes.unchanged for d in self.decks)
        return sum(len(getattr(d.changes, what)) for d in self.decks)


@dataclass
class _Planned:
    anki_deck: int
    draft: DeckDraft
    path: Path
    old: Deck | None
    changes: Changes
    renamed_from: str


def anki_kind(path: Path) -> str | None:
    """ "anki-package" or "anki-text" when the file at `path` is one (read from its first bytes, never its
    name: sniff.file_kind), else None (Markdown notes, a deck, a file that is not there …)."""
    from dense1x1quiz.authoring.sniff import HEAD_BYTES, file_kind
    from dense1x1quiz.userfiles import look, open_user_file

    if look(path) is None:
        return None
    with open_user_file(path, "a notes file") as f:
        head = f.read(HEAD_BYTES)
    kind = file_kind(head)
    return kind if kind in ("anki-package", "anki-text") else None


def import_anki_file(
    path: Path, kind: str, output: Path | None = None, deck_id: str | None = None, force: bool = False
) -> AnkiImport:
    """Read the Anki package or text export at `path` (`kind` from anki_kind) and import it (import_anki)."""
    if kind == "anki-package":
        from dense1x1quiz.authoring.anki_package import read_package

        return import_anki(path, read_package(path), output, deck_id, force)
    from dense1x1quiz.authoring.anki_text import MAX_TEXT_BYTES, read_text_export
    from dense1x1quiz.userfiles import read_user_file

    collection, html_fields = read_text_export(path, read_user_file(path, MAX_TEXT_BYTES, "an Anki text export"))
    return import_anki(path, collection, output, deck_id, force, html_fields)


def import_anki(
    source: Path,
    collection: AnkiCollection,
    output: Path | None = None,
    deck_id: str | None = None,
    force: bool = False,
    html_fields: bool = True,
) -> AnkiImport:
    """Write the notes of `collection` (read from `source`) as quiz decks into the user deck folder, or into
    the folder `output` (a `.yaml` file name when the notes make one deck)."""
    from dense1x1quiz.authoring.import_deck import _existing_deck, _free_id, _refusal
    from dense1x1quiz.deck import ID_RE

    result = AnkiImport(source, collection)
    items, images = _items(collection, html_fields, result)
    if not items:
        raise QuizError(f"found no notes to make cards from in {source}")
    folder, single_file = _output(output, len(items))
    to_write = _plan_images(collection, set(images.values()), folder / MEDIA_FOLDER, result)
    items = {deck: [_checked_image(item, to_write) for item in deck_items] for deck, deck_items in items.items()}
    if deck_id is not None and (not ID_RE.match(deck_id) or len(items) != 1):
        raise UsageError(
            f"--deck-id {quoted_text(deck_id)} "
            + ("is not a valid id" if not ID_RE.match(deck_id) else f"names one deck, but {source} makes {len(items)}")
        )
    slugs = default_deck_ids(collection)
    for anki_deck in items.keys() - slugs.keys():  # a card's home deck that the package does not hold
        slugs[anki_deck] = make_id(f"anki deck {anki_deck}", set(slugs.values()))
    plans: list[_Planned] = []
    for anki_deck, deck_items in items.items():
        chosen = deck_id or slugs[anki_deck]
        path = single_file or folder / f"{chosen}.yaml"
        old, state = _existing_deck(path, force)
        renamed_from = ""
        if old is not None and deck_id is None:
            chosen = old.id  # updating a deck: its id (and review history) stays
        elif deck_id is None:
            free = _free_id(chosen, path)
            renamed_from, chosen = (chosen if free != chosen else ""), free
            if free != slugs[anki_deck] and single_file is None:
                path = folder / f"{free}.yaml"
                old, state = _existing_deck(path, force)
        name = collection.decks[anki_deck].name if anki_deck in collection.decks else str(anki_deck)
        draft = DeckDraft(chosen, deck_title(name), items=tuple(deck_items))
        if old is not None:
            old_draft = draft_from_deck(old)
            draft, changes = keep_ids(draft, old_draft, {item.id for item in deck_items})
            if state != "intact" and not force:
                raise QuizError(_refusal(path, state, old_draft, changes))
        else:
            changes = Changes(added=[item.id for item in deck_items])
        plans.append(_Planned(anki_deck, draft, path, old, changes, renamed_from))
    _copy_images(collection, [name for name, write in to_write.items() if write], folder / MEDIA_FOLDER, result)
    for plan in plans:
        result.decks.append(_write(plan, source, collection))
        result.deck_ids[plan.anki_deck] = plan.draft.id
    return result


def _output(output: Path | None, decks: int) -> tuple[Path, Path | None]:
    """The folder the decks go into, and the one deck file when `output` names one."""
    from dense1x1quiz.authoring.files import check_output_path, is_stdout
    from dense1x1quiz.env import user_deck_dir

    if output is None:
        return user_deck_dir(), None
    if is_stdout(output):
        raise UsageError("quiz import writes deck files, not standard output; give a folder with -o")
    check_output_path(output)
    if output.suffix.lower() in (".yaml", ".yml") and not output.is_dir():
        if decks != 1:
            raise UsageError(f"-o {output} names one deck file, but the notes make {decks} decks; give a folder")
        return output.parent, output
    if output.exists() and not output.is_dir():
        raise QuizError(f"{output} is a file; an Anki import writes its decks into a folder: give one with -o")
    return output, None


def _write(plan: _Planned, source: Path, collection: AnkiCollection) -> DeckWritten:
    from dense1x1quiz.authoring.import_deck import write_checked

    what = "Anki's text export" if collection.format == "text" else "an Anki package"
    header = (
        f"Written by `quiz import` from {source.name} ({what}). Importing it again updates this file and\n"
        "keeps every card's id (from the Anki note's GUID, and so its review history). The `imported:`\n"
        "line records what was written: once this file is edited, a new import replaces it only with --force."
    )
    plan.path.parent.mkdir(parents=True, exist_ok=True)
    deck = write_checked(plan.draft, plan.path, header, imported_from=source.name)
    name = collection.decks[plan.anki_deck].name if plan.anki_deck in collection.decks else ""
    return DeckWritten(plan.path, deck, name, plan.changes, plan.old is not None, plan.renamed_from)


# -- notes → items ---------------------------------------------------------------------------------


def _items(
    collection: AnkiCollection, html_fields: bool, result: AnkiImport
) -> tuple[dict[int, list[Item]], dict[str, str]]:
    """Items per Anki deck (in note order), and the images they name: the name in the notes → the file
    name in the package's media."""
    kinds = {ntid: note_kind(nt) for ntid, nt in collection.notetypes.items()}
    decks = note_decks(collection)
    items: dict[int, list[Item]] = {}
    images: dict[str, str] = {}
    other: Counter[int] = Counter()
    left_out: dict[int, set[str]] = {}
    sounds, extra_images, remote, no_file = Counter[str](), 0, 0, Counter[str]()
    skipped: list[str] = []
    for note in collection.notes:
        notetype = collection.notetypes.get(note.notetype_id)
        if notetype is None or note.note_id not in decks:
            skipped.append(f"note {note.note_id} (its note type or cards are missing)")
            continue
        kind = kinds[note.notetype_id]
        fields = [from_html(f, html_fields) for f in note.fields]
        for f in fields:
            sounds.update(f.sounds)
        item, why = _item(note, kind, fields)
        if item is not None:
            item = _extra_fields(item, notetype, kind, fields, left_out)
        if item is None:
            skipped.append(f"note {note.note_id} ({why})")
            continue
        if kind == OTHER:
            other[note.notetype_id] += 1
        found = [src for f in fields for src in f.images]
        local = [src for src in found if not re.match(r"[a-z][a-z0-9+.-]*:", src, re.IGNORECASE)]
        remote += len(found) - len(local)
        if local:
            name = _media_name(local[0], collection)
            if name is None:
                no_file[local[0]] += 1
            else:
                images[local[0]] = name
                item = replace(item, image=f"{MEDIA_FOLDER}/{name}")
            extra_images += len(local) - 1
        items.setdefault(decks[note.note_id], []).append(item)
    for ntid, count in other.items():
        nt = collection.notetypes[ntid]
        used = ", ".join(nt.field_names[:2])
        result.warnings.append(
            f"note type {quoted_text(nt.name)} is not one of Anki's basic, reversed, typed or cloze types: "
            f"its {count} note{'s' if count != 1 else ''} became basic cards from the fields {used}"
        )
    for ntid, names in left_out.items():
        listed = ", ".join(quoted_text(n) for n in sorted(names))
        result.warnings.append(
            f"left out the field(s) {listed} of note type {quoted_text(collection.notetypes[ntid].name)}"
        )
    if sounds:
        result.warnings.append(
            f"dropped {sum(sounds.values())} sound reference{'s' if sum(sounds.values()) != 1 else ''} "
            f"([sound:{next(iter(sounds))}] …): quiz plays no sound"
        )
    if extra_images:
        result.warnings.append(f"kept the first image of each note: {extra_images} more left out")
    if remote:
        result.warnings.append(f"left out {remote} image{'s' if remote != 1 else ''} on the web (not in the package)")
    where = "Anki's text export holds no media" if collection.format == "text" else "not in the package's media"
    for src, count in no_file.items():
        result.warnings.append(f"image {quoted_text(src)} left out of {count} note(s): {where}")
    if skipped:
        more = f" and {len(skipped) - LISTED} more" if len(skipped) > LISTED else ""
        result.warnings.append(f"skipped {len(skipped)} note(s): {'; '.join(skipped[:LISTED])}{more}")
    result.skipped = len(skipped)
    return items, images


def _extra_fields(
    item: Item, notetype: AnkiNotetype, kind: str, fields: list[FieldText], left_out: dict[int, set[str]]
) -> Item:
    """The item with the note's fields past the ones its kind uses: one named Source → `source:`, Explain
    (typed, choice) → `explain:`; any other that holds text is noted in `left_out` (note type → names)."""
    for name, field_text in zip(notetype.field_names[used_fields(kind) :], fields[used_fields(kind) :], strict=False):
        text = field_text.text
        if not text:
            continue
        if name.casefold() == "source":
            item = replace(item, source=text)
        elif name.casefold() == "explain" and item.kind in ("typed", "choice") and not item.explain:
            item = replace(item, explain=text)
        else:
            left_out.setdefault(notetype.id, set()).add(name)
    return item


def _item(note: AnkiNote, kind: str, fields: list[FieldText]) -> tuple[Item | None, str]:
    """The card entry for a note, or None and why not."""
    texts = [f.text or ("(image)" if f.images else "") for f in fields] + ["", "", ""]
    item_id = note_card_id(note.guid)
    tags = _tags(note.tags)
    if kind == IMAGE_OCCLUSION:
        return None, "image occlusion: a terminal cannot show it"
    if kind == CHOICE:
        options = tuple(
            from_html(li).text for li in re.findall(r"<li>(.*?)</li>", note.fields[1], re.DOTALL | re.IGNORECASE)
        )
        answer = texts[2]
        if len(options) < 2 or answer not in options or len(set(options)) != len(options):
            return None, "its options and answer do not make a choice card"
        return Item(item_id, "choice", front=texts[0], answer=answer, options=options, tags=tags), ""
    if kind == CLOZE:
        text = texts[0]
        deletions, problems = parse_cloze(text)
        if problems or not cloze_numbers(text) or any(not d.hidden.strip() for d in deletions):
            why = problems[0].message if problems else "no cloze deletion with text in it"
            return None, f"cloze {quoted_text(text[:40])}: {why}"
        return Item(item_id, "cloze", cloze=text, explain=texts[1], tags=tags), ""
    front, back = texts[0], texts[1]
    if not front.strip() or not back.strip():
        return None, f"{'front' if not front.strip() else 'back'} is empty"
    if kind == TYPED:
        return Item(item_id, "typed", front=front, answer=back, tags=tags), ""
    reverse = kind == REVERSED or (kind == OPTIONAL_REVERSED and bool(texts[2].strip() or fields[2].images))
    return Item(item_id, "basic", front=front, answer=back, reverse=reverse, tags=tags), ""


def _tags(tags: tuple[str, ...]) -> tuple[str, ...]:
    """Anki tags as ours: `geo::europe` → `geo.europe`, other characters a tag cannot hold → `-`."""
    out = []
    for tag in tags:
        clean = _TAG_BAD_RE.sub("-", tag.replace("::", ".")).strip("-._")[:80]
        if clean:
            out.append(clean)
    return tuple(dict.fromkeys(out))


# -- media -----------------------------------------------------------------------------------------


def _media_name(src: str, collection: AnkiCollection) -> str | None:
    """The media file an `<img src>` names (as written, or percent-decoded), if the package holds it."""
    for name in (src, urllib.parse.unquote(src)):
        if name in collection.media:
            return name
    return None


def safe_file_name(name: str) -> bool:
    """A name that is one plain file in a folder: no path separator, control character, leading dot."""
    return bool(_SAFE_NAME_RE.match(name)) and not name.startswith(".") and name.strip() == name


def _checked_image(item: Item, usable: dict[str, bool]) -> Item:
    """The item without its `image:` when that image cannot be copied."""
    name = item.image.removeprefix(f"{MEDIA_FOLDER}/")
    return item if not item.image or name in usable else replace(item, image="")


def _plan_images(collection: AnkiCollection, names: set[str], folder: Path, result: AnkiImport) -> dict[str, bool]:
    """Which images can be in `folder` (name → whether it must be written; already there with the same
    bytes: False). Left out, with a warning: an unsafe name, a symbolic link or a different file of that
    name in the way (never followed, never replaced), an image too big or past the total cap."""
    if not names:
        return {}
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        result.warnings.append(f"{folder} is a symbolic link or not a folder; no image was copied")
        return {}
    usable: dict[str, bool] = {}
    total = 0
    for name in sorted(names):
        target = folder / name
        if not safe_file_name(name):
            result.warnings.append(f"image {quoted_text(name)} has a file name that is not safe to write; left out")
            continue
        if target.is_symlink() or (target.exists() and not target.is_file()):
            result.warnings.append(f"{target} is a symbolic link or not a file; the image was left out")
            continue
        try:
            data = collection.media[name]()
        except QuizError as exc:
            result.warnings.append(f"image {quoted_text(name)} left out: {exc}")
            continue
        total += len(data)
        if total > MAX_TOTAL_MEDIA:
            result.warnings.append(
                f"images past {MAX_TOTAL_MEDIA >> 30} GiB in all are left out, from {quoted_text(name)} on"
            )
            break
        if target.exists():
            try:
                same = target.read_bytes() == data
            except OSError as exc:
                result.warnings.append(f"{target} exists and cannot be read ({why(exc)}); the image was left out")
                continue
            if not same:
                result.warnings.append(f"{target} exists with other content; kept it and left the image out")
                continue
            usable[name] = False
        else:
            usable[name] = True
    return usable


def _copy_images(collection: AnkiCollection, names: list[str], folder: Path, result: AnkiImport) -> None:
    """Write each image into `folder` under its own name (checked by _plan_images)."""
    from dense1x1quiz.authoring.files import WriteError, write_atomically

    result.media_folder = folder if names else None
    for name in names:
        data = collection.media[name]()

        def write(tmp: str, data: bytes = data) -> None:
            with open(tmp, "wb") as out:
                out.write(data)

        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WriteError(folder, why(exc)) from None
        write_atomically(folder / name, write)
        result.images.append(folder / name)


__all__ = ["AnkiImport", "DeckWritten", "anki_kind", "import_anki", "import_anki_file", "safe_file_name"]
