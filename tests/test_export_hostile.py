"""Exports that deck text cannot break: control characters, formula cells, `#` GUIDs, `}}` in cloze math.

Each is proved with Anki's own importer (the `anki` package of the test extra).
"""

from __future__ import annotations

import csv
import html
import io
import textwrap
from pathlib import Path

import pytest

from dense1x1quiz.authoring.anki_html import cloze_to_html
from dense1x1quiz.authoring.controls import neutral_controls
from dense1x1quiz.authoring.export_csv import FORMULA_STARTS
from dense1x1quiz.authoring.export_deck import export_deck
from dense1x1quiz.deck import load_deck

# Card ids chosen so that the notes' GUIDs start with `#`, `=`, `@`, `-` and `+` (the issue's `inj`/`c491`).
HOSTILE = textwrap.dedent("""\
    deck: inj
    title: "=1+1 \\e[2J deck\\x1f"
    cards:
      - {id: c491, front: "a\\x1fb", back: "c\\rd"}
      - {id: c1712, front: '=HYPERLINK("http://x")', back: "-3"}
      - {id: c1975, front: "+1", back: "@SUM(A1)"}
      - {id: c3213, front: "\\tq", answer: "-3"}
      - {id: c3907, cloze: "{{c1::e\\x1ff}} \\r\\n x\\x85"}
""")
GUIDS = {"c491": "#wmaIHgE%", "c1712": "=4LOR5ylR", "c1975": "@K&]:{pF-", "c3213": "-KI.=!fF}", "c3907": "+NHl6A89["}
DECK_NAME = "=1+1 ␛[2J deck␟"


@pytest.fixture
def hostile(tmp_path):
    path = tmp_path / "inj.yaml"
    path.write_text(HOSTILE)
    return load_deck(path)


@pytest.fixture
def collection(tmp_path):
    from anki.collection import Collection

    col = Collection(str(tmp_path / "collection.anki2"))
    yield col
    col.close()


def notes_by_guid(col) -> dict:
    return {n.guid: n for n in (col.get_note(i) for i in col.find_notes(""))}


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, *range(0x80, 0xA0)])
def test_each_control_character_has_one_fate_in_every_export(code):
    shown = neutral_controls(f"a{chr(code)}b")
    if chr(code) in "\t\n":
        assert shown == f"a{chr(code)}b"  # kept: a tab, and a line break (`<br>` in a field)
    elif chr(code) == "\r":
        assert shown == "a\nb"  # a bare CR is a line break
    elif code < 0x20:
        assert shown == f"a{chr(0x2400 + code)}b"  # its control picture, as on screen: ␟
    else:
        assert shown == f"a<U+{code:04X}>b"  # DEL and C1, as on screen
    assert neutral_controls("x\r\ny") == "x\ny"


def test_apkg_notes_have_their_type_s_fields_and_the_text_neutralised(hostile, tmp_path, collection):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    path = export_deck(hostile, "apkg", tmp_path / "inj.apkg").path
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    assert len(collection.import_anki_package(request).log.new) == 5
    notes = notes_by_guid(collection)
    assert sorted(notes) == sorted(GUIDS.values())
    for note in notes.values():
        assert len(note.fields) == len(note.note_type()["flds"])
    fields = {card: notes[guid].fields[:2] for card, guid in GUIDS.items()}
    assert fields == {
        "c491": ["a␟b", "c<br>d"],
        "c1712": ['=HYPERLINK("http://x")', "-3"],  # an Anki package is not read by spreadsheets
        "c1975": ["+1", "@SUM(A1)"],
        "c3213": ["\tq", "-3"],
        "c3907": ["{{c1::e␟f}} <br> x&lt;U+0085&gt;", ""],
    }
    assert DECK_NAME in [d.name for d in collection.decks.all_names_and_ids()]


