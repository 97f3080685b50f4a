"""`quiz stats`: every figure checked against answers placed at known times."""

import bisect
import dataclasses
import json
import os
import random
import sys
from datetime import date, datetime, timedelta, timezone

import pytest

from dense1x1quiz.model import Card, Deck
from dense1x1quiz.scheduler import day_start, make_scheduler, next_day_start
from dense1x1quiz.stats import HEATMAP_WEEKS, compute_stats, stats_json
from dense1x1quiz.store import Store, state_from_row
from dense1x1quiz.ui.console import make_console

UTC = timezone.utc
NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)  # study day 2026-03-10 04:00 → 03-11 04:00 (UTC)


def at(day: int, hh: int, mm: int = 0) -> datetime:
    """`day` days from 2026-03-10, at hh:mm UTC."""
    return datetime(2026, 3, 10, hh, mm, tzinfo=UTC) + timedelta(days=day)


def _deck(deck_id, ids):
    cards = tuple(Card(deck=deck_id, id=i, kind="basic", prompt=i, answer="x", note=i) for i in ids)
    return Deck(id=deck_id, title=f"Deck {deck_id.upper()}", path=f"{deck_id}.yaml", cards=cards)


DECK_A = _deck("a", ["a0", "a1", "a2", "a3", "a4", "a5"])
DECK_B = _deck("b", ["b0", "b1"])

# (deck, card, rating, time, answer ms). First answers of a day of cards that are not new:
# a0 day -1 Again (fail), a1 day 0 03:30 → still study day -1, Good (pass), a2 day -1 Hard (pass).
ANSWERS = [
    ("b", "b0", 3, at(-40, 9), 1000),
    ("b", "b0", 3, at(-40, 9, 11), 1000),
    ("a", "a0", 3, at(-3, 9), 2000),
    ("a", "a0", 3, at(-3, 9, 10), 4000),
    ("a", "a1", 3, at(-3, 10), 3000),
    ("a", "a1", 3, at(-3, 10, 10), 3000),
    ("a", "a2", 1, at(-2, 9), 6000),
    ("a", "a2", 3, at(-2, 9, 5), 2000),
    ("a", "a0", 1, at(-1, 10), 8000),
    ("a", "a0", 3, at(-1, 10, 10), 2000),
    ("a", "a2", 2, at(-1, 8), 5000),
    ("a", "a1", 3, at(0, 3, 30), 1000),
    ("a", "a3", 1, at(0, 11), 3000),
    ("a", "gone", 3, at(-5, 9), None),  # an id no longer in deck a
    ("zzz", "x", 3, at(-5, 9), None),  # a deck that no longer exists
]


@pytest.fixture
def store(isolated_home):
    scheduler = make_scheduler(fuzz=False)
    with Store.open(isolated_home) as s:
        for deck, card, rating, moment, ms in sorted(ANSWERS, key=lambda a: a[3]):
            s.record_review((deck, card), rating, moment, mode="flip", duration_ms=ms, scheduler=scheduler)
        exam = s.start_exam(at(-1, 20), ["a"], 7, 4)
        for position, (tags, right) in enumerate(
            [(["shapes"], True), (["shapes", "costs"], False), (["costs"], False), (["history"], True)], start=1
        ):
            s.record_exam_answer(
                exam, position, f"q{position}", "typed", "?", "x", "y", right, tags, at(-1, 20, position)
            )
        s.finish_exam(exam, at(-1, 20, 5), 2, 300.0)
        s.start_exam(at(0, 8), ["b"], 8, 10)  # never finished
        yield s


