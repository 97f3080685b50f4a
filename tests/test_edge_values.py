"""Values at the edges (issue 11): a clock far in the past or future, a card due in the year 9999, a TZ
a day or more off UTC, seeds beyond SQLite's integers, nan and infinity as options, and a disk that
fills up or fails mid-session. Each ends in one clear line and exit 1 or 2 (or a correct result),
never an internal error, and nothing is written where the run was refused.

Every run goes through the CLI's own error handling (`cli.run`, in this process) with a memory cap and a
timeout; a session stopped from outside (a full disk, a file size limit) is a real process."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import mounted_tmpfs, run_in_process

from dense1x1quiz.store import epoch_ms

ONE_CARD = "deck: one\ntitle: One\ncards:\n  - {id: a, front: What is a 1×1 convolution?, back: A dense layer}\n"
NOW = "2026-11-26T09:00:00Z"


def quiz(*args: str, input: str | None = None, **env: str):
    return run_in_process(*args, input=input, env=env, memory_mib=1024, timeout=30)


@pytest.fixture
def deck(tmp_path) -> Path:
    path = tmp_path / "one.yaml"
    path.write_text(ONE_CARD, encoding="utf-8")
    return path


def db_rows(home: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute(sql).fetchall()


# -- DENSE1X1QUIZ_NOW ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "instant",
    [
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:30:00+01:00",
        "1969-12-31T23:59:59Z",
        "9001-01-01T00:00:00Z",
    ],
)
@pytest.mark.parametrize(
    "command", [["study", "--mode", "flip"], ["stats"], ["stats", "--json"], ["exam", "-n", "1", "--seed", "1"]]
)
def test_a_clock_outside_1970_to_9000_is_bad_usage_and_nothing_is_written(deck, isolated_home, instant, command):
    result = quiz(*command[:1], str(deck), *command[1:], input="\n3\n", DENSE1X1QUIZ_NOW=instant)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"Error: DENSE1X1QUIZ_NOW={instant} is outside the years 1970 to 9000 that quiz can "
        "schedule in; use an instant in them (e.g. 2026-11-26T09:30:00Z)\n"
    )
    assert not (isolated_home / "quiz.sqlite3").exists()


EVERY_COMMAND = [
    ["study", "dense-vs-1x1", "--mode", "flip"],
    ["study", "dense-vs-1x1", "--mode", "flip", "--cram"],
    ["stats"],
    ["stats", "--json"],
    ["exam", "dense-vs-1x1", "-n", "3", "--seed", "5", "--json"],
    ["decks"],
    ["decks", "--json"],
    ["export", "dense-vs-1x1", "--format", "csv", "-o", "{tmp}/out.csv"],
    ["export", "dense-vs-1x1", "--format", "md", "-o", "{tmp}/out.md"],
    ["demo", "equivalence", "--height", "2", "--width", "2", "--cin", "3", "--cout", "2"],
    ["demo", "--json"],
]


@pytest.mark.parametrize(
    ("instant", "zone"),
    [
        ("1970-01-01T00:00:00Z", "XXX+12"),  # local time is in 1969
        ("9000-12-31T23:59:59.999999Z", "XXX-14"),
    ],
)  # local time in 9001
def test_every_command_works_at_both_ends_of_the_clock_range(tmp_path, instant, zone):
    for command in EVERY_COMMAND:
        args = [arg.replace("{tmp}", str(tmp_path)) for arg in command]
        result = quiz(*args, input="\n4\n" * 3 + "\n1\n" * 3, DENSE1X1QUIZ_NOW=instant, TZ=zone)
        assert result.returncode == 0, (args, result.stderr)
        assert "Error" not in result.stderr and "Warning" not in result.stderr, args  # exam --json: screen on stderr


def test_a_review_100_years_ahead_of_the_latest_clock_is_stored_and_shown(deck, isolated_home):
    """At the end of 9000 a card with a huge stability answered Easy gets FSRS's longest interval,
    36,500 days less its fuzz: its due (in 9100) is stored, shown and reported by stats --json."""
    end = "9000-12-31T23:59:59Z"
    assert quiz("study", str(deck), "--mode", "flip", input="\n4\n", DENSE1X1QUIZ_NOW=end, TZ="UTC").returncode == 0
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db, db:
        db.execute(
            "UPDATE card_states SET stability = 1e9, due_ms = ?",  # due now
            (epoch_ms(datetime(9000, 12, 31, tzinfo=timezone.utc)),),
        )
    result = quiz("study", str(deck), "--mode", "flip", input="\n4\n", DENSE1X1QUIZ_NOW=end, TZ="UTC")
    assert result.returncode == 0, result.stderr
    assert "Saved Easy · next in 99.1y (Mon 12 Feb 23:59)" in result.stdout.splitlines()
    stats = quiz("stats", str(deck), "--json", DENSE1X1QUIZ_NOW=end, TZ="UTC")
    assert stats.returncode == 0 and '"due": "9100-02-12T23:59:59Z"' in stats.stdout


# -- a card due in the year 9999 and beyond ---------------------------------------------------------


@pytest.mark.parametrize(
    ("due_ms", "shown"),
    [
        (253402300799999, "9999-12-30T00:00:00Z"),  # 9999-12-31T23:59:59.999Z, the last instant datetime has
        (2**62, "9999-12-30T00:00:00Z"),  # beyond any datetime
    ],
)
def test_a_card_due_in_the_year_9999_or_later_is_due_on_9999_12_30(deck, isolated_home, due_ms, shown):
    assert quiz("study", str(deck), "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW).returncode == 0
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db, db:
        db.execute("UPDATE card_states SET state = 'review', step = NULL, stability = 1e6, due_ms = ?", (due_ms,))
    study = quiz("study", str(deck), "--mode", "flip", input="", DENSE1X1QUIZ_NOW=NOW, TZ="XXX-14")
    assert (study.returncode, study.stderr) == (0, "")
    assert study.stdout.splitlines() == [
        "Nothing to study now: no card is due and no new card is left.",
        f"To practise anyway: `quiz study {deck} --cram` (practice only; nothing saved).",
        "Next card due in 7972.9y (Thu 30 Dec 14:00).",
    ]
    stats = quiz("stats", str(deck), DENSE1X1QUIZ_NOW=NOW, TZ="XXX-14")
    assert (stats.returncode, stats.stderr) == (0, "")
    as_json = quiz("stats", str(deck), "--json", DENSE1X1QUIZ_NOW=NOW)
    assert (as_json.returncode, as_json.stderr) == (0, "")
    assert f'"due": "{shown}"' in as_json.stdout


def test_a_card_due_before_the_year_1_is_due_now_and_can_be_answered(deck, isolated_home):
    assert quiz("study", str(deck), "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW).returncode == 0
    with closing(sqlite3.connect(isolated_home / "quiz.sqlite3")) as db, db:
        db.execute("UPDATE card_states SET state = 'review', step = NULL, stability = 10, due_ms = ?", (-(2**62),))
    as_json = quiz("stats", str(deck), "--json", DENSE1X1QUIZ_NOW=NOW)
    assert as_json.returncode == 0 and '"due": "0001-01-02T00:00:00Z"' in as_json.stdout
    study = quiz("study", str(deck), "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW)
    assert (study.returncode, study.stderr) == (0, "")
    assert "Studied 1 card in 0s: 1 right, 0 wrong" in study.stdout.splitlines()


# -- TZ ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ["UTC+25", "UTC-24", "XYZ+24:59"])
def test_a_time_zone_a_day_or_more_off_utc_warns_once_and_uses_utc(deck, zone):
    warning = (
        f"Warning: TZ={zone} puts local time a day or more off UTC, which is not a time zone; "
        "quiz uses UTC for study days and clock times.\n"
    )
    study = quiz("study", str(deck), "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW, TZ=zone)
    assert (study.returncode, study.stderr) == (0, warning)
    assert "Saved Good · next in 10m (09:10)" in study.stdout.splitlines()  # 09:10 UTC
    for args in (["stats"], ["stats", "--json"]):
        stats = quiz(*args, str(deck), DENSE1X1QUIZ_NOW=NOW, TZ=zone)
        assert (stats.returncode, stats.stderr) == (0, warning)


@pytest.mark.parametrize("zone", ["garbage", ":/etc/nonexistent", "Pacific/Kiritimati", "Etc/GMT+12"])
def test_other_odd_time_zones_just_work(deck, zone):
    """glibc reads an unknown TZ as UTC; real zones as far as +14 and -12 are fine."""
    study = quiz("study", str(deck), "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW, TZ=zone)
    assert (study.returncode, study.stderr) == (0, "")
    stats = quiz("stats", str(deck), DENSE1X1QUIZ_NOW=NOW, TZ=zone)
    assert (stats.returncode, stats.stderr) == (0, "")


# -- number options ---------------------------------------------------------------------------------

SEED_WORDS = "a whole number from 0 to 2⁶³ − 1 (9223372036854775807)"


@pytest.mark.parametrize(
    ("seed", "shown"),
    [
        (str(2**64), str(2**64)),
        (str(2**63), str(2**63)),
        ("-1", "-1"),
        ("-" + str(2**64), "-" + str(2**64)),
        ("1.5", "1.5"),
        ("9" * 5000, "9" * 40 + "…"),
        ("1\n\x1b[2J", "1␊␛[2J"),
    ],
)
def test_an_exam_seed_outside_sqlites_integers_is_bad_usage(deck, isolated_home, seed, shown):
    result = quiz("exam", str(deck), "-n", "1", "--seed", seed, input="x\n")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: --seed is {SEED_WORDS}, not {shown}\n"
    assert not (isolated_home / "quiz.sqlite3").exists()


def test_the_largest_exam_seed_is_stored(deck, isolated_home):
    result = quiz("exam", str(deck), "-n", "1", "--seed", str(2**63 - 1), "--json", input="x\n")
    assert result.returncode == 0, result.stderr
    assert db_rows(isolated_home, "SELECT seed FROM exams") == [(2**63 - 1,)]


BIG = str(10**30)


@pytest.mark.parametrize(
    ("args", "code", "stderr"),
    [
        (["study", "{deck}", "--new", BIG, "--mode", "flip"], 0, ""),  # more than any deck holds: no limit
        (["study", "{deck}", "--limit", BIG, "--mode", "flip"], 0, ""),
        (["exam", "{deck}", "-n", BIG], 2, f"Error: -n {BIG} is more questions than an exam holds (at most 500)\n"),
        (
            ["demo", "equivalence", "--height", BIG],
            2,
            f"Error: height must be a whole number from 1 to 100,000, not {BIG}\n",
        ),
        (
            ["demo", "equivalence", "--batch", BIG],
            2,
            f"Error: batch must be a whole number from 1 to 100,000, not {BIG}\n",
        ),
        (
            ["demo", "equivalence", "--seed", str(2**64)],
            2,
            f"Error: seed must be a whole number from 0 to 100,000, not {2**64}\n",
        ),
    ],
)
def test_huge_whole_numbers_on_every_other_option_are_clear(deck, args, code, stderr):
    result = quiz(*[a.replace("{deck}", str(deck)) for a in args], input="", DENSE1X1QUIZ_NOW=NOW)
    assert (result.returncode, result.stderr) == (code, stderr)


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "0.5", "1e400", "1e-400", "0.5e0", "abc"])
def test_retention_must_be_a_finite_number_in_range(deck, isolated_home, value):
    """The message quotes what was typed, not what it parsed to (1e-400 is 0.0, 1e400 is inf)."""
    result = quiz("study", str(deck), "--retention", value, "--mode", "flip", input="\n3\n", DENSE1X1QUIZ_NOW=NOW)
    shown = value
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"Error: --retention is the desired retention, from 0.7 to 0.99, not {shown}\n"
    assert not (isolated_home / "quiz.sqlite3").exists()


# -- store errors ---------------------------------------------------------------------------------


def start_session(deck: Path, home: Path, **popen) -> subprocess.Popen:
    """`quiz study DECK` with its stdout a pipe, one flip card answered Good and acknowledged."""
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(home), "DENSE1X1QUIZ_NOW": NOW, "TZ": "UTC"}
    child = subprocess.Popen(
        [sys.executable, "-m", "dense1x1quiz", "study", str(deck), "--mode", "flip"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
        **popen,
    )
    child.stdin.write("\n3\n")
    child.stdin.flush()
    seen = []
    while not seen or not seen[-1].startswith("Saved"):
        seen.append(child.stdout.readline())
        assert seen[-1], "the session ended before acknowledging the first answer"
    return child


TWO_CARDS = (
    "deck: two\ntitle: Two\ncards:\n  - {id: a, front: First?, back: One}\n  - {id: b, front: Second?, back: Two}\n"
)


def finish_with_failure(child: subprocess.Popen) -> tuple[str, str]:
    out, err = child.communicate("\n3\n\n3\n", timeout=30)
    assert child.returncode == 1, err
    return out, err


@pytest.fixture
def small_disk(tmp_path):
    """A 512 KiB tmpfs (root only, else the test is skipped), unmounted afterwards."""
    yield from mounted_tmpfs(tmp_path / "disk", "512k")


def test_a_disk_that_fills_up_mid_session_is_named_on_stderr_and_saved_answers_stay(tmp_path, small_disk):
    deck = tmp_path / "two.yaml"
    deck.write_text(TWO_CARDS, encoding="utf-8")
    home = small_disk / "home"
    child = start_session(deck, home)
    with pytest.raises(OSError), open(small_disk / "filler", "wb") as filler:  # noqa: PT012 - fill to the brim
        while True:
            filler.write(b"\0" * 65536)
            filler.flush()
    out, err = finish_with_failure(child)
    assert err == f"Error: cannot write to {home / 'quiz.sqlite3'}: the disk is full; free some space, then try again\n"
    assert "Error" not in out
    assert out.splitlines()[-4:] == [
        "Stopped: the last answer was not saved; every answer marked Saved is kept.",
        "Studied 1 card in 0s: 1 right, 0 wrong",
        "2 cards left for today.",
        "Next card due in 10m (09:10).",
    ]
    (small_disk / "filler").unlink()
    assert db_rows(home, "SELECT card, rating FROM reviews") == [("a", 3)]


def test_a_disk_write_error_mid_session_is_named_on_stderr_and_saved_answers_stay(tmp_path):
    """The database cannot grow past its size (RLIMIT_FSIZE set on the running session, SIGXFSZ
    ignored): SQLite reports a disk I/O error."""
    deck = tmp_path / "two.yaml"
    deck.write_text(TWO_CARDS, encoding="utf-8")
    home = tmp_path / "home"
    child = start_session(deck, home, preexec_fn=lambda: signal.signal(signal.SIGXFSZ, signal.SIG_IGN))
    size = max(p.stat().st_size for p in home.glob("quiz.sqlite3*"))
    resource.prlimit(child.pid, resource.RLIMIT_FSIZE, (size, size))
    out, err = finish_with_failure(child)
    assert err == (
        f"Error: cannot use {home / 'quiz.sqlite3'}: the disk reported an I/O error (it may be full, "
        "failing or removed); check it, then try again\n"
    )
    assert "Error" not in out
    assert "Stopped: the last answer was not saved; every answer marked Saved is kept." in out.splitlines()
    assert db_rows(home, "SELECT card, rating FROM reviews") == [("a", 3)]
