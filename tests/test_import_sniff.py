"""`quiz import` reads what a file is from its content and refuses what is not Markdown notes (issue 11):
a quiz deck, quiz's CSV export, a binary file (Anki's packages and text export are imported since issue 12:
test_anki_import.py). The samples are
real: made by `quiz export` and by Anki's own exporter (the `anki` package)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import run_in_process

from dense1x1quiz.authoring.sniff import file_kind
from dense1x1quiz.catalog import builtin_deck_dir

NOTES = Path(__file__).parent / "fixtures" / "dense-vs-1x1.md"
LIMITS = {"memory_mib": 1024, "timeout": 30}


def anki_exports(folder: Path) -> dict[str, Path]:
    """Notes and cards of a small collection in plain text, written by Anki's exporter."""
    pytest.importorskip("anki")
    from anki.collection import Collection
    from anki.decks import DeckId
    from anki.import_export_pb2 import ExportLimit

    col = Collection(str(folder / "collection.anki2"))
    try:
        for front, back in [
            ("What does a 1×1 convolution do?", "A dense layer across channels, at every pixel."),
            ("Does a 1×1 conv change H×W?", "No"),
        ]:
            note = col.new_note(col.models.by_name("Basic"))
            note["Front"], note["Back"] = front, back
            note.tags = ["cnn"]
            col.add_note(note, DeckId(1))
        cloze = col.new_note(col.models.by_name("Cloze"))
        cloze["Text"] = "A 1×1 conv is {{c1::a dense layer}} per pixel."
        col.add_note(cloze, DeckId(1))
        every = ExportLimit(whole_collection={})
        paths = {name: folder / f"{name}.txt" for name in ("anki-notes", "anki-notes-bare", "anki-cards")}
        col.export_note_csv(
            out_path=str(paths["anki-notes"]),
            limit=every,
            with_html=True,
            with_tags=True,
            with_deck=True,
            with_notetype=True,
            with_guid=True,
        )
        col.export_note_csv(
            out_path=str(paths["anki-notes-bare"]),
            limit=every,
            with_html=False,
            with_tags=False,
            with_deck=False,
            with_notetype=False,
            with_guid=False,
        )
        col.export_card_csv(out_path=str(paths["anki-cards"]), limit=every, with_html=False)
    finally:
        col.close()
    # Anki before 2.1.54 wrote no header lines: the same records without them.
    old = folder / "anki-old.txt"
    old.write_text(
        "".join(
            line
            for line in paths["anki-notes-bare"].read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("#")
        ),
        encoding="utf-8",
    )
    return {**paths, "anki-old": old}


@pytest.fixture(scope="module")
def samples(tmp_path_factory) -> dict[str, Path]:
    """One real file of every kind `quiz import` may be given."""
    folder = tmp_path_factory.mktemp("samples")
    env = {"DENSE1X1QUIZ_HOME": str(folder / "home")}
    for name in ("quiz.csv", "quiz.tsv", "quiz.apkg"):
        fmt = "apkg" if name.endswith("apkg") else "csv"
        result = run_in_process("export", "dense-vs-1x1", "--format", fmt, "-o", str(folder / name), env=env)
        assert result.returncode == 0, result.stderr
    binary = folder / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return {
        "quiz.csv": folder / "quiz.csv",
        "quiz.tsv": folder / "quiz.tsv",
        "quiz.apkg": folder / "quiz.apkg",
        "deck": builtin_deck_dir() / "dense-vs-1x1.yaml",
        "binary": binary,
        "notes": NOTES,
        **anki_exports(folder),
    }


KINDS = {
    "quiz.csv": "quiz-csv",
    "quiz.tsv": "quiz-csv",
    "quiz.apkg": "anki-package",
    "deck": "deck",
    "binary": "binary",
    "notes": "notes",
    "anki-notes": "anki-text",
    "anki-notes-bare": "anki-text",
    "anki-cards": "anki-text",
    "anki-old": "anki-text",
}


