"""`quiz import` replaces a deck in place only when it is its own output, unedited since (issue 11):
the `imported:` mark, which the format owns, records a hash of what was written."""

from __future__ import annotations

import pytest
from conftest import run_in_process

from dense1x1quiz.authoring.import_deck import import_to_deck
from dense1x1quiz.authoring.import_mark import mark, mark_state
from dense1x1quiz.deck import check_deck, load_deck
from dense1x1quiz.errors import QuizError

LIMITS = {"memory_mib": 1024, "timeout": 30}
NOTES = "Q: What is a 1×1 conv?\nA: A dense layer at every pixel.\n\nQ: Does it change H×W?\nA: No.\n"


def one_line(stderr: str) -> str:
    return " ".join(stderr.split())


def test_a_hand_written_deck_starting_with_the_old_comment_is_not_replaced_without_force(tmp_path):
    """The issue's case: a hand-written deck whose first line is `# Imported from …` lost its 10 cards."""
    cards = "".join(f"  - {{id: card-{i}, front: q{i}, back: a{i}}}\n" for i in range(10))
    hand_written = f"# Imported from my head, then typed by hand\ndeck: mine\ntitle: Mine\ncards:\n{cards}"
    deck = tmp_path / "deck.yaml"
    deck.write_text(hand_written, encoding="utf-8")
    notes = tmp_path / "notes.md"
    notes.write_text(NOTES, encoding="utf-8")
    result = run_in_process("import", str(notes), "-o", str(deck), **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    assert one_line(result.stderr) == (
        f"Error: {deck} has no `imported:` mark (decks from an older `quiz import` have only a comment, which a "
        "hand-written deck may carry too); importing into it would replace its cards (10 cards; 10 not in the "
        "new import: card-0, card-1, card-2, card-3, card-4 and 5 more). Use -o to write somewhere else, or "
        "--force to replace it"
    )
    assert deck.read_text(encoding="utf-8") == hand_written


def test_an_import_edited_since_is_not_replaced_without_force_and_the_refusal_says_what_is_lost(tmp_path):
    notes, deck = tmp_path / "notes.md", tmp_path / "deck.yaml"
    notes.write_text(NOTES + "\nQ: Who used it first?\nA: Network in Network.\n", encoding="utf-8")
    assert run_in_process("import", str(notes), "-o", str(deck), **LIMITS).returncode == 0
    edited = (
        deck.read_text(encoding="utf-8").replace("back: No.", "back: No, never.")
        + "  - {id: my-own, front: Added by hand, back: here}\n"
    )
    deck.write_text(edited, encoding="utf-8")
    notes.write_text(NOTES.replace("Q: What is", "Q: What exactly is"), encoding="utf-8")

    result = run_in_process("import", str(notes), "-o", str(deck), **LIMITS)
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        f"Error: {deck} was edited after `quiz import` wrote it; importing again would replace it (4 cards; "
        "2 not in the new import: who-used-it-first, my-own; 2 changed by it: what-is-a-1x1-conv, "
        "does-it-change-hw). Use -o to write somewhere else, or --force to replace it"
    )
    assert deck.read_text(encoding="utf-8") == edited

    forced = run_in_process("import", str(notes), "-o", str(deck), "--force", **LIMITS)
    assert forced.returncode == 0, forced.stderr
    assert "removed 2: who-used-it-first, my-own" in forced.stdout
    assert [c.id for c in load_deck(deck).cards] == ["what-is-a-1x1-conv", "does-it-change-hw"]  # ids kept
    assert mark_state(deck.read_bytes()) == "intact"


def test_an_unedited_import_is_updated_in_place_keeping_ids(tmp_path):
    notes, deck = tmp_path / "notes.md", tmp_path / "deck.yaml"
    notes.write_text(NOTES, encoding="utf-8")
    first = import_to_deck(notes, deck)
    assert mark_state(deck.read_bytes()) == "intact"
    notes.write_text(NOTES.replace("Q: What is", "Q: What exactly is"), encoding="utf-8")
    again = import_to_deck(notes, deck)
    assert again.updated and again.changes.changed == ["what-is-a-1x1-conv"]
    assert [c.id for c in again.deck.cards] == [c.id for c in first.deck.cards]
    assert mark_state(deck.read_bytes()) == "intact"


def test_the_mark_holds_the_hash_of_everything_else_in_the_file():
    body = "# a comment\ndeck: d\ntitle: D\ncards:\n  - {id: a, front: q, back: a}\n"
    marked = mark(body, "notes: 1.md").encode()
    assert marked.splitlines()[1].startswith(b'imported: {from: "notes: 1.md", sha256: ')
    assert mark_state(marked) == "intact"
    assert mark_state(body.encode()) == "absent"
    assert mark_state(marked.replace(b"back: a", b"back: b")) == "edited"
    assert mark_state(marked.replace(b"# a comment", b"# a Comment")) == "edited"
    copied = marked.splitlines(keepends=True)[1]  # the mark line pasted onto another deck
    assert mark_state(copied + b"deck: e\ntitle: E\ncards: []\n") == "edited"
    assert mark_state(marked + copied) == "edited"  # two marks


@pytest.mark.parametrize(
    ("mark_line", "message"),
    [
        (
            "imported: notes.md",
            "3:11: `imported` is the mark `quiz import` writes ({from: NOTES, sha256: HASH}), "
            "not text; remove the line if you did not mean it",
        ),
        ("imported: {from: n.md, sha: 0}", "3:11: missing `sha256`|3:24: unknown key `sha`; did you mean `sha256`?"),
        ("imported: {from: n.md, sha256: abc}", "3:32: `sha256` must be 64 hex digits (0-9, a-f)"),
        ("imported: {sha256: " + "0" * 64 + "}", "3:11: missing `from`"),
    ],
)
def test_a_malformed_mark_is_a_problem_with_its_place(tmp_path, mark_line, message):
    path = tmp_path / "d.yaml"
    path.write_text(f"deck: d\ntitle: D\n{mark_line}\ncards:\n  - {{id: a, front: q, back: a}}\n")
    deck, problems = check_deck(path)
    assert [str(p) for p in problems] == [f"{path}:{each}" for each in message.split("|")]


def test_a_well_formed_mark_validates(tmp_path):
    path = tmp_path / "d.yaml"
    path.write_text(f"deck: d\ntitle: D\nimported: {{from: n.md, sha256: {'ab' * 32}}}\ncards: []\n")
    assert check_deck(path)[1] == []
    with pytest.raises(QuizError, match="was edited after `quiz import` wrote it"):
        notes = tmp_path / "n.md"
        notes.write_text(NOTES, encoding="utf-8")
        import_to_deck(notes, path)
