"""What the environment decides: the home folder (DENSE1X1QUIZ_HOME) and the clock (DENSE1X1QUIZ_NOW)."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from dense1x1quiz.errors import UsageError

HOME_VAR = "DENSE1X1QUIZ_HOME"
NOW_VAR = "DENSE1X1QUIZ_NOW"


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
    return value.astimezone(timezone.utc)


__all__ = ["HOME_VAR", "NOW_VAR", "home_dir", "now", "user_deck_dir"]
