"""`quiz validate` and `quiz decks` as a user runs them: exact output and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

from dense1x1quiz.catalog import builtin_deck_dir

SMALL = textwrap.dedent("""\
    deck: small
    title: A small deck
    cards:
      - {id: a, front: x, back: y, reverse: true}
      - {id: b, front: q, options: [one, two], answer: two}
""")


def test_validate_ok_prints_one_summary_line(tmp_path, cli):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    result = cli("validate", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 deck OK: 3 cards\n", "")


def test_validate_reports_every_problem_of_every_file_and_exits_1(tmp_path, cli):
    one = tmp_path / "one.yaml"
    one.write_text("deck: one\ntitle: One\ncards:\n  - {id: a, fornt: x, back: y}\n")
    two = tmp_path / "two.yaml"
    two.write_text("deck: two\ntitle: Two\ncards:\n  - {id: a, front: x, options: [p, q], answer: r}\n")
    result = cli("validate", str(one), str(two))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"{one}:4:5: missing `front`",
        f"{one}:4:13: unknown key `fornt`; did you mean `front`?",
        f"{two}:4:48: the answer 'r' is not among the options",
    ]


def test_validate_warnings_keep_exit_0(tmp_path, cli):
    path = tmp_path / "moji.yaml"
    path.write_text("deck: m\ntitle: 'Dense â€“ 1×1'\ncards:\n  - {id: a, front: x, back: y}\n")
    result = cli("validate", str(path))
    assert result.returncode == 0
    assert result.stdout == "1 deck OK: 1 cards, 1 warning\n"
    assert result.stderr.startswith(f"{path}:2:15: warning: looks like mojibake")


def test_validate_missing_file_is_a_problem_not_a_traceback(tmp_path, cli):
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert result.returncode == 1
    assert result.stderr == f"{tmp_path / 'nope.yaml'}:1:1: cannot be read: No such file or directory\n"


def test_validate_without_paths_is_bad_usage(cli):
    result = cli("validate")
    assert result.returncode == 2
    assert "Missing argument" in result.stderr and "Traceback" not in result.stderr


def test_builtin_decks_validate(cli):
    paths = sorted(str(p) for p in builtin_deck_dir().glob("*.yaml"))
    assert paths, "the built-in decks ship with the package"
    result = cli("validate", *paths)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_decks_json_lists_builtin_and_user_decks_and_broken_ones(isolated_home, cli):
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL)
    (user_decks / "broken.yaml").write_text("deck: broken\ntitle: B\ncards: [\n")
    result = cli("decks", "--json")
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    by_path = {entry["path"]: entry for entry in listed}
    assert by_path[str(user_decks / "small.yaml")] == {
        "deck": "small",
        "title": "A small deck",
        "path": str(user_decks / "small.yaml"),
        "cards": 3,
    }
    broken = by_path[str(user_decks / "broken.yaml")]
    assert broken["cards"] is None
    assert broken["error"] == f"{user_decks / 'broken.yaml'}:4:1: YAML syntax: did not find expected node content"
    builtin = [e for e in listed if e["path"].startswith(str(builtin_deck_dir()))]
    assert builtin and all(e["cards"] and e["cards"] > 0 for e in builtin)


def test_decks_table_shows_broken_decks_without_crashing(isolated_home, cli):
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL)
    (user_decks / "copy.yaml").write_text(SMALL)
    result = cli("decks", env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    # Two files with one id: neither owns it (which one would must not hang on file names); each names the other.
    assert not any(line.split()[:1] == ["small"] for line in lines)
    for name, other in (("small.yaml", "copy.yaml"), ("copy.yaml", "small.yaml")):
        assert any(
            line.startswith(name)
            and f"broken: deck id `small` is also used by {user_decks / other}; give one of them another `deck:` id"
            in line
            for line in lines
        )


def test_the_terminal_table_and_the_piped_columns_show_the_same_rows(isolated_home, monkeypatch, capsys):
    """A pipe gets plain columns (rich is not loaded); a terminal gets rich's table: the same text,
    but for rich's trailing spaces. A title with a wide character and a control character included."""
    from dense1x1quiz.catalog import find_decks
    from dense1x1quiz.ui.decks import print_decks

    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL.replace("title: A small deck", 'title: "形状 \\x1b[2J deck"'))
    (user_decks / "broken.yaml").write_text("deck: b\ntitle: B\ncards: [{id: a, front: q}]\n")
    entries = find_decks()
    screens = []
    for tty in (False, True):
        monkeypatch.setattr("sys.stdout.isatty", lambda tty=tty: tty)
        print_decks(entries)
        screens.append(capsys.readouterr().out)
    plain, rich = screens
    rich = re.sub(r"\x1b\[[0-9;]*m", "", rich)  # on a terminal rich writes styles (bold headers, dim, red)
    assert plain.splitlines() == [line.rstrip() for line in rich.splitlines()]
    assert "\x1b" not in plain
    small = next(line for line in plain.splitlines() if line.startswith("small "))
    assert small.split("  ")[-1] == "user" and "形状 ␛[2J deck" in small
    assert plain.splitlines()[0].split() == ["deck", "cards", "title", "from"]
    assert any(line.startswith("broken.yaml") and "broken: missing `back`" in line for line in plain.splitlines())


def test_readme_example_deck_validates(tmp_path, cli):
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Deck format", 1)[1]
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = cli("validate", str(path))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "1 deck OK: 14 cards\n"


def test_a_folder_named_like_a_deck_does_not_hide_it(tmp_path, isolated_home, cli):
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL)
    (tmp_path / "small").mkdir()  # a folder in the current directory with the deck's name
    result = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "export", "small", "--format", "md", "-o", str(tmp_path / "out.md")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "DENSE1X1QUIZ_HOME": str(isolated_home)},
    )
    assert result.returncode == 0, result.stderr
    assert "A small deck" in (tmp_path / "out.md").read_text(encoding="utf-8")
