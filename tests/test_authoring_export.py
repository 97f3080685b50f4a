"""`quiz export`: Markdown that imports back into the same cards; packages and CSV that Anki itself imports."""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from dense1x1quiz.authoring.draft import draft_from_deck
from dense1x1quiz.authoring.export_deck import export_deck
from dense1x1quiz.authoring.import_deck import write_checked
from dense1x1quiz.authoring.markdown_import import parse_notes
from dense1x1quiz.catalog import builtin_deck_dir
from dense1x1quiz.deck import load_deck, slug
from dense1x1quiz.errors import QuizError
from dense1x1quiz.model import cloze_numbers

KINDS = Path(__file__).parent / "fixtures" / "authoring-kinds.yaml"
DECKS = [KINDS, *sorted(builtin_deck_dir().glob("*.yaml"))]


def comparable(card):
    """A card without where it was written (line numbers differ between files)."""
    return replace(card, line=0, table=replace(card.table, line=0) if card.table else None)


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_markdown_round_trip_is_identity_on_every_card(path, tmp_path):
    deck = load_deck(path)
    md = export_deck(deck, "md", tmp_path / "deck.md")
    assert md.problems == []
    # parse + write as `quiz import` does (`quiz import` itself would refuse a built-in deck's id: see below)
    notes = parse_notes(md.path.read_text(encoding="utf-8"), "unused")
    assert notes.warnings == []
    back = load_deck(write_checked(notes.draft, tmp_path / "again.yaml").path)
    assert (back.id, back.title, back.description, back.tags) == (deck.id, deck.title, deck.description, deck.tags)
    # A cloze's other right answers (`accept: {c1: [...]}`) have no place in Markdown: the export leaves
    # them out, and they are all the round trip loses. (A basic card's go as `Accept:` with `type: basic`.)
    written = [replace(c, accept=()) if c.kind == "cloze" else c for c in deck.cards]
    assert [comparable(c) for c in back.cards] == [comparable(c) for c in written]
    assert [replace(t, line=0) for t in back.tables] == [replace(t, line=0) for t in deck.tables]


def test_markdown_export_reads_well(tmp_path):
    text = export_deck(load_deck(KINDS), "md", tmp_path / "k.md").path.read_text()
    assert text.startswith("# Every kind 🧠 – with \\* and \\ and | pipes\n\n<!-- deck: kinds\n")
    assert "<!-- id: c1 -->\nQ: Which is a 1×1 conv? | pipe\n- [x] nn.Conv2d(k=1)\n- [ ] nn.Linear\n" in text
    assert "| Input | vector $x \\in R^{n}$ | tensor $\\|x\\|$ |" in text


def test_cli_export_then_import_markdown(tmp_path, cli):
    out = tmp_path / "kinds.md"
    result = cli("export", str(KINDS), "--format", "md", "-o", str(out))
    assert (result.returncode, result.stdout, result.stderr) == (0, f"Wrote {out}: 6 cards and tables.\n", "")
    deck_file = tmp_path / "kinds.yaml"
    result = cli("import", str(out), "-o", str(deck_file))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote {deck_file}",
        "  deck `kinds`: 5 cards and 1 table (15 study cards)",
        f"Study it with `quiz study {deck_file}`.",
    ]
    again = cli("import", str(out), "-o", str(deck_file))
    assert again.stdout.splitlines()[1:6] == [
        "  deck `kinds`: 5 cards and 1 table (15 study cards)",
        "  unchanged 6",
        "  added 0",
        "  changed 0",
        "  removed 0",
    ]


def test_export_never_overwrites_a_file_it_did_not_write(tmp_path):
    notes = tmp_path / "my-notes.md"
    notes.write_text("# precious notes\n")
    with pytest.raises(QuizError, match="is not an earlier `quiz export --format md`"):
        export_deck(load_deck(KINDS), "md", notes)
    assert notes.read_text() == "# precious notes\n"
    first = export_deck(load_deck(KINDS), "md", tmp_path / "k.md")
    export_deck(load_deck(KINDS), "md", first.path)  # an earlier export is replaced


