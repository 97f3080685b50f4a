"""`quiz optimize` as a user runs it: the refusal on a fresh install, the report and what it saves (rows in
the database), --json, --dry-run, DECKs, --retention, and the next study answer scheduled with the fit."""

import importlib.util
import json
import os
import re
import shutil
import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest

from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.store import DB_NAME, Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
from learner import synthetic_log  # noqa: E402

pytest.importorskip("fsrs_rs_python")
NOW = {"DENSE1X1QUIZ_NOW": "2025-08-01T10:00:00Z"}
KEYS = ["reviews", "answers", "train", "test", "parameters", "saved", "default", "optimized"]


@pytest.fixture(scope="module")
def learner_log():
    """A synthetic learner's 200 days: 600 cards of deck "synthetic" (benchmarks/learner.py)."""
    return synthetic_log(600, 200)


@pytest.fixture(scope="module")
def learner_db(tmp_path_factory, learner_log):
    """A database holding the learner's answers, given in quiz."""
    from dense1x1quiz.scheduler import make_scheduler

    home = tmp_path_factory.mktemp("learner")
    with Store.open(home) as store:
        store.import_reviews(((k, r, m, "flip", None) for k, r, m in learner_log), make_scheduler())
    return home / DB_NAME


@pytest.fixture
def home(isolated_home, learner_db):
    isolated_home.mkdir(exist_ok=True)
    shutil.copy(learner_db, isolated_home / DB_NAME)
    return isolated_home


def counts(home):
    """(answers, reviews, train, test) of the home's log: the learner's log depends on fsrs's version
    (6.2 schedules Hard otherwise), so these are counted, with test_optimize.py's checked converter."""
    from datetime import timezone

    from dense1x1quiz import optimize as opt

    with Store.open(home) as store:
        log = [opt.LogRow._make(row) for row in store.optimizer_log()]
    found = opt.items(opt.sequences(log, 4, timezone.utc))
    train, test = opt.time_split(found)
    return len(log), len(found), len(train), len(test)


def rows(home, sql):
    with closing(sqlite3.connect(home / DB_NAME)) as db:
        return db.execute(sql).fetchall()


def test_a_fresh_install_is_told_how_many_reviews_are_needed(cli):
    result = cli("optimize", env=NOW)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: quiz optimize needs at least 400 reviews made a day or more after the card's previous answer; "
        "you have answered no card yet. With fewer, the fit would follow chance more than your memory, and a "
        "fifth of them are held out to judge it. Until then your cards are scheduled with FSRS's default "
        "parameters (fitted to many learners' reviews); keep studying and run it again.\n"
    )


def test_a_little_history_is_told_how_many_more_reviews_are_needed(cli):
    """Two study days of five new cards: five answers a day or more after the previous one, 395 to go."""
    for day in ("2025-08-01", "2025-08-03"):
        studied = cli(
            "study",
            "--mode",
            "flip",
            "--limit",
            "5",
            input="\ngood\n" * 5,
            env={"DENSE1X1QUIZ_NOW": f"{day}T10:00:00Z"},
        )
        assert studied.exit_code == 0, studied.stderr
    result = cli("optimize", "--json", env=NOW)
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "Error: quiz optimize needs at least 400 reviews made a day or more after the card's previous answer; "
        "the log has 5 (of 10 answers), 395 to go. With fewer, "
    )


def test_optimize_reports_the_held_out_gain_and_saves(cli, home):
    states_before = rows(home, "SELECT * FROM card_states ORDER BY deck, card")
    answers, reviews, train, test = counts(home)
    assert answers > 5000 and reviews > 3000 and test > 600
    result = cli("optimize", env=NOW)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == f"{answers:,} answers; {reviews:,} reviews a day or more after the card's previous answer."
    assert lines[1] == f"Fitted on the earliest {train:,}, judged on the latest {test:,} (lower is better):"
    assert lines[3] == "  parameters  log loss  RMSE (bins)"
    default = re.fullmatch(r"  default       (0\.\d{4})  +(\d+\.\d\d)%", lines[4])
    optimized = re.fullmatch(r"  optimized     (0\.\d{4})  +(\d+\.\d\d)%", lines[5])
    assert default and optimized and float(optimized[1]) < float(default[1])
    assert lines[6:9] == [
        "",
        "Log loss grades each predicted chance of recall against the answer given; RMSE (bins) is the gap between "
        "predicted and actual recall rates, over groups of similar reviews.",
        "",
    ]
    assert lines[9].startswith("Parameters: ") and len(lines[9].split(", ")) == 21
    assert lines[10] == "Saved: 600 cards rescheduled with them; every answer from now on uses them."
    saved = json.loads(rows(home, "SELECT value FROM settings WHERE name = 'parameters'")[0][0])
    assert ", ".join(f"{w:g}" for w in saved) == lines[9].removeprefix("Parameters: ")
    # the log is untouched; every card's state is the log's replay with the saved parameters
    assert rows(home, "SELECT COUNT(*) FROM reviews") == [(answers,)]
    states_after = rows(home, "SELECT * FROM card_states ORDER BY deck, card")
    assert len(states_after) == 600 and states_after != states_before
    with Store.open(home) as store:
        assert store.parameters() == tuple(saved)
        assert store.rebuild_states() == store.states()


