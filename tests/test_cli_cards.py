"""Card management (issue 15): `quiz cards`, `suspend`, `unsuspend`, `bury`, `reset`, `forget-orphans`,
with their exact output, the rows they write, and what a study session then asks."""

import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from dense1x1quiz.scheduler import make_scheduler
from dense1x1quiz.store import DB_NAME, Store, epoch_ms, list_backups

DECK = """\
deck: mini
title: Mini deck
cards:
  - id: what
    front: What does a 1×1 convolution compute at each pixel?
    back: A dense layer over the channels
    tags: [basics]
  - id: shape
    front: 'Input $32 \\times 32 \\times C_{in}$, 1×1 conv with 16 filters: output shape?'
    answer: 32x32x16
  - id: pick
    front: Which layer mixes channels but not pixels? Réponse courte.
    options: [1×1 convolution, 3×3 convolution, max pooling]
    answer: 1×1 convolution
    tags: [basics]
  - id: cz
    cloze: 'A 1×1 conv keeps {{c1::H × W}}.'
"""
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
NOW = "2026-11-26T09:00:00Z"
ENV = {"DENSE1X1QUIZ_NOW": NOW}


@pytest.fixture
def home(isolated_home):
    (isolated_home / "decks").mkdir(parents=True)
    (isolated_home / "decks" / "mini.yaml").write_text(DECK, encoding="utf-8")
    return isolated_home


def _answer(home, key, ratings, start=T0, gap=timedelta(days=1)):
    scheduler = make_scheduler(fuzz=False)
    with Store.open(home) as store:
        for n, rating in enumerate(ratings):
            store.record_review(key, rating, start + n * gap, mode="flip", scheduler=scheduler)


def _rows(home, sql):
    db = sqlite3.connect(home / DB_NAME)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.fixture
def studied(home):
    """`what` in review, `shape` in learning with a lapse history, `pick` and `cz` new."""
    _answer(home, ("mini", "what"), [3, 3, 3])
    _answer(home, ("mini", "shape"), [3, 3, 1], start=T0 + timedelta(days=3), gap=timedelta(hours=12))
    return home


HEADER = "deck  id     kind    state       due               interval  reps  lapses  flags      prompt\n"


def test_cards_lists_each_card_with_its_schedule_marks_and_prompt(studied, cli):
    with Store.open(studied) as store:
        store.suspend([("mini", "pick")], T0)
        store.set_flag([("mini", "shape")], 1, T0)
        store.mark_leech(("mini", "shape"), T0)
        store.bury([("mini", "what")], datetime(2026, 11, 27, 4, tzinfo=timezone.utc), T0)
    result = cli("cards", "mini", env=ENV)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "deck  id     kind    state       due               interval  reps  lapses  flags        prompt\n"
        "mini  what   basic   review      2026-12-04 09:00       12d     3       0  buried       "
        "What does a 1×1 convolution compute at each pixel?\n"
        "mini  shape  typed   relearning  2026-11-24 09:10       10m     3       1  leech flag1  "
        "Input 32 × 32 × Cᵢₙ, 1×1 conv with 16 filters: output shape?\n"
        "mini  pick   choice  new         -                        -     0       0  suspended    "
        "Which layer mixes channels but not pixels? Réponse courte.\n"
        "mini  cz:c1  cloze   new         -                        -     0       0  -            "
        "A 1×1 conv keeps […].\n"
    )
    later = cli("cards", "mini:what", "--state", "review", env={"DENSE1X1QUIZ_NOW": "2026-11-27T04:00:00Z"})
    assert later.exit_code == 2  # a card is not a deck
    later = cli("cards", "mini", "--state", "review", env={"DENSE1X1QUIZ_NOW": "2026-11-27T04:00:00Z"})
    assert later.stdout.splitlines()[1].split("  0  ")[1].startswith("-  ")  # the bury is over at 04:00


