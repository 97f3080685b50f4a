"""`quiz edit CARD` and the study key `e`: a card's deck file opened in the user's editor at the card's line.

The editor works on a copy in a temporary folder (same file name); when it exits, the copy is validated as
the deck file it will become. A deck with problems is not saved: the problems are shown and "Edit again?"
reopens the copy (as `crontab -e` does); declining keeps the copy and names it. A valid copy replaces the
deck file at once (written beside it, then renamed). A built-in deck is never edited: the edit is saved to
the user deck folder under the same file name, where a deck with a built-in deck's id replaces that deck
(catalog.py). History is keyed by (deck id, card id): a card that keeps its id keeps its history, and the
result says when the id (or the deck's id) changed.

The editor is `$VISUAL`, else `$EDITOR`, else `vi`, split as a shell would (shlex), and is told the line in
the way it understands (`editor_command`). Pure of ui/: questions and messages go through `ask` and `tell`.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from dense1x1quiz.errors import QuizError
from dense1x1quiz.text import one_line, quoted

if TYPE_CHECKING:
    from dense1x1quiz.model import Card, Deck

# Editors that take `+LINE FILE` (vi and its kin, nano, emacs, micro, kakoune, joe …).
PLUS_LINE = frozenset(
    "vi vim nvim gvim mvim view vim.basic vim.tiny elvis nvi vile nano pico rnano emacs emacsclient micro kak "
    "joe jed jmacs jstar mg ne mcedit gedit".split()
)
# Editors that take `FILE:LINE` (with a flag to wait until the file is closed, added when missing).
FILE_COLON_LINE = {
    "code": ("--wait", "-g"),
    "code-insiders": ("--wait", "-g"),
    "codium": ("--wait", "-g"),
    "cursor": ("--wait", "-g"),
    "subl": ("--wait", None),
    "sublime_text": ("--wait", None),
    "zed": ("--wait", None),
    "hx": (None, None),
    "helix": (None, None),
}


@dataclass(frozen=True)
class Edited:
    """What an edit did: `saved` False when nothing was written (no change, or the edit was abandoned);
    `path` the deck file written (or that would have been); `card` the card as it is now (None if its id is gone);
    `copied_from` the built-in deck file the edit started from (None for a user's deck)."""

    saved: bool
    path: Path
    card: Card | None
    copied_from: Path | None
    messages: tuple[str, ...]
    deck: Deck | None = None  # the deck as saved
    before: Deck | None = None  # the deck edited
    previous: bytes | None = None  # the file's bytes before (None: there was no file: a built-in deck's copy)
    data: bytes = b""  # the bytes saved


def revert(edited: Edited) -> str | None:
    """Put the deck file back as it was before `edited` (a built-in deck's copy is removed); what stops it
    (the file changed since), or None when done."""
    from dense1x1quiz.userfiles import read_user_file

    try:
        if read_user_file(edited.path, what="a deck file") != edited.data:
            return f"{edited.path} changed since"
    except QuizError:
        return f"{edited.path} cannot be read"
    try:
        if edited.previous is None:
            edited.path.unlink()
        else:
            _write_atomically(edited.path, edited.previous)
    except QuizError as exc:
        return str(exc)
    except OSError as exc:
        from dense1x1quiz.userfiles import why

        return f"{edited.path} cannot be removed: {why(exc)}"
    return None


def editor_command(path: str, line: int, environ: Mapping[str, str] | None = None) -> list[str]:
    """The command that opens `path` at `line` in the user's editor ($VISUAL, else $EDITOR, else vi)."""
    environ = os.environ if environ is None else environ
    variable, value = next(((v, environ[v]) for v in ("VISUAL", "EDITOR") if environ.get(v, "").strip()), ("", "vi"))
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise QuizError(f"${variable} is not a command line ({exc}): {quoted(one_line(value))}") from None
    if not words:  # pragma: no cover - a value of blanks is skipped above
        words = ["vi"]
    name = os.path.basename(words[0]).lower().removesuffix(".exe")
    if name in PLUS_LINE:
        return [*words, f"+{max(line, 1)}", path]
    if name in FILE_COLON_LINE:
        wait, goto = FILE_COLON_LINE[name]
        extra = [wait] if wait and wait not in words and "-w" not in words else []
        extra += [goto] if goto and goto not in words else []
        return [*words, *extra, f"{path}:{max(line, 1)}"]
    return [*words, path]  # an editor we do not know: the file only


def run_editor(command: list[str]) -> int:
    """Run the editor and wait for it; its exit status. An editor that cannot be started is a QuizError."""
    try:
        return subprocess.run(command, check=False).returncode
    except OSError as exc:
        from dense1x1quiz.userfiles import why

        raise QuizError(
            f"cannot run the editor {quoted(one_line(command[0]))}: {why(exc)}; set VISUAL or EDITOR to an editor "
            "that waits until the file is closed (for example: export EDITOR=nano)"
        ) from None


def find_card(name: str) -> tuple[Deck, Card]:
    """(deck, card) that CARD names, read as `quiz suspend` reads it (`DECK:ID`, where ID may hold colons, as
    a cloze's `cz:c1` does; DECK may be a deck file's path): a QuizError with the closest ids when it names
    no card, a UsageError for a bare deck."""
    from dense1x1quiz.cards import pick
    from dense1x1quiz.catalog import resolve

    decks = list(resolve([]))

    def load(path: str) -> Deck:
        deck = resolve([path])[0]
        decks.append(deck)
        return deck

    [card] = pick([name], list(decks), allow_deck=False, load=load)
    return next(deck for deck in decks if deck.id == card.deck), card


def edit_card(
    deck: Deck,
    card: Card,
    *,
    ask: Callable[[str], bool],
    tell: Callable[[str], None],
    environ: Mapping[str, str] | None = None,
    editor: Callable[[list[str]], int] = run_editor,
) -> Edited:
    """Open `card`'s deck file (`deck`: a model.Deck) in the editor at the card's line; validate; save when
    valid (see the module doc). `tell` shows a line, `ask` a yes/no question (True: yes)."""
    from dense1x1quiz.catalog import builtin_deck_dir
    from dense1x1quiz.deck import check_deck_bytes
    from dense1x1quiz.env import user_deck_dir
    from dense1x1quiz.userfiles import read_user_file

    source = Path(deck.path)
    original = read_user_file(source, what="a deck file")
    copied_from = None
    target = source
    if _inside(source, builtin_deck_dir()):
        copied_from, target = source, user_deck_dir() / source.name
        if target.exists():
            raise QuizError(
                f"{deck.id} is a built-in deck and {target} exists already (another deck): "
                "move that file away, then edit again"
            )
        tell(
            f"{deck.id} is a built-in deck: your edit will be saved to {target}, which then replaces it "
            "(the installed package is never edited)."
        )
    from dense1x1quiz.userfiles import why

    try:  # the editor works on a copy in a private temporary folder
        folder = Path(tempfile.mkdtemp(prefix="quiz-edit-"))
        copy = folder / source.name
        copy.write_bytes(original)
    except OSError as exc:
        raise QuizError(f"cannot make a copy of {source} to edit (in {tempfile.gettempdir()}): {why(exc)}") from None
    line = card.line or 1
    while True:
        status = editor(editor_command(str(copy), line, environ))
        if status != 0:
            raise QuizError(f"the editor exited with status {status}: nothing was saved (your edit is kept in {copy})")
        data = read_user_file(copy, what="a deck file")
        if data == original:
            shutil.rmtree(folder, ignore_errors=True)
            return Edited(False, target, card, None, ("No changes.",))
        new_deck, problems = check_deck_bytes(target, data)
        errors = [p for p in problems if not p.warning]
        for problem in problems:
            tell(one_line(str(problem)))
        if new_deck is not None and not errors:
            break
        if not ask("The deck has problems and was not saved. Edit again? [Y/n] "):
            raise QuizError(f"the deck has problems; nothing was saved (your edit is kept in {copy})")
        line = errors[0].line if errors else line
    if copied_from is None and source.exists() and read_user_file(source, what="a deck file") != original:
        raise QuizError(f"{source} changed while you edited it; nothing was saved (your edit is kept in {copy})")
    _write_atomically(target, data)
    shutil.rmtree(folder, ignore_errors=True)
    result = _outcome(deck, card, new_deck, target, copied_from)
    return replace(result, deck=new_deck, before=deck, previous=None if copied_from else original, data=data)


def _outcome(deck: Deck, card: Card, new_deck: Deck, target: Path, copied_from: Path | None) -> Edited:
    """The Edited of a saved edit, with what it means for the card's history."""
    old_id, new_id = deck.id, new_deck.id
    card_id = card.id
    messages = [f"Saved {target}."]
    now = next((c for c in new_deck.cards if c.id == card_id), None)
    if old_id != new_id:
        messages.append(
            f"The deck's id changed from {old_id} to {new_id}: its history stays under {old_id} "
            f"(quiz cards --orphans lists it); put back `deck: {old_id}` to keep it."
        )
    elif now is None:
        old_ids = {c.id for c in deck.cards}
        added = [c.id for c in new_deck.cards if c.id not in old_ids]
        changed = f" to {quoted(added[0])}" if len(added) == 1 else ""
        messages.append(
            f"The card's id changed from {quoted(card_id)}{changed}: its history stays under the old id "
            f"(quiz cards --orphans lists it); put back `id: {card_id}` to keep it."
        )
    else:
        messages.append(f"{old_id}:{card_id} kept its id, and so its history.")
    return Edited(True, target, now if old_id == new_id else None, copied_from, tuple(messages))


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:  # pragma: no cover - a path that cannot be resolved is not the package's
        return False


def _write_atomically(path: Path, data: bytes) -> None:
    """`data` as the file `path`: written beside it and renamed over it (a crash leaves the old or the new)."""
    from dense1x1quiz.userfiles import why

    path.parent.mkdir(parents=True, exist_ok=True)
    part = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(part, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(part, path)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise QuizError(f"cannot write {path}: {why(exc)}") from None


__all__ = ["Edited", "edit_card", "editor_command", "find_card", "revert", "run_editor"]
