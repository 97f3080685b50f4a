"""`quiz config` (issue 15): settings shown, saved, checked and unset, global and per deck; and the
study session using the settings in force for each deck (new cards, the review cap, steps, weights)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone

import fsrs
import pytest

from dense1x1quiz.store import DB_NAME, Store

NOW = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
NOW_TEXT = "2026-11-26T09:00:00Z"

DEFAULT_TABLE = """\
setting           from     value
new_per_day       default  20
reviews_per_day   default  none
day_start_hour    default  4
retention         default  0.9
learning_steps    default  1m 10m
relearning_steps  default  10m
leech_lapses      default  8
leech_action      default  tag
parameters        default  none
"""


def _deck(home, deck_id: str, n: int) -> str:
    """A deck file `deck_id`.yaml of `n` basic cards c0 … c(n-1), in the user deck folder of `home`."""
    folder = home / "decks"
    folder.mkdir(parents=True, exist_ok=True)
    cards = "".join(f"  - id: c{i}\n    front: question {i} of {deck_id}\n    back: answer {i}\n" for i in range(n))
    path = folder / f"{deck_id}.yaml"
    path.write_text(f"deck: {deck_id}\ntitle: {deck_id}\ncards:\n{cards}", encoding="utf-8")
    return str(path)


def _rows(home, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(home / DB_NAME)) as db:
        return db.execute(sql).fetchall()


def test_no_key_prints_every_setting_with_its_source(cli):
    result = cli("config")
    assert (result.exit_code, result.stdout, result.stderr) == (0, DEFAULT_TABLE, "")


def test_set_show_override_and_unset(cli, tmp_path, isolated_home):
    deck = _deck(isolated_home, "alpha", 2)
    assert cli("config", "retention", "0.85").stdout == "retention = 0.85 (saved)\n"
    assert cli("config", "learning_steps", "1m", "5m", "90s").stdout == "learning_steps = 1m 5m 90s (saved)\n"
    result = cli("config", "reviews_per_day", "50", "--deck", deck)
    assert (result.exit_code, result.stdout) == (0, "reviews_per_day = 50 for deck alpha (saved)\n")
    assert cli("config", "retention", "0.8", "--deck", "alpha").exit_code == 0
    assert _rows(isolated_home, "SELECT name, value FROM settings ORDER BY name") == [
        ("deck:alpha:retention", "0.8"),
        ("deck:alpha:reviews_per_day", "50"),
        ("learning_steps", '["1m", "5m", "90s"]'),
        ("retention", "0.85"),
    ]
    assert cli("config").stdout == (
        "setting           from     value\n"
        "new_per_day       default  20\n"
        "reviews_per_day   default  none\n"
        "day_start_hour    default  4\n"
        "retention         global   0.85\n"
        "learning_steps    global   1m 5m 90s\n"
        "relearning_steps  default  10m\n"
        "leech_lapses      default  8\n"
        "leech_action      default  tag\n"
        "parameters        default  none\n"
        "\n"
        "Deck overrides (quiz config --deck DECK shows a deck's settings):\n"
        "  alpha: retention 0.8, reviews_per_day 50\n"
    )
    assert cli("config", "--deck", "alpha").stdout == (
        "setting           from     value\n"
        "new_per_day       default  20\n"
        "reviews_per_day   deck     50\n"
        "day_start_hour    default  4\n"
        "retention         deck     0.8\n"
        "learning_steps    global   1m 5m 90s\n"
        "relearning_steps  default  10m\n"
        "leech_lapses      default  8\n"
        "leech_action      default  tag\n"
        "parameters        default  none\n"
    )
    assert cli("config", "retention").stdout == "0.85\n"
    assert cli("config", "retention", "--deck", "alpha").stdout == "0.8\n"
    assert json.loads(cli("config", "--json").stdout) == {
        "new_per_day": 20,
        "reviews_per_day": None,
        "day_start_hour": 4,
        "retention": 0.85,
        "learning_steps": ["1m", "5m", "90s"],
        "relearning_steps": ["10m"],
        "leech_lapses": 8,
        "leech_action": "tag",
        "parameters": None,
        "decks": {"alpha": {"retention": 0.8, "reviews_per_day": 50}},
    }
    for_alpha = json.loads(cli("config", "--json", "--deck", "alpha").stdout)
    assert for_alpha["retention"] == 0.85 and for_alpha["decks"] == {"alpha": {"retention": 0.8, "reviews_per_day": 50}}
    assert for_alpha["in_force"]["retention"] == 0.8 and for_alpha["in_force"]["reviews_per_day"] == 50
    assert json.loads(cli("config", "learning_steps", "--json").stdout) == ["1m", "5m", "90s"]
    result = cli("config", "retention", "--unset", "--deck", "alpha")
    assert result.stdout == "retention for deck alpha unset; now 0.85 (global)\n"
    assert cli("config", "retention", "--unset").stdout == "retention unset; now 0.9 (default)\n"
    assert cli("config", "retention", "--unset").stdout == "retention was not set; it is 0.9 (default)\n"
    # a deck whose file is gone keeps its saved settings, which can still be shown and unset
    (isolated_home / "decks" / "alpha.yaml").unlink()
    result = cli("config", "reviews_per_day", "--unset", "--deck", "alpha")
    assert result.stdout == "reviews_per_day for deck alpha unset; now none (default)\n"
    assert _rows(isolated_home, "SELECT name FROM settings") == [("learning_steps",)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new_per_dya", "3"], "`new_per_dya` is not a setting; did you mean new_per_day?"),
        (
            ["colour"],
            "`colour` is not a setting; the settings are new_per_day, reviews_per_day, day_start_hour, retention, "
            "learning_steps, relearning_steps, leech_lapses, leech_action, parameters",
        ),
        (["retention", "0.5"], "retention must be a number from 0.7 to 0.99, not `0.5`"),
        (["retention", "nan"], "retention must be a number from 0.7 to 0.99, not `nan`"),
        (["new_per_day", "2.5"], "new_per_day must be a whole number from 0 to 100,000, not `2.5`"),
        (["reviews_per_day", "lots"], "reviews_per_day must be a whole number from 0 to 1,000,000, not `lots`"),
        (["leech_action", "delete"], "leech_action must be tag or suspend, not `delete`"),
        (["leech_lapses", "0"], "leech_lapses must be a whole number from 1 to 1,000, not `0`"),
        (["reviews_per_day", "-1"], "reviews_per_day must be a whole number from 0 to 1,000,000, not `-1`"),
        (
            ["reviews_per_day", "-1", "--deck", "x"],
            "reviews_per_day must be a whole number from 0 to 1,000,000, not `-1`",
        ),
        (["retention", "-0.5"], "retention must be a number from 0.7 to 0.99, not `-0.5`"),
        (["new_per_day", "--bogus"], "no such option: --bogus (quiz config --help lists them)"),
        (["--jsno"], "no such option: --jsno (quiz config --help lists them)"),
        (
            ["learning_steps", "1m", "10x"],
            "learning_steps must be durations like 1m 10m 1h 1d (at most 20, each from 1s to 365d), or none, "
            "not `1m 10x`",
        ),
        (
            ["parameters", "1", "2"],
            "parameters must be 21 numbers (FSRS-6 weights, each within fsrs's bounds), or unset for the "
            "defaults, not `1 2`",
        ),
        (
            [
                "parameters",
                *map(str, [*fsrs.scheduler.DEFAULT_PARAMETERS[:4], 11.0, *fsrs.scheduler.DEFAULT_PARAMETERS[5:]]),
            ],
            "parameters must be within fsrs's bounds: w4 = 11 (from 1 to 10), not `0.212 1.2931 2.3065 8.2956 11.0 "
            "0.8334 3.0194 0.001 1.8722 0…`",
        ),
        (
            ["day_start_hour", "5", "--deck", "x"],
            "day_start_hour is global only: a study day starts at the same hour for every deck (no --deck)",
        ),
        (["retention", "0.8", "--unset"], "--unset takes a KEY and no VALUE: quiz config KEY --unset [--deck DECK]"),
    ],
)
def test_a_bad_key_or_value_is_bad_usage_and_saves_nothing(cli, isolated_home, args, message):
    result = cli("config", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"Error: {message}\n")
    assert not (isolated_home / DB_NAME).exists() or _rows(isolated_home, "SELECT * FROM settings") == []


def test_parameters_are_accepted_and_shown(cli, isolated_home):
    weights = [round(w * 1.01, 4) if i not in (4, 7) else w for i, w in enumerate(fsrs.scheduler.DEFAULT_PARAMETERS)]
    result = cli("config", "parameters", ",".join(map(str, weights)))
    assert result.exit_code == 0
    assert json.loads(cli("config", "parameters", "--json").stdout) == weights
    assert cli("config", "parameters").stdout == " ".join(f"{w:g}" for w in weights) + "\n"
    with Store.open(isolated_home) as store:
        assert store.scheduler(fuzz=False).parameters == tuple(weights)


# -- the session uses them ---------------------------------------------------------------------


def _graduate(home, deck_id: str, n: int, days_ago: int = 10) -> None:
    """Cards c0 … c(n-1) of `deck_id` answered Easy `days_ago` days ago: review cards, due by now."""
    with Store.open(home) as store:
        scheduler = store.scheduler(fuzz=False)
        store.import_reviews(
            [((deck_id, f"c{i}"), 4, NOW - timedelta(days=days_ago, minutes=i), "flip", None) for i in range(n)],
            scheduler,
        )


def _study(cli, *args, script: str, now: str = NOW_TEXT):
    return cli("study", *args, "--mode", "flip", input=script, env={"DENSE1X1QUIZ_NOW": now})


def test_reviews_per_day_caps_a_session_most_overdue_first(cli, tmp_path, isolated_home):
    deck = _deck(isolated_home, "alpha", 5)
    _graduate(isolated_home, "alpha", 5)
    # c0 is the most overdue (answered a minute before c1 with the same interval … and so on): lowest retrievability
    assert cli("config", "reviews_per_day", "2").exit_code == 0
    result = _study(cli, deck, script="\n3\n" * 10)
    assert result.exit_code == 0
    answered = _rows(
        isolated_home,
        "SELECT card, state_before FROM reviews WHERE mode = 'flip' AND at_ms >= "
        f"{int(NOW.timestamp() * 1000)} ORDER BY id",
    )
    assert answered == [("c0", "review"), ("c1", "review")]
    # Later the same day: the cap is reached, nothing is asked; a higher cap lets one more in
    result = _study(cli, deck, script="\n3\n" * 10, now="2026-11-26T12:00:00Z")
    assert result.stdout.startswith(
        "Nothing to study now: the daily review limit is reached (3 due review cards wait).\n"
        "To study more: `quiz config reviews_per_day N` with a higher N, or `quiz study "
    )
    assert cli("config", "reviews_per_day", "3").exit_code == 0
    _study(cli, deck, script="\n3\n" * 10, now="2026-11-26T12:00:00Z")
    assert [r[0] for r in _rows(isolated_home, "SELECT card FROM reviews ORDER BY id")][5:] == ["c0", "c1", "c2"]


def test_a_deck_setting_overrides_the_global_one(cli, tmp_path, isolated_home):
    alpha, beta = _deck(isolated_home, "alpha", 4), _deck(isolated_home, "beta", 4)
    _graduate(isolated_home, "alpha", 4)
    _graduate(isolated_home, "beta", 4)
    assert cli("config", "reviews_per_day", "1").exit_code == 0
    assert cli("config", "reviews_per_day", "3", "--deck", "beta").exit_code == 0
    assert cli("config", "new_per_day", "0").exit_code == 0
    assert cli("config", "new_per_day", "2", "--deck", "alpha").exit_code == 0
    (isolated_home / "decks" / "alpha.yaml").write_text(
        (isolated_home / "decks" / "alpha.yaml").read_text() + "  - id: n0\n    front: new 0\n    back: b\n"
        "  - id: n1\n    front: new 1\n    back: b\n  - id: n2\n    front: new 2\n    back: b\n",
        encoding="utf-8",
    )
    (isolated_home / "decks" / "beta.yaml").write_text(
        (isolated_home / "decks" / "beta.yaml").read_text() + "  - id: n0\n    front: new 0\n    back: b\n",
        encoding="utf-8",
    )
    # Easy on every card: new cards graduate at once, so the session holds only what the limits let in
    result = _study(cli, alpha, beta, script="\n4\n" * 20)
    assert result.exit_code == 0
    answered = _rows(isolated_home, f"SELECT deck, card FROM reviews WHERE at_ms >= {int(NOW.timestamp() * 1000)}")
    assert sorted(answered) == [
        ("alpha", "c0"),
        ("alpha", "n0"),
        ("alpha", "n1"),
        ("beta", "c0"),
        ("beta", "c1"),
        ("beta", "c2"),
    ]


def test_new_on_the_command_line_replaces_every_decks_limit_for_the_session(cli, tmp_path, isolated_home):
    alpha = _deck(isolated_home, "alpha", 4)
    assert cli("config", "new_per_day", "1", "--deck", "alpha").exit_code == 0
    _study(cli, alpha, "--new", "3", script="\n4\n" * 10)
    assert _rows(isolated_home, "SELECT card FROM reviews ORDER BY id") == [("c0",), ("c1",), ("c2",)]
    assert _rows(isolated_home, "SELECT name, value FROM settings") == [("deck:alpha:new_per_day", "1")]


def _fsrs_after(ratings_at: list[tuple[int, datetime]], **scheduler_args) -> fsrs.Card:
    scheduler = fsrs.Scheduler(enable_fuzzing=False, **scheduler_args)
    card = fsrs.Card(card_id=0, due=NOW)
    for rating, moment in ratings_at:
        card, _ = scheduler.review_card(card, fsrs.Rating(rating), moment)
    return card


def test_learning_and_relearning_steps_are_the_schedulers(cli, tmp_path, isolated_home):
    """Steps set per deck are the ones fsrs.Scheduler is given: the due times match fsrs with the same
    steps, and replaying the log (which keeps each answer's steps) gives back the stored states."""
    alpha, beta = _deck(isolated_home, "alpha", 1), _deck(isolated_home, "beta", 1)
    assert cli("config", "learning_steps", "2m 15m 1h").exit_code == 0
    assert cli("config", "learning_steps", "none", "--deck", "beta").exit_code == 0
    assert cli("config", "relearning_steps", "5m", "30m").exit_code == 0
    _study(cli, alpha, beta, script="\n3\n\n3\n")  # alpha:c0 Good, beta:c0 Good
    with Store.open(isolated_home) as store:
        states = store.states()
        steps = {"learning_steps": (timedelta(minutes=2), timedelta(minutes=15), timedelta(hours=1))}
        relearn = {"relearning_steps": (timedelta(minutes=5), timedelta(minutes=30))}
        alpha_state = states[("alpha", "c0")]
        at = alpha_state.last_review
        expected = _fsrs_after([(3, at)], **steps, **relearn)
        assert (alpha_state.state, alpha_state.step, alpha_state.due) == ("learning", 1, expected.due)
        assert alpha_state.due - at == timedelta(minutes=15)
        beta_state = states[("beta", "c0")]
        expected = _fsrs_after([(3, beta_state.last_review)], learning_steps=(), **relearn)
        assert (beta_state.state, beta_state.step, beta_state.stability) == ("review", None, expected.stability)
        assert store.rebuild_states() == states
    assert _rows(isolated_home, "SELECT deck, scheduler FROM reviews ORDER BY id") == [
        ("alpha", '{"learning_steps": [120.0, 900.0, 3600.0], "relearning_steps": [300.0, 1800.0]}'),
        ("beta", '{"learning_steps": [], "relearning_steps": [300.0, 1800.0]}'),
    ]


def test_saved_weights_are_the_schedulers(cli, tmp_path, isolated_home):
    alpha = _deck(isolated_home, "alpha", 1)
    weights = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    weights[2] = 3.5  # the initial stability of Good
    assert cli("config", "parameters", *map(str, weights)).exit_code == 0
    _study(cli, alpha, script="\n3\n")
    with Store.open(isolated_home) as store:
        state = store.states()[("alpha", "c0")]
        expected = _fsrs_after([(3, state.last_review)], parameters=weights)
        assert state.stability == expected.stability == 3.5
        assert store.rebuild_states() == store.states()


def test_parameters_set_or_unset_by_config_replay_every_card_with_them(cli, tmp_path, isolated_home):
    """Weights describe the learner, not a choice made at the time: `quiz config parameters` (global or
    a deck's) recomputes the stored states from the whole log, so a replay with them equals the states."""
    _deck(isolated_home, "alpha", 3)
    _graduate(isolated_home, "alpha", 3)
    with Store.open(isolated_home) as store:
        before = store.states()
    weights = list(fsrs.scheduler.DEFAULT_PARAMETERS)
    weights[3] = 30.0  # the initial stability of Easy: every graduated card's stability changes
    assert cli("config", "parameters", *map(str, weights), "--deck", "alpha").exit_code == 0
    with Store.open(isolated_home) as store:
        after = store.states()
        assert {key: s.stability for key, s in after.items()} == {key: 30.0 for key in before}
        assert store.rebuild_states() == after
    assert cli("config", "parameters", "--unset", "--deck", "alpha").exit_code == 0
    with Store.open(isolated_home) as store:
        assert store.states() == before == store.rebuild_states()


@pytest.mark.parametrize("deck", [None, "alpha"])
def test_a_damaged_parameters_value_is_named_and_its_unset_is_the_way_out(cli, tmp_path, isolated_home, deck):
    alpha = _deck(isolated_home, "alpha", 1)
    _study(cli, alpha, script="\n3\n")
    stored = "parameters" if deck is None else f"deck:{deck}:parameters"
    with closing(sqlite3.connect(isolated_home / DB_NAME)) as db, db:
        db.execute("INSERT OR REPLACE INTO settings VALUES (?, '[1, 2]')", (stored,))
    option = [] if deck is None else ["--deck", deck]
    result = _study(cli, alpha, script="\n3\n")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "must be 21 numbers (FSRS-6 weights, each within fsrs's bounds), or unset for the defaults, not [1, 2] "
        f"(to forget it: quiz config parameters --unset{' --deck alpha' if deck else ''})\n"
    )
    result = cli("config", "parameters", "--unset", *option)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.startswith("parameters ") and "unset; now none (default)" in result.stdout
    assert _rows(isolated_home, "SELECT * FROM settings") == []
    assert _study(cli, alpha, script="q\n").exit_code == 0


