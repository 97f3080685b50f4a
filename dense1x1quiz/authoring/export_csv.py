"""Deck → a text file Anki imports (File ▸ Import): CSV or TSV with Anki's `#` header lines.

Notes use Anki's stock note types, which every collection has: Basic, Basic (and reversed card),
Basic (type in the answer) and Cloze. Multiple-choice cards and table rows become Basic notes.
The GUID column (deck id + card id) lets a second import update notes instead of duplicating them.

Every cell is quoted, so a record never splits and a GUID starting with `#` is not read as a comment
line. Spreadsheet formula injection (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`,
a tab or CR (or their full-width forms) would be evaluated by a spreadsheet. OWASP's `'` prefix would
show in Anki, so the card fields, which are HTML, start with that character as an HTML character
reference instead (`-3` → `&#45;3`): a spreadsheet sees text starting with `&`, and Anki shows and
grades `-3` as before. The deck name is not HTML: it gets OWASP's `'`, which Anki keeps (a deck titled
`=x` is imported from CSV as `'=x`; the package keeps `=x`). Anki trims a leading space, but then
files each note of that deck into a new deck (`=x+`, `=x++`, …), so a space will not do.
GUIDs are left alone: a hash cannot spell a formula, and changing one would duplicate the note.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from dense1x1quiz.authoring.anki_html import cloze_to_html, to_html
from dense1x1quiz.authoring.draft import DeckDraft, Item
from dense1x1quiz.authoring.export_apkg import anki_deck_name, table_notes
from dense1x1quiz.authoring.files import write_text_atomically

NOTETYPES = {
    "basic": "Basic",
    "reversed": "Basic (and reversed card)",
    "typed": "Basic (type in the answer)",
    "choice": "Basic",
    "cloze": "Cloze",
}
COLUMNS = ("guid", "notetype", "deck", "front", "back", "tags")
# First characters that make a spreadsheet read a cell as a formula (OWASP, plus full-width forms).
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")


def _fields(item: Item) -> tuple[str, str, str]:
    """(note type, first field, second field)."""
    if item.kind == "cloze":
        return NOTETYPES["cloze"], cloze_to_html(item.cloze), to_html(item.explain)
    back = to_html(item.answer)
    if item.kind == "choice":
        front = to_html(item.front) + "<ol>" + "".join(f"<li>{to_html(o)}</li>" for o in item.options) + "</ol>"
        return NOTETYPES["choice"], front, back + (f"<br><br>{to_html(item.explain)}" if item.explain else "")
    kind = "reversed" if item.kind == "basic" and item.reverse else item.kind
    return NOTETYPES[kind], to_html(item.front), back


def inert_html(field: str) -> str:
    """An HTML field that no spreadsheet evaluates: a formula's first character as a character reference."""
    return f"&#{ord(field[0])};{field[1:]}" if field[:1] in FORMULA_STARTS else field


def inert_name(name: str) -> str:
    """A deck name that no spreadsheet evaluates: `'` before a formula's first character (OWASP)."""
    return f"'{name}" if name[:1] in FORMULA_STARTS else name


def rows(draft: DeckDraft) -> list[tuple[str, ...]]:
    """The notes as (guid, notetype, deck, front, back, tags) rows."""
    import genanki

    name = inert_name(anki_deck_name(draft))
    out: list[tuple[str, ...]] = []
    for item in draft.items:
        notetype, front, back = _fields(item)
        tags = " ".join(dict.fromkeys((*draft.tags, *item.tags)))  # ids: they start with a letter or digit
        out.append((genanki.guid_for(draft.id, item.id), notetype, name, inert_html(front), inert_html(back), tags))
    for table in draft.tables:
        tags = " ".join(dict.fromkeys((*draft.tags, *table.tags)))
        for key, (front, back, whole, _source) in table_notes(table):
            out.append(
                (
                    genanki.guid_for(draft.id, f"{table.id}:{key}"),
                    "Basic",
                    name,
                    inert_html(front),
                    f"{back}<br><br>{whole}",
                    tags,
                )
            )  # the back starts with `<table`
    return out


def to_csv_text(draft: DeckDraft, separator: str = "\t") -> str:
    """The file's text; `separator` is a tab (TSV) or a comma (CSV)."""
    buffer = io.StringIO()
    buffer.write(f"#separator:{'Tab' if separator == chr(9) else 'Comma'}\n#html:true\n")
    buffer.write(f"#columns:{separator.join(COLUMNS)}\n")
    buffer.write("#guid column:1\n#notetype column:2\n#deck column:3\n#tags column:6\n")
    writer = csv.writer(buffer, delimiter=separator, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerows(rows(draft))
    return buffer.getvalue()


def export_csv(draft: DeckDraft, path: Path) -> int:
    """Write the deck for Anki's text importer: comma-separated for `.csv`, tab-separated otherwise."""
    separator = "," if path.suffix.lower() == ".csv" else "\t"
    text = to_csv_text(draft, separator)
    write_text_atomically(path, text)
    return len(rows(draft))


__all__ = ["COLUMNS", "FORMULA_STARTS", "NOTETYPES", "export_csv", "inert_html", "inert_name", "rows", "to_csv_text"]
