"""The scheduler the study command uses is built at its first use, once."""

from datetime import datetime, timezone

from dense1x1quiz.scheduler import GOOD, CardState, LazyScheduler, make_scheduler, review


def test_lazy_scheduler_builds_once_at_first_use_and_behaves_like_the_real_one():
    built = []

    def build():
        built.append(1)
        return make_scheduler(retention=0.85, fuzz=False)

    lazy = LazyScheduler(build)
    assert built == []
    now = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)
    state = CardState.new(("d", "a"))
    assert review(state, GOOD, now, lazy) == review(state, GOOD, now, make_scheduler(retention=0.85, fuzz=False))
    assert lazy.desired_retention == 0.85
    assert built == [1]
