"""The schedulers the study command uses are built at their first use, one per deck, once."""

from datetime import datetime, timezone

from dense1x1quiz.scheduler import GOOD, CardState, DeckSchedulers, deck_scheduler, make_scheduler, review


def test_deck_schedulers_build_each_at_first_use_once_and_behave_like_the_real_one():
    built = []

    def build(deck):
        built.append(deck)
        return make_scheduler(retention=0.85 if deck == "a" else 0.9, fuzz=False)

    schedulers = DeckSchedulers(build)
    assert built == []  # importing fsrs is a tenth of the time to the first card: not before it is needed
    now = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
    state = CardState.new(("a", "x"))
    expected = review(state, GOOD, now, make_scheduler(retention=0.85, fuzz=False))
    assert review(state, GOOD, now, deck_scheduler(schedulers, "a")) == expected
    assert deck_scheduler(schedulers, "a").desired_retention == 0.85
    assert deck_scheduler(schedulers, "b").desired_retention == 0.9
    assert schedulers.desired_retention == 0.9  # the global one, for what is not about one deck
    assert built == ["a", "b", None]