def test_counts_due_retention_time_orphans(store):
    stats = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    states = store.states()
    assert [s.key for s in stats.cards] == [c.key for c in DECK_A.cards + DECK_B.cards]
    a, b = stats.decks
    assert (a.deck, a.title, a.cards, a.new, a.learning, a.review) == ("a", "Deck A", 6, 2, 2, 2)
    assert (b.cards, b.new, b.learning, b.review) == (2, 1, 0, 1)
    assert a.mature == 0 and b.mature == sum(s.mature for k, s in states.items() if k[0] == "b")
    assert a.due_today == sum(
        1 for c in DECK_A.cards if c.key in states and states[c.key].due < datetime(2026, 3, 11, 4, tzinfo=UTC)
    )
    assert a.due_today >= 1  # a3, in learning, due at 11:01
    assert (a.retention.passed, a.retention.total) == (2, 3)
    assert (b.retention.passed, b.retention.total) == (0, 0)
    assert (stats.retention.passed, stats.retention.total) == (2, 3)
    # Answer time over the last 30 days (b0's answers are older; orphans have none).
    recent_ms = [2000, 4000, 3000, 3000, 6000, 2000, 8000, 2000, 5000, 1000, 3000]
    assert a.average_answer_ms == sum(recent_ms) / len(recent_ms)
    assert stats.average_answer_ms == a.average_answer_ms and b.average_answer_ms is None
    assert (a.reviews, b.reviews, stats.reviews) == (12, 2, 15)
    assert stats.orphans == [("a", "gone"), ("zzz", "x")]
    assert a.orphans == ["gone"] and b.orphans == []


