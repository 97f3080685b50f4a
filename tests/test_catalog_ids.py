"""Deck ids are unique across everything a command loads (issue 11): a deck named by path never
borrows the history of a built-in deck, a user-folder deck or another path."""

from __future__ import annotations

import json
import sqlite3

import pytest

from dense1x1quiz.catalog import builtin_deck_dir, find_decks, resolve
from dense1x1quiz.errors import QuizError

IMPOSTOR = "deck: dense-vs-1x1\ntitle: Impostor\ncards:\n  - {id: dense-definition, front: q, back: a}\n"
SAME = "deck: same\ntitle: {title}\ncards:\n  - {{id: a, front: q, back: a}}\n"
LIMITS = {"memory_mib": 1024, "timeout": 30}


def reviews_in(home) -> int:
    db = home / "quiz.sqlite3"
    if not db.exists():
        return 0
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM reviews").fetchone()[0]


@pytest.mark.parametrize(
    "command", [["study", "--mode", "flip"], ["exam", "-n", "1"], ["stats"], ["export", "--format", "md"]]
)
def test_a_deck_named_by_path_cannot_take_a_built_in_decks_id(tmp_path, cli, isolated_home, command, monkeypatch):
    monkeypatch.chdir(tmp_path)  # where export would write
    impostor = tmp_path / "impostor.yaml"
    impostor.write_text(IMPOSTOR)
    result = cli(command[0], str(impostor), *command[1:], input="x\n4\n" * 3, **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        f"Error: deck id `dense-vs-1x1` in {impostor} is already used by "
        f"{builtin_deck_dir() / 'dense-vs-1x1.yaml'}; give it another `deck:` id\n"
    )
    assert reviews_in(isolated_home) == 0
    assert not (tmp_path / "dense-vs-1x1.md").exists()


def test_a_deck_named_by_path_cannot_take_a_user_folder_decks_id(tmp_path, cli, isolated_home):
    (isolated_home / "decks").mkdir(parents=True)
    mine = isolated_home / "decks" / "mine.yaml"
    mine.write_text(SAME.format(title="Mine"))
    other = tmp_path / "other.yaml"
    other.write_text(SAME.format(title="Other"))
    result = cli("study", str(other), "--mode", "flip", input="x\n4\n", **LIMITS)
    assert (result.returncode, result.stderr) == (
        1,
        f"Error: deck id `same` in {other} is already used by {mine}; give it another `deck:` id\n",
    )
    assert reviews_in(isolated_home) == 0


