"""Heavy modules are imported only by the commands that use them (start-up time is a budget).

Each command runs in a subprocess as a user runs it; at exit it writes the names in `sys.modules`
to a file, and the test checks which heavy modules are (not) among them. Positive controls make
sure the check can fail: `quiz demo shapes` does import numpy, `quiz export` to .apkg does import
genanki.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

# Run `quiz ARGS` and record the imported modules when the process exits (also on SystemExit).
WRAPPER = textwrap.dedent("""\
    import atexit, os, runpy, sys
    def _record():
        with open(os.environ["QUIZ_MODULES_FILE"], "w") as f:
            f.write("\\n".join(sorted(sys.modules)))
    atexit.register(_record)
    sys.argv = ["quiz", *sys.argv[1:]]
    runpy.run_module("dense1x1quiz", run_name="__main__")
""")

HEAVY = ("numpy", "genanki", "ftfy", "anki", "torch", "fsrs", "yaml", "rich", "sqlite3", "pydantic", "fsrs_rs_python")
NEVER = ("anki", "torch", "pydantic")  # tests and typer's optional validation layer only

DECK = """\
    deck: small
    title: Small deck
    cards:
      - {id: a, front: What does a 1×1 conv keep?, back: The spatial size.}
      - {id: b, front: Kernel size of a pointwise conv?, answer: 1×1}
    """


def imported(args: list[str], home: Path, stdin: str | None = None, ok: tuple[int, ...] = (0,)) -> set[str]:
    """The top-level packages `quiz ARGS` imported (and it exited with a code in `ok`)."""
    return {name.split(".")[0] for name in imported_modules(args, home, stdin, ok)}


def imported_modules(args: list[str], home: Path, stdin: str | None = None, ok: tuple[int, ...] = (0,)) -> set[str]:
    """Every module `quiz ARGS` imported (and it exited with a code in `ok`)."""
    record = home.parent / "modules.txt"
    env = {
        **os.environ,
        "QUIZ_MODULES_FILE": str(record),
        "DENSE1X1QUIZ_HOME": str(home),
        "DENSE1X1QUIZ_NOW": "2026-01-05T10:00:00Z",
    }
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode in ok, result.stdout + result.stderr
    return set(record.read_text().split())


@pytest.fixture
def deck(tmp_path) -> Path:
    path = tmp_path / "small.yaml"
    path.write_text(textwrap.dedent(DECK), encoding="utf-8")
    return path


CASES = [
    # (args, modules it must not import, modules it must import)
    (["--help"], HEAVY, ()),
    (["study", "--help"], HEAVY, ()),
    (["decks"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3", "rich"), ()),  # piped: plain columns
    (["decks", "--json"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3", "rich"), ()),
    (["validate", "{deck}"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3", "rich"), ("yaml",)),
    (["study", "{deck}", "--mode", "flip"], ("numpy", "genanki", "ftfy", "rich", "fsrs_rs_python"), ("sqlite3",)),
    (["stats"], ("numpy", "genanki", "ftfy"), ("sqlite3",)),
    (["stats", "--json"], ("numpy", "genanki", "ftfy", "rich"), ()),
    (["exam", "{deck}", "-n", "1", "--no-computed", "--json"], ("numpy", "genanki", "ftfy"), ()),
    (["demo"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3", "yaml"), ()),
    (["demo", "--json"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3", "yaml", "rich"), ()),
    (
        ["demo", "shapes", "--height", "2", "--width", "2", "--cin", "3", "--cout", "2"],
        ("genanki", "fsrs", "sqlite3"),
        ("numpy",),
    ),
    (["new", "{tmp}/new.yaml"], ("numpy", "genanki", "ftfy", "fsrs", "sqlite3"), ()),
    (["export", "{deck}", "--format", "csv", "-o", "{tmp}/out.csv"], ("numpy", "fsrs"), ()),  # genanki: note GUIDs
    (["export", "{deck}", "--format", "md", "-o", "{tmp}/out.md"], ("numpy", "genanki", "fsrs", "sqlite3"), ()),
    (["export", "{deck}", "-o", "{tmp}/out.apkg"], ("numpy", "fsrs"), ("genanki",)),
    (["optimize", "--retention", "--json"], ("genanki", "rich", "pandas"), ("fsrs_rs_python",)),  # no torch (NEVER)
]


@pytest.mark.parametrize(("args", "absent", "present"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_heavy_modules_only_where_used(args, absent, present, tmp_path, deck):
    home = tmp_path / "home"
    argv = [a.format(deck=deck, tmp=tmp_path) for a in args]
    stdin = "q\n" if argv[0] in ("study", "exam") else None
    modules = imported(argv, home, stdin, ok=(0, 1) if argv[0] == "exam" else (0,))
    unwanted = modules & (set(absent) | set(NEVER))
    assert not unwanted, f"quiz {' '.join(args)} imported {sorted(unwanted)}"
    assert set(present) <= modules, f"quiz {' '.join(args)}: the check would not see these"


def test_stats_and_decks_read_outlines_without_the_model(tmp_path):
    """Once the cache is warm, `quiz stats` and `quiz decks` read deck outlines: no Card is built,
    and the model's dataclasses are not even defined (their creation is ~5 ms of a start)."""
    home = tmp_path / "home"
    imported(["decks"], home)  # fills the cache
    for args in (["decks"], ["stats"], ["decks", "--json"], ["stats", "--json"]):
        modules = imported_modules(args, home)
        assert "dense1x1quiz.model" not in modules and "yaml" not in modules, args
    assert "dense1x1quiz.model" in imported_modules(["study", "--mode", "flip"], home, "q\n")  # the control


