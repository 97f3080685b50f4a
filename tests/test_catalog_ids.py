"""Deck ids are unique across everything a command loads (issue 11): a deck named by path never
borrows the history of a built-in deck, a user-folder deck or another path."""

from __future__ import annotations

import sqlite3

import pytest

from dense1x1quiz.catalog import builtin_deck_dir, resolve
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


@pytest.mark.parametrize("command", [["study", "--mode", "flip"], ["exam", "-n", "1"], ["stats"],
                                     ["export", "--format", "md"]])
def test_a_deck_named_by_path_cannot_take_a_built_in_decks_id(tmp_path, cli, isolated_home, command,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)  # where export would write
    impostor = tmp_path / "impostor.yaml"
    impostor.write_text(IMPOSTOR)
    result = cli(command[0], str(impostor), *command[1:], input="x\n4\n" * 3, **LIMITS)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"Error: deck id `dense-vs-1x1` in {impostor} is already used by "
                             f"{builtin_deck_dir() / 'dense-vs-1x1.yaml'}; give it another `deck:` id\n")
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
        1, f"Error: deck id `same` in {other} is already used by {mine}; give it another `deck:` id\n")
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