@pytest.mark.parametrize(
    "fmt, name, foreign",
    [
        # the notes a user imports carry `<!-- deck: … -->` too: that alone is no export
        ("md", "notes.md", b"<!-- deck: kinds -->\n# my notes\n\nQ: a?\nA: b\n"),
        ("apkg", "thesis.apkg", None),  # a zip of something else
        ("csv", "anki-own.txt", b"#separator:tab\n#html:false\nfront\tback\n"),  # Anki's own text export
    ],
)
def test_export_refuses_look_alikes_and_replaces_its_own(tmp_path, fmt, name, foreign):
    import zipfile

    path = tmp_path / name
    if foreign is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("chapter1.tex", "\\section{One}")
    else:
        path.write_bytes(foreign)
    before = path.read_bytes()
    with pytest.raises(QuizError, match=f"is not an earlier `quiz export --format {fmt}`"):
        export_deck(load_deck(KINDS), fmt, path)
    assert path.read_bytes() == before
    ours = tmp_path / f"ours-{name}"
    export_deck(load_deck(KINDS), fmt, ours)
    export_deck(load_deck(KINDS), fmt, ours)  # a second export replaces the first


# -- Anki --------------------------------------------------------------------------------------------


def from_html(field: str) -> str:
    """An Anki field back to deck text: the inverse of what the exporter should have done."""
    text = field.replace("<br>", "\n").replace(r"\(", "$").replace(r"\)", "$").replace(r"\[", "$$").replace(r"\]", "$$")
    return html.unescape(text)


def expected_cards(deck) -> int:
    count = 0
    for item in draft_from_deck(deck).items:
        count += 2 if item.reverse else len(cloze_numbers(item.cloze)) if item.kind == "cloze" else 1
    return count + sum(len(t.rows) for t in deck.tables)


@pytest.fixture
def collection(tmp_path):
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def import_apkg(col, path: Path):
    """Import as Anki's File ▸ Import does, with its default options (update notes if newer)."""
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


@pytest.mark.parametrize("path", DECKS, ids=lambda p: p.stem)
def test_anki_imports_every_note_and_field(path, tmp_path, collection):
    import genanki

    deck = load_deck(path)
    draft = draft_from_deck(deck)
    result = export_deck(deck, "apkg", tmp_path / "deck.apkg")
    log = import_apkg(collection, result.path)
    items, tables = draft.items, draft.tables
    assert len(log.new) == result.notes == len(items) + sum(len(t.rows) for t in tables)
    assert collection.card_count() == expected_cards(deck)
    notes = {n.guid: n for n in (collection.get_note(i) for i in collection.find_notes(""))}
    kinds = {"basic": "Basic", "typed": "Basic (type in the answer)", "choice": "Multiple choice", "cloze": "Cloze"}
    for item in items:
        note = notes[genanki.guid_for(deck.id, item.id)]
        kind = "Basic (and reversed card)" if item.reverse else kinds[item.kind]
        assert note.note_type()["name"] == f"dense1x1quiz {kind}"
        assert sorted(note.tags) == sorted({*deck.tags, *item.tags})
        fields = {name: from_html(value) for name, value in note.items()}
        if item.kind == "cloze":
            assert (fields["Text"], fields["Back Extra"]) == (item.cloze, item.explain)
        elif item.kind == "choice":
            assert (fields["Front"], fields["Back"], fields["Explain"]) == (item.front, item.answer, item.explain)
            assert [from_html(o) for o in re.findall(r"<li>(.*?)</li>", note["Options"], re.S)] == list(item.options)
        else:
            assert (fields["Front"], fields["Back"]) == (item.front, item.answer)
        if item.kind == "typed":
            assert fields["Explain"].startswith(item.explain)
        if item.source:
            assert fields["Source"].startswith(item.source)
    for table in tables:
        for r, row in enumerate(table.rows):
            note = notes[genanki.guid_for(deck.id, f"{table.id}:{slug(row[0]) or f'row{r + 1}'}")]
            assert note.note_type()["name"] == "dense1x1quiz Table row"
            front = from_html(note["Front"])
            assert front == f"{table.title}\n<b>{table.columns[0]}: {row[0]}</b>"
            cells = [from_html(c) for c in re.findall(r"<td>(.*?)</td>", note["Back"], re.S)]
            assert cells == [x for pair in zip(table.columns[1:], row[1:], strict=True) for x in pair]


