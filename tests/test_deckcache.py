"""The parsed-deck cache: hits skip the loader, and it is never stale and never trusted blindly."""

from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from dense1x1quiz import deck as deck_module
from dense1x1quiz import deckcache
from dense1x1quiz.catalog import builtin_deck_dir, resolve
from dense1x1quiz.deck import check_deck
from dense1x1quiz.deckcache import cache_dir, check_deck_cached, entry_key, read_entry, write_entry
from dense1x1quiz.errors import DeckError

DECK = """\
    deck: cached
    title: Cached deck
    cards:
      - {id: a, front: What does a 1×1 conv keep?, back: The spatial size., reverse: true}
      - {id: b, front: Pick, options: [No, Yes], answer: No}
      - {id: c, cloze: "{{c1::C_in}} times {{c2::C_out}}"}
    tables:
      - id: t
        title: Dense vs 1×1
        columns: [Feature, Dense, 1×1 conv]
        rows:
          - [Input, Vector, Tensor]
          - [Weights, In × Out, Cin × Cout]
    """


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def entry_for(path: Path) -> Path:
    return cache_dir() / "decks" / f"{entry_key(path.read_bytes())}.pickle"


@pytest.fixture
def no_loader(monkeypatch):
    """Make any use of the real loader fail: what runs afterwards must come from the cache."""

    def refuse(*args, **kwargs):
        raise AssertionError("the deck was parsed again")

    monkeypatch.setattr(deck_module, "check_deck_bytes", refuse)


def test_cache_folder_is_under_the_home_when_set(isolated_home):
    assert cache_dir() == isolated_home / "cache"


def test_cache_folder_defaults_to_the_platform_cache(monkeypatch):
    import platformdirs

    monkeypatch.delenv("DENSE1X1QUIZ_HOME")
    assert cache_dir() == Path(platformdirs.user_cache_dir("dense1x1quiz", appauthor=False))


def test_read_limit_is_the_loaders():
    assert deckcache.READ_LIMIT == deck_module.MAX_BYTES


def test_second_load_comes_from_the_cache_and_equals_a_fresh_check(tmp_path, monkeypatch):
    path = write(tmp_path / "d.yaml", DECK)
    fresh, fresh_problems = check_deck(path)
    assert fresh is not None and len(fresh.cards) == 13
    first = check_deck_cached(path)
    assert entry_for(path).is_file()

    monkeypatch.setattr(deck_module, "check_deck_bytes", lambda *a: pytest.fail("parsed again"))
    deck, problems = check_deck_cached(path)
    assert deck == fresh == first[0] and deck is not first[0]
    assert problems == fresh_problems == []
    # Table cards share their Table object, as the loader makes them.
    table_cards = [c for c in deck.cards if c.kind == "table"]
    assert table_cards and all(c.table is table_cards[0].table for c in table_cards)


def test_same_content_at_another_path_gets_that_path(tmp_path, no_loader):
    one = write(tmp_path / "one.yaml", DECK)
    two = write(tmp_path / "two.yaml", DECK)
    deckcache.write_entry(entry_for(one), check_deck(one)[0], [])
    deck, _ = check_deck_cached(two)
    assert deck is not None and deck.path == str(two)


def test_problems_are_cached_with_the_current_path(tmp_path, monkeypatch):
    bad = write(tmp_path / "bad.yaml", DECK.replace("answer: No", "answer: Maybe"))
    fresh = check_deck(bad)
    check_deck_cached(bad)
    moved = tmp_path / "moved.yaml"
    bad.rename(moved)
    monkeypatch.setattr(deck_module, "check_deck_bytes", lambda *a: pytest.fail("parsed again"))
    deck, problems = check_deck_cached(moved)
    assert deck is not None and deck.path == str(moved) and len(deck.cards) == len(fresh[0].cards)
    assert [str(p) for p in problems] == [str(p).replace(str(bad), str(moved)) for p in fresh[1]]
    assert "the answer 'Maybe' is not among the options" in str(problems[0])