def test_json_has_the_promised_keys_and_dry_run_saves_nothing(cli, home):
    states_before = rows(home, "SELECT * FROM card_states ORDER BY deck, card")
    result = cli("optimize", "--json", "--dry-run", env=NOW)
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert list(document) == KEYS
    answers, reviews, train, test = counts(home)
    assert (document["reviews"], document["answers"], document["train"], document["test"]) == (
        reviews,
        answers,
        train,
        test,
    )
    assert len(document["parameters"]) == 21 and all(isinstance(w, float) for w in document["parameters"])
    assert document["saved"] is False
    for side in ("default", "optimized"):
        assert list(document[side]) == ["log_loss", "rmse_bins"]
    assert document["optimized"]["log_loss"] < document["default"]["log_loss"]
    assert rows(home, "SELECT * FROM settings WHERE name = 'parameters'") == []
    assert rows(home, "SELECT * FROM card_states ORDER BY deck, card") == states_before
    # saved, then run again: the same fit is no better than what is saved, "current" says how it did
    assert json.loads(cli("optimize", "--json", env=NOW).stdout)["saved"] is True
    again = cli("optimize", env=NOW)
    assert again.exit_code == 0 and re.search(r"\n  saved before +0\.\d{4} +\d+\.\d\d%\n", again.stdout)
    assert again.stdout.endswith(
        "Not saved: the fitted parameters predict the held-out reviews no better (log loss) than the saved ones.\n"
    )
    assert json.loads(cli("optimize", "--json", env=NOW).stdout)["current"] == document["optimized"]


def test_dry_run_says_what_a_run_without_it_would_do(cli, home):
    first = cli("optimize", "--dry-run", env=NOW)
    assert (first.exit_code, first.stderr) == (0, "")
    assert first.stdout.endswith("\nNot saved: --dry-run; without it they would be saved.\n")
    assert cli("optimize", env=NOW).exit_code == 0
    again = cli("optimize", "--dry-run", env=NOW)
    assert again.stdout.endswith(
        "\nNot saved: --dry-run; without it they would not be saved either: the fitted parameters predict the "
        "held-out reviews no better (log loss) than the saved ones.\n"
    )


def report_and_table():
    """A report with parameters saved before and a workload table, as `quiz optimize` prints them."""
    from dense1x1quiz import optimize as opt
    from dense1x1quiz.ui.optimize_report import report_lines, workload_lines

    metrics = opt.Metrics(0.2872, 0.0823, 717)
    report = opt.Report(4999, 3585, 2868, 717, opt.default_parameters(), metrics, metrics, metrics, False)
    note = "the fitted parameters predict the held-out reviews no better (log loss) than the saved ones."
    workload = [opt.Workload(r, 7.1 + i, 2.9, 494 + i, 130 + i) for i, r in enumerate(opt.RETENTIONS)]
    return [
        *report_lines(report, saved=False, note=note, cards=None),
        *workload_lines(workload, cards=593, new_per_day=20, days=365, source="your saved parameters"),
    ]


@pytest.mark.parametrize("width", [60, 100])
def test_on_a_terminal_lines_wrap_between_words_and_tables_fit_60_columns(monkeypatch, capsys, width):
    """A terminal gets every line within its width, broken between words (a number is never cut), the
    parameters' further lines under the first; a pipe gets each line whole."""
    from dense1x1quiz.ui import optimize_report

    lines = report_and_table()
    assert max(len(line) for line in lines if line.startswith("  ")) <= 60  # the tables are never wrapped
    optimize_report.print_lines(lines)
    assert capsys.readouterr().out.splitlines() == lines
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(optimize_report.shutil, "get_terminal_size", lambda: os.terminal_size((width, 20)))
    optimize_report.print_lines(lines)
    shown = capsys.readouterr().out.splitlines()
    assert max(len(line) for line in shown) <= width and len(shown) > len(lines)
    assert " ".join(" ".join(shown).split()) == " ".join(" ".join(lines).split())  # the same words, none cut
    start = next(i for i, line in enumerate(shown) if line.startswith("Parameters: "))
    assert re.match(r" {12}\d", shown[start + 1]) and shown[start].endswith(",")