def test_a_second_export_updates_the_notes_instead_of_duplicating_them(tmp_path, collection, monkeypatch):
    deck = load_deck(KINDS)
    monkeypatch.setenv("DENSE1X1QUIZ_NOW", "2026-11-26T10:00:00Z")
    import_apkg(collection, export_deck(deck, "apkg", tmp_path / "one.apkg").path)
    before = (collection.note_count(), collection.card_count())
    again = import_apkg(collection, export_deck(deck, "apkg", tmp_path / "two.apkg").path)
    assert len(again.new) == 0
    assert (collection.note_count(), collection.card_count()) == before

    edited = tmp_path / "edited.yaml"
    edited.write_text(KINDS.read_text().replace('answer: "No"', 'answer: "Yes"'))
    monkeypatch.setenv("DENSE1X1QUIZ_NOW", "2026-11-27T10:00:00Z")  # a later export: Anki takes newer notes
    log = import_apkg(collection, export_deck(load_deck(edited), "apkg", tmp_path / "three.apkg").path)
    assert (len(log.new), len(log.updated)) == (0, 7)
    assert collection.note_count() == before[0]
    typed = collection.find_notes('"note:dense1x1quiz Basic (type in the answer)"')
    answers = {collection.get_note(i)["Back"] for i in typed}
    assert answers == {"2048", "Yes"}


def test_csv_has_anki_headers_and_anki_imports_it_once(tmp_path, collection):
    from anki.collection import ImportCsvRequest

    deck = load_deck(KINDS)
    result = export_deck(deck, "csv", tmp_path / "kinds.tsv")
    lines = result.path.read_text(encoding="utf-8").splitlines()
    assert lines[:7] == [
        "#separator:Tab",
        "#html:true",
        "#columns:guid\tnotetype\tdeck\tfront\tback\ttags",
        "#guid column:1",
        "#notetype column:2",
        "#deck column:3",
        "#tags column:6",
    ]
    assert result.notes == len(lines) - 7 == 7
    for _ in range(2):
        metadata = collection.get_csv_metadata(path=str(result.path), delimiter=None)
        collection.import_csv(ImportCsvRequest(path=str(result.path), metadata=metadata))
        assert collection.note_count() == 7
    types = sorted(collection.get_note(i).note_type()["name"] for i in collection.find_notes(""))
    assert types == [
        "Basic",
        "Basic",
        "Basic",
        "Basic (and reversed card)",
        "Basic (type in the answer)",
        "Basic (type in the answer)",
        "Cloze",
    ]
    comma = export_deck(deck, "csv", tmp_path / "kinds.csv").path.read_text(encoding="utf-8")
    assert comma.startswith("#separator:Comma\n#html:true\n")


def test_markdown_export_warns_about_what_it_cannot_carry(tmp_path):
    deck_file = tmp_path / "br.yaml"
    deck_file.write_text(
        'deck: br\ntitle: Br\ncards:\n  - {id: ok, front: "a <br> b", back: x}\n'
        '  - {id: math, front: "$a<br>b$", back: y}\n'
    )
    assert export_deck(load_deck(deck_file), "md", tmp_path / "br.md").problems == ["math"]


def test_anki_note_types_templates_and_mathjax(tmp_path, collection):
    import genanki

    import_apkg(collection, export_deck(load_deck(KINDS), "apkg", tmp_path / "k.apkg").path)
    by_guid = {n.guid: n for n in (collection.get_note(i) for i in collection.find_notes(""))}
    note = by_guid[genanki.guid_for("kinds", "t1")]
    assert note["Front"] == r"Params of a 1×1 conv, \(C_{in}=64\), \(C_{out}=32\) (no bias)?"
    assert note["Explain"] == r"\(64 \times 32\)<br>Also accepted: 2,048, 2 048"
    assert note["Source"] == "Try: quiz demo shapes --cin 64 --cout 32"
    typed = note.note_type()
    assert "{{type:Back}}" in typed["tmpls"][0]["qfmt"] and "{{type:Back}}" in typed["tmpls"][0]["afmt"]
    cloze = by_guid[genanki.guid_for("kinds", "z1")]
    assert cloze.note_type()["type"] == 1  # Anki's cloze kind: one card per {{cN::…}}
    assert len(cloze.cards()) == 2
    reverse = by_guid[genanki.guid_for("kinds", "b1")]
    assert [c.question() != "" for c in reverse.cards()] == [True, True]
    assert "Every kind 🧠 – with * and \\ and | pipes" in [d.name for d in collection.decks.all_names_and_ids()]
