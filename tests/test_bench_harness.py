"""The benchmark harness and its generator: the data is what it claims, the table is what the README quotes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dense1x1quiz.deck import check_deck

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
import gen  # noqa: E402
import run  # noqa: E402


@pytest.mark.parametrize("cards", [1, 2, 7, 300, 2001])
def test_generated_deck_has_exactly_that_many_cards_and_validates(tmp_path, cards):
    deck, problems = check_deck(gen.write_deck(tmp_path / "big.yaml", cards))
    assert problems == []
    assert deck is not None and len(deck.cards) == cards
    if cards >= 300:  # every authored kind; tables from 2,000 cards on
        kinds = {"basic", "typed", "choice", "cloze"} | ({"table"} if cards >= 2000 else set())
        assert {c.kind for c in deck.cards} == kinds


def test_generated_reviews_go_through_the_store(tmp_path):
    from dense1x1quiz.store import Store

    path = gen.write_deck(tmp_path / "big.yaml", 300)
    keys = gen.deck_keys(path, most=40)
    assert gen.write_reviews(tmp_path / "home", keys, reviews=120) == 120
    with Store.open(tmp_path / "home") as store:
        states = store.states()
        assert set(states) == set(keys)
        assert all(s.reps == 3 for s in states.values())  # 120 answers over 40 cards
        assert store.rebuild_states() == states  # the log and the states agree


def test_a_grown_log_has_that_many_answers_in_the_past_and_the_same_states(tmp_path):
    from dense1x1quiz.store import Store

    path = gen.write_deck(tmp_path / "big.yaml", 300)
    home = tmp_path / "home"
    gen.write_reviews(home, gen.deck_keys(path, most=40), reviews=120)
    with Store.open(home) as store:
        states, newest = store.states(), store.reviews()
    assert gen.grow_log(home, 500) == 500
    with Store.open(home) as store:
        log = store.reviews()
        assert store.states() == states  # the newest answers still make the states
    assert log[:120] == newest
    assert max(r.at for r in log[120:]) < newest[0].at  # the copies lie before the real log
    assert [r.key for r in log[120:240]] == [r.key for r in newest]


def test_table_shows_ratio_budget_and_verdict():
    results = [
        run.Result("quiz --help", 0.120, 0.100, run.TYPER_FLOOR, 1.3, other_ratio=1.25),
        run.Result("quiz decks", 0.200, 0.100, run.TYPER_FLOOR, 1.6),
        run.Result("peak memory", 120.0, None, "", 150, unit="MiB"),
        run.Result("warm start", 0.6, None, "", 0.5),
    ]
    lines = run.table(results).splitlines()
    assert lines[2].split() == ["quiz", "--help", "120", "ms", "100", "ms", "1.20×", "≤", "1.3×", "pass", "1.25×"]
    assert lines[3].split() == ["quiz", "decks", "200", "ms", "100", "ms", "2.00×", "≤", "1.6×", "MISS"]
    assert lines[4].split() == ["peak", "memory", "120", "MiB", "—", "—", "≤", "150", "MiB", "pass"]
    assert lines[5].split() == ["warm", "start", "600", "ms", "—", "—", "≤", "500", "ms", "MISS"]  # seconds, no floor


def test_quick_run_prints_the_table_and_exits_0():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--only", "help", "--runs", "5"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["figure", "ours", "(cpu)", "floor"]
    assert lines[2].startswith("quiz --help")
    assert lines[2].split()[-2] in ("pass", "MISS")
    assert lines[-1].endswith("budgets met.") or "MISSED: quiz --help" in lines[-1]


def test_unknown_figure_is_a_usage_error():
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "run.py"), "--only", "nope"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "unknown figure nope" in result.stderr


def test_readme_quotes_a_table_that_run_printed():
    readme = (BENCHMARKS.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Performance", 1)[1].split("\n## ", 1)[0]
    assert "python benchmarks/run.py" in section
    table = section.split("```\n", 3)[2]  # the second fenced block: the printed table
    lines = table.splitlines()
    assert lines[0].split()[:3] == ["figure", "ours", "(cpu)"] and set(lines[1]) <= {"-", " "}
    rows = lines[2 : lines.index("")]
    assert len(rows) == len(run.FIGURES)  # every figure of a full run
    judged = [row for row in rows if {"pass", "MISS"} & set(row.split())]  # the rows with a budget
    assert lines[-1].split(" of ")[1].startswith(f"{len(judged)} budgets met")
    assert {line.split("  ")[0] for line in lines[2:13]} >= {"quiz --help", "quiz decks", "quiz stats"}


def test_table_shows_a_time_budget_in_ms_and_a_memory_floor_in_mib():
    results = [
        run.Result("per answer", 0.00135, None, "", 0.003),
        run.Result("memory vs first card", 58.0, 50.0, "first card", 1.3, unit="MiB"),
    ]
    lines = run.table(results).splitlines()
    assert lines[2].split() == ["per", "answer", "1.35", "ms", "—", "—", "≤", "3.00", "ms", "pass"]
    assert lines[3].split() == ["memory", "vs", "first", "card", "58", "MiB", "50", "MiB", "1.16×", "≤", "1.3×", "pass"]


def test_generated_notes_deck_has_a_reverse_card_on_every_third_note(tmp_path):
    path = tmp_path / "notes.yaml"
    path.write_text(gen.notes_yaml(30), encoding="utf-8")
    deck, problems = check_deck(path)
    assert problems == []
    assert deck is not None and len(deck.cards) == 40
    assert len({c.note for c in deck.cards}) == 30
