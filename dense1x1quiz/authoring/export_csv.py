"""Deck → a text file Anki imports (File ▸ Import): CSV or TSV with Anki's `#` header lines.

Notes use Anki's stock note types, which every collection has: Basic, Basic (and reversed card),
Basic (type in the answer) and Cloze. Multiple-choice cards and table rows become Basic notes.
The GUID column (deck id + card id) lets a second import update notes instead of duplicating them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dense1x1quiz.authoring.anki_html import to_html
from dense1x1quiz.authoring.draft import DeckDraft, Item
from dense1x1quiz.authoring.export_apkg import anki_deck_name, table_notes
from dense1x1quiz.authoring.files import write_text_atomically

NOTETYPES = {"basic": "Basic", "reversed": "Basic (and reversed card)", "typed": "Basic (type in the answer)",
             "choice": "Basic", "cloze": "Cloze"}
COLUMNS = ("guid", "notetype", "deck", "front", "back", "tags")


def _fields(item: Item) -> tuple[str, str, str]:
    """(note type, first field, second field)."""
    if item.kind == "cloze":
        return NOTETYPES["cloze"], to_html(item.cloze), to_html(item.explain)
    back = to_html(item.answer)
    if item.kind == "choice":
        front = to_html(item.front) + "<ol>" + "".join(f"<li>{to_html(o)}</li>" for o in item.options) + "</ol>"
        return NOTETYPES["choice"], front, back + (f"<br><br>{to_html(item.explain)}" if item.explain else "")
    kind = "reversed" if item.kind == "basic" and item.reverse else item.kind
    return NOTETYPES[kind], to_html(item.front), back


def rows(draft: DeckDraft) -> list[tuple[str, ...]]:
    """The notes as (guid, notetype, deck, front, back, tags) rows."""
    import genanki

    name = anki_deck_name(draft)
    out = []
    for item in draft.items:
        notetype, front, back = _fields(item)
        tags = " ".join(dict.fromkeys((*draft.tags, *item.tags)))
        out.append((genanki.guid_for(draft.id, item.id), notetype, name, front, back, tags))
    for table in draft.tables:
        tags = " ".join(dict.fromkeys((*draft.tags, *table.tags)))
        for key, (front, back, whole, _source) in table_notes(table):
            out.append((genanki.guid_for(draft.id, f"{table.id}:{key}"), "Basic", name, front,
                        f"{back}<br><br>{whole}", tags))
    return out


def to_csv_text(draft: DeckDraft, separator: str = "\t") -> str:
    """The file's text; `separator` is a tab (TSV) or a comma (CSV)."""
    buffer = io.StringIO()
    buffer.write(f"#separator:{'Tab' if separator == chr(9) else 'Comma'}\n#html:true\n")
    buffer.write(f"#columns:{separator.join(COLUMNS)}\n")
    buffer.write("#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n")
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n")
    writer.writerows(rows(draft))
    return buffer.getvalue()


def export_csv(draft: DeckDraft, path: Path) -> int:
    """Write the deck for Anki's text importer: comma-separated for `.csv`, tab-separated otherwise."""
    separator = "," if path.suffix.lower() == ".csv" else "\t"
    text = to_csv_text(draft, separator)
    write_text_atomically(path, text)
    return len(rows(draft))


__all__ = ["COLUMNS", "NOTETYPES", "export_csv", "rows", "to_csv_text"]
