"""`quiz edit CARD` (issue 15): the card's deck file in $VISUAL/$EDITOR at its line, validated after,
saved only when valid (the editor reopens on request), a built-in deck saved to the user deck folder."""

from __future__ import annotations

import json
import sqlite3
import sys
from contextlib import closing

import pytest

from dense1x1quiz.catalog import builtin_deck_dir
from dense1x1quiz.edit import editor_command

DECK = """\
deck: mini
title: Mini
cards:
  - id: first
    front: What is one plus one?
    back: two
  - id: second
    front: What does a 1x1 convolution mix?
    back: channels
"""

# A fake editor: records its arguments, then replaces OLD by NEW in the file it is given (the last
# argument, without a `:LINE` suffix). Run number n (counted in a file) uses the n-th pair of EDITS.
EDITOR = """\
#!{python}
import json, sys, pathlib
log = pathlib.Path({log!r})
runs = json.loads(log.read_text()) if log.exists() else []
runs.append(sys.argv[1:])
log.write_text(json.dumps(runs))
path = pathlib.Path(sys.argv[-1].rsplit(":", 1)[0] if sys.argv[-1].count(":") else sys.argv[-1])
edits = {edits!r}
old, new = edits[min(len(runs), len(edits)) - 1]
path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
"""


def fake_editor(folder, name: str, edits: list[tuple[str, str]]):
    """An executable `name` in `folder` doing `edits` (one per run); returns (its path, its log file)."""
    log = folder / f"{name}.log"
    script = folder / name
    script.write_text(EDITOR.format(python=sys.executable, log=str(log), edits=edits))
    script.chmod(0o755)
    return script, log


def runs(log) -> list[list[str]]:
    return json.loads(log.read_text()) if log.exists() else []


@pytest.fixture
def deck(isolated_home):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    path = folder / "mini.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("variable", "expected"),
    [
        ("vi", ["vi", "+7", "f.yaml"]),
        ("/usr/bin/nvim -u NONE", ["/usr/bin/nvim", "-u", "NONE", "+7", "f.yaml"]),
        ("nano", ["nano", "+7", "f.yaml"]),
        ("emacsclient -t", ["emacsclient", "-t", "+7", "f.yaml"]),
        ("code", ["code", "--wait", "-g", "f.yaml:7"]),
        ("code --wait", ["code", "--wait", "-g", "f.yaml:7"]),
        ("subl -w", ["subl", "-w", "f.yaml:7"]),
        ("'/opt/my editor/bin/micro'", ["/opt/my editor/bin/micro", "+7", "f.yaml"]),
        ("ed", ["ed", "f.yaml"]),
    ],
)
def test_the_editor_is_told_the_line_its_way(variable, expected):
    assert editor_command("f.yaml", 7, {"EDITOR": variable}) == expected
    assert editor_command("f.yaml", 7, {"VISUAL": variable, "EDITOR": "nano"}) == expected
    assert editor_command("f.yaml", 7, {"VISUAL": " ", "EDITOR": variable}) == expected


def test_without_visual_or_editor_it_is_vi():
    assert editor_command("f.yaml", 3, {}) == ["vi", "+3", "f.yaml"]


