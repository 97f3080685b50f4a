"""Which decks there are: the built-in ones, the user deck folder, and paths named on the command line."""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from dense1x1quiz.deckcache import DeckOutline, check_deck_cached, check_deck_outline_cached
from dense1x1quiz.env import user_deck_dir
from dense1x1quiz.errors import DeckError, Problem, QuizError, UsageError
from dense1x1quiz.text import one_line, quoted_text
from dense1x1quiz.userfiles import UserFileError, kind_of, look, why

if TYPE_CHECKING:
    from dense1x1quiz.model import Deck


def builtin_deck_dir() -> Path:
    """The built-in decks: inside the installed package (wheel), or the repository's `decks/` (editable)."""
    packaged = Path(__file__).parent / "decks"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "decks"


@dataclass(frozen=True)
class DeckEntry:
    """A deck file found, and what loading it gave: a deck, or the error that made it unusable."""

    path: Path
    origin: str  # "built-in", "user" or "path"
    deck: Deck | DeckOutline | None
    error: DeckError | None

    @property
    def name(self) -> str:
        return self.deck.id if self.deck else self.path.stem


def _yaml_files(folder: Path) -> list[Path]:
    """The `*.yaml` files of `folder`; anything else so named but a folder (a FIFO, a device, a dangling
    link) is listed too, and the loader reports it as broken (it never opens it in a way that blocks).
    A folder that cannot be looked at or listed raises UserFileError saying why."""
    if _kind(folder) != "a folder":
        return []
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not _is_folder(p))
    except OSError as exc:
        raise UserFileError(folder, f"cannot be read: {why(exc)}") from None


def _is_folder(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):  # unreachable: listed, and the loader says why it cannot be read
        return False


def _entry(path: Path, origin: str, outline: bool = False) -> DeckEntry:
    deck, problems = (check_deck_outline_cached if outline else check_deck_cached)(path)  # once per content
    errors = [p for p in problems if not p.warning]
    if deck is None or errors:
        return DeckEntry(path, origin, None, DeckError(problems))
    return DeckEntry(path, origin, deck, None)


def _kind(path: Path) -> str | None:
    """What is at `path` if it is not a regular file (`a folder`, `a named pipe (FIFO)` …): None for a
    regular file or nothing. A path that cannot be looked at raises UserFileError saying why."""
    found = look(path)
    return kind_of(found.st_mode) if found is not None else None


def find_decks(outline: bool = False) -> list[DeckEntry]:
    """Every built-in deck and every deck in the user deck folder, broken ones included.

    Review history is keyed by deck id, so a second deck with an id already taken is listed as broken.
    """
    found = [_entry(p, "built-in", outline) for p in _yaml_files(builtin_deck_dir())]
    found += [_entry(p, "user", outline) for p in _yaml_files(user_deck_dir())]
    owners: dict[str, Path] = {}
    for i, entry in enumerate(found):
        if entry.deck is None:
            continue
        first = owners.setdefault(entry.deck.id, entry.path)
        if first != entry.path:
            problem = Problem(str(entry.path), 1, 1, f"deck id `{entry.deck.id}` is already used by {first}")
            found[i] = DeckEntry(entry.path, entry.origin, None, DeckError([problem]))
    return found


@overload
def resolve(names: list[str], outline: Literal[False] = False) -> list[Deck]: ...


@overload
def resolve(names: list[str], outline: Literal[True]) -> list[DeckOutline]: ...


def resolve(names: list[str], outline: bool = False) -> Sequence[Deck | DeckOutline]:
    """The decks that DECK arguments name (a deck id, a file stem, or a path); all usable decks if none.

    A named deck that is broken raises its DeckError; an unknown name is a UsageError. The same file
    named twice (or by name and by path) is one deck; a deck named by path whose id another deck
    already has (built-in, user folder, or another path) is a QuizError naming both files.
    """
    if not names:
        return [e.deck for e in find_decks(outline) if e.deck is not None]
    known = None
    chosen: dict[Path, DeckEntry] = {}  # by real path: one file named twice is one deck
    for name in names:
        path = Path(name)
        kind = _kind(path)
        if path.suffix in (".yaml", ".yml") or kind not in (None, "a folder"):  # a folder named like a deck is not one
            if kind is None and not path.is_file():
                raise UsageError(f"no deck file at {one_line(name)}")
            entry = _entry(path, "path", outline)  # a FIFO, device or folder: the loader says what it is
        else:
            known = known if known is not None else find_decks(outline)
            matches = [e for e in known if name in (e.name, e.path.stem)]
            if not matches:
                names_known = ", ".join(sorted({e.name for e in known})) or "none"
                folder = f"; {one_line(name)} is a folder" if kind == "a folder" else ""
                raise UsageError(f"no deck named {quoted_text(name)} (decks: {names_known}; "
                                 f"or give a path to a .yaml file{folder})")
            entry = matches[0]
        if entry.error:
            raise entry.error
        chosen.setdefault(entry.path.resolve(), entry)
    if any(e.origin == "path" for e in chosen.values()):  # the catalogue's own ids are unique already
        named = [(e.path, real, e.deck.id) for real, e in chosen.items() if e.deck is not None]
        clashes = _id_clashes(named, known if known is not None else find_decks(outline=True))
        if clashes:
            raise QuizError(clashes[0][1])
    return [e.deck for e in chosen.values() if e.deck is not None]  # (an entry without a deck has raised above)


def _id_clashes(named: list[tuple[Path, Path, str]], catalogue: list[DeckEntry]) -> list[tuple[Path, str]]:
    """Each (path as named, real path, deck id) of `named` whose id a deck from another file has already
    (the catalogue's decks first, then the earlier ones of `named`), with the message saying so.

    Review history is keyed by deck id: two files with one id would read and write one history."""
    owners = {e.deck.id: (e.path, e.path.resolve()) for e in catalogue if e.deck is not None}
    clashes = []
    for shown, real, deck_id in named:
        owner_shown, owner = owners.setdefault(deck_id, (shown, real))
        if owner != real:
            clashes.append((shown, f"deck id `{deck_id}` in {shown} is already used by {owner_shown}; "
                                   "give it another `deck:` id"))
    return clashes


def id_clash_warnings(decks: list[tuple[Path, str]]) -> list[Problem]:
    """Warnings for `quiz validate`: each (file, deck id) whose id an installed deck (built-in or in the
    user deck folder) or an earlier file of `decks` has already; study and the others refuse such a file."""
    named = [(path, path.resolve(), deck_id) for path, deck_id in decks]
    return [Problem(str(path), 1, 1, message, warning=True)
            for path, message in _id_clashes(named, find_decks(outline=True))]


__all__ = ["DeckEntry", "builtin_deck_dir", "find_decks", "id_clash_warnings", "resolve"]