def test_an_edited_deck_is_never_served_stale(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    check_deck_cached(path)
    write(path, DECK.replace("The spatial size.", "Height and width."))
    deck, _ = check_deck_cached(path)
    assert deck is not None and deck.cards[0].answer == "Height and width."
    assert len(list((cache_dir() / "decks").glob("*.pickle"))) == 2


@pytest.mark.parametrize("size", ["small", "big"])
def test_a_changed_loader_changes_the_key(tmp_path, monkeypatch, size):
    data = write(tmp_path / "d.yaml", DECK).read_bytes()
    if size == "big":
        data += b"#" * deckcache.BIG_FILE
    before = entry_key(data)
    assert entry_key(data) == before and entry_key(data + b"\n") != before
    monkeypatch.setattr(deckcache, "_loader_digest", b"another loader")
    assert entry_key(data) != before


def test_a_big_deck_file_is_cached_too(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(textwrap.dedent(DECK) + "#" * deckcache.BIG_FILE + "\n", encoding="utf-8")
    first, _ = check_deck_cached(path)
    assert first is not None and entry_for(path).is_file() and entry_for(path).name.startswith("s")
    assert read_entry(entry_for(path))[0] == first


@pytest.mark.parametrize("damage", ["truncate", "flip", "empty", "foreign", "magic only"])
def test_a_damaged_entry_is_ignored_and_rebuilt(tmp_path, damage):
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck(path)
    check_deck_cached(path)
    entry = entry_for(path)
    blob = entry.read_bytes()
    damaged = {
        "truncate": blob[: len(blob) // 2],
        "flip": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
        "empty": b"",
        "foreign": b"\x89PNG\r\n\x1a\n" + os.urandom(200),
        "magic only": deckcache.MAGIC,
    }[damage]
    entry.write_bytes(damaged)
    assert read_entry(entry) is None
    deck, problems = check_deck_cached(path)
    assert deck == expected and problems == []
    assert entry.read_bytes() == blob  # rewritten whole


def _forged_entry(entry: Path, payload: bytes) -> None:
    """An entry whose checksum matches: only the unpickler and the shape check stand in the way."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    entry.write_bytes(deckcache._frame(payload))


class _Exploit:
    def __init__(self, target: Path):
        self.target = target

    def __reduce__(self):
        return (Path.touch, (self.target,))


def test_a_forged_entry_cannot_run_code(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck(path)
    pwned = tmp_path / "pwned"
    _forged_entry(entry_for(path), pickle.dumps(_Exploit(pwned)))
    deck, _ = check_deck_cached(path)
    assert not pwned.exists()
    assert deck == expected


@pytest.mark.parametrize(
    "value",
    [
        ("not a deck", []),
        (None, [("1", 1, "x", False)]),
        [None, []],
        42,
    ],
)
def test_an_entry_of_the_wrong_shape_is_ignored(tmp_path, value):
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck(path)
    _forged_entry(entry_for(path), pickle.dumps(value))
    assert read_entry(entry_for(path)) is None
    assert check_deck_cached(path)[0] == expected


def test_a_card_missing_fields_is_ignored(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck(path)
    broken = expected.cards[0]
    object.__delattr__(broken, "prompt")  # a Card whose pickled state lacks a field
    _forged_entry(entry_for(path), pickle.dumps((expected, [])))
    assert read_entry(entry_for(path)) is None


def _forged_deck_entry(entry: Path, shell: object, columns: object) -> None:
    """An entry in the format `write_entry` gives (the outline's length and the outline, then the deck
    without its cards, its cards' columns, problems and math), with a matching checksum."""
    outline = pickle.dumps((None, []), 5)
    _forged_entry(entry, len(outline).to_bytes(8, "big") + outline + pickle.dumps((shell, columns, [], {}), 5))


def _damage_columns(columns: tuple, damage: str) -> tuple:
    """The columns `_card_columns` gives, with one thing wrong (see the test below)."""
    n, dense, sparse = columns[0], dict(columns[1]), dict(columns[2])
    if damage == "a field missing":
        del dense["prompt"]
    elif damage == "a foreign field":
        dense["__class__"] = dense["id"]
    elif damage == "a non-string field name":
        dense[1] = dense["id"]
    elif damage == "a column one value short":
        dense["prompt"] = dense["prompt"][:-1]
    elif damage == "a column not a list":
        dense["prompt"] = tuple(dense["prompt"])
    elif damage == "a value of another type":
        dense["prompt"] = [*dense["prompt"][:3], 7, *dense["prompt"][4:]]
    elif damage == "a tag not a string":
        sparse.pop("tags", None)
        dense["tags"] = [("x",)] * 3 + [("x", 7)] + [("x",)] * (n - 4)
    elif damage == "an unknown kind":
        dense["kind"] = [*dense["kind"][:3], "script", *dense["kind"][4:]]
    elif damage == "a card past the end":
        sparse["explain"] = {**sparse.get("explain", {}), n: "why"}
    elif damage == "a position not a number":
        sparse["explain"] = {**sparse.get("explain", {}), "3": "why"}
    return (n, dense, sparse)


@pytest.mark.parametrize(
    "damage",
    [
        "none",
        "a field missing",
        "a foreign field",
        "a non-string field name",
        "a column one value short",
        "a column not a list",
        "a value of another type",
        "a tag not a string",
        "an unknown kind",
        "a card past the end",
        "a position not a number",
        "a Card",
    ],
)
def test_card_columns_are_checked_before_they_become_cards(tmp_path, damage):
    """The cards are stored as columns (a list of values per Card field): only Card fields are taken,
    with every field that has no default, one value per card, each of its field's type (the intact
    forgery reads back: the checks, not the format, refuse the others)."""
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck(path)
    shell: object = dataclasses.replace(expected, cards=())
    if damage == "a Card":  # a Card object anywhere in an entry: the unpickler cannot build one
        shell = expected
    columns = _damage_columns(deckcache._card_columns(expected), damage)
    _forged_deck_entry(entry_for(path), shell, columns)
    read = read_entry(entry_for(path))
    if damage == "none":
        assert read is not None and read[0] == expected and read[0].cards[3] == expected.cards[3]
    else:
        assert read is None
        assert check_deck_cached(path)[0] == expected  # checked afresh, and the entry rewritten
        assert read_entry(entry_for(path))[0] == expected


def test_a_deck_read_from_the_cache_builds_each_card_when_first_used(tmp_path):
    """A lazy deck: no Card exists until one is asked for, then the same object each time."""
    from dense1x1quiz.cardlist import CardList

    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck_cached(path)
    deck, _ = read_entry(entry_for(path))
    cards = deck.cards
    assert isinstance(cards, CardList) and cards._built == [None] * 13
    assert cards.keys() == [c.key for c in expected.cards] and cards._built == [None] * 13
    assert cards.column("tags") == [c.tags for c in expected.cards] and cards._built == [None] * 13
    assert cards[4] is cards[4] and cards[4] == expected.cards[4] and cards[-1] == expected.cards[-1]
    assert sum(card is not None for card in cards._built) == 2
    assert list(cards) == list(expected.cards) and cards == expected.cards and hash(cards) == hash(expected.cards)


def test_a_cached_card_holds_only_the_fields_that_are_not_defaults(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    expected, _ = check_deck_cached(path)
    deck, _ = read_entry(entry_for(path))
    assert deck == expected and [c.key for c in deck.cards] == [c.key for c in expected.cards]
    assert sorted(deck.cards[0].__dict__) == ["answer", "deck", "id", "key", "kind", "line", "note", "prompt"]
    assert deck.cards[0].explain == "" and deck.cards[0].options == ()  # the class's defaults


def test_a_cache_that_cannot_be_written_only_means_no_caching(tmp_path, isolated_home):
    isolated_home.mkdir(parents=True)
    (isolated_home / "cache").write_text("a file where the folder should be")
    path = write(tmp_path / "d.yaml", DECK)
    deck, problems = check_deck_cached(path)
    assert deck == check_deck(path)[0] and problems == []


def test_deleting_the_cache_is_safe(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    first, _ = check_deck_cached(path)
    for entry in (cache_dir() / "decks").iterdir():
        entry.unlink()
    (cache_dir() / "decks").rmdir()
    assert check_deck_cached(path)[0] == first
    assert entry_for(path).is_file()


def test_old_entries_are_pruned(tmp_path, monkeypatch):
    monkeypatch.setattr(deckcache, "MAX_ENTRIES", 2)
    path = tmp_path / "d.yaml"
    for n, answer in enumerate(["one", "two", "three"]):
        write(path, DECK.replace("The spatial size.", answer))
        check_deck_cached(path)
        entry = entry_for(path)
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))
    kept = sorted((cache_dir() / "decks").glob("*.pickle"))
    assert len(kept) == 2 and entry in kept


def test_entries_beyond_the_size_cap_are_pruned_oldest_first(tmp_path, monkeypatch):
    path = tmp_path / "d.yaml"
    sizes = []
    for n, answer in enumerate(["one", "two", "three"]):
        write(path, DECK.replace("The spatial size.", answer))
        check_deck_cached(path)
        entry = entry_for(path)
        os.utime(entry, (1_000_000 + n, 1_000_000 + n))
        sizes.append(entry.stat().st_size)
    assert 3 * min(sizes) > 2 * max(sizes) + 100
    monkeypatch.setattr(deckcache, "MAX_TOTAL_BYTES", 2 * max(sizes) + 100)
    write(path, DECK.replace("The spatial size.", "four"))
    check_deck_cached(path)  # the newest plus one older fit under the cap
    kept = sorted((cache_dir() / "decks").glob("*.pickle"), key=lambda p: p.stat().st_mtime)
    assert len(kept) == 2 and kept[-1] == entry_for(path)


def test_an_unreadable_file_is_reported_like_the_loader_does(tmp_path):
    assert check_deck_cached(tmp_path / "missing.yaml") == check_deck(tmp_path / "missing.yaml")
    assert check_deck_cached(tmp_path) == check_deck(tmp_path)
    missing = deckcache.check_deck_outline_cached(tmp_path / "missing.yaml")  # quiz stats and quiz decks
    assert missing == check_deck(tmp_path / "missing.yaml") and missing[0] is None and missing[1]


def test_catalog_uses_the_cache(tmp_path, monkeypatch):
    path = write(tmp_path / "d.yaml", DECK)
    [first] = resolve([str(path)])
    monkeypatch.setattr(deck_module, "check_deck_bytes", lambda *a: pytest.fail("parsed again"))
    assert resolve([str(path)]) == [first]


def test_validate_answers_from_the_cache_unless_told_not_to(tmp_path):
    """A poisoned entry for a broken file's content shows where the answer comes from: `quiz validate`
    reads the cache like every command, `quiz validate --no-cache` checks the file afresh."""
    bad = write(tmp_path / "bad.yaml", DECK.replace("answer: No", "answer: Maybe"))
    good, _ = check_deck(write(tmp_path / "good.yaml", DECK))
    write_entry(entry_for(bad), good, [])
    assert resolve([str(bad)])[0].id == "cached"  # the catalog trusts a well-formed entry
    validate = [sys.executable, "-m", "dense1x1quiz", "validate", str(bad)]
    result = subprocess.run(validate, capture_output=True, text=True, env=os.environ, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (0, "1 deck OK: 13 cards\n", "")
    result = subprocess.run([*validate, "--no-cache"], capture_output=True, text=True, env=os.environ, timeout=60)
    assert result.returncode == 1
    assert f"{bad}:5:54: the answer" in result.stdout + result.stderr
    assert "not among the options" in result.stdout + result.stderr


def test_validate_from_the_cache_reports_the_same_problems_and_warnings(tmp_path):
    """The first `quiz validate` of a file fills the cache; the second answers from it, word for word."""
    broken = write(tmp_path / "broken.yaml", DECK.replace("answer: No", "answer: Maybe") + "  - {id: a, x: 1}\n")
    moji = write(tmp_path / "moji.yaml", DECK.replace("title: Cached", "title: CafÃ© deck"))
    runs = [
        subprocess.run(
            [sys.executable, "-m", "dense1x1quiz", "validate", str(broken), str(moji)],
            capture_output=True,
            text=True,
            env=os.environ,
            timeout=60,
        )
        for _ in range(2)
    ]
    installed = len(list(builtin_deck_dir().glob("*.yaml")))  # outlined to check the valid deck's id against
    assert len(list((tmp_path / "home" / "cache" / "decks").iterdir())) == 2 + installed
    first, second = ((r.returncode, r.stdout, r.stderr) for r in runs)
    assert first == second and first[0] == 1
    assert "not among the options" in first[2] and "mojibake" in first[2].lower()


def test_an_upgraded_library_changes_every_key(tmp_path, monkeypatch):
    path = write(tmp_path / "d.yaml", DECK)
    before = entry_key(path.read_bytes())
    monkeypatch.setattr(deckcache, "_loader_digest", None)
    monkeypatch.setattr(deckcache, "_library_stamp", lambda: b"yaml: another version")
    assert entry_key(path.read_bytes()) != before


def test_a_hit_does_not_import_the_yaml_loader(tmp_path):
    path = write(tmp_path / "d.yaml", DECK)
    check_deck_cached(path)
    code = (
        "import sys; from dense1x1quiz.deckcache import check_deck_cached as c; "
        f"d, p = c({str(path)!r}); print(len(d.cards), 'yaml' in sys.modules, "
        "'dense1x1quiz.deck' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, timeout=60, check=True
    ).stdout
    assert out.split() == ["13", "False", "False"]


# -- outlines: a deck's id, title, tags and card ids, read without building a Card (quiz stats, decks) --


def test_an_outline_is_read_from_the_entry_without_building_a_card(tmp_path, monkeypatch):
    path = tmp_path / "d.yaml"
    deck, _ = check_deck_cached(write(path, DECK))  # fills the cache
    monkeypatch.setattr(deck_module, "check_deck_bytes", lambda *a: pytest.fail("parsed again"))
    monkeypatch.delitem(deckcache._model().allowed, ("dense1x1quiz.model", "Deck"))  # no Deck can be built now
    assert read_entry(entry_for(path)) is None  # the whole deck cannot be read back…
    head, problems = deckcache.check_deck_outline_cached(path)  # …its outline can, and nothing is parsed
    assert head == deckcache.DeckOutline("cached", "Cached deck", str(path), (), deck.card_ids) and problems == []
    assert len(head.card_ids) == 13 and head.card_ids[:2] == ("a", "a:reverse")


@pytest.mark.parametrize("damage", ["truncate", "flip", "old format"])
def test_a_damaged_or_old_entry_gives_the_outline_of_a_fresh_check_and_is_rewritten(tmp_path, damage):
    path = write(tmp_path / "d.yaml", DECK)
    check_deck_cached(path)
    entry = entry_for(path)
    blob = entry.read_bytes()
    payload = blob[len(deckcache.MAGIC) + 12 :]
    entry.write_bytes(
        {
            "truncate": blob[: len(blob) // 2],
            "flip": blob[:-10] + bytes([blob[-10] ^ 0xFF]) + blob[-9:],
            "old format": b"dense1x1quiz-deck-cache 2\n"
            + blob[len(deckcache.MAGIC) : len(deckcache.MAGIC) + 12]
            + payload,
        }[damage]
    )
    head, problems = deckcache.check_deck_outline_cached(path)
    assert head == deckcache.outline(check_deck(path)[0]) and problems == []
    assert entry.read_bytes() == blob  # rewritten whole


def test_a_broken_decks_outline_comes_with_its_problems(tmp_path):
    path = write(tmp_path / "bad.yaml", DECK.replace("answer: No", "answer: Maybe"))
    fresh = deckcache.check_deck_outline_cached(path)
    cached = deckcache.check_deck_outline_cached(path)
    assert fresh == cached
    with pytest.raises(DeckError):  # so the catalog calls it broken
        resolve([str(path)], outline=True)
    assert [(p.line, p.col) for p in cached[1]] == [(5, 54)] and "not among the options" in cached[1][0].message


def test_stats_and_decks_read_outlines_and_say_what_the_full_decks_say(tmp_path):
    """`quiz decks --json` and `quiz stats --json` from outlines equal what the full decks give."""
    import json

    from dense1x1quiz.catalog import find_decks

    user_decks = tmp_path / "home" / "decks"
    user_decks.mkdir(parents=True)
    write(user_decks / "d.yaml", DECK)
    full = {e.name: len(e.deck.cards) for e in find_decks() if e.deck}
    outlined = {e.name: len(e.deck.card_ids) for e in find_decks(outline=True) if e.deck}
    assert full == outlined and outlined["cached"] == 13
    result = subprocess.run(
        [sys.executable, "-m", "dense1x1quiz", "decks", "--json"],
        capture_output=True,
        text=True,
        env=os.environ,
        timeout=60,
    )
    assert {d["deck"]: d["cards"] for d in json.loads(result.stdout)} == full


# -- quiz study: a parsed deck's entry is written once its first card is on the screen (issue 16) ----


def _spy_writes(monkeypatch, path: Path) -> list[str]:
    """What `quiz study` (in-process) had printed each time the entry of `path` was written (the built-in
    decks' entries are written too, in a fresh home)."""
    printed_then: list[str] = []
    real = deckcache.write_entry
    mine = entry_for(path)

    def spy(entry, deck, problems):
        if entry == mine:
            printed_then.append(sys.stdout.buffer.getvalue().decode())
        real(entry, deck, problems)

    monkeypatch.setattr(deckcache, "write_entry", spy)
    return printed_then


def test_study_writes_a_parsed_decks_entry_after_its_first_card_is_shown(tmp_path, cli, monkeypatch):
    path = write(tmp_path / "d.yaml", DECK)
    printed_then = _spy_writes(monkeypatch, path)
    result = cli("study", str(path), "--mode", "flip", input="q\n")
    assert result.exit_code == 0, result.stderr
    assert len(printed_then) == 1 and "── cached ──\nWhat does a 1×1 conv keep?\n" in printed_then[0]
    assert "No cards studied." not in printed_then[0]  # before the summary: while the card waits for its answer
    assert read_entry(entry_for(path))[0] == check_deck(path)[0]
    again = cli("study", str(path), "--mode", "flip", input="q\n")
    assert again.stdout == result.stdout and len(printed_then) == 1  # the second run reads it


def test_study_with_no_card_to_show_writes_the_entry_at_its_end(tmp_path, cli, monkeypatch):
    path = write(tmp_path / "d.yaml", DECK)
    printed_then = _spy_writes(monkeypatch, path)
    result = cli("study", str(path), "--new", "0", input="")
    assert result.exit_code == 0, result.stderr
    assert len(printed_then) == 1 and read_entry(entry_for(path))[0] == check_deck(path)[0]


def test_study_parses_a_deck_once_though_its_entry_is_not_written_yet(tmp_path, cli, monkeypatch):
    """A deck in the deck folder is read for its outline, then whole: the second read is served from the
    entry held back for writing, not parsed again."""
    home = tmp_path / "home"
    (home / "decks").mkdir(parents=True)
    path = write(home / "decks" / "d.yaml", DECK)
    parses = []
    real = deck_module.check_deck_bytes
    monkeypatch.setattr(deck_module, "check_deck_bytes", lambda *a: parses.append(str(a[0])) or real(*a))
    result = cli("study", "cached", "--mode", "flip", input="q\n", env={"DENSE1X1QUIZ_HOME": str(home)})
    assert result.exit_code == 0, result.stderr
    assert "── cached ──" in result.stdout and parses.count(str(path)) == 1


def test_a_broken_deck_studied_is_cached_with_its_problems(tmp_path, cli, monkeypatch):
    path = write(tmp_path / "d.yaml", "deck: broken\ntitle: B\ncards:\n  - {id: a, front: Q}\n")
    printed_then = _spy_writes(monkeypatch, path)
    result = cli("study", str(path), input="q\n")
    assert result.exit_code == 1 and result.stderr.startswith("Error: ")
    cached = read_entry(entry_for(path))
    assert len(printed_then) == 1 and cached is not None and cached[0] == check_deck(path)[0] and cached[1]
    assert cli("study", str(path), input="q\n").stderr == result.stderr  # the same error, from the entry


def test_a_study_killed_once_its_first_card_is_shown_leaves_no_half_written_entry(tmp_path, isolated_home):
    """The entry is written while the first card waits for its answer: a kill then leaves the old state
    or the whole entry (a temporary file renamed), never an entry that reads as damaged."""
    cards = "".join(f"  - {{id: c{n}, front: Question {n} $x_{n}$, back: Answer {n}}}\n" for n in range(3000))
    path = write(tmp_path / "big.yaml", f"deck: big\ntitle: Big\ncards:\n{cards}")
    entry = entry_for(path)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = [sys.executable, "-m", "dense1x1quiz", "study", str(path), "--mode", "flip"]
    pipe = subprocess.PIPE
    with subprocess.Popen(argv, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL, env=env) as child:
        assert child.stdout is not None
        seen = b""
        while b"Question 0" not in seen:
            line = child.stdout.readline()
            assert line, seen  # the card came before the output ended
            seen += line
        child.kill()  # as the entry is being written, or just before or after
        child.wait(timeout=30)
    assert all(read_entry(p) is not None for p in entry.parent.glob("*.pickle"))  # whole, or not there
    again = subprocess.run(argv, input=b"q\n", capture_output=True, env=env, timeout=60)
    assert again.returncode == 0 and again.stdout.startswith(seen)  # the same first card
    assert read_entry(entry) is not None


def test_cards_selected_from_a_cached_deck_are_those_of_the_parsed_deck(tmp_path):
    """`quiz study` selects cards (by tag, and across decks) from a cached deck's columns: the same cards,
    in the same order, as from the parsed decks, and none is built to select them."""
    from dense1x1quiz.cardlist import CardList
    from dense1x1quiz.model import with_image_paths
    from dense1x1quiz.queue import select_cards

    path = write(tmp_path / "d.yaml", DECK.replace("reverse: true}", "reverse: true, tags: [conv]}"))
    parsed, _ = check_deck_cached(path)
    cached, _ = read_entry(entry_for(path))
    other = check_deck(write(tmp_path / "o.yaml", DECK.replace("deck: cached", "deck: other")))[0]
    assert isinstance(cached.cards, CardList) and not isinstance(parsed.cards, CardList)
    for tags in ([], ["conv"], ["CONV", "none"], ["none"]):
        lazy = select_cards([with_image_paths(cached), other], tags)
        from_cached = len(select_cards([parsed], tags))
        assert isinstance(lazy, CardList) and lazy._built.count(None) == from_cached  # none of them built
        assert list(lazy) == select_cards([parsed, other], tags)
    assert [c.id for c in select_cards([cached], ["conv"])] == ["a", "a:reverse"]