def test_cards_json_has_every_promised_key(studied, cli):
    with Store.open(studied) as store:
        store.suspend([("mini", "pick")], T0)
        store.bury([("mini", "what")], datetime(2026, 11, 27, 4, tzinfo=timezone.utc), T0)
        state = store.state(("mini", "what"))
    result = cli("cards", "mini", "--json", "--tag", "basics", env=ENV)
    assert (result.exit_code, result.stderr) == (0, "")
    assert json.loads(result.stdout) == [
        {
            "deck": "mini",
            "id": "what",
            "kind": "basic",
            "state": "review",
            "due": "2026-12-04T09:00:00Z",
            "stability": state.stability,
            "difficulty": state.difficulty,
            "reps": 3,
            "lapses": 0,
            "suspended": False,
            "buried_until": "2026-11-27T04:00:00Z",
            "flag": 0,
            "leech": False,
            "prompt": "What does a 1×1 convolution compute at each pixel?",
        },
        {
            "deck": "mini",
            "id": "pick",
            "kind": "choice",
            "state": "new",
            "due": None,
            "stability": None,
            "difficulty": None,
            "reps": 0,
            "lapses": 0,
            "suspended": True,
            "buried_until": None,
            "flag": 0,
            "leech": False,
            "prompt": "Which layer mixes channels but not pixels? Réponse courte.",
        },
    ]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--due"], ["shape"]),  # due before the study day ends (04:00 tomorrow)
        (["--state", "new"], ["pick", "cz:c1"]),
        (["--state", "relearning"], ["shape"]),
        (["--state", "suspended"], ["cz:c1"]),
        (["--tag", "BASICS"], ["what", "pick"]),
        (["--search", "REPONSE  courte"], ["pick"]),  # case, accents and spaces ignored
        (["--search", "32 × 32 × cin"], ["shape"]),  # over the LaTeX as shown: C_{in} is Cᵢₙ
        (["--search", "Cᵢₙ"], ["shape"]),
        (["--search", "h × w"], ["cz:c1"]),  # a cloze's hidden text is its answer
        (["--search", "max pooling"], ["pick"]),  # an option
        (["--leech"], ["shape"]),
        (["--flag", "2"], ["what"]),
        (["--due", "--tag", "basics"], []),
    ],
)
def test_cards_filters(studied, cli, args, ids):
    with Store.open(studied) as store:
        store.suspend([("mini", "cz:c1")], T0)
        store.mark_leech(("mini", "shape"), T0)
        store.set_flag([("mini", "what")], 2, T0)
    result = cli("cards", "mini", *args, "--json", env=ENV)
    assert (result.exit_code, result.stderr) == (0, "")
    assert [card["id"] for card in json.loads(result.stdout)] == ids
    if not ids:
        assert cli("cards", "mini", *args, env=ENV).stdout == "No cards match.\n"


@pytest.mark.parametrize(
    ("day", "ids"),
    [
        ("today", ["shape"]),  # as --due: before 2026-12-04 04:00
        ("tomorrow", ["what", "shape"]),  # `what` is due 2026-12-04 09:00, before 2026-12-05 04:00
        ("TOMORROW", ["what", "shape"]),
        ("0", ["shape"]),
        ("1", ["what", "shape"]),
        ("2026-12-03", ["shape"]),
        ("2026-12-04", ["what", "shape"]),
    ],
)
def test_cards_due_by_a_day(studied, cli, day, ids):
    result = cli("cards", "mini", "--due-by", day, "--json", env={"DENSE1X1QUIZ_NOW": "2026-12-03T09:00:00Z"})
    assert (result.exit_code, result.stderr) == (0, "")
    assert [card["id"] for card in json.loads(result.stdout)] == ids


