"""What `quiz new`, `quiz import` and `quiz export` print."""

from __future__ import annotations

from rich.text import Text

from dense1x1quiz.ui.console import make_console

SHOW = 8  # ids listed per line before "…"


def _ids(ids: list[str]) -> str:
    shown = ", ".join(ids[:SHOW])
    return shown + (f", … ({len(ids) - SHOW} more)" if len(ids) > SHOW else "")


def print_new(path) -> None:
    out = make_console()
    out.print(Text(f"Wrote {path}: an example deck with every card kind."))
    out.print(Text(f"Edit it, then check it with `quiz validate {path}` and study it with `quiz study {path}`."))


def print_import(result) -> None:
    """The import report: mojibake repaired (stderr), skipped parts (stderr), then what was written."""
    err, out = make_console(stderr=True), make_console()
    notes = result.notes
    if notes.decoded_as != "utf-8":
        err.print(Text(f"warning: {result.notes_path} is not UTF-8; read it as {notes.decoded_as}"))
    if notes.repairs:
        err.print(Text(f"Repaired mojibake (UTF-8 text that had been read as Windows-1252/1254) "
                       f"on {len(notes.repairs)} line{'s' if len(notes.repairs) != 1 else ''}:"))
        for repair in notes.repairs[:SHOW]:
            err.print(Text(f"  line {repair.line}: {repair.before!r} → {repair.after!r}"))
        if len(notes.repairs) > SHOW:
            err.print(Text(f"  … and {len(notes.repairs) - SHOW} more lines"))
    for warning in notes.warnings:
        err.print(Text(warning))
    deck, changes = result.deck, result.changes
    if result.renamed_from:
        out.print(Text(f"Deck id `{result.renamed_from}` is taken; using `{deck.id}`."))
    verb = "Updated" if result.updated else "Wrote"
    out.print(Text(f"{verb} {result.path}"))
    out.print(Text(f"  deck `{deck.id}`: {result.authored} cards and {len(deck.tables)} tables "
                   f"({len(deck.cards)} study cards)"))
    if result.updated:
        out.print(Text(f"  unchanged {changes.unchanged}"))
        for label, ids in (("added", changes.added), ("changed", changes.changed), ("removed", changes.removed)):
            out.print(Text(f"  {label} {len(ids)}" + (f": {_ids(ids)}" if ids else "")))
    out.print(Text(f"Study it with `quiz study {deck.id if result.in_user_folder else result.path}`."))


def print_export(result, fmt: str) -> None:
    out, err = make_console(), make_console(stderr=True)
    what = {"apkg": "Anki notes", "csv": "Anki notes", "md": "cards and tables"}[fmt]
    out.print(Text(f"Wrote {result.path}: {result.notes} {what}."))
    if fmt == "apkg":
        out.print(Text("Import it in Anki with File ▸ Import; a later export updates these notes."))
    elif fmt == "csv":
        out.print(Text("Import it in Anki with File ▸ Import (the header lines set the columns)."))
    for card_id in result.problems:
        err.print(Text(f"warning: card `{card_id}` will not read back exactly from Markdown"))


__all__ = ["print_export", "print_import", "print_new"]
