"""Which decks there are: the built-in ones, the user deck folder, and paths named on the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dense1x1quiz.deckcache import DeckOutline, check_deck_cached, check_deck_outline_cached
from dense1x1quiz.env import user_deck_dir
from dense1x1quiz.errors import DeckError, Problem, UsageError
from dense1x1quiz.userfiles import kind_of

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
    link) is listed too, and the loader reports it as broken (it never opens it in a way that blocks)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.is_dir())


def _entry(path: Path, origin: str, outline: bool = False) -> DeckEntry:
    deck, problems = (check_deck_outline_cached if outline else check_deck_cached)(path)  # once per content
    errors = [p for p in problems if not p.warning]
    if deck is None or errors:
        return DeckEntry(path, origin, None, DeckError(problems))
    return DeckEntry(path, origin, deck, None)


def _kind(path: Path) -> str | None:
    """What is at `path` if it is not a regular file (`a folder`, `a named pipe (FIFO)` …): None for a
    regular file or nothing."""
    try:
        return kind_of(path.stat().st_mode)
    except (OSError, ValueError):
        return None


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


def resolve(names: list[str], outline: bool = False) -> list[Deck] | list[DeckOutline]:
    """The decks that DECK arguments name (a deck id, a file stem, or a path); all usable decks if none.

    A named deck that is broken raises its DeckError; an unknown name is a UsageError.
    """
    if not names:
        return [e.deck for e in find_decks(outline) if e.deck is not None]
    known = None
    decks: list[Deck] = []
    for name in names:
        path = Path(name)
        kind = _kind(path)
        if path.suffix in (".yaml", ".yml") or kind not in (None, "a folder"):  # a folder named like a deck is not one
            if kind is None and not path.is_file():
                raise UsageError(f"no deck file at {name}")
            entry = _entry(path, "path", outline)  # a FIFO, device or folder: the loader says what it is
        else:
            known = known if known is not None else find_decks(outline)
            matches = [e for e in known if name in (e.name, e.path.stem)]
            if not matches:
                names_known = ", ".join(sorted({e.name for e in known})) or "none"
                folder = f"; {name} is a folder" if kind == "a folder" else ""
                raise UsageError(f"no deck named {name!r} (decks: {names_known}; or give a path to a .yaml file"
                                 f"{folder})")
            entry = matches[0]
        if entry.error:
            raise entry.error
        assert entry.deck is not None
        if all(d.id != entry.deck.id for d in decks):
            decks.append(entry.deck)
    return decks


__all__ = ["DeckEntry", "builtin_deck_dir", "find_decks", "resolve"]
