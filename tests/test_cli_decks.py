"""`quiz validate` and `quiz decks` as a user runs them: exact output and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import unicodedata
from datetime import datetime, timezone

from dense1x1quiz.catalog import BUILTIN_ORDER, builtin_deck_dir
from dense1x1quiz.deck import load_deck

SMALL = textwrap.dedent("""\
    deck: small
    title: A small deck
    cards:
      - {id: a, front: x, back: y, reverse: true}
      - {id: b, front: q, options: [one, two], answer: two}
""")


def builtin_decks():
    """The built-in decks as their files hold them today (path, deck): the expected outputs follow
    them, so adding a card or a deck does not break these tests. In study order: the files BUILTIN_ORDER
    names in that order, then any other by name."""
    paths = sorted(builtin_deck_dir().glob("*.yaml"))
    ordered = [p for name in BUILTIN_ORDER for p in paths if p.name == name]
    return [(path, load_deck(path)) for path in ordered + [p for p in paths if p not in ordered]]


def _cells(text: str) -> int:
    """Terminal cells `text` takes: wide (East Asian) characters two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: list[list[str]]) -> str:
    """`quiz decks` in a pipe: the header and `rows` in columns two spaces apart, the counts (cards,
    new, learning, due today) right-aligned, no trailing spaces."""
    rows = [["deck", "cards", "new", "learn", "due", "title", "from"], *rows]
    widths = [max(_cells(row[i]) for row in rows) for i in range(7)]

    def cell(i: int, text: str) -> str:
        fill = " " * (widths[i] - _cells(text))
        return fill + text if 1 <= i <= 4 else text + fill

    return "".join("  ".join(cell(i, text) for i, text in enumerate(row)).rstrip() + "\n" for row in rows)


def builtin_rows() -> list[list[str]]:
    """The built-in decks' rows of `quiz decks` in a new home: up to 20 new cards each today, nothing due."""
    return [
        [deck.id, f"{len(deck.cards):,}", str(min(20, len(deck.cards))), "0", "0", deck.title, "built-in"]
        for _, deck in builtin_decks()
    ]


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
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"{one}:4:5: missing `front`\n"
        f"{one}:4:13: unknown key `fornt`; did you mean `front`?\n"
        f"{two}:4:48: the answer 'r' is not among the options\n",
    )


def test_validate_warnings_keep_exit_0(tmp_path, cli):
    path = tmp_path / "moji.yaml"
    path.write_text("deck: m\ntitle: 'Dense â€“ 1×1'\ncards:\n  - {id: a, front: x, back: y}\n")
    result = cli("validate", str(path))
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        "1 deck OK: 1 cards, 1 warning\n",
        f"{path}:2:15: warning: looks like mojibake (UTF-8 read as Windows-1252/1254): '\u00e2\u20ac\u201c'; "
        "probably meant: \"title: 'Dense \u2013 1\u00d71'\"\n",
    )


def test_validate_missing_file_is_a_problem_not_a_traceback(tmp_path, cli):
    result = cli("validate", str(tmp_path / "nope.yaml"))
    assert (result.returncode, result.stdout, result.stderr) == (
        1,
        "",
        f"{tmp_path / 'nope.yaml'}:1:1: cannot be read: No such file or directory\n",
    )


def test_validate_without_paths_is_bad_usage(cli):
    result = cli("validate")
    assert (result.returncode, result.stdout, result.stderr) == (
        2,
        "",
        "Usage: python -m dense1x1quiz validate [OPTIONS] {PATH}\n"
        "Try 'python -m dense1x1quiz validate -h' for help.\n"
        "\n"
        "Error: Missing argument 'PATH'.\n",
    )


def test_builtin_decks_validate(cli):
    decks = builtin_decks()
    assert decks, "the built-in decks ship with the package"
    result = cli("validate", *(str(path) for path, _ in decks))
    files, cards = len(decks), sum(len(deck.cards) for _, deck in decks)
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        f"{files} deck{'s' * (files != 1)} OK: {cards:,} cards\n",
        "",
    )


