"""Deck → Anki package (.apkg) with genanki.

Each card kind becomes the matching Anki note type (Basic, Basic and reversed, Basic type in the
answer, Cloze, plus Multiple choice and Table row). Note GUIDs come from the deck id and the card id,
so importing a newer export into Anki updates the notes instead of adding duplicates.
"""

from __future__ import annotations

from pathlib import Path

from dense1x1quiz.authoring.anki_html import cloze_to_html, stable_id, to_html
from dense1x1quiz.authoring.controls import neutral_controls
from dense1x1quiz.authoring.draft import DeckDraft, Item
from dense1x1quiz.authoring.files import write_atomically
from dense1x1quiz.deck import row_key as deck_row_key
from dense1x1quiz.model import DemoLink, Table

PREFIX = "dense1x1quiz"
CSS = """.card { font-family: sans-serif; font-size: 20px; text-align: center; }
.explain, .source { font-size: 15px; color: #666; margin-top: 1em; }
table.quiz { margin: auto; border-collapse: collapse; }
table.quiz td, table.quiz th { border: 1px solid #aaa; padding: 0.2em 0.6em; }
"""
_EXTRA = '<div class="explain">{{Explain}}</div>'
_SOURCE = '{{#Source}}<div class="source">{{Source}}</div>{{/Source}}'


def _models():
    import genanki

    def model(kind: str, fields: list[str], templates: list[tuple[str, str, str]], cloze: bool = False):
        name = f"{PREFIX} {kind}"
        return genanki.Model(
            stable_id(PREFIX, "model", kind),
            name,
            fields=[{"name": f} for f in fields],
            templates=[{"name": n, "qfmt": q, "afmt": a} for n, q, a in templates],
            css=CSS,
            model_type=genanki.Model.CLOZE if cloze else genanki.Model.FRONT_BACK,
        )

    answer = "{{FrontSide}}<hr id=answer>"
    return {
        "basic": model("Basic", ["Front", "Back", "Source"], [("Card 1", "{{Front}}", answer + "{{Back}}" + _SOURCE)]),
        "reversed": model(
            "Basic (and reversed card)",
            ["Front", "Back", "Source"],
            [
                ("Card 1", "{{Front}}", answer + "{{Back}}" + _SOURCE),
                ("Card 2", "{{Back}}", answer + "{{Front}}" + _SOURCE),
            ],
        ),
        "typed": model(
            "Basic (type in the answer)",
            ["Front", "Back", "Explain", "Source"],
            [("Card 1", "{{Front}}<br><br>{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}" + _EXTRA + _SOURCE)],
        ),
        "choice": model(
            "Multiple choice",
            ["Front", "Options", "Back", "Explain", "Source"],
            [("Card 1", "{{Front}}<br><br>{{Options}}", answer + "{{Back}}" + _EXTRA + _SOURCE)],
        ),
        "cloze": model(
            "Cloze",
            ["Text", "Back Extra", "Source"],
            [("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}" + _SOURCE)],
            cloze=True,
        ),
        "table": model(
            "Table row",
            ["Front", "Back", "Table", "Source"],
            [("Card 1", "{{Front}}", answer + "{{Back}}<br><br>{{Table}}" + _SOURCE)],
        ),
    }


def _source(source: str, demo: DemoLink | None) -> str:
    parts = [to_html(source)] if source else []
    if demo:
        flags = " ".join(f"--{k} {v}" for k, v in demo.params)
        parts.append(to_html(f"Try: quiz demo {demo.name} {flags}".rstrip()))
    return "<br>".join(parts)


def _item_fields(item: Item) -> tuple[str, list[str]]:
    src = _source(item.source, item.demo)
    if item.kind == "cloze":
        return "cloze", [cloze_to_html(item.cloze), to_html(item.explain), src]
    if item.kind == "typed":
        back = to_html(item.answer)
        explain = "<br>".join(
            x
            for x in (
                to_html(item.explain),
                ("Also accepted: " + to_html(", ".join(item.accept))) if item.accept else "",
            )
            if x
        )
        return "typed", [to_html(item.front), back, explain, src]
    if item.kind == "choice":
        options = "<ol>" + "".join(f"<li>{to_html(o)}</li>" for o in item.options) + "</ol>"
        return "choice", [to_html(item.front), options, to_html(item.answer), to_html(item.explain), src]
    return ("reversed" if item.reverse else "basic"), [to_html(item.front), to_html(item.answer), src]


def row_key(table: Table, r: int) -> str:
    """The row's id part, as the loader makes it (`table:row` note ids)."""
    return deck_row_key(table.rows[r][0], r)


def _html_table(columns: tuple[str, ...], rows: list[tuple[str, ...]], header: bool = True) -> str:
    head = "<tr>" + "".join(f"<th>{to_html(c)}</th>" for c in columns) + "</tr>" if header else ""
    body = "".join("<tr>" + "".join(f"<td>{to_html(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="quiz">{head}{body}</table>'


def table_notes(table: Table) -> list[tuple[str, list[str]]]:
    """One Anki note per table row: (row key, fields Front, Back, Table, Source)."""
    whole = _html_table(table.columns, list(table.rows))
    notes = []
    for r, row in enumerate(table.rows):
        front = f"{to_html(table.title)}<br><b>{to_html(table.columns[0])}: {to_html(row[0])}</b>"
        back = _html_table(("", ""), [(c, v) for c, v in zip(table.columns[1:], row[1:], strict=True)], header=False)
        notes.append((row_key(table, r), [front, back, whole, _source(table.source, table.demo)]))
    return notes


def anki_deck_name(draft: DeckDraft) -> str:
    """The deck's title as an Anki deck name: one line, no `::` (Anki's subdeck separator), no controls."""
    return " ".join(neutral_controls(draft.title).replace("::", ":").split())


def export_apkg(draft: DeckDraft, path: Path, timestamp: float | None = None) -> int:
    """Write the deck as an Anki package at `path`; returns the number of notes.

    `timestamp` (default: now) is the notes' modification time: Anki updates a note on import
    only when the package's copy is newer.
    """
    import genanki

    models = _models()
    deck = genanki.Deck(stable_id(PREFIX, "deck", draft.id), anki_deck_name(draft))
    for item in draft.items:
        kind, fields = _item_fields(item)
        deck.add_note(
            genanki.Note(
                model=models[kind],
                fields=fields,
                guid=genanki.guid_for(draft.id, item.id),
                tags=list(dict.fromkeys((*draft.tags, *item.tags))),
            )
        )
    for table in draft.tables:
        for key, fields in table_notes(table):
            deck.add_note(
                genanki.Note(
                    model=models["table"],
                    fields=fields,
                    guid=genanki.guid_for(draft.id, f"{table.id}:{key}"),
                    tags=list(dict.fromkeys((*draft.tags, *table.tags))),
                )
            )
    from dense1x1quiz.authoring.apkg_file import write_package  # genanki's own leaves its database in TMPDIR

    write_atomically(path, lambda tmp: write_package(genanki.Package(deck), tmp, timestamp=timestamp))
    return len(deck.notes)


__all__ = ["anki_deck_name", "export_apkg", "row_key", "table_notes"]
