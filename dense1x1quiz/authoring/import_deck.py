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


IMPORT_HEADER_START = "# Imported from "  # the first line of every deck `quiz import` writes


def import_to_deck(notes_path: Path, output: Path | None = None, deck_id: str | None = None,
                   force: bool = False) -> ImportResult:
    """Import `notes_path` into the deck file `output` (default: the user deck folder, `<deck id>.yaml`).

    An existing deck at `output` is updated in place keeping its ids; any other existing file is
    only replaced with `force`.
    """
    if deck_id is not None and not ID_RE.match(deck_id):
        raise UsageError(f"--deck-id {deck_id!r} is not a valid id (letters, digits, '.', '_', '-'; at most 80)")
    if not notes_path.exists():
        raise QuizError(f"no such file: {notes_path}")
    if output is not None and is_stdout(output):
        raise UsageError("quiz import writes a deck file, not standard output; give a file name with -o")
    if output is not None:
        check_output_path(output)  # a FIFO or device is refused before the notes are even read
    from dense1x1quiz.authoring.draft import make_id

    default_id = make_id(notes_path.stem, set(), fallback="notes")
    notes = import_notes(notes_path, deck_id or default_id)
    if not notes.draft.items and not notes.draft.tables:
        raise QuizError(f"found nothing to make cards from in {notes_path} (looked for Q:/A: pairs, "
                        "`question :: answer` lines, tables, and headings over text or lists)")
    chosen, renamed_from = deck_id or notes.draft.id, ""
    if deck_id is None and output is None:  # a free id, and its file in the user deck folder
        free = _free_id(chosen)
        renamed_from, chosen = (chosen if free != chosen else ""), free
    path = output if output is not None else _user_deck_path(chosen)
    if path.exists() and path.resolve() == notes_path.resolve():
        raise QuizError(f"{path} is the notes file itself; write the deck somewhere else with -o")
    old = _existing_deck(path, force)
    if deck_id is None and old is not None:
        chosen, renamed_from = old.id, ""  # updating a deck: its id (and review history) stays
    elif deck_id is None and output is not None:
        free = _free_id(chosen, path)
        renamed_from, chosen = (chosen if free != chosen else ""), free
    else:
        _check_id_free(chosen, path)
    draft = replace(notes.draft, id=chosen)
    if old is not None:
        draft, changes = keep_ids(draft, draft_from_deck(old), notes.pinned)
    else:
        changes = Changes(added=[e.id for e in (*draft.items, *draft.tables)])
    header = (f"{IMPORT_HEADER_START[2:]}{notes_path.name} by `quiz import`. Importing the notes again updates this\n"
              "file and keeps every card's id (and so its review history); hand edits here are replaced.")
    deck = write_checked(draft, path, header)
    return ImportResult(path, deck, notes, changes, old is not None, notes_path, renamed_from)


def _user_deck_path(deck_id: str) -> Path:
    from dense1x1quiz.env import user_deck_dir

    return user_deck_dir() / f"{deck_id}.yaml"


def _existing_deck(path: Path, force: bool) -> Deck | None:
    """The deck already at `path`, None if there is none; refuses to replace a non-deck unless forced."""
    if path.is_dir():
        raise QuizError(f"{path} is a folder; give a file name with -o, e.g. {path / 'deck.yaml'}")
    if not path.exists():
        return None
    deck, problems = check_deck(path)
    errors = [p for p in problems if not p.warning]
    if deck is not None and not errors and _written_by_import(path):
        return deck
    if force:
        return None
    if deck is not None and not errors:  # a deck someone wrote by hand: its cards would be replaced
        raise QuizError(f"{path} is a deck that `quiz import` did not write; importing into it would replace its "
                        "cards. Use -o to write somewhere else, or --force to replace it")
    why = errors[0].message if errors else "it cannot be read as a deck"
    raise QuizError(f"{path} exists and is not a usable deck ({why}); not overwriting it. "
                    "Use --force to replace it, or -o to write somewhere else")


def _written_by_import(path: Path) -> bool:
    """Whether the deck file starts with the header `import_to_deck` writes."""
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return f.readline().startswith(IMPORT_HEADER_START)
    except OSError:
        return False


def _owner(deck_id: str, path: Path) -> Path | None:
    """The file of another deck (built-in or in the user folder) that already uses `deck_id`."""
    from dense1x1quiz.catalog import find_decks

    for entry in find_decks():
        if entry.deck and entry.deck.id == deck_id and entry.path.resolve() != path.resolve():
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
        raise QuizError(f"deck id `{deck_id}` is already used by {owner}; review history is kept per deck id, "
                        "so choose another with --deck-id")


def write_checked(draft: DeckDraft, path: Path, header: str = "") -> Deck:
    """Write the draft as a deck file, atomically, only after the written file has passed validation."""
    checked: list[Deck] = []

    def check(tmp: str) -> None:
        deck, problems = check_deck(tmp)
        errors = [p for p in problems if not p.warning]
        if deck is None or errors:  # a bug in the writer or importer: never leave a broken deck behind
            raise QuizError("the deck written did not validate (this is a bug): "
                            + "; ".join(p.message for p in errors[:3]))
        checked.append(deck)

    write_text_atomically(path, write_deck(draft, header), check)
    return replace(checked[0], path=str(path))


__all__ = ["ImportResult", "import_to_deck", "write_checked"]