def test_two_paths_with_one_id_are_an_error_naming_both(tmp_path, cli, isolated_home):
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(SAME.format(title="One"))
    two.write_text(SAME.format(title="Two"))
    result = cli("study", str(one), str(two), "--mode", "flip", input="x\n4\n", **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"Error: deck id `same` in {two} is already used by {one}; give it another `deck:` id\n"
    assert reviews_in(isolated_home) == 0


def test_the_same_file_named_twice_or_by_name_and_path_is_one_deck(tmp_path, isolated_home, monkeypatch):
    one = tmp_path / "one.yaml"
    one.write_text(SAME.format(title="One"))
    monkeypatch.chdir(tmp_path)
    assert [d.title for d in resolve([str(one), "one.yaml", "./one.yaml"])] == ["One"]
    builtin = builtin_deck_dir() / "dense-vs-1x1.yaml"
    assert [d.id for d in resolve(["dense-vs-1x1", str(builtin)], outline=True)] == ["dense-vs-1x1"]
    (isolated_home / "decks").mkdir(parents=True)
    mine = isolated_home / "decks" / "mine.yaml"
    mine.write_text(SAME.format(title="Mine"))
    assert [d.title for d in resolve([str(mine), "same"])] == ["Mine"]
    with pytest.raises(QuizError, match="in one.yaml is already used by"):
        resolve(["same", "one.yaml"])


def test_validate_warns_about_an_id_an_installed_deck_or_an_earlier_file_has(tmp_path, cli):
    impostor, one, two = tmp_path / "impostor.yaml", tmp_path / "one.yaml", tmp_path / "two.yaml"
    impostor.write_text(IMPOSTOR)
    one.write_text(SAME.format(title="One"))
    two.write_text(SAME.format(title="Two"))
    result = cli("validate", str(impostor), str(one), str(two), str(one), **LIMITS)
    assert (result.returncode, result.stdout) == (0, "4 decks OK: 4 cards, 2 warnings\n")
    assert result.stderr.splitlines() == [
        f"{impostor}:1:1: warning: deck id `dense-vs-1x1` in {impostor} is already used by "
        f"{builtin_deck_dir() / 'dense-vs-1x1.yaml'}; give it another `deck:` id",
        f"{two}:1:1: warning: deck id `same` in {two} is already used by {one}; give it another `deck:` id",
    ]


def test_user_folder_decks_sharing_an_id_are_both_unusable_and_naming_the_id_names_both(
    tmp_path, cli, isolated_home, monkeypatch
):
    """A new deck in the user folder with an existing deck's id takes over neither its id nor its history,
    whichever file name sorts first: both files are broken, each naming the other."""
    monkeypatch.chdir(tmp_path)  # where export would write
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    b = folder / "b.yaml"
    b.write_text(SAME.format(title="B").replace("same", "same-id"))
    studied = cli("study", "same-id", "--mode", "flip", input="\n3\n", **LIMITS)
    assert studied.returncode == 0, studied.stderr
    assert reviews_in(isolated_home) == 1
    a = folder / "a.yaml"
    a.write_text(SAME.format(title="A").replace("same", "same-id"))

    listed = cli("decks", "--json", **LIMITS)
    errors = {e["path"]: e.get("error") for e in json.loads(listed.stdout) if e["path"].startswith(str(folder))}
    assert errors == {
        str(a): f"{a}:1:1: deck id `same-id` is also used by {b}; give one of them another `deck:` id",
        str(b): f"{b}:1:1: deck id `same-id` is also used by {a}; give one of them another `deck:` id",
    }
    both = f"Error: deck id `same-id` is used by {a} and {b}; give one of them another `deck:` id\n"
    for command in (
        ["study", "same-id", "--mode", "flip"],
        ["stats", "same-id"],
        ["export", "same-id"],
        ["exam", "same-id", "-n", "1"],
    ):
        result = cli(*command, input="\n3\n", **LIMITS)
        assert (result.returncode, result.stdout, result.stderr) == (1, "", both), command
    by_stem = cli("study", "a", "--mode", "flip", input="\n3\n", **LIMITS)
    assert (by_stem.returncode, by_stem.stderr) == (
        1,
        f"Error: {a}:1:1: deck id `same-id` is also used by {b}; give one of them another `deck:` id\n",
    )
    by_path = cli("study", str(a), "--mode", "flip", input="\n3\n", **LIMITS)
    assert (by_path.returncode, by_path.stderr) == (
        1,
        f"Error: deck id `same-id` in {a} is already used by {b}; give it another `deck:` id\n",
    )
    assert reviews_in(isolated_home) == 1
    assert not (tmp_path / "same-id.md").exists()


def test_three_user_folder_decks_with_one_id_each_name_the_two_others(isolated_home):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    paths = [folder / f"{name}.yaml" for name in "xyz"]
    for path in paths:
        path.write_text(SAME.format(title=path.stem))
    x, y, z = paths
    assert {e.path: str(e.error) for e in find_decks() if e.origin == "user"} == {
        x: f"{x}:1:1: deck id `same` is also used by {y} and {z}; give one of them another `deck:` id",
        y: f"{y}:1:1: deck id `same` is also used by {x} and {z}; give one of them another `deck:` id",
        z: f"{z}:1:1: deck id `same` is also used by {x} and {y}; give one of them another `deck:` id",
    }
    with pytest.raises(QuizError, match=f"^deck id `same` is used by {x}, {y} and {z}; give one of them"):
        resolve(["same"])


def test_a_user_folder_deck_with_a_built_in_decks_id_replaces_it_in_its_place(cli, isolated_home):
    """What `quiz edit` saves for a built-in deck: a copy in the user folder, which takes the built-in deck's
    place (and history); the installed file is left alone."""
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    impostor = folder / "impostor.yaml"
    impostor.write_text(IMPOSTOR)
    entries = find_decks()
    assert [(e.name, e.origin, e.path) for e in entries] == [
        ("dense-vs-1x1", "user", impostor),
        ("1x1-in-practice", "built-in", builtin_deck_dir() / "1x1-in-practice.yaml"),
    ]
    (deck,) = resolve(["dense-vs-1x1"])
    assert (deck.path, deck.title) == (str(impostor), "Impostor")
    assert [d.id for d in resolve([])] == ["dense-vs-1x1", "1x1-in-practice"]  # study order kept


def test_two_user_folder_decks_with_a_built_in_decks_id_are_both_broken(cli, isolated_home):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    one, two = folder / "one.yaml", folder / "two.yaml"
    one.write_text(IMPOSTOR)
    two.write_text(IMPOSTOR)
    users = [e for e in find_decks() if e.origin == "user"]
    assert [(e.deck, str(e.error)) for e in users] == [
        (None, f"{one}:1:1: deck id `dense-vs-1x1` is also used by {two}; give one of them another `deck:` id"),
        (None, f"{two}:1:1: deck id `dense-vs-1x1` is also used by {one}; give one of them another `deck:` id"),
    ]
    with pytest.raises(QuizError, match=f"^deck id `dense-vs-1x1` is used by {one} and {two}; give one of them"):
        resolve(["dense-vs-1x1"])
    assert [d.id for d in resolve([])] == ["dense-vs-1x1", "1x1-in-practice"]  # the built-in one, still usable


def test_every_deck_commands_skip_broken_user_decks_with_one_warning(tmp_path, cli, isolated_home):
    """`quiz study`, `exam` and `stats` with no DECK use every usable deck and say once which are skipped."""
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    a, b, bad = folder / "a.yaml", folder / "b.yaml", folder / "bad.yaml"
    a.write_text(SAME.format(title="A"))
    b.write_text(SAME.format(title="B"))
    bad.write_text("deck: bad\ntitle: Bad\ncards: [{id: a, front: q}]\n")
    warning = f"Warning: skipped 3 broken decks (`quiz decks` says why): {a}, {b}, {bad}\n"
    for command in (["study", "--mode", "flip"], ["stats"], ["exam", "-n", "1", "--seed", "1"]):
        result = cli(*command, input="q\n", **LIMITS)
        assert result.stderr.startswith(warning) and result.stderr.count("Warning") == 1, command
        assert result.stdout, command  # the built-in decks were used
    assert reviews_in(isolated_home) == 0


def test_import_does_not_pick_an_id_that_two_broken_user_folder_decks_share(tmp_path, cli, isolated_home):
    """Two user-folder files sharing an id are both unusable, but the id is still theirs: `quiz import`
    picks another one (or refuses the one given), as for a usable deck's id."""
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    a, b = folder / "a.yaml", folder / "b.yaml"
    a.write_text(SAME.format(title="A"))
    b.write_text(SAME.format(title="B"))
    notes = tmp_path / "same.md"
    notes.write_text("Q: What mixes channels?\nA: A 1×1 convolution.\n", encoding="utf-8")

    into_folder = cli("import", str(notes), **LIMITS)
    assert into_folder.returncode == 0, into_folder.stderr
    assert into_folder.stdout.splitlines()[:2] == [
        "Deck id `same` is taken; using `same-notes`.",
        f"Wrote {folder / 'same-notes.yaml'}",
    ]
    assert not (folder / "same.yaml").exists()

    out = tmp_path / "out.yaml"  # (`same-notes` is taken now, by the deck just written)
    to_path = cli("import", str(notes), "-o", str(out), **LIMITS)
    assert to_path.returncode == 0, to_path.stderr
    assert to_path.stdout.splitlines()[:2] == ["Deck id `same` is taken; using `same-notes-2`.", f"Wrote {out}"]

    given = cli("import", str(notes), "-o", str(tmp_path / "given.yaml"), "--deck-id", "same", **LIMITS)
    assert (given.returncode, given.stdout, given.stderr) == (
        1,
        "",
        f"Error: deck id `same` is already used by {a}; review history is kept per deck id, "
        "so choose another with --deck-id\n",
    )
    assert not (tmp_path / "given.yaml").exists()
