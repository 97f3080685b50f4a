"""deckcounts repeats two constants so that a home without a database imports neither store nor scheduler."""

from dense1x1quiz import deckcounts, scheduler, store


def test_the_repeated_constants_match_their_sources():
    assert deckcounts.DEFAULT_NEW_PER_DAY == scheduler.DEFAULT_NEW_PER_DAY
    assert deckcounts.DB_NAME == store.DB_NAME
