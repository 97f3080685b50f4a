"""`quiz new`, `quiz import`, `quiz export` run as a user runs them: exact output, exit codes, files."""

from __future__ import annotations

from pathlib import Path

from dense1x1quiz.deck import check_deck, load_deck

FIXTURE = Path(__file__).parent / "fixtures" / "dense-vs-1x1.md"


def one_line(stderr: str) -> str:
    """An error message as one line (ui.console.print_error wraps long messages at the terminal width)."""
    return " ".join(stderr.split())


def test_new_writes_a_deck_with_every_kind_that_validates(tmp_path, cli):
    path = tmp_path / "my-deck.yaml"
    result = cli("new", str(path), "--title", "Conv: my #1 deck")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        f"Wrote {path}: an example deck with every card kind.\n"
        f"Edit it, check it with `quiz validate {path}`, study it with `quiz study {path}`.\n"
    )
    deck, problems = check_deck(path)
    assert problems == []
    assert (deck.id, deck.title) == ("my-deck", "Conv: my #1 deck")
    assert {c.kind for c in deck.cards} == {"basic", "typed", "choice", "cloze", "table"}
    assert path.read_text().count("\n  # ") >= 4  # the kinds are explained in comments
    assert cli("validate", str(path)).returncode == 0


def test_new_refuses_to_overwrite(tmp_path, cli):
    path = tmp_path / "deck.yaml"
    path.write_text("mine\n")
    result = cli("new", str(path))
    assert (result.returncode, result.stdout) == (1, "")
    assert one_line(result.stderr) == f"Error: {path} already exists; not overwriting it (choose another name)"
    assert path.read_text() == "mine\n"


def test_import_into_the_user_deck_folder_then_study_by_name(tmp_path, cli, isolated_home):
    notes = tmp_path / "conv-notes.md"
    notes.write_text(FIXTURE.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli("import", str(notes))
    deck_file = isolated_home / "decks" / "conv-notes.yaml"
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"Wrote {deck_file}",
        "  deck `conv-notes`: 11 cards and 2 tables (33 study cards)",
        "Study it with `quiz study conv-notes`.",
    ]
    assert result.stderr.splitlines() == [
        f"{notes}:76: code block skipped (cards hold no code)",
        f"{notes}:83: code block skipped (cards hold no code)",
    ]
    assert load_deck(deck_file).id == "conv-notes"
    listed = cli("decks", "--json")
    assert "conv-notes" in listed.stdout


def test_import_reports_mojibake_repairs(tmp_path, cli):
    notes = tmp_path / "pasted.md"
    notes.write_text("# Dense â€“ 1Ã—1\n\nQ: Shape of a 1Ã—1 kernel?\nA: 1Ã—1Ã—C\n", encoding="utf-8")
    out = tmp_path / "pasted.yaml"
    result = cli("import", str(notes), "-o", str(out), "--deck-id", "pasted")
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "Repaired mojibake (UTF-8 that had been read as Windows-1252/1254) on 3 lines:",
        "  line 1: 'â€“' → '–'",
        "  line 3: 'Ã—' → '×'",
        "  line 4: 'Ã—' → '×'",
    ]
    assert result.stdout.splitlines()[1] == "  deck `pasted`: 1 card and 0 tables (1 study card)"
    (card,) = load_deck(out).cards
    assert (card.prompt, card.answer) == ("Shape of a 1×1 kernel?", "1×1×C")


def test_import_errors_are_one_line(tmp_path, cli):
    missing = cli("import", str(tmp_path / "nope.md"))
    assert (missing.returncode, one_line(missing.stderr)) == (1, f"Error: no such file: {tmp_path / 'nope.md'}")
    notes = tmp_path / "n.md"
    notes.write_text("Q: a?\nA: b\n")
    bad_id = cli("import", str(notes), "--deck-id", "no spaces please")
    assert bad_id.returncode == 2
    assert one_line(bad_id.stderr) == (
        "Error: --deck-id 'no spaces please' is not a valid id (letters, digits, '.', '_', '-'; at most 80)"
    )
    other = tmp_path / "other.yaml"
    other.write_text("- a list, not a deck\n")
    refused = cli("import", str(notes), "-o", str(other))
    assert refused.returncode == 1
    assert one_line(refused.stderr) == (
        f"Error: {other} exists and is not a usable deck (the top level of a deck must be a mapping "
        "(deck:, title:, cards:), not a list); not overwriting it. Use --force to replace it, "
        "or -o to write somewhere else"
    )
    assert other.read_text() == "- a list, not a deck\n"
    assert cli("import", str(notes), "-o", str(other), "--force").returncode == 0


def test_export_every_format_of_a_built_in_deck(tmp_path, cli):
    for fmt, name in (("apkg", "d.apkg"), ("csv", "d.csv"), ("md", "d.md")):
        result = cli("export", "dense-vs-1x1", "--format", fmt, "-o", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith(f"Wrote {tmp_path / name}: ")
        assert (tmp_path / name).stat().st_size > 0
    unknown = cli("export", "no-such-deck", "--format", "md")
    assert unknown.returncode == 2 and unknown.stderr.startswith("Error: no deck named 'no-such-deck'")


def test_import_never_replaces_a_hand_written_deck_without_force(tmp_path, cli, isolated_home):
    decks = isolated_home / "decks"
    decks.mkdir(parents=True)
    mine = decks / "physics.yaml"
    hand_written = "deck: physics\ntitle: Physics\ncards:\n  - {id: newton, front: F?, back: m·a}\n"
    mine.write_text(hand_written, encoding="utf-8")
    notes = tmp_path / "physics.md"
    notes.write_text("Q: What is a 1×1 conv?\nA: A dense layer at every pixel.\n", encoding="utf-8")

    result = cli("import", str(notes))
    assert result.returncode == 1
    assert one_line(result.stderr) == (
        f"Error: {mine} is a deck that `quiz import` did not write; importing into it "
        "would replace its cards (1 card; 1 not in the new import: newton). Use -o "
        "to write somewhere else, or --force to replace it"
    )
    assert mine.read_text(encoding="utf-8") == hand_written

    assert cli("import", str(notes), "--force").returncode == 0
    assert [c.prompt for c in load_deck(mine).cards] == ["What is a 1×1 conv?"]
    again = cli("import", str(notes))  # a deck that import wrote is updated in place
    assert again.returncode == 0, again.stderr


def test_new_on_a_full_disk_leaves_no_half_file(tmp_path, monkeypatch, cli):
    """`quiz new` on a full disk says it in the words every file write uses (`the disk is full`, as an
    export does), and leaves no half deck behind."""
    import errno
    import os

    import pytest

    from dense1x1quiz.authoring import scaffold
    from dense1x1quiz.errors import QuizError

    class FullDisk:
        def __init__(self, fd, *args, **kwargs):
            os.close(fd)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def write(self, text):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(scaffold.os, "fdopen", FullDisk)
    path = tmp_path / "deck.yaml"
    with pytest.raises(QuizError, match=f"cannot write {path}: the disk is full"):
        scaffold.write_scaffold(path)
    assert not path.exists()  # so `quiz new` can simply be run again
    result = cli("new", str(path))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot write {path}: the disk is full\n"
    assert not path.exists()