def test_forecast_and_heatmap_use_study_days(store):
    stats = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    today_start = datetime(2026, 3, 10, 4, tzinfo=UTC)
    expected = [0] * 30
    for card in DECK_A.cards + DECK_B.cards:
        state = store.states().get(card.key)
        if state is not None:
            expected[max(0, (state.due - today_start) // timedelta(days=1))] += 1
    assert stats.forecast == expected and sum(expected) == 5
    assert stats.today == date(2026, 3, 10)
    assert stats.heatmap == {
        date(2026, 1, 29): 2,  # b0, day -40
        date(2026, 3, 5): 2,  # orphans, day -5
        date(2026, 3, 7): 4,
        date(2026, 3, 8): 2,
        date(2026, 3, 9): 4,  # includes a1 at 03:30 on the 10th
        date(2026, 3, 10): 1,
    }


def test_one_deck_only_and_another_day_start(store):
    stats = compute_stats([DECK_B], store, NOW, all_decks=False, day_start_hour=0, tz=UTC)
    assert [d.deck for d in stats.decks] == ["b"] and stats.reviews == 2
    assert stats.orphans == []
    assert stats.heatmap == {date(2026, 1, 29): 2}
    stats = compute_stats([DECK_A], store, NOW, all_decks=False, day_start_hour=0, tz=UTC)
    assert stats.orphans == [("a", "gone")]
    # Midnight days: a1's 03:30 answer is now the first of 10 March.
    assert stats.heatmap[date(2026, 3, 10)] == 2


def test_exam_results_and_weakest_tags(store):
    stats = compute_stats([DECK_A], store, NOW, tz=UTC)
    assert [(e.decks, e.score, e.total, e.finished is not None) for e in stats.exams] == [
        (["b"], None, 10, False),
        (["a"], 2, 4, True),
    ]
    assert [(t.tag, t.correct, t.total) for t in stats.weakest_tags] == [("costs", 0, 2), ("shapes", 1, 2)]
    # A tag on every card of a deck says no more than the deck's name: left out, as in the exam report.
    deck_wide = compute_stats([dataclasses.replace(DECK_A, tags=("costs",))], store, NOW, tz=UTC)
    assert [t.tag for t in deck_wide.weakest_tags] == ["shapes"]


def test_json_is_the_documented_document(store):
    doc = stats_json(compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC))
    assert list(doc) == ["reviews", "retention", "decks", "cards"]
    assert doc["reviews"] == 15 and doc["retention"] == pytest.approx(2 / 3)
    assert doc["decks"][0]["deck"] == "a" and doc["decks"][0]["orphans"] == ["gone"]
    assert all(
        list(c) == ["deck", "id", "state", "due", "stability", "difficulty", "reps", "lapses"] for c in doc["cards"]
    )
    by_id = {c["id"]: c for c in doc["cards"]}
    assert by_id["a4"] == {
        "deck": "a",
        "id": "a4",
        "state": "new",
        "due": None,
        "stability": None,
        "difficulty": None,
        "reps": 0,
        "lapses": 0,
    }
    a3 = store.state(("a", "a3"))
    assert by_id["a3"] == {
        "deck": "a",
        "id": "a3",
        "state": "learning",
        "due": "2026-03-10T11:01:00Z",
        "stability": a3.stability,
        "difficulty": a3.difficulty,
        "reps": 1,
        "lapses": 0,
    }
    assert by_id["a0"]["lapses"] == 1 and by_id["a0"]["state"] == "review"
    json.dumps(doc)  # serialisable as is


def test_screen_shows_the_figures(store, capsys, monkeypatch):
    from dense1x1quiz.ui.stats import print_stats

    stats = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    print_stats(stats, make_console())
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == [
        "deck",
        "cards",
        "new",
        "learn",
        "review",
        "mature",
        "due",
        "today",
        "retention",
        "answer",
    ]
    assert lines[1].split() == ["a", "6", "2", "2", "2", "0", str(stats.decks[0].due_today), "66.7%", "3.5", "s"]
    assert lines[3].split()[:2] == ["total", "8"]
    assert "True retention, last 30 days: 66.7% (2 of 3 first answers of the day)" in out
    assert "Orphans (history kept, card no longer in its deck): 2: a/gone, zzz/x" in out
    assert "Weakest exam tags\n  costs   0/2 right   (0%)\n  shapes  1/2 right  (50%)\n" in out  # aligned
    assert "\x1b[" not in out
    heat = out[out.index("Answers per day") :].splitlines()
    assert heat[1].split()[:2] == ["Dec", "Jan"]  # month labels over the 16 weeks
    assert heat[2].startswith("Mon ") and len(heat[2]) <= 4 + 2 * 16


def test_cli_stats_json_and_screen(cli, tmp_path, isolated_home):
    deck = tmp_path / "mine.yaml"
    deck.write_text(
        "deck: mine\ntitle: Mine\ncards:\n  - {id: one, front: Q1, back: A1}\n  - {id: two, front: Q2, back: A2}\n",
        encoding="utf-8",
    )
    with Store.open(isolated_home) as s:
        s.record_review(("mine", "one"), 3, at(0, 9), mode="flip", scheduler=make_scheduler(fuzz=False))
    env = {"DENSE1X1QUIZ_NOW": "2026-03-10T12:00:00Z", "TZ": "UTC"}
    result = cli("stats", str(deck), "--json", env=env)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["reviews"], doc["retention"]) == (1, None)
    assert [(c["id"], c["state"], c["due"], c["reps"]) for c in doc["cards"]] == [
        ("one", "learning", "2026-03-10T09:10:00Z", 1),
        ("two", "new", None, 0),
    ]
    assert doc["decks"] == [
        {
            "deck": "mine",
            "title": "Mine",
            "cards": 2,
            "new": 1,
            "learning": 1,
            "review": 0,
            "mature": 0,
            "due_today": 1,
            "reviews": 1,
            "retention": None,
            "average_answer_seconds": None,
            "orphans": [],
        }
    ]
    screen = cli("stats", str(deck), env=env)
    assert screen.returncode == 0 and screen.stderr == ""
    assert screen.stdout.splitlines()[1].split() == ["mine", "2", "1", "1", "0", "0", "1", "–", "–"]
    assert "Answers stored: 1" in screen.stdout


def test_cli_stats_unknown_deck_is_bad_usage(cli):
    result = cli("stats", "no-such-deck")
    assert result.returncode == 2
    assert result.stderr.startswith("Error: no deck named 'no-such-deck'")