@pytest.mark.parametrize("day", ["yesterday", "2026-12-02", "-1", "soon", "", "36526"])
def test_cards_due_by_a_day_that_is_not_one_ahead_is_bad_usage(studied, cli, day):
    result = cli("cards", "mini", "--due-by", day, env={"DENSE1X1QUIZ_NOW": "2026-12-03T09:00:00Z"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: --due-by takes today, tomorrow, a number of days ahead or a date from 2026-12-03 on "
        f"(YYYY-MM-DD), not `{day}`\n"
    )


def test_a_bad_flag_or_state_is_bad_usage(home, cli):
    result = cli("cards", "--flag", "8")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("--flag is a flag from 1 to 7, not 8\n")
    assert cli("cards", "--state", "buried").exit_code == 2


def test_suspend_unsuspend_and_bury_say_what_changed_and_write_events(studied, cli):
    result = cli("suspend", "mini:pick", "mini:cz:c1", env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Suspended 2 cards.\n", "")
    result = cli("suspend", "--tag", "basics", env=ENV)  # `what` and `pick`
    assert result.stdout == "Suspended 1 card; 1 was already suspended.\n"
    result = cli("unsuspend", "mini:what", "mini:shape", env=ENV)
    assert result.stdout == "Unsuspended 1 card; 1 was not suspended.\n"
    result = cli("bury", "mini", "--search", "1×1", env=ENV)  # `what`, `shape`, `pick`, `cz:c1`
    assert result.stdout == "Buried 4 cards until 2026-11-27 04:00 (the next study day).\n"
    result = cli("bury", "mini:what", env=ENV)
    assert result.stdout == "Buried 0 cards until 2026-11-27 04:00 (the next study day); 1 was already buried.\n"
    now, until = epoch_ms(datetime(2026, 11, 26, 9, tzinfo=timezone.utc)), 1795752000000
    assert until == epoch_ms(datetime(2026, 11, 27, 4, tzinfo=timezone.utc))
    assert _rows(studied, "SELECT card, at_ms, kind, value, session FROM card_events ORDER BY id") == [
        ("pick", now, "suspend", 1, None),
        ("cz:c1", now, "suspend", 1, None),
        ("what", now, "suspend", 1, None),
        ("what", now, "suspend", 0, None),
        ("what", now, "bury", until, None),
        ("shape", now, "bury", until, None),
        ("pick", now, "bury", until, None),
        ("cz:c1", now, "bury", until, None),
    ]
    assert _rows(studied, "SELECT card, suspended, buried_until_ms FROM card_marks ORDER BY card") == [
        ("cz:c1", 1, until),
        ("pick", 1, until),
        ("shape", 0, until),
        ("what", 0, until),
    ]


def test_study_never_asks_a_suspended_card_and_a_buried_one_the_next_day(home, cli):
    assert cli("suspend", "mini:what", env=ENV).exit_code == 0
    assert cli("bury", "mini:shape", env=ENV).exit_code == 0
    asked = cli("study", "mini", "--mode", "flip", input="\n3\n" * 4, env=ENV)
    assert asked.exit_code == 0
    assert "compute at each pixel" not in asked.stdout and "Input 32" not in asked.stdout
    assert "Which layer mixes" in asked.stdout and "A 1×1 conv keeps" in asked.stdout
    tomorrow = cli("study", "mini", "--mode", "flip", input="q\n", env={"DENSE1X1QUIZ_NOW": "2026-11-27T04:00:00Z"})
    assert "Input 32" in tomorrow.stdout and "compute at each pixel" not in tomorrow.stdout
    cram = cli("study", "mini", "--mode", "flip", "--cram", input="\n3\n" * 4, env=ENV)
    assert "compute at each pixel" in cram.stdout  # a cram asks every card


def test_a_card_that_is_not_there_is_a_clear_error(home, cli):
    result = cli("suspend", "mini:shap")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: no card `shap` in deck `mini`; did you mean `mini:shape` or `mini:what`? "
        "(`quiz cards mini` lists them)\n"
    )
    result = cli("bury", "mni:shape")
    assert result.stderr == (
        "Error: no card `mni:shape`: did you mean `mini`? a card is DECK:ID; "
        "decks: 1x1-in-practice, dense-vs-1x1, mini\n"
    )
    result = cli("unsuspend", "mini", "--tag", "nothing")
    assert (result.exit_code, result.stderr) == (1, "Error: no card matches --tag `nothing`\n")
    result = cli("suspend")
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: name the cards (DECK:ID), a deck, or choose them with --tag or --search\n",
    )
    assert not (home / DB_NAME).exists()  # nothing opened for a command that did nothing


def test_reset_asks_first_and_keeps_every_answer(studied, cli):
    result = cli("reset", "mini", env=ENV)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: quiz reset asks before it changes anything; stdin is not a terminal: add --yes\n"
    assert _rows(studied, "SELECT COUNT(*) FROM card_events") == [(0,)]
    result = cli("reset", "mini", "--yes", env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "Reset 2 cards to new; the review log keeps their 6 answers.\n",
        "",
    )
    assert _rows(studied, "SELECT card, kind, value FROM card_events ORDER BY id") == [
        ("what", "reset", 3),
        ("shape", "reset", 6),
    ]
    assert _rows(studied, "SELECT COUNT(*) FROM reviews") == [(6,)]
    assert _rows(studied, "SELECT COUNT(*) FROM card_states") == [(0,)]
    listed = cli("cards", "mini", "--state", "new", "--json", env=ENV)
    assert [c["id"] for c in json.loads(listed.stdout)] == ["what", "shape", "pick", "cz:c1"]
    result = cli("reset", "mini:what", "--yes", env=ENV)
    assert result.stdout == "Nothing to reset: 1 card new already.\n"
    with Store.open(studied) as store:
        assert store.rebuild_states() == store.states() == {}
        assert store.review_count() == 6


def test_orphans_are_listed_then_forgotten_after_a_backup(studied, cli):
    _answer(studied, ("mini", "gone"), [3, 1])
    _answer(studied, ("old-deck", "x"), [3])
    with Store.open(studied) as store:
        store.set_flag([("old-deck", "y")], 2, T0)  # marks without answers are history too
    result = cli("cards", "--orphans", env=ENV)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        "deck      id    answers\n"
        "mini      gone        2\n"
        "old-deck  x           1\n"
        "old-deck  y           0\n"
        "3 cards with history (3 answers) no deck found holds; `quiz forget-orphans` removes it after a backup.\n"
    )
    assert cli("cards", "mini", "--orphans", "--json", env=ENV).stdout == (
        '[\n  {\n    "deck": "mini",\n    "id": "gone",\n    "answers": 2\n  }\n]\n'
    )
    result = cli("forget-orphans", env=ENV)
    assert (result.exit_code, result.stderr) == (
        2,
        "Error: quiz forget-orphans asks before it changes anything; stdin is not a terminal: add --yes\n",
    )
    result = cli("forget-orphans", "--yes", env=ENV)
    [backup] = [path for path in list_backups(studied) if "forget" in path.name]
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == f"Removed the history of 3 cards (3 answers); backup: {backup}\n"
    assert backup.name.endswith("-forget-orphans.sqlite3")
    assert _rows(studied, "SELECT DISTINCT card FROM reviews ORDER BY card") == [("shape",), ("what",)]
    assert _rows(studied, "SELECT COUNT(*) FROM card_events") == [(0,)]
    assert cli("cards", "--orphans", env=ENV).stdout == (
        "No orphaned history: every card with history is in a deck found.\n"
    )