def test_decks_with_limits_of_their_own_are_said_to_have_reached_their_limits(cli, tmp_path, isolated_home):
    alpha, beta = _deck(isolated_home, "alpha", 3), _deck(isolated_home, "beta", 3)
    assert cli("config", "new_per_day", "1", "--deck", "alpha").exit_code == 0
    assert cli("config", "new_per_day", "2").exit_code == 0
    result = _study(cli, alpha, beta, script="\n4\n" * 10)
    assert result.exit_code == 0
    assert len(_rows(isolated_home, "SELECT * FROM reviews")) == 3  # one of alpha's, two of beta's
    more = f"`quiz study {alpha} {beta} --new 5`"
    assert f"The decks' daily new-card limits are reached (3 new cards left): {more} studies more now.\n" in (
        result.stdout
    )
    result = _study(cli, alpha, beta, script="q\n")
    assert result.stdout.startswith(
        "Nothing to study now: no card is due, and the decks' daily new-card limits are reached (3 new cards left).\n"
        f"To study more: {more} (5 new cards a day) or `quiz study {alpha} {beta} --cram` "
    )


def test_decks_counts_follow_each_decks_limits_and_leave_out_suspended_cards(cli, tmp_path, isolated_home):
    _deck(isolated_home, "alpha", 5), _deck(isolated_home, "beta", 3)
    _graduate(isolated_home, "alpha", 5)
    assert cli("suspend", "alpha:c4", env={"DENSE1X1QUIZ_NOW": NOW_TEXT}).exit_code == 0

    def counts() -> dict[str, tuple[int, int, int]]:
        result = cli("decks", "--json", env={"DENSE1X1QUIZ_NOW": NOW_TEXT})
        return {d["deck"]: (d["new"], d["learning"], d["due"]) for d in json.loads(result.stdout)}

    assert {k: v for k, v in counts().items() if k in ("alpha", "beta")} == {"alpha": (0, 0, 4), "beta": (3, 0, 0)}
    assert cli("config", "reviews_per_day", "2", "--deck", "alpha").exit_code == 0
    assert cli("config", "new_per_day", "1", "--deck", "beta").exit_code == 0
    assert {k: v for k, v in counts().items() if k in ("alpha", "beta")} == {"alpha": (0, 0, 2), "beta": (1, 0, 0)}