def test_a_bad_day_start_setting_is_a_clear_error(store, isolated_home, cli):
    import sqlite3

    db = sqlite3.connect(isolated_home / "quiz.sqlite3")
    db.execute("INSERT OR REPLACE INTO settings VALUES ('day_start_hour', '25')")
    db.commit()
    db.close()
    result = cli("stats")
    assert result.returncode == 1
    assert result.stderr.replace("\n", "") == (
        f"Error: the setting 'day_start_hour' in {isolated_home / 'quiz.sqlite3'} must be a whole number "
        "from 0 to 23, not 25 (to forget it: quiz config day_start_hour --unset)"
    )


def test_a_narrow_screen_gets_a_deck_list_and_shorter_charts(store, capsys):
    from rich.console import Console

    from dense1x1quiz.ui.stats import print_stats

    stats = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    print_stats(stats, Console(width=30, no_color=True, highlight=False))
    out = capsys.readouterr().out
    assert out.startswith("a\n  6 cards · 2 new\n  2 learning · 2 review\n")
    assert max(len(line) for line in out.splitlines()) <= 30
    assert "\nDue in the next 27 days\n" in out  # "1 │" + 27 one-character days
    assert "Answers per day, last 13 weeks" in out


def test_a_simulated_week_behaves_like_anki_and_stats_shows_it(cli, tmp_path, isolated_home):
    """Five evenings of `quiz study` (mixed answers), then `quiz stats`: new cards stay within the
    daily limit, a card's reverse is never introduced the day its front is, and the figures match
    the database."""
    import random
    import sqlite3

    deck = tmp_path / "week.yaml"
    deck.write_text(
        "deck: week\ntitle: Week\ncards:\n"
        + "".join(f"  - {{id: n{i:02d}, front: Front {i}, back: Back {i}, reverse: true}}\n" for i in range(30)),
        encoding="utf-8",
    )
    rng = random.Random(7)
    for day in range(5):
        lines = "".join(f"\n{rng.choices('1234', weights=(15, 10, 65, 10))[0]}\n" for _ in range(60)) + "q\n"
        env = {"DENSE1X1QUIZ_NOW": f"2026-03-{10 + day:02d}T19:00:00Z", "TZ": "UTC"}
        result = cli("study", str(deck), "--mode", "flip", "--new", "6", input=lines, env=env)
        assert result.returncode == 0, result.stderr
    db = sqlite3.connect(isolated_home / "quiz.sqlite3")
    rows = db.execute("SELECT card, at_ms, state_before FROM reviews ORDER BY id").fetchall()
    db.close()
    introduced: dict[str, list[str]] = {}
    for card, at_ms, before in rows:
        if before == "new":
            introduced.setdefault(datetime.fromtimestamp(at_ms / 1000, UTC).date().isoformat(), []).append(card)
    assert len(introduced) == 5 and all(len(cards) == 6 for cards in introduced.values())
    for cards in introduced.values():
        notes = [c.split(":")[0] for c in cards]
        assert len(notes) == len(set(notes))  # siblings buried
    env = {"DENSE1X1QUIZ_NOW": "2026-03-15T12:00:00Z", "TZ": "UTC"}
    doc = json.loads(cli("stats", str(deck), "--json", env=env).stdout)
    assert doc["reviews"] == len(rows) > 30
    reps = {}
    for card, _, _ in rows:
        reps[card] = reps.get(card, 0) + 1
    assert {c["id"]: c["reps"] for c in doc["cards"] if c["reps"]} == reps
    assert doc["decks"][0]["new"] == 60 - 30
    assert doc["decks"][0]["due_today"] == sum(1 for c in doc["cards"] if c["due"] and c["due"] < "2026-03-16T04:00")
    with Store.open(isolated_home) as s:
        assert s.rebuild_states() == s.states()