def test_decks_json_lists_builtin_and_user_decks_and_broken_ones(isolated_home, cli):
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL)
    (user_decks / "broken.yaml").write_text("deck: broken\ntitle: B\ncards: [\n")
    result = cli("decks", "--json")
    builtin = [
        {
            "deck": deck.id,
            "title": deck.title,
            "path": str(path),
            "cards": len(deck.cards),
            "new": min(20, len(deck.cards)),
            "learning": 0,
            "due": 0,
        }
        for path, deck in builtin_decks()
    ]
    assert builtin and all(entry["cards"] > 0 for entry in builtin)
    expected = [
        *builtin,
        {
            "deck": "broken",
            "title": None,
            "path": str(user_decks / "broken.yaml"),
            "cards": None,
            "new": None,
            "learning": None,
            "due": None,
            "error": f"{user_decks / 'broken.yaml'}:4:1: YAML syntax: did not find expected node content",
        },
        {
            "deck": "small",
            "title": "A small deck",
            "path": str(user_decks / "small.yaml"),
            "cards": 3,
            "new": 3,
            "learning": 0,
            "due": 0,
        },
    ]
    assert (result.returncode, result.stdout, result.stderr) == (
        0,
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n",
        "",
    )


def test_decks_table_shows_broken_decks_without_crashing(isolated_home, cli):
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL)
    (user_decks / "copy.yaml").write_text(SMALL)
    result = cli("decks", env={"COLUMNS": "200"})
    # Two files with one id: neither owns it (which one would must not hang on file names); each names the other.
    clash = "broken: deck id `small` is also used by {}; give one of them another `deck:` id"
    expected = table(
        [
            *builtin_rows(),
            ["copy.yaml", *["\u2013"] * 4, clash.format(user_decks / "small.yaml"), "user"],
            ["small.yaml", *["\u2013"] * 4, clash.format(user_decks / "copy.yaml"), "user"],
        ]
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, expected, "")


def test_the_terminal_table_and_the_piped_columns_show_the_same_rows(isolated_home, monkeypatch, capsys):
    """A pipe gets plain columns (rich is not loaded); a terminal gets rich's table: the same text,
    but for rich's trailing spaces. A title with a wide character and a control character included."""
    from dense1x1quiz.catalog import find_decks
    from dense1x1quiz.deckcounts import today_counts
    from dense1x1quiz.ui.decks import print_decks

    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    (user_decks / "small.yaml").write_text(SMALL.replace("title: A small deck", 'title: "形状 \\x1b[2J deck"'))
    (user_decks / "broken.yaml").write_text("deck: b\ntitle: B\ncards: [{id: a, front: q}]\n")
    entries = find_decks()
    today = today_counts([e.deck for e in entries if e.deck], isolated_home, datetime.now(timezone.utc))
    screens = []
    for tty in (False, True):
        monkeypatch.setattr("sys.stdout.isatty", lambda tty=tty: tty)
        print_decks(entries, today)
        screens.append(capsys.readouterr().out)
    plain, rich = screens
    rich = re.sub(r"\x1b\[[0-9;]*m", "", rich)  # on a terminal rich writes styles (bold headers, dim, red)
    assert plain.splitlines() == [line.rstrip() for line in rich.splitlines()]
    assert plain == table(
        [
            *builtin_rows(),
            ["broken.yaml", *["\u2013"] * 4, "broken: missing `back`", "user"],
            ["small", "3", "3", "0", "0", "形状 ␛[2J deck", "user"],
        ]
    )


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
    out = tmp_path / "out.md"
    assert (result.returncode, result.stdout, result.stderr) == (0, f"Wrote {out}: 2 cards and tables.\n", "")
    assert "A small deck" in out.read_text(encoding="utf-8")