def test_the_next_answer_is_scheduled_with_the_saved_parameters(cli, home):
    """After `quiz optimize`, a new card answered Good gets the fitted initial stability w[2]."""
    assert cli("optimize", env=NOW).exit_code == 0
    saved = json.loads(rows(home, "SELECT value FROM settings WHERE name = 'parameters'")[0][0])
    result = cli("study", "--mode", "flip", "--limit", "1", input="\ngood\n", env=NOW)
    assert result.exit_code == 0, result.stderr
    answered = rows(home, "SELECT deck, card FROM reviews WHERE deck != 'synthetic'")
    stability = rows(home, f"SELECT stability FROM card_states WHERE deck = '{answered[0][0]}'")
    assert len(answered) == 1 and stability == [(saved[2],)] and saved[2] != 2.3065


def test_a_session_open_across_optimize_schedules_its_next_answer_with_the_saved_parameters(home):
    """`quiz study` open in one terminal, `quiz optimize` saving in another: the session's next answer is
    kept, and its card's state is the log's replay with the saved parameters (a new card rated Good: w[2])."""
    import os
    import subprocess

    env = {**os.environ, **NOW}
    study = subprocess.Popen(
        [sys.executable, "-m", "dense1x1quiz", "study", "--mode", "flip", "--limit", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert study.stdin is not None and study.stdout is not None
    study.stdin.write("\ngood\n\n")  # the first card answered, the second revealed
    study.stdin.flush()
    line = "…"
    while line and "Saved Good" not in line:  # "" : the session ended
        line = study.stdout.readline()
    assert line, study.communicate(timeout=60)[1]
    optimized = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "optimize"], env=env, capture_output=True, text=True, timeout=120
    )
    assert optimized.returncode == 0, optimized.stderr
    _, errors = study.communicate("good\nq\n", timeout=60)
    assert study.returncode == 0, errors
    saved = json.loads(rows(home, "SELECT value FROM settings WHERE name = 'parameters'")[0][0])
    answered = rows(home, "SELECT deck, card FROM reviews WHERE deck != 'synthetic' ORDER BY id")
    assert len(answered) == 2  # both answers kept
    second = rows(home, f"SELECT stability FROM card_states WHERE card = '{answered[1][1]}'")
    assert second == [(saved[2],)]


def test_named_decks_are_fitted_and_saved_as_their_own(cli, home):
    """`quiz optimize DECK` fits that deck's answers and saves the fit as the deck's own parameters (a
    deck's setting, as quiz config --deck writes it): the other decks keep the defaults, and the states
    are the log's replay with the parameters each deck has."""
    deck = home / "decks" / "synthetic.yaml"
    deck.parent.mkdir()
    deck.write_text("deck: synthetic\ntitle: S\ncards:\n  - {id: c0, front: a, back: b}\n")
    learner_deck = "synthetic"
    with Store.open(home) as store:
        assert {row[0] for row in store.optimizer_log()} == {learner_deck}
        before = store.states()
    result = cli("optimize", learner_deck, env=NOW)
    assert result.exit_code == 0, result.stderr
    saved = rows(home, "SELECT name FROM settings WHERE name LIKE '%parameters'")
    assert saved == [(f"deck:{learner_deck}:parameters",)]
    with Store.open(home) as store:
        assert store.parameters() is None and store.parameters(learner_deck) is not None
        after = store.states()
        assert store.rebuild_states() == after
        assert any(after[key].stability != before[key].stability for key in before if key[0] == learner_deck)