def test_a_deck_edited_between_sessions_keeps_the_history_of_every_unchanged_id(cli, tmp_path):
    deck = tmp_path / "mine.yaml"
    head = "deck: mine\ntitle: Mine\ncards:\n"
    deck.write_text(
        head + "  - {id: one, front: Q1, back: A1}\n  - {id: two, front: Q2, back: A2}\n"
        "  - {id: three, front: Q3, back: A3}\n",
        encoding="utf-8",
    )
    env = {"DENSE1X1QUIZ_NOW": "2026-03-10T12:00:00Z", "TZ": "UTC"}
    studied = cli("study", str(deck), "--mode", "flip", input="\n3\n\n1\n\n4\nq\n", env=env)
    assert studied.returncode == 0, studied.stderr
    # Text changed for `one`, `two` removed, `four` added.
    deck.write_text(
        head + "  - {id: one, front: Q1 reworded, back: A1 reworded}\n"
        "  - {id: three, front: Q3, back: A3}\n  - {id: four, front: Q4, back: A4}\n",
        encoding="utf-8",
    )
    doc = json.loads(cli("stats", str(deck), "--json", env=env).stdout)
    assert [(c["id"], c["state"], c["reps"]) for c in doc["cards"]] == [
        ("one", "learning", 1),
        ("three", "review", 1),
        ("four", "new", 0),
    ]
    assert doc["reviews"] == 3 and doc["decks"][0]["orphans"] == ["two"]
    screen = cli("stats", str(deck), env=env).stdout
    assert "Orphans (history kept, card no longer in its deck): 1: mine/two" in screen
    # The id comes back: so does its history.
    deck.write_text(deck.read_text(encoding="utf-8") + "  - {id: two, front: Q2, back: A2}\n", encoding="utf-8")
    doc = json.loads(cli("stats", str(deck), "--json", env=env).stdout)
    assert [(c["id"], c["reps"]) for c in doc["cards"]] == [("one", 1), ("three", 1), ("four", 0), ("two", 1)]
    assert doc["decks"][0]["orphans"] == []


def test_plain_output_to_a_pipe_equals_what_rich_draws(store, capsys, monkeypatch):
    """Piped, the screen is written without rich; it must read exactly as rich would draw it."""
    from rich.console import Console

    from dense1x1quiz.ui.stats import print_stats

    stats = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    monkeypatch.setenv("COLUMNS", "80")
    print_stats(stats)  # capsys: not a terminal → plain text
    plain = capsys.readouterr().out
    print_stats(stats, Console(width=80, no_color=True, highlight=False, force_terminal=False))
    drawn = capsys.readouterr().out
    assert [line.rstrip() for line in plain.splitlines()] == [line.rstrip() for line in drawn.splitlines()]
    assert "Recent exams" in plain and "\x1b" not in plain


@pytest.mark.parametrize("piped", [True, False])
def test_hostile_text_from_decks_is_shown_literally(store, capsys, piped):
    from rich.console import Console

    from dense1x1quiz.ui.stats import print_stats

    exam = store.start_exam(at(0, 9), ["a"], 1, 1)
    store.record_exam_answer(exam, 1, "q", "typed", "?", "x", "y", False, ["[bold red]tag[/]\x1b[2J"], at(0, 9, 1))
    stats = compute_stats([DECK_A], store, NOW, day_start_hour=4, tz=UTC)
    print_stats(stats, None if piped else Console(width=100, no_color=True, highlight=False, force_terminal=False))
    out = capsys.readouterr().out
    assert "\n  [bold red]tag[/]␛[2J  0/1 right   (0%)\n" in out
    assert "\x1b" not in out