def test_a_warm_deck_cache_spares_the_yaml_parser(tmp_path, deck):
    """`quiz decks` and `quiz study` read the built-in decks through the cache once it is filled."""
    home = tmp_path / "home"
    imported(["decks"], home)  # fills the cache
    assert "yaml" not in imported(["decks"], home)
    assert "yaml" not in imported(["study", "--mode", "flip"], home, "q\n")
    assert "yaml" in imported(["study", str(deck), "--mode", "flip"], home, "q\n")  # a new file is parsed
    assert "yaml" not in imported(["study", str(deck), "--mode", "flip"], home, "q\n")  # then cached


def test_the_grader_s_parsers_wait_for_the_first_typed_answer(tmp_path, deck):
    """The formula, number and code readers (answer_*.py) are not on the path to the first card; grading a
    typed answer loads them (the control)."""
    home = tmp_path / "home"
    parsers = {"dense1x1quiz.answer_math", "dense1x1quiz.answer_numbers", "dense1x1quiz.answer_code"}
    assert not parsers & imported_modules(["study", str(deck), "--mode", "type"], home, "q\n")
    graded = imported_modules(["study", str(deck), "--mode", "type"], home, "1×1\n3\nq\n")
    assert parsers & graded == parsers - {"dense1x1quiz.answer_code"}  # code: only for an answer with a call


def test_markdown_it_is_loaded_by_quiz_import_and_by_nothing_else(tmp_path, deck):
    """markdown-it-py (and its plugins) cost tens of milliseconds to import: only reading Markdown pays it
    (`quiz import`, and `quiz export --format md`, which reads its output back to check it)."""
    home = tmp_path / "home"
    notes = tmp_path / "notes.md"
    notes.write_text("# T\n\nQ: one?\nA: two\n")
    assert {"markdown_it", "mdit_py_plugins"} <= imported(["import", str(notes), "-o", str(tmp_path / "n.yaml")], home)
    for args in CASES:
        argv = [a.format(deck=deck, tmp=tmp_path) for a in args[0]]
        if argv[:4] == ["export", str(deck), "--format", "md"]:
            continue
        stdin = "q\n" if argv[0] in ("study", "exam") else None
        modules = imported(argv, home, stdin, ok=(0, 1) if argv[0] == "exam" else (0,))
        assert not {"markdown_it", "mdit_py_plugins"} & modules, argv
