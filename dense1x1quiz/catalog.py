"""Which decks there are: the built-in ones, the user deck folder, and paths named on the command line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, overload

from dense1x1quiz.deckcache import DeckOutline, check_deck_cached, check_deck_outline_cached
from dense1x1quiz.env import user_deck_dir
from dense1x1quiz.errors import DeckError, Problem, QuizError, UsageError
from dense1x1quiz.text import one_line, quoted, quoted_text
from dense1x1quiz.userfiles import UserFileError, kind_of, look, why

if TYPE_CHECKING:
    from dense1x1quiz.model import Deck


# The built-in decks in the order a learner meets them: the notes (the basic idea) before the deck that
# builds on them. `quiz study` introduces new cards deck by deck in the order the decks are found.
BUILTIN_ORDER = ("dense-vs-1x1.yaml", "1x1-in-practice.yaml")


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
    clash_id: str | None = None  # the deck id it shares with another user-folder file (both are unusable)

    @property
    def name(self) -> str:
        return self.deck.id if self.deck else self.path.stem


def _yaml_files(folder: Path) -> list[Path]:
    """The `*.yaml` entries of `folder`: files, and anything else so named (a folder, a FIFO, a device, a
    dangling link), which the loader reports as broken (it never opens one in a way that blocks).
    A folder that cannot be looked at or listed raises UserFileError saying why."""
    found = look(folder)
    if found is None or kind_of(found.st_mode) != "a folder":
        return []
    try:
        return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError as exc:
        raise UserFileError(folder, f"cannot be read: {why(exc)}") from None


def _rank(name: str) -> int:
    """A built-in deck file's place in BUILTIN_ORDER (others after them, by name)."""
    return BUILTIN_ORDER.index(name) if name in BUILTIN_ORDER else len(BUILTIN_ORDER)


def _entry(path: Path, origin: str, outline: bool = False) -> DeckEntry:
    deck, problems = (check_deck_outline_cached if outline else check_deck_cached)(path)  # once per content
    errors = [p for p in problems if not p.warning]
    if deck is None or errors:
        return DeckEntry(path, origin, None, DeckError(problems))
    return DeckEntry(path, origin, deck, None)


_NOTHING = "nothing"  # what `_kind` says when no file is there


def _kind(path: Path) -> str | None:
    """What is at `path` if it is not a regular file (`a folder`, `a named pipe (FIFO)` …, or `_NOTHING`):
    None for a regular file, or for one that cannot be looked at (a symlink loop: the loader says why)."""
    try:
        return kind_of(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError, ValueError):  # ValueError: a NUL in the name
        return _NOTHING
    except OSError:
        return None


def find_decks(outline: bool = False) -> list[DeckEntry]:
    """Every built-in deck and every deck in the user deck folder, broken ones included.

    Review history is keyed by deck id, so no two of these files may be used under one id: a user-folder
    deck with a built-in deck's id replaces that built-in deck, in its place (what `quiz edit` makes of a
    built-in deck: an edited copy that keeps the deck's history), and user-folder decks sharing an id are
    all broken, each naming the others (which one would win must not hang on file names).
    """
    builtin = sorted(_yaml_files(builtin_deck_dir()), key=lambda p: (_rank(p.name), p.name))
    found = [_entry(p, "built-in", outline) for p in builtin]
    found += [_entry(p, "user", outline) for p in _yaml_files(user_deck_dir())]
    users: dict[str, list[int]] = {}  # deck id → indexes of the files using it
    for i, entry in enumerate(found):
        if entry.deck is not None:
            users.setdefault(entry.deck.id, []).append(i)
    for deck_id, indexes in users.items():
        if len(indexes) < 2:
            continue
        owner = found[indexes[0]]
        builtin_ids = [i for i in indexes if found[i].origin == "built-in"]
        users_of_id = [i for i in indexes if found[i].origin != "built-in"]
        if owner.origin == "built-in" and len(users_of_id) == 1:  # the user's copy takes the built-in's place
            found[indexes[0]] = found[users_of_id[0]]
            for i in [*builtin_ids[1:], users_of_id[0]]:
                found[i] = _GONE
            continue
        if owner.origin == "built-in":  # several user files claim a built-in deck's id: none of them wins
            indexes = users_of_id
        for i in indexes:
            others = _and([str(found[j].path) for j in indexes if j != i])
            found[i] = _broken(found[i], f"deck id `{deck_id}` is also used by {others}; {_RENAME_ONE}", deck_id)
    return [entry for entry in found if entry is not _GONE]


_GONE = DeckEntry(Path(), "", None, None)  # a place emptied in `find_decks`: a built-in deck the user's replaces


def _broken(entry: DeckEntry, message: str, clash_id: str | None = None) -> DeckEntry:
    """`entry` made unusable by `message` (its deck id is taken)."""
    problem = Problem(str(entry.path), 1, 1, message)
    return DeckEntry(entry.path, entry.origin, None, DeckError([problem]), clash_id)


_RENAME_ONE = "give one of them another `deck:` id"