@pytest.mark.parametrize("all_decks", [True, False])
def test_counting_in_sqlite_gives_the_same_figures_as_card_by_card(store, all_decks):
    """The screen counts with SQLite (quick on big collections), --json card by card: same figures,
    orphans taken out of both."""
    store.record_review(("a", "gone"), 1, at(0, 10), mode="flip", scheduler=make_scheduler(fuzz=False))
    kwargs = dict(all_decks=all_decks, day_start_hour=4, tz=UTC)
    one_by_one = compute_stats([DECK_A, DECK_B], store, NOW, with_cards=True, **kwargs)
    in_sqlite = compute_stats([DECK_A, DECK_B], store, NOW, with_cards=False, **kwargs)
    assert in_sqlite.decks == one_by_one.decks
    assert (in_sqlite.forecast, in_sqlite.orphans) == (one_by_one.forecast, one_by_one.orphans)
    assert in_sqlite.card_rows == [] and len(one_by_one.card_rows) == 8
    assert sum(one_by_one.forecast) == sum(d.learning + d.review for d in one_by_one.decks)


@pytest.mark.parametrize("counts, shades", [({0: 1}, "█"), ({0: 3, 1: 1}, "█▒"), ({0: 8, 1: 2, 2: 5}, "█░▓")])
def test_heatmap_shades_the_busiest_day_darkest(counts, shades):
    from dense1x1quiz.ui.stats import SHADES, heatmap_chart

    today = date(2026, 11, 26)  # a Thursday
    chart = heatmap_chart({today - timedelta(days=d): n for d, n in counts.items()}, today, width=80)
    text = "".join(run for line in chart[1:8] for run, _ in line)
    assert sorted(ch for ch in text if ch in SHADES[1:]) == sorted(shades)


