"""A deck may make at most deck.MAX_CARDS cards: a 16 MiB deck of clozes that validated made 858,726
cards, and `study` and `export` on it needed more than 1 GiB. Past the cap, cards are counted, not built,
and the deck is refused at the first card past it, by every command."""

from __future__ import annotations

import pytest

from dense1x1quiz import deck as deck_module
from dense1x1quiz.deck import check_deck

CLOZE = '  - {{id: c{0}, cloze: "{{{{c1::a}}}} {{{{c2::b}}}} {{{{c3::c}}}}"}}\n'


def _cloze_deck(path, notes: int):
    with open(path, "w", encoding="utf-8") as f:
        f.write("deck: big\ntitle: Big\ncards:\n")
        f.writelines(CLOZE.format(i) for i in range(notes))
    return path


def _message(made: int) -> str:
    return (
        f"a deck may make at most 100,000 cards; this one makes {made:,} — split it "
        "(cards from here on were counted, not checked)"
    )


def test_the_cap_is_100000():
    assert deck_module.MAX_CARDS == 100_000


def test_validate_refuses_a_deck_past_the_cap_at_its_first_card_past_it(cli, tmp_path):
    over = _cloze_deck(tmp_path / "over.yaml", 33_334)  # 100,002 cards; the 33,334th note crosses the cap
    result = cli("validate", "--no-cache", str(over), memory_mib=1024, timeout=60)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"{over}:33337:5: {_message(100_002)}\n"


def test_a_deck_at_the_cap_is_fine(cli, tmp_path):
    at = _cloze_deck(tmp_path / "at.yaml", 33_333)  # 99,999 cards
    result = cli("validate", "--no-cache", str(at), memory_mib=1024, timeout=60)
    assert (result.returncode, result.stdout) == (0, "1 deck OK: 99,999 cards\n")


@pytest.mark.parametrize("command", [("study", "--mode", "flip"), ("export", "--format", "apkg")])
def test_the_16_mib_deck_that_needed_a_gigabyte_is_refused_in_bounded_memory(quiz, tmp_path, command):
    """The tester's deck: 286,242 clozes of three deletions, just under 16 MiB (it validated before)."""
    big = _cloze_deck(tmp_path / "big.yaml", 286_242)
    name, *options = command
    output = ["-o", str(tmp_path / "big.apkg")] if name == "export" else []
    result = quiz(
        name,
        str(big),
        *options,
        *output,
        input="q\n",
        memory_mib=1024,
        timeout=120,
        env={"DENSE1X1QUIZ_HOME": str(tmp_path / "home")},
    )
    assert (result.returncode, result.stderr) == (1, f"Error: {big}:33337:5: {_message(858_726)}\n")
    assert not (tmp_path / "big.apkg").exists()


def test_cards_past_the_cap_are_counted_from_every_kind(monkeypatch, tmp_path):
    """Past the cap: a cloze counts its numbers, `reverse: true` two, a table two per cell with two
    value columns or more; the message names the card where the cap was crossed."""
    monkeypatch.setattr(deck_module, "MAX_CARDS", 2)
    path = tmp_path / "d.yaml"
    path.write_text(
        "deck: d\ntitle: D\ncards:\n"
        "  - {id: a, front: A, back: B}\n"
        "  - {id: b, front: A, back: B, reverse: true}\n"  # 3 > 2: the cap is crossed here
        '  - {id: c, cloze: "{{c1::x}} {{c2::y}}"}\n'  # +2
        "  - {id: d, front: A, back: B, reverse: true}\n"  # +2
        "  - {id: e, front: A, answer: B}\n"  # +1
        "tables:\n"
        "  - {id: t, title: T, columns: [K, U, V], rows: [[r1, a, b], [r2, c, d]]}\n",  # +2 rows × 2 × 2
        encoding="utf-8",
    )
    deck, problems = check_deck(path)
    assert [str(p) for p in problems] == [
        f"{path}:5:5: a deck may make at most 2 cards; this one makes 16 — split it "
        "(cards from here on were counted, not checked)"
    ]