def records(path: Path, separator: str) -> list[list[str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    body = [line for line in lines if line and not line.startswith("#")]
    return list(csv.reader(io.StringIO("\n".join(body)), delimiter=separator))


@pytest.mark.parametrize("name, separator", [("inj.csv", ","), ("inj.tsv", "\t")])
def test_csv_cells_start_no_formula_and_split_no_record(hostile, tmp_path, name, separator):
    path = export_deck(hostile, "csv", tmp_path / name).path
    raw = path.read_bytes()
    assert b"\r" not in raw and b"\x1f" not in raw
    rows = records(path, separator)
    assert len(rows) == 5 and all(len(row) == 6 for row in rows)
    assert [row[0] for row in rows] == list(GUIDS.values())  # GUIDs as in the package, so notes update
    for row in rows:
        assert all(cell[:1] not in FORMULA_STARTS for cell in row[1:]), row
    assert {row[2] for row in rows} == {"'" + DECK_NAME}
    assert [row[3:5] for row in rows] == [
        ["a␟b", "c<br>d"],
        ['&#61;HYPERLINK("http://x")', "&#45;3"],
        ["&#43;1", "&#64;SUM(A1)"],
        ["&#9;q", "&#45;3"],
        ["{{c1::e␟f}} <br> x&lt;U+0085&gt;", ""],
    ]
    assert all(line.startswith(("#", '"')) for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("name", ["inj.csv", "inj.tsv"])
def test_anki_imports_the_csv_one_note_per_card_and_shows_the_text(hostile, tmp_path, collection, name):
    from anki.collection import ImportCsvRequest

    path = export_deck(hostile, "csv", tmp_path / name).path
    metadata = collection.get_csv_metadata(path=str(path), delimiter=None)
    collection.import_csv(ImportCsvRequest(path=str(path), metadata=metadata))
    notes = notes_by_guid(collection)
    assert sorted(notes) == sorted(GUIDS.values())  # the `#` GUID's line is not skipped as a comment
    shown = {card: [html.unescape(f) for f in notes[guid].fields] for card, guid in GUIDS.items()}
    assert shown == {
        "c491": ["a␟b", "c<br>d"],
        "c1712": ['=HYPERLINK("http://x")', "-3"],
        "c1975": ["+1", "@SUM(A1)"],
        "c3213": ["\tq", "-3"],
        "c3907": ["{{c1::e␟f}} <br> x<U+0085>", ""],
    }
    assert {collection.decks.name(n.cards()[0].did) for n in notes.values()} == {"'" + DECK_NAME}  # OWASP's `'`
    typed = notes[GUIDS["c3213"]]
    assert "typeGood" in collection.compare_answer(typed["Back"], "-3")  # Anki still grades `-3` as right
    assert "typeBad" not in collection.compare_answer(typed["Back"], "-3")


MATH = textwrap.dedent("""\
    deck: mathcloze
    title: Math cloze
    cards:
      - {id: w, cloze: "The {{c1::$W_{a_{b}}$}} is {{c2::here::hint}}."}
      - {id: in-math, cloze: "$x = {{c1::\\\\frac{a}{b}}}$"}
      - {id: set, cloze: "A set {{c1::{1, {2}}}}"}
""")


def test_cloze_with_braces_in_math_is_written_the_way_anki_documents():
    assert cloze_to_html("The {{c1::$W_{a_{b}}$}} is") == r"The {{c1::\(W_{a_{b} }\)}} is"
    assert cloze_to_html("$x = {{c1::\\frac{a}{b}}}$") == r"\(x = {{c1::\frac{a}{b} }}\)"
    assert cloze_to_html("A set {{c1::{1, {2}}}}") == "A set {{c1::{1, {2}<!-- -->}<!-- -->}}"
    assert cloze_to_html("{{c1::$a{::}b$::hint}}") == r"{{c1::\(a{: :}b\)::hint}}"


def body(rendered: str) -> str:
    return rendered.split("</style>")[-1]


@pytest.mark.parametrize("fmt", ["apkg", "csv"])
def test_anki_renders_the_whole_formula(tmp_path, collection, fmt):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest, ImportCsvRequest

    deck_file = tmp_path / "math.yaml"
    deck_file.write_text(MATH)
    path = export_deck(load_deck(deck_file), fmt, tmp_path / f"math.{fmt}").path
    if fmt == "apkg":
        request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
        collection.import_anki_package(request)
    else:
        metadata = collection.get_csv_metadata(path=str(path), delimiter=None)
        collection.import_csv(ImportCsvRequest(path=str(path), metadata=metadata))
    cards = {}
    for note in notes_by_guid(collection).values():
        key = note.fields[0].split("{{c1::")[0]
        cards[key] = [(body(c.question()), body(c.answer()).rstrip("\n")) for c in note.cards()]
    w = cards["The "]
    assert w[0][0].startswith('The <span class="cloze" data-cloze="') and w[0][0].endswith(
        '[...]</span> is <span class="cloze-inactive" data-ordinal="2">here</span>.'
    )
    assert w[0][1].startswith(r'The <span class="cloze" data-ordinal="1">\(W_{a_{b} }\)</span> is ')
    assert w[1][0].startswith(r'The <span class="cloze-inactive" data-ordinal="1">\(W_{a_{b} }\)</span> is ')
    assert cards["\\(x = "] == [(r"\(x = [...]\)", r"\(x = \frac{a}{b} \)<br>")]
    assert cards["A set "][0][1] == 'A set <span class="cloze" data-ordinal="1">{1, {2}<!-- -->}<!-- --></span><br>'


def test_markdown_export_neutralises_controls_the_same_way_and_says_what_changed(hostile, tmp_path):
    result = export_deck(hostile, "md", tmp_path / "inj.md")
    text = result.path.read_text(encoding="utf-8")
    assert not any(ch in text for ch in "\r\x1b\x1f\x85")
    assert "Q: a␟b\nA: c<br>d\n" in text
    assert "Cloze: {{c1::e␟f}} <br> x<U+0085>\n" in text
    # they do not come back byte for byte, and the user is told (c3213: Markdown drops a leading tab)
    assert result.problems == ["c491", "c3213", "c3907"]