def _reference(decks, store, now, hour, tz, all_decks):
    """Every figure of `compute_stats`, computed the plain way from the raw log and states."""
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    moment = lambda ms: epoch + timedelta(milliseconds=ms)  # noqa: E731
    chosen = {d.id for d in decks}
    keys = {card.key for d in decks for card in d.cards}
    log = [
        (deck, card, moment(at), rating, before, ms)
        for deck, card, at, rating, before, ms in store._read(
            "SELECT deck, card, at_ms, rating, state_before, duration_ms FROM reviews ORDER BY id"
        )
        if all_decks or deck in chosen
    ]
    states = [state_from_row(r) for r in store.state_rows() if all_decks or r.deck in chosen]
    end_of_today = next_day_start(now, hour, tz)
    ends = [end_of_today]
    while len(ends) < 30:
        ends.append(next_day_start(ends[-1], hour, tz))
    since = now - timedelta(days=30)
    today = day_start(now, hour, tz).astimezone(tz).date()

    recent = [row for row in log if since <= row[2] < end_of_today]
    seen, retention = set(), {}  # deck → [passes, first answers of a card and study day, not new]
    for deck, card, at, rating, before, _ in recent:  # the log is in time order here
        period = (deck, card, max(since, day_start(at, hour, tz)))
        if period not in seen:
            seen.add(period)
            if before != "new":
                tally = retention.setdefault(deck, [0, 0])
                tally[0] += rating > 1
                tally[1] += 1
    per_deck = {}
    forecast = [0] * 30
    for d in decks:
        mine = [s for s in states if s.key in keys and s.key[0] == d.id]
        review = [s for s in mine if s.state == "review"]
        timed = [row[5] for row in recent if row[0] == d.id and row[5] is not None]
        per_deck[d.id] = dict(
            cards=len(d.cards),
            new=len(d.cards) - len(mine),
            learning=len(mine) - len(review),
            review=len(review),
            mature=sum(s.due - s.last_review >= timedelta(days=21) for s in review),
            due_today=sum(s.due < end_of_today for s in mine),
            reviews=sum(row[0] == d.id for row in log),
            retention=tuple(retention.get(d.id, (0, 0))),
            average_answer_ms=sum(timed) / len(timed) if timed else None,
            orphans=sorted(s.key[1] for s in states if s.key[0] == d.id and s.key not in keys),
        )
        for s in mine:
            slot = bisect.bisect_right(ends, s.due)
            if slot < 30:
                forecast[slot] += 1
    heatmap = {}
    for row in log:
        label = day_start(row[2], hour, tz).astimezone(tz).date()
        if today - timedelta(days=HEATMAP_WEEKS * 7 - 1) <= label <= today:
            heatmap[label] = heatmap.get(label, 0) + 1
    timed = [row[5] for row in recent if row[5] is not None]
    return dict(
        decks=per_deck,
        forecast=forecast,
        heatmap=heatmap,
        reviews=len(log),
        retention=tuple(map(sum, zip(*retention.values(), strict=True))) if retention else (0, 0),
        average_answer_ms=sum(timed) / len(timed) if timed else None,
        orphans=sorted(s.key for s in states if s.key not in keys),
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_figure_matches_a_plain_recount_of_a_random_log(isolated_home, seed):
    """SQLite's counting (the screen) and card-by-card counting (--json) both equal a recount
    from the raw log and states, on random answers over 80 days in a zone west of UTC."""
    rng = random.Random(seed)
    hour, tz = rng.choice([0, 4, 23]), timezone(timedelta(hours=-5))
    decks = [_deck("p", [f"p{i}" for i in range(8)]), _deck("q", [f"q{i}" for i in range(5)])]
    ids = [("p", f"p{i}") for i in range(9)] + [("q", f"q{i}") for i in range(4)] + [("gone", "g1")]
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    moments = sorted(now - timedelta(hours=rng.randrange(80 * 24)) for _ in range(300))  # day starts are hit
    scheduler = make_scheduler(fuzz=False)
    with Store.open(isolated_home) as s:
        s._db.execute("PRAGMA synchronous = OFF")  # test data: no fsync per answer
        for moment in moments:
            s.record_review(
                rng.choice(ids),
                rng.choice([1, 2, 3, 3, 4]),
                moment,
                mode="flip",
                duration_ms=rng.choice([None, rng.randrange(500, 20_000)]),
                scheduler=scheduler,
            )
        for all_decks, chosen in ((True, decks), (False, decks[:1])):
            want = _reference(chosen, s, now, hour, tz, all_decks)
            for with_cards in (True, False):
                got = compute_stats(
                    chosen, s, now, all_decks=all_decks, with_cards=with_cards, day_start_hour=hour, tz=tz
                )
                assert {
                    d.deck: dict(
                        cards=d.cards,
                        new=d.new,
                        learning=d.learning,
                        review=d.review,
                        mature=d.mature,
                        due_today=d.due_today,
                        reviews=d.reviews,
                        retention=tuple(d.retention),
                        average_answer_ms=d.average_answer_ms,
                        orphans=d.orphans,
                    )
                    for d in got.decks
                } == want["decks"]
                assert (got.forecast, got.heatmap, got.reviews) == (want["forecast"], want["heatmap"], want["reviews"])
                assert got.average_answer_ms == pytest.approx(want["average_answer_ms"])
                assert (got.orphans, tuple(got.retention)) == (want["orphans"], want["retention"])
                assert sum(got.heatmap.values()) > 50 and got.retention.total > 5


@pytest.mark.parametrize("with_cards", [True, False])
def test_a_deck_outline_gives_the_same_figures_as_the_deck(store, with_cards):
    """Stats needs only the ids of a deck's cards: an outline (no Card objects) does as well."""
    from typing import NamedTuple

    class Outline(NamedTuple):
        id: str
        title: str
        path: str
        tags: tuple
        card_ids: tuple

    outlines = [Outline(d.id, d.title, d.path, d.tags, tuple(c.id for c in d.cards)) for d in (DECK_A, DECK_B)]
    kwargs = dict(with_cards=with_cards, day_start_hour=4, tz=UTC)
    want = compute_stats([DECK_A, DECK_B], store, NOW, **kwargs)
    assert compute_stats(outlines, store, NOW, **kwargs) == want
    assert want.decks[0].cards == 6 and want.decks[0].orphans == ["gone"]
    assert len(want.card_rows) == (8 if with_cards else 0)


def test_figures_come_from_one_state_while_another_session_answers(store, isolated_home, monkeypatch):
    """An answer committed by another session while the figures are read appears in none of them
    (the totals and the heatmap agree); the next `quiz stats` counts it everywhere."""
    other = Store.open(isolated_home)
    read_heatmap = store.answers_per_period

    def answer_meanwhile(*args, **kwargs):
        other.record_review(
            ("a", "a4"), 3, NOW - timedelta(hours=1), mode="flip", duration_ms=500, scheduler=make_scheduler(fuzz=False)
        )
        return read_heatmap(*args, **kwargs)

    monkeypatch.setattr(store, "answers_per_period", answer_meanwhile)
    during = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    monkeypatch.undo()
    after = compute_stats([DECK_A, DECK_B], store, NOW, day_start_hour=4, tz=UTC)
    other.close()
    in_window = sum(1 for a in ANSWERS if a[3] >= at(-HEATMAP_WEEKS * 7 + 1, 4))
    assert sum(during.heatmap.values()) == in_window and during.reviews == len(ANSWERS)
    assert sum(after.heatmap.values()) == in_window + 1 and after.reviews == len(ANSWERS) + 1
    assert store.review_count() == len(ANSWERS) + 1  # the answer was committed, not lost


def test_cli_stats_json_to_a_program_is_one_line_and_to_a_terminal_indented(cli, tmp_path, isolated_home):
    """Piped, the document is one line from the json module's C encoder (indent=2 would take its pure-Python
    encoder: two thirds of `quiz stats --json` at 100,000 cards); on a terminal it stays indented."""
    import pexpect

    deck = tmp_path / "mine.yaml"
    deck.write_text("deck: mine\ntitle: Mine ×\ncards:\n  - {id: one, front: Q1, back: A1}\n", encoding="utf-8")
    env = {"DENSE1X1QUIZ_NOW": "2026-03-10T12:00:00Z", "TZ": "UTC"}
    piped = cli("stats", str(deck), "--json", env=env)
    assert (piped.returncode, piped.stderr) == (0, "")
    doc = json.loads(piped.stdout)
    assert piped.stdout == json.dumps(doc, ensure_ascii=False) + "\n"
    assert doc["decks"][0]["title"] == "Mine ×" and doc["cards"][0]["id"] == "one"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "dense1x1quiz", "stats", str(deck), "--json"],
        env={**os.environ, **env, "DENSE1X1QUIZ_HOME": str(isolated_home)},
        encoding="utf-8",
        timeout=30,
    )
    shown = child.read().replace("\r\n", "\n")
    child.close()
    assert child.exitstatus == 0
    assert shown == json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def test_stats_of_one_deck_shows_its_exams_only_in_aligned_columns(store, capsys):
    """`quiz stats a`: deck b's exam is left out; score, share and time line up under their headers."""
    from dense1x1quiz.ui.stats import exam_lines

    extra = store.start_exam(at(0, 9), ["a", "b"], 9, 12)
    store.finish_exam(extra, at(0, 9, 30), 12, 1234.0)
    one = compute_stats([DECK_A], store, NOW, all_decks=False, tz=UTC)
    assert [(e.decks, e.score) for e in one.exams] == [(["a", "b"], 12), (["a"], 2)]
    every = compute_stats([DECK_A], store, NOW, tz=UTC)
    assert [e.decks for e in every.exams] == [["a", "b"], ["b"], ["a"]]  # newest first
    assert [text for line in exam_lines(every)[:5] for text, _ in line] == [
        "Recent exams",
        "  started (UTC)     score  right          time  decks",
        "  2026-03-10 09:00  12/12   100%        1234 s  a, b",
        "  2026-03-10 08:00   –/10      –  not finished  b",
        "  2026-03-09 20:00    2/4    50%         300 s  a",
    ]
