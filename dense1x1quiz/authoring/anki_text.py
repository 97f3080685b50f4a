"""Anki's text export (File ▸ Export ▸ Notes in Plain Text, Anki 2.1.54+) read into an AnkiCollection.

The file starts with header lines (https://docs.ankiweb.net/importing/text-files.html#file-headers):
`#separator:tab`, `#html:true`, `#notetype:Basic` / `#notetype column:2`, `#deck:…` / `#deck column:3`,
`#tags column:7`, `#guid column:1`, `#tags:…` (added to every note), `#columns:…` (names only). Rows are
CSV with that separator (quotes doubled). A file with no header lines is read as tab-separated plain
text. The text export holds no templates, so note types are known by name only: Anki's stock names (in
English) take their stock shape; a first field with `{{c1::…}}` and no note type is a cloze; any other
named note type is "other" (a basic card from its first two fields, with a warning). A note without a
GUID column gets one from its first field, as Anki matches such notes on import.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from dense1x1quiz.authoring.anki_package import AnkiCard, AnkiCollection, AnkiDeck, AnkiNote, AnkiNotetype
from dense1x1quiz.errors import QuizError

MAX_TEXT_BYTES = 64 << 20
_SEPARATORS = {"comma": ",", "semicolon": ";", "tab": "\t", "space": " ", "pipe": "|", "colon": ":"}
_HEADER_RE = re.compile(r"#([a-z ]+):(.*)$", re.IGNORECASE)
_CLOZE_RE = re.compile(r"\{\{c\d+::")
_ANSWER = "{{FrontSide}}<hr id=answer>"
# Anki's stock note types (English names): fields and templates as Anki makes them.
STOCK: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "Basic": ("standard", ("Front", "Back"), (("{{Front}}", _ANSWER + "{{Back}}"),)),
    "Basic (and reversed card)": (
        "standard",
        ("Front", "Back"),
        (("{{Front}}", _ANSWER + "{{Back}}"), ("{{Back}}", _ANSWER + "{{Front}}")),
    ),
    "Basic (optional reversed card)": (
        "standard",
        ("Front", "Back", "Add Reverse"),
        (("{{Front}}", _ANSWER + "{{Back}}"), ("{{#Add Reverse}}{{Back}}{{/Add Reverse}}", _ANSWER + "{{Front}}")),
    ),
    "Basic (type in the answer)": ("standard", ("Front", "Back"), (("{{Front}}\n\n{{type:Back}}", _ANSWER),)),
    "Cloze": ("cloze", ("Text", "Back Extra"), (("{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"),)),
}


def read_text_export(path: Path, data: bytes) -> tuple[AnkiCollection, bool]:
    """The notes of Anki's text export `data` (read from `path`) and whether their fields are HTML."""
    text = data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")
    headers: dict[str, str] = {}
    lines = text.split("\n")
    at = 0
    while at < len(lines) and lines[at].startswith("#"):
        m = _HEADER_RE.match(lines[at])
        if m:
            headers[m.group(1).strip().lower()] = m.group(2).strip()
        at += 1
    sep_name = headers.get("separator", "tab")
    sep = _SEPARATORS.get(sep_name.lower(), sep_name[:1] or "\t")
    html_fields = headers.get("html", "false" if not headers else "true").lower() == "true"
    try:
        rows = list(csv.reader(io.StringIO("\n".join(lines[at:])), delimiter=sep, quotechar='"', strict=False))
    except csv.Error as exc:
        raise QuizError(f"{path} cannot be read as Anki's text export: {exc}") from None
    columns = {key: _column(headers, f"{key} column", path) for key in ("guid", "notetype", "deck", "tags")}
    fixed_tags = tuple(headers.get("tags", "").split())
    notetypes: dict[str, AnkiNotetype] = {}
    decks: dict[str, AnkiDeck] = {}
    notes, cards, guids = [], [], set()
    for number, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        special = {key: (row[col] if col is not None and col < len(row) else "") for key, col in columns.items()}
        taken = {col for col in columns.values() if col is not None}
        fields = [cell for i, cell in enumerate(row) if i not in taken]
        while len(fields) > 1 and not fields[-1].strip():
            fields.pop()  # Anki pads every row to the widest note type's field count
        name = special["notetype"] or headers.get("notetype", "")
        if not name:
            name = "Cloze" if fields and _CLOZE_RE.search(fields[0]) else "Basic"
        notetype = notetypes.get(name) or notetypes.setdefault(name, _notetype(len(notetypes) + 1, name, len(fields)))
        deck_name = special["deck"] or headers.get("deck", "") or path.stem
        deck = decks.get(deck_name) or decks.setdefault(deck_name, AnkiDeck(len(decks) + 1, deck_name))
        guid = special["guid"] or (fields[0] if fields else f"row {number}")
        while guid in guids:  # two notes with the same first field: still two cards
            guid += "\x1f"
        guids.add(guid)
        fields += [""] * (len(notetype.field_names) - len(fields))
        notes.append(AnkiNote(number, guid, notetype.id, tuple(fields), (*special["tags"].split(), *fixed_tags)))
        cards.append(AnkiCard(number, number, deck.id, 0, 0))
    collection = AnkiCollection(
        notes,
        cards,
        {d.id: d for d in decks.values()},
        {nt.id: nt for nt in notetypes.values()},
        [],
        source=path,
        format="text",
    )
    return collection, html_fields


def _column(headers: dict[str, str], key: str, path: Path) -> int | None:
    value = headers.get(key)
    if value is None:
        return None
    if not value.isdigit() or int(value) < 1:
        raise QuizError(f"{path}: the header line #{key}:{value} must name a column by its number (1, 2, …)")
    return int(value) - 1


def _notetype(ntid: int, name: str, width: int) -> AnkiNotetype:
    kind, fields, templates = STOCK.get(name, ("standard", tuple(f"Field {i + 1}" for i in range(width)), ()))
    return AnkiNotetype(ntid, name, kind, fields, tuple(f"Card {i + 1}" for i in range(len(templates))), templates)


__all__ = ["read_text_export"]