def test_an_edit_is_saved_and_the_card_keeps_its_history(cli, deck, tmp_path, isolated_home):
    cli("study", str(deck), "--mode", "flip", input="\n3\nq\n", env={"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"})
    editor, log = fake_editor(tmp_path, "vi", [("What does a 1x1 convolution mix?", "What does a 1×1 conv mix?")])
    result = cli("edit", "mini:second", env={"EDITOR": str(editor)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Saved {deck}.\nmini:second kept its id, and so its history.\n"
    assert deck.read_text() == DECK.replace("a 1x1 convolution", "a 1×1 conv")
    [[line, copy]] = runs(log)
    assert line == "+7" and copy.endswith("/mini.yaml") and copy != str(deck)  # a temporary copy, at the card's line
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db:
        assert db.execute("SELECT deck, card FROM card_states").fetchall() == [("mini", "first")]


def test_no_change_saves_nothing(cli, deck, tmp_path):
    editor, log = fake_editor(tmp_path, "nano", [("nothing to find", "x")])
    result = cli("edit", "mini:first", env={"VISUAL": str(editor), "EDITOR": "no-such-editor"})
    assert (result.exit_code, result.stdout, result.stderr) == (0, "No changes.\n", "")
    assert deck.read_text() == DECK and runs(log)[0][0] == "+4"


def test_a_broken_deck_is_not_saved_and_the_editor_reopens_on_request(cli, deck, tmp_path):
    editor, log = fake_editor(tmp_path, "vi", [("back: two", "bakc: two"), ("bakc: two", "back: 2")])
    result = cli("edit", "mini:first", input="\n", env={"EDITOR": str(editor)})
    assert result.exit_code == 0
    assert result.stderr == (
        f"{deck}:4:5: missing `back`\n"
        f"{deck}:6:5: unknown key `bakc`; did you mean `back`?\n"
        "The deck has problems and was not saved. Edit again? [Y/n] "
    )
    assert result.stdout == f"Saved {deck}.\nmini:first kept its id, and so its history.\n"
    assert [r[0] for r in runs(log)] == ["+4", "+4"]
    assert deck.read_text() == DECK.replace("back: two", "back: 2")


def test_a_broken_deck_left_broken_is_not_saved(cli, deck, tmp_path):
    editor, _ = fake_editor(tmp_path, "vi", [("back: two", "bakc: two")])
    result = cli("edit", "mini:first", input="n\n", env={"EDITOR": str(editor)})
    assert (result.exit_code, result.stdout) == (1, "")
    question, error = result.stderr.split("? [Y/n] ")
    assert question.endswith("The deck has problems and was not saved. Edit again")
    assert error.startswith("Error: the deck has problems; nothing was saved (your edit is kept in /")
    kept = error.removeprefix("Error: the deck has problems; nothing was saved (your edit is kept in ").removesuffix(
        ")\n"
    )
    assert deck.read_text() == DECK
    with open(kept, encoding="utf-8") as f:
        assert f.read() == DECK.replace("back: two", "bakc: two")


def test_a_changed_id_is_said(cli, deck, tmp_path):
    editor, _ = fake_editor(tmp_path, "vi", [("id: second", "id: third")])
    result = cli("edit", "mini:second", env={"EDITOR": str(editor)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"Saved {deck}.\nThe card's id changed from `second` to `third`: its history stays under the old id "
        "(quiz cards --orphans lists it); put back `id: second` to keep it.\n"
    )


def test_a_built_in_deck_is_saved_to_the_user_folder_and_replaces_it(cli, tmp_path, isolated_home):
    builtin = builtin_deck_dir() / "dense-vs-1x1.yaml"
    before = builtin.read_bytes()
    editor, log = fake_editor(tmp_path, "vi", [("\ntitle: Dense", "\ntitle: My dense"), ("My dense", "Our dense")])
    result = cli("edit", "dense-vs-1x1:dense-definition", env={"EDITOR": str(editor)})
    copy = isolated_home / "decks" / "dense-vs-1x1.yaml"
    assert (result.exit_code, result.stderr) == (
        0,
        f"dense-vs-1x1 is a built-in deck: your edit will be saved to {copy}, which then replaces it "
        "(the installed package is never edited).\n",
    )
    assert result.stdout == f"Saved {copy}.\ndense-vs-1x1:dense-definition kept its id, and so its history.\n"
    assert builtin.read_bytes() == before
    assert copy.read_bytes() == before.replace(b"\ntitle: Dense", b"\ntitle: My dense")
    decks = json.loads(cli("decks", "--json").stdout)
    assert [(d["deck"], d["path"]) for d in decks] == [
        ("dense-vs-1x1", str(copy)),
        ("1x1-in-practice", str(builtin_deck_dir() / "1x1-in-practice.yaml")),
    ]
    # the next edit of that deck edits the user's copy
    result = cli("edit", "dense-vs-1x1:dense-definition", env={"EDITOR": str(editor)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith(f"Saved {copy}.\n")
    assert copy.read_bytes() == before.replace(b"\ntitle: Dense", b"\ntitle: Our dense")


@pytest.mark.parametrize(
    ("card", "code", "message"),
    [  # as quiz suspend names cards: a bare deck is bad usage, a card that is not there an error with a hint
        ("mini", 2, "`mini` is a deck; name a card as DECK:ID"),
        ("mini:nope", 1, "no card `nope` in deck `mini` (`quiz cards mini` lists them)"),
        ("mini:secnd", 1, "no card `secnd` in deck `mini`; did you mean `mini:second`? (`quiz cards mini` lists them)"),
    ],
)
def test_an_unknown_card_is_named_as_quiz_suspend_names_it(cli, deck, card, code, message):
    result = cli("edit", card, env={"EDITOR": "true"})
    assert (result.exit_code, result.stdout, result.stderr) == (code, "", f"Error: {message}\n")


def test_a_card_whose_id_holds_a_colon_is_edited(cli, deck, tmp_path):
    """A cloze card's id is `ID:cN` (a table card's has colons too): the deck is the part before the first
    colon that names one, as for quiz suspend."""
    deck.write_text(DECK + "  - id: cz\n    cloze: A 1x1 conv keeps {{c1::H x W}}.\n", encoding="utf-8")
    editor, _ = fake_editor(tmp_path, "ed", [("keeps", "preserves")])
    result = cli("edit", "mini:cz:c1", env={"VISUAL": None, "EDITOR": str(editor)})
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Saved {deck}.\nmini:cz:c1 kept its id, and so its history.\n"
    assert "A 1x1 conv preserves {{c1::H x W}}." in deck.read_text()


def test_an_editor_that_cannot_run_is_a_clear_error(cli, deck, tmp_path):
    result = cli("edit", "mini:first", env={"VISUAL": None, "EDITOR": str(tmp_path / "no-such-editor")})
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: cannot run the editor `{tmp_path / 'no-such-editor'}`: No such file or directory; set VISUAL or "
        "EDITOR to an editor that waits until the file is closed (for example: export EDITOR=nano)\n"
    )
    assert deck.read_text() == DECK


def test_an_editor_that_fails_saves_nothing(cli, deck):
    result = cli("edit", "mini:first", env={"VISUAL": None, "EDITOR": "false"})
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith("Error: the editor exited with status 1: nothing was saved (your edit is kept in ")
    assert deck.read_text() == DECK


def test_a_copy_that_cannot_be_made_is_a_clear_error(cli, deck, tmp_path, monkeypatch):
    import tempfile

    missing = tmp_path / "no-such-folder"
    monkeypatch.setattr(tempfile, "tempdir", str(missing))
    editor, log = fake_editor(tmp_path, "vi", [("nothing to find", "x")])
    result = cli("edit", "mini:first", env={"EDITOR": str(editor)})
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(f"Error: cannot make a copy of {deck} to edit (in {missing}): ")
    assert runs(log) == []  # no editor was started
