"""Any text or bytes given to the loader give a deck or a DeckError, nothing else."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dense1x1quiz.deck import load_deck
from dense1x1quiz.errors import DeckError
from dense1x1quiz.model import Deck

# Fragments that steer random text towards YAML that nearly is a deck.
FRAGMENTS = [
    "deck: d\n",
    "title: t\n",
    "cards:\n",
    "  - id: a\n",
    "    front: x\n",
    "    back: y\n",
    "    options: [a, b]\n",
    "    answer: a\n",
    "    cloze: '{{c1::x}}'\n",
    "tables:\n",
    "&a ",
    "*a",
    "!!python/name:os.system ",
    "[",
    "]",
    "{",
    "}",
    ": ",
    "- ",
    "\n",
    "  ",
    "'",
    '"',
    "#",
    "---\n",
    "\t",
]

yamlish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), max_size=40).map("".join)


def _load(tmp_path, data: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    try:
        deck = load_deck(path)
    except DeckError as exc:
        assert exc.problems, "a DeckError always says what is wrong"
        for problem in exc.problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message
    else:
        assert isinstance(deck, Deck)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=yamlish)
def test_any_text_gives_a_deck_or_a_deck_error(tmp_path, text):
    _load(tmp_path, text.encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_any_bytes_give_a_deck_or_a_deck_error(tmp_path, data):
    _load(tmp_path, data)