@pytest.mark.parametrize("sample", KINDS)
def test_file_kind_of_a_real_sample_of_each_kind(samples, sample):
    assert file_kind(samples[sample].read_bytes()) == KINDS[sample]


def test_notes_with_a_stray_escape_code_tabs_or_yaml_lines_are_still_notes():
    assert file_kind(b"# Notes\n\nQ: What is ESC?\nA: \x1b, byte 27\n") == "notes"
    assert file_kind(b"| a\t| b |\n|---|---|\n| 1\t| 2 |\n") == "notes"  # a Markdown table with tabs
    assert file_kind(b"## Config\n\ndeck: a word in a sentence\n\nmore text\n") == "notes"


MESSAGES = {
    "quiz.csv": "{path} is a CSV export for Anki (written by `quiz export`); import it in Anki, "
    "or use the deck it was made from",
    "binary": "{path} is not a text file (it holds binary data); quiz import reads Markdown notes",
    "deck": "{path} is already a quiz deck; use it directly (quiz study {path}) or copy it into {home}/decks",
}


@pytest.mark.parametrize("sample", MESSAGES)
def test_import_refuses_what_is_not_notes_and_writes_nothing(samples, sample, tmp_path, isolated_home):
    out = tmp_path / "out.yaml"
    result = run_in_process("import", str(samples[sample]), "-o", str(out), **LIMITS)
    expected = MESSAGES[sample].format(path=samples[sample], home=isolated_home)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", f"Error: {expected}\n")
    assert not out.exists()


README = Path(__file__).parent.parent / "README.md"
FENCED_DECK = "deck: shown\ntitle: Shown\ncards:\n  - {id: a, front: q, back: a}\n"


@pytest.mark.parametrize(
    "notes",
    [
        pytest.param(
            f"# Notes\n\nA deck looks like this:\n\n```yaml\n{FENCED_DECK}```\n\nMore notes.\n", id="backticks"
        ),
        pytest.param(
            f"---\ntitle: My notes\n---\n\n~~~~\n{FENCED_DECK}~~~\n~~~~\n\nQ: what?\nA: that\n",
            id="front-matter-and-tildes",
        ),
        pytest.param(f"tags: [a]\n\n  ```\n{FENCED_DECK}", id="unclosed-indented-fence"),
        pytest.param(f"Topic: decks\n\n{FENCED_DECK}", id="another-key-first"),
        pytest.param("# Notes\n\n" + "".join(f"    {line}\n" for line in FENCED_DECK.splitlines()), id="indented-code"),
        pytest.param(f"Q: is this a deck?\nA: no\n\n{FENCED_DECK}", id="yaml-lines-under-notes"),
    ],
)
def test_notes_showing_a_deck_in_a_code_block_are_notes(notes):
    assert file_kind(notes.encode()) == "notes"


def test_the_readme_which_shows_decks_in_fenced_blocks_is_notes(tmp_path, isolated_home):
    assert file_kind(README.read_bytes()) == "notes"
    result = run_in_process("import", str(README), "-o", str(tmp_path / "readme.yaml"), **LIMITS)
    assert result.returncode == 0, result.stderr
    assert "is already a quiz deck" not in result.stderr


@pytest.mark.parametrize(
    "deck",
    [
        pytest.param(FENCED_DECK, id="plain"),
        pytest.param(f"# a comment\n#\n---\n{FENCED_DECK}", id="comments-and-document-start"),
        pytest.param(
            f"%YAML 1.2\n---\ntitle: T\ndescription: |\n  ```python\n  x = 1\n  ```\n{FENCED_DECK}",
            id="fence-in-a-block-scalar",
        ),
        pytest.param("title: Tables only\ndeck: t\ntables: []\n", id="tables"),
    ],
)
def test_a_deck_is_a_deck_whatever_comes_before_its_keys(deck):
    assert file_kind(deck.encode()) == "deck"