def test_decks_counts_what_there_is_to_study_today_as_anki_does(isolated_home, cli, monkeypatch, capsys):
    """new (within the daily limit, less those introduced today), learning and due before the day ends,
    in --json and in a 40-column terminal table (the counts only; a broken deck named below it)."""
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    many = "".join(f"  - {{id: c{i}, front: q{i}, back: a{i}}}\n" for i in range(25))
    (user_decks / "many.yaml").write_text(f"deck: many\ntitle: Many\ncards:\n{many}")
    (user_decks / "zbroken.yaml").write_text("deck: b\n")
    day1 = {"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"}
    # Three new cards answered: c0 Again (learning, due in 1m), c1 Good (learning, 10m), c2 Easy (review in days).
    cli("study", "many", "--mode", "flip", input="\n1\n\n3\n\n4\nq\n", env=day1)
    result = cli("decks", "--json", env=day1)
    [many_entry] = [e for e in json.loads(result.stdout) if e["deck"] == "many"]
    assert {k: many_entry[k] for k in ("cards", "new", "learning", "due")} == {
        "cards": 25,
        "new": 17,  # 20 a day, 3 introduced today
        "learning": 2,
        "due": 0,
    }
    later = cli("decks", "--json", env={"DENSE1X1QUIZ_NOW": "2026-12-20T09:00:00Z"})  # a new day, all due
    [many_later] = [e for e in json.loads(later.stdout) if e["deck"] == "many"]
    assert (many_later["new"], many_later["learning"], many_later["due"]) == (20, 2, 1)

    from dense1x1quiz.catalog import find_decks
    from dense1x1quiz.deckcounts import today_counts
    from dense1x1quiz.ui.decks import print_decks

    entries = find_decks()
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    now = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
    print_decks(entries, today_counts([e.deck for e in entries if e.deck], isolated_home, now))
    screen = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    rows = [[deck.id, str(len(deck.cards)), str(min(20, len(deck.cards))), "0", "0"] for _, deck in builtin_decks()]
    widths = [5, 3, 5, 3]  # after the deck column, 15 wide
    expected = [
        ["deck", "cards", "new", "learn", "due"],
        *rows,
        ["many", "25", "17", "2", "0"],
        ["zbroken.yaml", "–", "–", "–", "–"],
    ]
    lines = ["  ".join([r[0].ljust(15), *(c.rjust(w) for c, w in zip(r[1:], widths, strict=True))]) for r in expected]
    assert [line.rstrip() for line in screen.splitlines()] == [
        *lines,
        "zbroken.yaml: broken: missing `title`",
    ]
    assert max(len(line.rstrip()) for line in screen.splitlines()) <= 40


def test_decks_counts_use_each_decks_own_daily_limits_as_a_session_does(isolated_home, cli):
    """A deck's new_per_day and reviews_per_day (quiz config --deck) bound its counts, as they bound the
    session's header; reviews answered today count against the cap."""
    user_decks = isolated_home / "decks"
    user_decks.mkdir(parents=True)
    many = "".join(f"  - {{id: c{i}, front: q{i}, back: a{i}}}\n" for i in range(25))
    (user_decks / "many.yaml").write_text(f"deck: many\ntitle: Many\ncards:\n{many}")
    cli("study", "many", "--mode", "flip", input="\n4\n" * 4 + "q\n", env={"DENSE1X1QUIZ_NOW": "2026-11-26T09:00:00Z"})
    assert cli("config", "new_per_day", "5", "--deck", "many").exit_code == 0
    assert cli("config", "reviews_per_day", "3", "--deck", "many").exit_code == 0
    later = {"DENSE1X1QUIZ_NOW": "2026-12-20T09:00:00Z"}  # the 4 Easy cards are all due

    def counts():
        [entry] = [e for e in json.loads(cli("decks", "--json", env=later).stdout) if e["deck"] == "many"]
        return entry["new"], entry["learning"], entry["due"]

    assert counts() == (5, 0, 3)
    assert cli("study", "many", "--mode", "flip", input="q\n", env=later).stdout.startswith(
        "new 5  learning 0  review 3\n"
    )
    cli("study", "many", "--mode", "flip", input="\n3\nq\n", env=later)  # one review answered
    assert counts() == (5, 0, 2)