def test_forget_orphans_refuses_while_a_deck_is_broken(studied, cli):
    (studied / "decks" / "other.yaml").write_text("deck: other\ncards: []\n", encoding="utf-8")
    result = cli("forget-orphans", "--yes", env=ENV)
    assert result.exit_code == 1
    assert result.stderr.replace("\n", "") == (
        f"Error: a deck cannot be read ({studied / 'decks' / 'other.yaml'}); fix it first (`quiz decks` says why), "
        "or its history would be removed"
    )
    assert _rows(studied, "SELECT COUNT(*) FROM reviews") == [(6,)]


def test_a_deck_named_by_its_path_works_too(tmp_path, cli):
    path = tmp_path / "notes" / "other.yaml"
    path.parent.mkdir()
    path.write_text(DECK.replace("deck: mini", "deck: other"), encoding="utf-8")
    result = cli("suspend", f"{path}:cz:c1", f"{path}:what", env=ENV)
    assert (result.exit_code, result.stdout, result.stderr) == (0, "Suspended 2 cards.\n", "")
    assert cli("unsuspend", str(path), env=ENV).stdout == "Unsuspended 2 cards; 2 were not suspended.\n"
    result = cli("bury", f"{path}:nope", env=ENV)
    assert (result.exit_code, result.stderr) == (
        1,
        "Error: no card `nope` in deck `other` (`quiz cards other` lists them)\n",
    )


@pytest.mark.parametrize(("reply", "code", "said"), [("y", 0, "Reset 1 card to new"), ("n", 1, "Cancelled")])
def test_reset_on_a_terminal_asks_and_does_what_the_answer_says(studied, reply, code, said):
    """A real terminal (pexpect): the question, then `y` resets and anything else cancels (exit 1)."""
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(studied), "DENSE1X1QUIZ_NOW": NOW, "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable, ["-m", "dense1x1quiz", "reset", "mini:what"], env=env, encoding="utf-8", timeout=60
    )
    child.expect_exact("Reset 1 card to new? The log keeps their 3 answers. [y/N] ")
    child.sendline(reply)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code
    assert said in child.before
    assert _rows(studied, "SELECT COUNT(*) FROM card_events") == [(int(reply == "y"),)]


def test_on_a_terminal_too_narrow_for_one_line_a_card_each_cards_are_stacked(studied):
    """At 80 columns the nine columns and a prompt do not fit (built-in ids run to 60 characters): each
    card is `DECK:ID`, its figures aligned across cards, its prompt; no line wider than the terminal."""
    import os
    import sys

    pexpect = pytest.importorskip("pexpect")
    env = {**os.environ, "DENSE1X1QUIZ_HOME": str(studied), "DENSE1X1QUIZ_NOW": NOW, "NO_COLOR": "1"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dense1x1quiz", "cards", "dense-vs-1x1", "--state", "new"],
        env=env,
        encoding="utf-8",
        timeout=60,
        dimensions=(24, 80),
    )
    shown = child.read().replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0
    lines = shown.splitlines()
    assert lines[:3] == [
        "dense-vs-1x1:dense-definition",
        "  basic   new  -  -  0  0  -",  # kinds aligned: `choice` is the widest in the deck
        "  Dense layer (fully connected layer)",
    ]
    assert len(lines) % 3 == 0 and max(map(len, lines)) <= 79


def test_stacked_lines_align_the_figures_and_cut_to_the_width():
    from dense1x1quiz.ui.cards import stacked_lines

    cells = [
        ["d", "a", "basic", "review", "2026-12-04 09:00", "12d", "3", "0", "-", "What is a 1×1 convolution?"],
        ["d", "long-id", "typed", "new", "-", "-", "0", "10", "leech flag1", "x" * 50],
    ]
    assert stacked_lines(cells, 40) == [
        "d:a",
        "  basic  review  2026-12-04 09:00  12d …",
        "  What is a 1×1 convolution?",
        "d:long-id",
        "  typed  new     -                   - …",
        "  xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…",
    ]
