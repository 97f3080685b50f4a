"""The study keys of issue 15 on the line protocol (a rating line of `@`, `-`, `*`, `e`; `u` undoes each),
and leeches: marked at `leech_lapses` lapses and every half as many after, suspended when the setting says."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest

from dense1x1quiz.store import Store

NOW = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-26T09:00:00Z"

DECK = """\
deck: mini
title: Mini
cards:
  - id: a
    front: First question
    back: first answer
  - id: b
    front: Second question
    back: second answer
"""


@pytest.fixture
def deck(isolated_home):
    folder = isolated_home / "decks"
    folder.mkdir(parents=True)
    path = folder / "mini.yaml"
    path.write_text(DECK, encoding="utf-8")
    return path


def study(cli, script: str, now: str = NOW_TEXT, **env):
    return cli("study", "mini", "--mode", "flip", input=script, env={"DENSE1X1QUIZ_NOW": now, **env})


def rows(home, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(home / "quiz.sqlite3")) as db:
        return db.execute(sql).fetchall()


def asked(stdout: str) -> list[str]:
    """The questions shown, in order (the line under each card's header)."""
    lines = stdout.splitlines()
    return [lines[i + 1] for i, line in enumerate(lines) if line == "── mini ──"]


def test_at_suspends_the_card_and_u_takes_it_back(cli, deck, isolated_home):
    result = study(cli, "\n@\n\n3\nq\n")
    assert result.exit_code == 0
    assert asked(result.stdout) == ["First question", "Second question", "Second question"]  # b's 10m step, early
    assert "Suspended a: it is not asked until quiz unsuspend mini:a." in result.stdout.splitlines()
    assert rows(isolated_home, "SELECT card FROM reviews") == [("b",)]
    assert rows(isolated_home, "SELECT card, suspended FROM card_marks") == [("a", 1)]
    # a later session leaves it out
    result = study(cli, "\n3\nq\n", now="2026-11-28T09:00:00Z")
    assert "First question" not in asked(result.stdout)


def test_u_after_at_takes_the_suspension_back(cli, deck, isolated_home):
    result = study(cli, "\n@\n\nu\n\n3\nq\n")
    assert asked(result.stdout)[:3] == ["First question", "Second question", "First question"]
    assert "Undone: suspended on a; it is asked again." in result.stdout.splitlines()
    assert rows(isolated_home, "SELECT card, rating FROM reviews") == [("a", 3)]
    assert rows(isolated_home, "SELECT COUNT(*) FROM card_events") == [(0,)]  # its event left the log
    assert rows(isolated_home, "SELECT COUNT(*) FROM card_marks") == [(0,)]


def test_minus_buries_the_card_until_the_next_study_day(cli, deck, isolated_home):
    result = study(cli, "\n-\n\n3\nq\n")
    assert "Buried a until the next study day." in result.stdout.splitlines()
    next_day = int(datetime(2026, 11, 27, 4, tzinfo=timezone.utc).timestamp() * 1000)
    assert rows(isolated_home, "SELECT card, buried_until_ms FROM card_marks") == [("a", next_day)]
    assert "First question" not in asked(study(cli, "\n3\nq\n", now="2026-11-26T20:00:00Z").stdout)
    assert asked(study(cli, "\n3\nq\n", now="2026-11-27T04:00:00Z").stdout)[0] == "First question"


def test_star_flags_the_card_which_stays_and_u_or_star_again_unflags_it(cli, deck, isolated_home):
    result = study(cli, "\n*\n3\nq\n")
    assert asked(result.stdout) == ["First question", "Second question"]
    assert "Flagged a." in result.stdout.splitlines()
    assert rows(isolated_home, "SELECT card, rating FROM reviews") == [("a", 3)]
    assert rows(isolated_home, "SELECT card, flag FROM card_marks") == [("a", 1)]
    result = study(cli, "\n*\nu\n3\nq\n")  # b flagged, then the flag undone, then b rated
    assert "Undone: flag on b." in result.stdout.splitlines()
    assert rows(isolated_home, "SELECT card, flag FROM card_marks ORDER BY card") == [("a", 1)]  # b: no event left
    assert rows(isolated_home, "SELECT card FROM card_events ORDER BY id") == [("a",)]
    study(cli, "\n*\n*\n3\nq\n", now="2026-12-20T09:00:00Z")  # a, due again: flag off, then on
    assert rows(isolated_home, "SELECT card, flag FROM card_marks ORDER BY card") == [("a", 1)]
    assert [r[1] for r in rows(isolated_home, "SELECT card, value FROM card_events ORDER BY id")] == [1, 0, 1]


EDITOR = """\
#!{python}
import sys, pathlib
path = pathlib.Path(sys.argv[-1])
path.write_text(path.read_text(encoding="utf-8").replace({old!r}, {new!r}), encoding="utf-8")
"""


def fake_editor(folder, old: str, new: str) -> str:
    script = folder / "vi"
    script.write_text(EDITOR.format(python=sys.executable, old=old, new=new))
    script.chmod(0o755)
    return str(script)


def test_e_edits_the_card_which_is_asked_again_as_edited_and_keeps_its_history(cli, deck, isolated_home, tmp_path):
    editor = fake_editor(tmp_path, "First question", "First question, fixed")
    study(cli, "\n3\nq\n")  # a answered once
    result = study(cli, "\ne\n\n3\nq\n", now="2026-12-20T09:00:00Z", VISUAL=None, EDITOR=editor)
    assert result.exit_code == 0
    assert asked(result.stdout) == ["First question", "First question, fixed", "Second question"]
    assert f"Saved {deck}." in result.stdout.splitlines()
    assert "mini:a kept its id, and so its history." in result.stdout.splitlines()
    assert deck.read_text() == DECK.replace("First question", "First question, fixed")
    assert rows(isolated_home, "SELECT card, rating FROM reviews ORDER BY id") == [("a", 3), ("a", 3)]
    assert rows(isolated_home, "SELECT card, reps FROM card_states") == [("a", 2)]


def test_u_after_e_puts_the_file_back(cli, deck, isolated_home, tmp_path):
    editor = fake_editor(tmp_path, "First question", "First question, fixed")
    result = study(cli, "\ne\n\nu\n\n3\nq\n", VISUAL=None, EDITOR=editor)
    assert asked(result.stdout) == ["First question", "First question, fixed", "First question", "Second question"]
    assert "Undone: the edit of a; it is asked again as it was." in result.stdout.splitlines()
    assert deck.read_text() == DECK
    assert rows(isolated_home, "SELECT card, rating FROM reviews") == [("a", 3)]


def test_e_that_breaks_the_deck_saves_nothing_and_the_card_stays(cli, deck, isolated_home, tmp_path):
    editor = fake_editor(tmp_path, "back: first answer", "bakc: first answer")
    result = study(cli, "\ne\nn\n3\nq\n", VISUAL=None, EDITOR=editor)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert f"{deck}:4:5: missing `back`" in lines
    assert "The deck has problems and was not saved. Edit again? [Y/n]" in lines
    [error] = [line for line in lines if line.startswith("the deck has problems; nothing was saved")]
    assert asked(result.stdout) == ["First question", "Second question"]
    assert rows(isolated_home, "SELECT card, rating FROM reviews") == [("a", 3)]
    assert deck.read_text() == DECK


# -- leeches ----------------------------------------------------------------------------------------


def lapsed(home, lapses: int) -> None:
    """Card mini:a in review after `lapses` lapses (Again in review, then Good), long due by NOW."""
    at = NOW - timedelta(days=400)
    answers = [(("mini", "a"), 4, at, "flip", None)]
    for _ in range(lapses):
        at += timedelta(days=2)
        answers += [(("mini", "a"), 1, at, "flip", None), (("mini", "a"), 3, at + timedelta(minutes=10), "flip", None)]
    with Store.open(home) as store:
        store.import_reviews(answers, store.scheduler(fuzz=False))
        assert (store.state(("mini", "a")).state, store.state(("mini", "a")).lapses) == ("review", lapses)


@pytest.mark.parametrize(("before", "leech"), [(6, False), (7, True), (8, False), (10, False), (11, True)])
def test_a_leech_is_marked_at_8_lapses_and_every_4_after(cli, deck, isolated_home, before, leech):
    lapsed(isolated_home, before)
    result = study(cli, "\n1\nq\n")
    note = f"Leech: a has lapsed {before + 1} times; it is marked a leech (quiz cards --leech lists them)."
    assert (note in result.stdout.splitlines()) == leech
    marks = rows(isolated_home, "SELECT card, suspended, leech FROM card_marks")
    assert marks == ([("a", 0, 1)] if leech else [])


def test_a_leech_tagged_keeps_being_asked_and_u_takes_the_mark_back(cli, deck, isolated_home):
    lapsed(isolated_home, 7)
    result = study(cli, "\n1\n\nu\nq\n")
    lines = result.stdout.splitlines()
    at = lines.index("Leech: a has lapsed 8 times; it is marked a leech (quiz cards --leech lists them).")
    assert lines[at - 1].startswith("Saved Again")
    assert asked(result.stdout)[:2] == ["First question", "Second question"]
    assert "Undone: Again on a; it is asked again." in lines
    assert rows(isolated_home, "SELECT COUNT(*) FROM card_events") == [(0,)]
    assert rows(isolated_home, "SELECT lapses FROM card_states WHERE card = 'a'") == [(7,)]


def test_a_leech_is_suspended_when_the_setting_says_so(cli, deck, isolated_home):
    assert cli("config", "leech_action", "suspend", "--deck", "mini").exit_code == 0
    lapsed(isolated_home, 7)
    result = study(cli, "\n1\n\n3\nq\n")
    lines = result.stdout.splitlines()
    assert "Leech: a has lapsed 8 times; it is marked a leech and suspended." in lines
    assert asked(result.stdout) == ["First question", "Second question", "Second question"]  # not a again
    assert rows(isolated_home, "SELECT card, suspended, leech FROM card_marks") == [("a", 1, 1)]
    assert rows(isolated_home, "SELECT kind, value FROM card_events ORDER BY id") == [("leech", 1), ("suspend", 1)]


# -- the queue and the screen's keys ----------------------------------------------------------------


def test_a_card_set_aside_leaves_the_days_order_and_a_new_card_takes_a_new_ones_place():
    from dense1x1quiz.model import Card
    from dense1x1quiz.queue import StudyQueue
    from dense1x1quiz.scheduler import CardState, make_scheduler

    r1, r2, n1, n2, n3 = (Card("d", k, "basic", "q", "a", note=k) for k in ("r1", "r2", "n1", "n2", "n3"))
    due = NOW - timedelta(days=1)
    states = {
        c.key: CardState(c.key, "review", None, 5.0, 5.0, due + timedelta(minutes=i), due - timedelta(days=5), 2, 0)
        for i, c in enumerate((r1, r2))
    }
    queue = StudyQueue(
        [r1, r2, n1, n2, n3],
        states,
        scheduler=make_scheduler(fuzz=False),
        new_per_day=2,
        new_done_today={},
        answered_today=set(),
    )
    assert (queue.next(NOW), queue.counts(NOW)) == (r1, (2, 0, 2))
    queue.set_aside(r1)
    assert (queue.next(NOW), queue.counts(NOW)) == (r2, (2, 0, 1))
    queue.set_aside(r2)
    queue.set_aside(n1)
    assert (queue.next(NOW), queue.counts(NOW)) == (n2, (2, 0, 0))  # n3 came in for n1
    queue.set_aside(n2)
    assert (queue.next(NOW), queue.counts(NOW)) == (n3, (1, 0, 0))
    assert queue.restore() == n2 and queue.next(NOW) == n2
    assert queue.restore() == n1 and queue.next(NOW) == n1 and queue.counts(NOW) == (2, 0, 0)
    assert queue.restore() == r2
    assert queue.restore() == r1 and queue.next(NOW) == r1 and queue.counts(NOW) == (2, 0, 2)
    assert queue.restore() is None


@pytest.mark.parametrize(
    ("key", "kind"), [("@", "suspend"), ("-", "bury"), ("*", "flag"), ("e", "edit"), ("E", "edit")]
)
@pytest.mark.parametrize("step", ["reveal", "rate", "pick", "next"])
def test_on_a_terminal_the_card_keys_act_at_every_step(key, kind, step):
    pressed = [key]
    import io

    from rich.console import Console

    from dense1x1quiz.ui.study import StudyUI

    class Keys:
        """The key, then Ctrl-D (quit): a key the screen does not take ends the read instead of looping."""

        interactive = True
        cut = False

        def key(self):
            return pressed.pop() if pressed else None

    ui = StudyUI(Console(file=io.StringIO()), keys=Keys())  # type: ignore[arg-type]
    assert ui.read(step, options=3).kind == kind
