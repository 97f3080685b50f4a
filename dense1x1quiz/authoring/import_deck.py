"""`quiz import`: notes in, a deck file out that always validates, ids kept across imports."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from dense1x1quiz.authoring.deck_writer import write_deck
from dense1x1quiz.authoring.draft import DeckDraft, draft_from_deck
from dense1x1quiz.authoring.files import check_output_path, is_stdout, write_text_atomically
from dense1x1quiz.authoring.markdown_import import Notes, import_notes
from dense1x1quiz.authoring.reimport import Changes, keep_ids
from dense1x1quiz.deck import ID_RE, check_deck
from dense1x1quiz.errors import QuizError, UsageError
from dense1x1quiz.model import Deck
from dense1x1quiz.text import quoted_text
from dense1x1quiz.userfiles import look


@dataclass
class ImportResult:
    path: Path
    deck: Deck
    notes: Notes
    changes: Changes
    updated: bool  # an existing deck was updated (else a new file was written)
    notes_path: Path
    renamed_from: str = ""  # the default deck id was taken by another deck

    @property
    def authored(self) -> int:
        """Cards as written in the deck file (a reversed card or a cloze's numbers count once)."""
        return len({c.note for c in self.deck.cards if c.kind != "table"})

    @property
    def in_user_folder(self) -> bool:
        from dense1x1quiz.env import user_deck_dir

        return self.path.resolve().parent == user_deck_dir().resolve()


OLD_HEADER_START = "# Imported from "  # the comment that marked import output before the `imported:` key
LISTED = 5  # ids named in a refusal; the rest are counted


def import_to_deck(
    notes_path: Path, output: Path | None = None, deck_id: str | None = None, force: bool = False
) -> ImportResult:
    """Import `notes_path` into the deck file `output` (default: the user deck folder, `<deck id>.yaml`).

    An existing deck at `output` is updated in place keeping its ids when it is import output nobody
    edited since (its `imported:` mark says so); any other existing file is only replaced with `force`,
    and the refusal says what would be lost.
    """
    if deck_id is not None and not ID_RE.match(deck_id):
        raise UsageError(
            f"--deck-id {quoted_text(deck_id)} is not a valid id (letters, digits, '.', '_', '-'; at most 80)"
        )
    if look(notes_path) is None:  # a path that cannot be looked at says why (UserFileError)
        raise QuizError(f"no such file: {notes_path}")
    if output is not None and is_stdout(output):
        raise UsageError("quiz import writes a deck file, not standard output; give a file name with -o")
    if output is not None:
        check_output_path(output)  # a FIFO or device is refused before the notes are even read
    from dense1x1quiz.authoring.draft import make_id

    default_id = make_id(notes_path.stem, set(), fallback="notes")
    notes = import_notes(notes_path, deck_id or default_id)
    if not notes.draft.items and not notes.draft.tables:
        raise QuizError(
            f"found nothing to make cards from in {notes_path} (looked for Q:/A: pairs, "
            "`question :: answer` lines, tables, and headings over text or lists)"
        )
    chosen, renamed_from = deck_id or notes.draft.id, ""
    if deck_id is None and output is None:  # a free id, and its file in the user deck folder
        free = _free_id(chosen)
        renamed_from, chosen = (chosen if free != chosen else ""), free
    path = output if output is not None else _user_deck_path(chosen)
    if path.exists() and path.resolve() == notes_path.resolve():
        raise QuizError(f"{path} is the notes file itself; write the deck somewhere else with -o")
    old, state = _existing_deck(path, force)
    if deck_id is None and old is not None:
        chosen, renamed_from = old.id, ""  # updating a deck: its id (and review history) stays
    elif deck_id is None and output is not None:
        free = _free_id(chosen, path)
        renamed_from, chosen = (chosen if free != chosen else ""), free
    else:
        _check_id_free(chosen, path)
    draft = replace(notes.draft, id=chosen)
    if old is not None:
        old_draft = draft_from_deck(old)
        draft, changes = keep_ids(draft, old_draft, notes.pinned)
        if state != "intact" and not force:
            raise QuizError(_refusal(path, state, old_draft, changes))
    else:
        changes = Changes(added=[e.id for e in draft.entries])
    header = (
        f"Written by `quiz import` from {notes_path.name}. Importing the notes again updates this file and\n"
        "keeps every card's id (and so its review history). The `imported:` line records what was\n"
        "written: once this file is edited, a new import replaces it only with --force."
    )
    deck = write_checked(draft, path, header, imported_from=notes_path.name)
    return ImportResult(path, deck, notes, changes, old is not None, notes_path, renamed_from)


def _refusal(path: Path, state: str, old: DeckDraft, changes: Changes) -> str:
    """Why the deck at `path` is not replaced without --force, and what replacing it would lose."""
    if state == "edited":
        why = f"{path} was edited after `quiz import` wrote it; importing again would replace it"
    elif _starts_with_old_header(path):
        why = (
            f"{path} has no `imported:` mark (decks from an older `quiz import` have only a comment, "
            "which a hand-written deck may carry too); importing into it would replace its cards"
        )
    else:
        why = f"{path} is a deck that `quiz import` did not write; importing into it would replace its cards"
    tables = f" and {_plural(len(old.tables), 'table')}" if old.tables else ""
    lost = [f"{_plural(len(old.items), 'card')}{tables}"]
    for what, ids in (("not in the new import", changes.removed), ("changed by it", changes.changed)):
        if ids:
            more = f" and {len(ids) - LISTED} more" if len(ids) > LISTED else ""
            lost.append(f"{len(ids)} {what}: {', '.join(ids[:LISTED])}{more}")
    return f"{why} ({'; '.join(lost)}). Use -o to write somewhere else, or --force to replace it"


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _user_deck_path(deck_id: str) -> Path:
    from dense1x1quiz.env import user_deck_dir

    return user_deck_dir() / f"{deck_id}.yaml"


def _existing_deck(path: Path, force: bool) -> tuple[Deck | None, str]:
    """The deck already at `path` (None if there is none) and its import mark's state ("intact",
    "edited" or "absent": see import_mark.mark_state); refuses to replace a non-deck unless forced."""
    if path.is_dir():
        raise QuizError(f"{path} is a folder; give a file name with -o, e.g. {path / 'deck.yaml'}")
    if not path.exists():
        return None, "absent"
    deck, problems = check_deck(path)
    errors = [p for p in problems if not p.warning]
    if deck is not None and not errors:
        return deck, _mark_state(path)
    if force:
        return None, "absent"
    why = errors[0].message if errors else "it cannot be read as a deck"
    raise QuizError(
        f"{path} exists and is not a usable deck ({why}); not overwriting it. "
        "Use --force to replace it, or -o to write somewhere else"
    )


def _mark_state(path: Path) -> str:
    from dense1x1quiz.authoring.import_mark import mark_state
    from dense1x1quiz.userfiles import read_user_file

    try:
        return mark_state(read_user_file(path))  # a deck that just validated: at most 16 MiB
    except (OSError, QuizError):  # swapped for something else since: not our output
        return "absent"


def _starts_with_old_header(path: Path) -> bool:
    """Whether the deck file starts with the comment that marked import output before the `imported:` key."""
    from dense1x1quiz.userfiles import open_user_file

    try:
        with open_user_file(path) as f:
            return f.readline(4096).decode("utf-8", errors="replace").startswith(OLD_HEADER_START)
    except (OSError, QuizError):
        return False


def _owner(deck_id: str, path: Path) -> Path | None:
    """The file of another deck (built-in or in the user folder) that already uses `deck_id`. User-folder
    files that share an id with each other (both unusable: `DeckEntry.clash_id`) use it too."""
    from dense1x1quiz.catalog import find_decks

    for entry in find_decks():
        uses = entry.deck.id if entry.deck is not None else entry.clash_id
        if uses == deck_id and entry.path.resolve() != path.resolve():
            return entry.path
    return None


def _free_id(deck_id: str, path: Path | None = None) -> str:
    """`deck_id`, or `<id>-notes`, `<id>-notes-2`, … if another deck uses it (`path`: the file to be
    written; default: the candidate's file in the user deck folder)."""
    candidate, n = deck_id, 1
    while _owner(candidate, path or _user_deck_path(candidate)) is not None:
        n += 1
        candidate = f"{deck_id}-notes" if n == 2 else f"{deck_id}-notes-{n - 1}"
    return candidate


def _check_id_free(deck_id: str, path: Path) -> None:
    owner = _owner(deck_id, path)
    if owner is not None:
        raise QuizError(
            f"deck id `{deck_id}` is already used by {owner}; review history is kept per deck id, "
            "so choose another with --deck-id"
        )


def write_checked(draft: DeckDraft, path: Path, header: str = "", imported_from: str | None = None) -> Deck:
    """Write the draft as a deck file, atomically, only after the written file has passed validation;
    with `imported_from` (the notes' file name), marked as import output (import_mark.py)."""
    checked: list[Deck] = []

    def check(tmp: str) -> None:
        deck, problems = check_deck(tmp)
        errors = [p for p in problems if not p.warning]
        if deck is None or errors:  # a bug in the writer or importer: never leave a broken deck behind
            raise QuizError(
                "the deck written did not validate (this is a bug): " + "; ".join(p.message for p in errors[:3])
            )
        checked.append(deck)

    text = write_deck(draft, header)
    if imported_from is not None:
        from dense1x1quiz.authoring.import_mark import mark

        text = mark(text, imported_from)
    write_text_atomically(path, text, check)
    return replace(checked[0], path=str(path))


__all__ = ["ImportResult", "import_to_deck", "write_checked"]