def test_retention_table_marks_the_least_time_per_card_remembered(cli):
    result = cli("optimize", "--retention", env=NOW)
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert re.fullmatch(
        r"Simulated 365 days of [\d,]+ cards, 20 new a day, with the default parameters \(fsrs-rs's simulator\):",
        lines[0],
    )
    assert lines[2] == "  retention  answers/day  minutes/day  remembered  cost"
    table = lines[3:13]
    assert [line.split()[0] for line in table] == ["0.70", "0.73", "0.76", "0.79", "0.82", "0.85", "0.88", "0.91"] + [
        "0.94",
        "0.97",
    ]
    costs = [int(line.split()[4]) for line in table]
    marked = [i for i, line in enumerate(table) if line.endswith("  ←")]
    assert len(marked) == 1 and costs[marked[0]] == min(costs)
    assert lines[13:] == [
        "",
        "retention: the chance of recall asked for when a card falls due; remembered: the cards known at the end "
        "(the sum of their chances of recall); cost: seconds of study per card remembered, ← the least.",
    ]
    document = json.loads(cli("optimize", "--retention", "--json", env=NOW).stdout)
    assert list(document) == ["cards", "new_per_day", "workload"] and len(document["workload"]) == 10
    assert list(document["workload"][0]) == [
        "retention",
        "reviews_per_day",
        "minutes_per_day",
        "memorized",
        "cost_per_memorized",
    ]


def anki_package(folder: Path, log) -> Path:
    """An .apkg written by Anki's backend: deck Vocab, one Basic note per card of `log`, the log's answers in
    its revlog (learn entries for a card's first day, review entries after; written with sqlite3 while the
    collection is closed: Anki's own db proxy takes ~3 ms an insert)."""
    from anki.collection import AddNoteRequest, Collection, ExportAnkiPackageOptions
    from anki.decks import DeckId

    file = str(folder / "collection.anki2")
    col = Collection(file)
    try:
        deck = col.decks.id("Vocab")
        basic = col.models.by_name("Basic")
        keys = sorted({k for k, _, _ in log})
        notes = []
        for key in keys:
            note = col.new_note(basic)
            note["Front"], note["Back"] = f"Question {key[1]}", f"Answer {key[1]}"
            notes.append(AddNoteRequest(note, DeckId(deck)))
        col.add_notes(notes)
        card_ids = {key: request.note.cards()[0].id for key, request in zip(keys, notes, strict=True)}
    finally:
        col.close()
    first_day: dict = {}
    entries = []
    for i, (key, rating, moment) in enumerate(log):
        day = first_day.setdefault(key, moment.date())
        revlog_id = int(moment.timestamp() * 1000) + i % 1000  # revlog ids are unique
        entries.append((revlog_id, card_ids[key], rating, 0 if moment.date() == day else 1))
    with closing(sqlite3.connect(file)) as db, db:
        db.executemany(
            "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) "
            "VALUES (?, ?, -1, ?, 1, 0, 2500, 5000, ?)",
            entries,
        )
    col = Collection(file)
    try:
        path = folder / "vocab.apkg"
        col.export_anki_package(
            out_path=str(path),
            options=ExportAnkiPackageOptions(with_scheduling=True, with_deck_configs=True, with_media=True),
            limit=None,
        )
    finally:
        col.close()
    return path


@pytest.mark.skipif(importlib.util.find_spec("anki") is None, reason="the anki package (test extra) builds the package")
def test_a_new_user_with_an_imported_anki_history_gets_parameters_of_their_own(
    cli, isolated_home, tmp_path, learner_log
):
    """The issue's 'done when': `quiz import` of an Anki package with its history, then `quiz optimize` fits,
    reports a gain on held-out reviews and saves; the imported cards are rescheduled with the fit."""
    log = learner_log
    path = anki_package(tmp_path, log)
    imported = cli("import", str(path), env=NOW)
    assert imported.exit_code == 0, imported.stderr
    assert f"Review history: {len(log):,} new reviews" in imported.stdout
    before = rows(isolated_home, "SELECT * FROM card_states ORDER BY deck, card")
    result = cli("optimize", "--json", env=NOW)
    assert (result.exit_code, result.stderr) == (0, "")
    document = json.loads(result.stdout)
    assert document["answers"] == len(log) and document["reviews"] >= 400
    assert document["optimized"]["log_loss"] < document["default"]["log_loss"] and document["saved"] is True
    after = rows(isolated_home, "SELECT * FROM card_states ORDER BY deck, card")
    assert len(after) == 600 and after != before
    with Store.open(isolated_home) as store:
        assert store.parameters() == tuple(document["parameters"]) and store.rebuild_states() == store.states()


def test_one_answer_is_counted_in_the_singular(cli, isolated_home):
    isolated_home.mkdir(exist_ok=True)
    with Store.open(isolated_home) as store:
        store.record_review(
            ("d", "c"), 3, datetime(2026, 11, 1, tzinfo=timezone.utc), mode="flip", scheduler=make_scheduler()
        )
    result = cli("optimize", env=NOW)
    assert result.exit_code == 1
    assert "the log has 0 (of 1 answer), 400 to go." in result.stderr
