"""What `quiz new`, `quiz import` and `quiz export` print: plain lines, never wrapped (paths stay whole)."""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from dense1x1quiz.text import one_line
from dense1x1quiz.ui.console import make_console

SHOW = 8  # ids listed before "…"


def _say(console: Console, line: str) -> None:
    """One line, shown literally: it may quote paths, ids or words from the notes, so controls are made visible."""
    console.print(Text(one_line(line)), soft_wrap=True)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOW])
    return shown + (f", … ({len(ids) - SHOW} more)" if len(ids) > SHOW else "")


def print_new(path) -> None:
    out = make_console()
    _say(out, f"Wrote {path}: an example deck with every card kind.")
    _say(out, f"Edit it, check it with `quiz validate {path}`, study it with `quiz study {path}`.")


def print_import(result) -> None:
    """The import report: encoding and mojibake repairs and skipped parts on stderr, what was written on stdout."""
    err, out = make_console(stderr=True), make_console()
    notes = result.notes
    if notes.decoded_as != "utf-8":
        _say(err, f"warning: {result.notes_path} is not UTF-8; read it as {notes.decoded_as}")
    if notes.repairs:
        plural = "s" if len(notes.repairs) != 1 else ""
        _say(
            err,
            f"Repaired mojibake (UTF-8 that had been read as Windows-1252/1254) on {len(notes.repairs)} line{plural}:",
        )
        for repair in notes.repairs:  # every line: a reader checks each one against the notes
            change = f"dropped {repair.before!r}" if not repair.after else f"{repair.before!r} → {repair.after!r}"
            _say(err, f"  line {repair.line}: {change}")
    for warning in notes.warnings:
        _say(err, warning)
    deck, changes = result.deck, result.changes
    if result.renamed_from:
        _say(out, f"Deck id `{result.renamed_from}` is taken; using `{deck.id}`.")
    _say(out, f"{'Updated' if result.updated else 'Wrote'} {result.path}")
    _say(
        out,
        f"  deck `{deck.id}`: {_n(result.authored, 'card')} and {_n(len(deck.tables), 'table')} "
        f"({_n(len(deck.cards), 'study card')})",
    )
    if result.updated:
        _say(out, f"  unchanged {changes.unchanged}")
        for label, ids in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
            _say(out, f"  {label} {len(ids)}" + (f": {_ids(ids)}" if ids else ""))
    _say(out, f"Study it with `quiz study {deck.id if result.in_user_folder else result.path}`.")


def print_anki_import(result, history=None) -> None:
    """The report of an Anki import (authoring/anki_import.AnkiImport; `history`: anki_history.HistoryImport,
    its review log's): warnings on stderr, what was read and written on stdout."""
    err, out = make_console(stderr=True), make_console()
    for warning in result.warnings:
        _say(err, f"warning: {warning}")
    collection = result.collection
    what = {"anki21b": "Anki package", "anki21": "Anki package (2.1 format)", "anki2": "Anki package (2.0 format)"}
    kind = what.get(collection.format, "Anki text export")
    read = f"Read {result.source}: {kind}, {_n(len(collection.notes), 'note')}"
    _say(out, read + (f", {_n(len(collection.reviews), 'review')}" if collection.format != "text" else ""))
    for written in result.decks:
        deck = written.deck
        if written.renamed_from:
            _say(out, f"Deck id `{written.renamed_from}` is taken; using `{deck.id}`.")
        _say(
            out,
            f"{'Updated' if written.updated else 'Wrote'} {written.path}: deck `{deck.id}` ({deck.title}), "
            f"{_n(written.authored, 'card')} ({_n(len(deck.cards), 'study card')})",
        )
    if result.images:
        _say(out, f"Copied {_n(len(result.images), 'image')} into {result.media_folder}")
    counts = [f"{_n(result.total('added'), 'new card')}", f"{result.total('unchanged')} unchanged"]
    for label in ("changed", "removed"):
        if result.total(label):
            counts.append(f"{result.total(label)} {label}")
    _say(out, ", ".join(counts))
    if result.suspended:
        now, kept = result.suspended_here  # a suspension set here before (either way) is the user's: kept
        parts = ([f"{now:,} suspended here too"] if now else []) + ([f"{kept:,} left as set here"] if kept else [])
        line = f"{_n(result.suspended, 'card')} {'was' if result.suspended == 1 else 'were'} suspended in Anki"
        _say(out, line + (": " + ", ".join(parts) if parts else ""))
    for line in history.lines() if history is not None else ():
        _say(out, line)
    in_folder = all(d.path.resolve().parent == _user_deck_dir().resolve() for d in result.decks)
    names = " ".join(d.deck.id if in_folder else str(d.path) for d in result.decks)
    _say(out, f"Study with `quiz study {names}`.")


def _user_deck_dir():
    from dense1x1quiz.env import user_deck_dir

    return user_deck_dir()


def print_export(result, fmt: str) -> None:
    err = make_console(stderr=True)
    out = err if result.to_stdout else make_console()  # stdout holds the export itself
    what = _n(result.notes, "Anki note") if fmt in ("apkg", "csv") else f"{result.notes} cards and tables"
    _say(out, f"Wrote {what} to standard output." if result.to_stdout else f"Wrote {result.path}: {what}.")
    if fmt == "apkg":
        _say(out, "Import it in Anki with File ▸ Import; a later export updates these notes.")
    elif fmt == "csv":
        _say(out, "Import it in Anki with File ▸ Import (the header lines set the columns).")
    for card_id in result.problems:
        _say(err, f"warning: card `{card_id}` will not read back exactly from Markdown")


__all__ = ["print_anki_import", "print_export", "print_import", "print_new"]
