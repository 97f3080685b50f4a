"""What the environment decides: the home folder (DENSE1X1QUIZ_HOME), the clock (DENSE1X1QUIZ_NOW)
and the local time zone (TZ)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime, timezone, tzinfo
from pathlib import Path

from dense1x1quiz.errors import UsageError

HOME_VAR = "DENSE1X1QUIZ_HOME"
NOW_VAR = "DENSE1X1QUIZ_NOW"

# The instants DENSE1X1QUIZ_NOW may name. Everything downstream must work from any of them: a review
# schedules up to 100 years (36,500 days) ahead, stats looks 16 weeks back and 30 days ahead, and local
# time shifts by up to a day; Python's datetime ends at 9999-12-31 and negative times before 1970 are
# not portable. So: 1970 to the end of 9000.
EARLIEST_NOW = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST_NOW = datetime(9000, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)


def home_dir() -> Path:
    """The folder with the review database and the user deck folder `decks/` (not created here)."""
    configured = os.environ.get(HOME_VAR)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("dense1x1quiz", appauthor=False))


def user_deck_dir() -> Path:
    return home_dir() / "decks"


def now() -> datetime:
    """The current instant in UTC, or DENSE1X1QUIZ_NOW when set (naive values are taken as UTC)."""
    configured = os.environ.get(NOW_VAR)
    if not configured:
        return datetime.now(timezone.utc)
    try:
        value = datetime.fromisoformat(configured.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"{NOW_VAR}={configured!r} is not an ISO-8601 instant (e.g. 2026-11-26T09:30:00Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    try:
        instant: datetime | None = value.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01T00:00+01:00 is before the first instant datetime has
        instant = None
    if instant is None or not EARLIEST_NOW <= instant <= LATEST_NOW:
        raise UsageError(
            f"{NOW_VAR}={configured.strip()} is outside the years 1970 to 9000 that quiz can "
            "schedule in; use an instant in them (e.g. 2026-11-26T09:30:00Z)"
        )
    return instant


def timer() -> Callable[[], float]:
    """Monotonic seconds for how long a session or an exam took; frozen at 0 when DENSE1X1QUIZ_NOW
    fixes the time, so a transcript made under it (a test, a screenshot) reads the same however fast
    the machine is ("Studied 3 cards in 0s")."""
    if os.environ.get(NOW_VAR):
        return lambda: 0.0
    import time

    return time.monotonic


_warned_zones: set[str] = set()


def local_zone() -> tzinfo | None:
    """The zone of local times (study days, clock times): None for the machine's own, which
    `datetime.astimezone(None)` finds (DST included). A TZ whose offset is a day or more (`UTC+25`:
    glibc takes it, datetime cannot represent it) gives UTC instead, with a one-line warning on
    stderr (once per value), so study still works. Read each time: a test may change TZ and tzset()."""
    import time

    if abs(time.timezone) < 86400 and abs(time.altzone) < 86400:
        return None
    name = os.environ.get("TZ", "")
    if name not in _warned_zones:
        from dense1x1quiz.text import one_line

        _warned_zones.add(name)
        sys.stderr.write(
            f"Warning: TZ={one_line(name)} puts local time a day or more off UTC, which is not "
            "a time zone; quiz uses UTC for study days and clock times.\n"
        )
    return timezone.utc


__all__ = [
    "EARLIEST_NOW",
    "HOME_VAR",
    "LATEST_NOW",
    "NOW_VAR",
    "home_dir",
    "local_zone",
    "now",
    "timer",
    "user_deck_dir",
]