def _and(items: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _clash_error(deck_id: str, entries: list[DeckEntry]) -> QuizError:
    """The error for naming a deck id that more than one user-folder file uses."""
    files = _and([str(e.path) for e in entries])
    return QuizError(f"deck id `{deck_id}` is used by {files}; {_RENAME_ONE}")


def _usable(entries: list[DeckEntry]) -> list[DeckEntry]:
    """The entries with a usable deck, after saying once on stderr which broken ones are skipped."""
    broken = [e for e in entries if e.deck is None]
    if broken:
        files = ", ".join(one_line(str(e.path)) for e in broken)
        count = f"{len(broken)} broken deck{'s' * (len(broken) != 1)}"
        sys.stderr.write(f"Warning: skipped {count} (`quiz decks` says why): {files}\n")
    return [e for e in entries if e.deck is not None]


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
        return [e.deck for e in _usable(find_decks(outline)) if e.deck is not None]
    known = None
    chosen: dict[Path, DeckEntry] = {}  # by real path: one file named twice is one deck
    for name in names:
        path = Path(name)
        kind = _kind(path)
        # A path: a .yaml name, or a FIFO or device (a folder is one only if named like a deck). What cannot
        # be looked at (a symlink loop) goes to the loader, which says why, as `quiz validate` does.
        if path.suffix in (".yaml", ".yml") or kind not in (None, "a folder", _NOTHING):
            if kind == _NOTHING:
                raise UsageError(f"no deck file at {one_line(name)}")
            entry = _entry(path, "path", outline)  # a FIFO, device or folder: the loader says what it is
        else:
            known = known if known is not None else find_decks(outline)
            clashing = [e for e in known if e.clash_id == name]
            if clashing:
                raise _clash_error(name, clashing)
            matches = [e for e in known if name in (e.name, e.path.stem)]
            if not matches:
                names_known = sorted({e.name for e in known})
                folder = f"; {one_line(name)} is a folder" if kind == "a folder" else ""
                raise UsageError(
                    f"no deck named {quoted_text(name)}{did_you_mean(name, names_known, quoted_text)} "
                    f"(decks: {', '.join(names_known) or 'none'}; or give a path to a .yaml file{folder})"
                )
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


def did_you_mean(word: str, known: Iterable[str], quote: Callable[[object], str] = quoted) -> str:
    """`; did you mean 'x'?` naming the one of `known` closest to a mistyped `word` (difflib, case
    ignored), or "" when none is close."""
    import difflib

    by_folded = {k.casefold(): k for k in known}
    close = difflib.get_close_matches(word.casefold(), list(by_folded), n=1, cutoff=0.6)
    return f"; did you mean {quote(by_folded[close[0]])}?" if close else ""


def tag_counts(decks: Sequence[Deck]) -> list[tuple[str, int]]:
    """Every tag of the decks' cards (generated table cards included) with how many cards carry it,
    by name. Tags that differ only in case are one tag, as `--tag` selects them (the first spelling
    found is shown)."""
    counts: dict[str, list] = {}  # folded tag → [tag as first written, cards]
    for deck in decks:
        for card in deck.cards:
            for tag in {t.casefold(): t for t in card.tags}.values():
                counts.setdefault(tag.casefold(), [tag, 0])[1] += 1
    return [(tag, cards) for _, (tag, cards) in sorted(counts.items())]


def unknown_tags(decks: Sequence[Deck], tags: Sequence[str]) -> list[str]:
    """`Warning: …` lines for each of `tags` that no card of `decks` carries and that is close to one
    that a card has (a typo: `mobilnet`), naming that tag."""
    known = [tag for tag, _ in tag_counts(decks)]
    folded = {t.casefold() for t in known}
    hints = [(tag, did_you_mean(tag, known)) for tag in tags if tag.casefold() not in folded]
    return [f"Warning: no card has the tag {quoted(tag)}{hint} (`quiz tags` lists them)" for tag, hint in hints if hint]


def _id_clashes(named: list[tuple[Path, Path, str]], catalogue: list[DeckEntry]) -> list[tuple[Path, str]]:
    """Each (path as named, real path, deck id) of `named` whose id a deck from another file has already
    (the catalogue's decks first, then the earlier ones of `named`), with the message saying so.

    Review history is keyed by deck id: two files with one id would read and write one history. User-folder
    decks that share an id with each other (all unusable) count as using it."""
    owners: dict[str, list[tuple[Path, Path]]] = {}  # deck id → (path as shown, real path) of its files
    for e in catalogue:
        deck_id = e.deck.id if e.deck is not None else e.clash_id
        if deck_id is not None:
            owners.setdefault(deck_id, []).append((e.path, e.path.resolve()))
    clashes = []
    for shown, real, deck_id in named:
        files = owners.setdefault(deck_id, [])
        others = [owner_shown for owner_shown, owner in files if owner != real]
        if others:
            clashes.append(
                (shown, f"deck id `{deck_id}` in {shown} is already used by {others[0]}; give it another `deck:` id")
            )
        if not files:  # the first file with this id owns it; a clashing one does not
            files.append((shown, real))
    return clashes


def id_clash_warnings(decks: list[tuple[Path, str]]) -> list[Problem]:
    """Warnings for `quiz validate`: each (file, deck id) whose id an installed deck (built-in or in the
    user deck folder) or an earlier file of `decks` has already; study and the others refuse such a file."""
    named = [(path, path.resolve(), deck_id) for path, deck_id in decks]
    return [
        Problem(str(path), 1, 1, message, warning=True)
        for path, message in _id_clashes(named, find_decks(outline=True))
    ]


__all__ = [
    "BUILTIN_ORDER",
    "DeckEntry",
    "builtin_deck_dir",
    "did_you_mean",
    "find_decks",
    "id_clash_warnings",
    "resolve",
    "tag_counts",
    "unknown_tags",
]
