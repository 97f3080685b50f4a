"""The settings `quiz config` shows and changes, and the rules of each. Pure: no I/O, no SQL.

A setting has a global value and may have one per deck; a deck's value overrides the global one, and
a value never set is the default (`Settings.value` resolves the three). The store keeps them in its
`settings` table as JSON: the global value of KEY under the name `KEY`, a deck's under `deck:DECK:KEY`
(store.py). Each value is checked when it is set and again when it is read (a database edited by
hand). `day_start_hour` is global only: a study day starts at one hour for every deck.

Steps are lists of durations as Anki writes them (`1m 10m`, `1h`, `1d`, `30s`), stored as that text
in canonical form; `steps_of` turns them into the `timedelta`s fsrs's Scheduler takes.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

DECK_PREFIX = "deck:"
MAX_STEPS = 20
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
LEECH_ACTIONS = ("tag", "suspend")


@dataclass(frozen=True)
class Setting:
    """One setting: its default, what it means, how text from the command line becomes a value
    (`parse`: ValueError saying what is allowed), what is wrong with a stored value (`problem`)."""

    name: str
    default: Any
    meaning: str
    allowed: str  # what the error message says is allowed
    parse: Callable[[str], Any]
    problem: Callable[[Any], str | None]
    per_deck: bool = True


def _whole(low: int, high: int) -> tuple[Callable[[str], Any], Callable[[Any], str | None], str]:
    allowed = f"a whole number from {low:,} to {high:,}"

    def problem(value: Any) -> str | None:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be {allowed}"

    return _checked(lambda text: int(text.strip().replace("_", "")), problem, allowed), problem, allowed


def _fraction(low: float, high: float) -> tuple[Callable[[str], Any], Callable[[Any], str | None], str]:
    allowed = f"a number from {low:g} to {high:g}"

    def problem(value: Any) -> str | None:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and low <= value <= high
        return None if ok else f"must be {allowed}"  # nan fails the comparison

    return _checked(float, problem, allowed), problem, allowed


def _checked(convert: Callable[[str], Any], problem: Callable[[Any], str | None], allowed: str) -> Callable[[str], Any]:
    """A parser: `convert` the text, then ValueError(`allowed`) if it failed or `problem` finds one."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            raise ValueError(allowed) from None
        if problem(value):
            raise ValueError(allowed)
        return value

    return parse


def step_seconds(text: str) -> int:
    """One step (`10m`, `1.5h`, `30s`, `1d`) in whole seconds; ValueError when it is none."""
    match = _STEP.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a duration")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds != int(seconds) or not 1 <= seconds <= 365 * 86400:
        raise ValueError(f"{text!r} is not a whole number of seconds from 1s to 365d")
    return int(seconds)


def step_text(seconds: int) -> str:
    """A step in seconds as the largest unit that holds it exactly: 600 → `10m`, 90 → `90s`."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


_STEPS_ALLOWED = f"durations like 1m 10m 1h 1d (at most {MAX_STEPS}, each from 1s to 365d), or none"


def _parse_steps(text: str) -> list[str]:
    words = text.replace(",", " ").split()
    if words in ([], ["none"]):
        return []
    try:
        steps = [step_text(step_seconds(word)) for word in words]
    except ValueError:
        raise ValueError(_STEPS_ALLOWED) from None
    if len(steps) > MAX_STEPS:
        raise ValueError(_STEPS_ALLOWED)
    return steps


def _steps_problem(value: Any) -> str | None:
    if not isinstance(value, list) or len(value) > MAX_STEPS:
        return f"must be a list of {_STEPS_ALLOWED}"
    for step in value:
        try:
            if not isinstance(step, str) or step_text(step_seconds(step)) != step:
                raise ValueError
        except ValueError:
            return f"must be a list of {_STEPS_ALLOWED}"
    return None


def steps_of(value: list[str]) -> tuple[timedelta, ...]:
    """A stored steps value as the timedeltas fsrs takes."""
    return tuple(timedelta(seconds=step_seconds(step)) for step in value)


_ACTION_ALLOWED = "tag or suspend"


def _parse_action(text: str) -> str:
    if text.strip() not in LEECH_ACTIONS:
        raise ValueError(_ACTION_ALLOWED)
    return text.strip()


def _action_problem(value: Any) -> str | None:
    return None if value in LEECH_ACTIONS else f"must be {_ACTION_ALLOWED}"


PARAMETER_COUNT = 21
_PARAMETERS_ALLOWED = (
    f"{PARAMETER_COUNT} numbers (FSRS-6 weights, each within fsrs's bounds), or unset for the defaults"
)


def _parameters_problem(value: Any) -> str | None:
    """What is wrong with FSRS-6 weights: 21 finite numbers each within fsrs's own bounds (None: none)."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != PARAMETER_COUNT:
        return f"must be {_PARAMETERS_ALLOWED}"
    if any(isinstance(w, bool) or not isinstance(w, (int, float)) or not math.isfinite(w) for w in value):
        return f"must be {_PARAMETERS_ALLOWED}"
    from fsrs.scheduler import LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS

    outside = [
        f"w{i} = {w:g} (from {low:g} to {high:g})"
        for i, (w, low, high) in enumerate(zip(value, LOWER_BOUNDS_PARAMETERS, UPPER_BOUNDS_PARAMETERS, strict=True))
        if not low <= w <= high
    ]
    return f"must be within fsrs's bounds: {', '.join(outside)}" if outside else None


def _parse_parameters(text: str) -> list[float] | None:
    words = text.replace(",", " ").split()
    try:
        value: list[float] = [float(word) for word in words]
    except ValueError:
        raise ValueError(_PARAMETERS_ALLOWED) from None
    problem = _parameters_problem(value)
    if problem:
        raise ValueError(problem.removeprefix("must be "))
    return value


def _setting(name: str, default: Any, meaning: str, kind: tuple, per_deck: bool = True) -> Setting:
    parse, problem, allowed = kind
    return Setting(name, default, meaning, allowed, parse, problem, per_deck)


def _or_none(kind: tuple) -> tuple:
    """A kind of value that may also be None (JSON null: no value)."""
    parse, problem, allowed = kind
    return parse, lambda value: None if value is None else problem(value), allowed


_STEPS = (_parse_steps, _steps_problem, _STEPS_ALLOWED)

SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        _setting("new_per_day", 20, "new cards a day, per deck", _whole(0, 100_000)),
        _setting(
            "reviews_per_day",
            None,
            "review cards a day, per deck, most overdue first (none: no limit)",
            _or_none(_whole(0, 1_000_000)),
        ),
        _setting("day_start_hour", 4, "the hour (local time) study days start; global only", _whole(0, 23), False),
        _setting("retention", 0.9, "desired retention: the chance of recall when a card is due", _fraction(0.7, 0.99)),
        _setting("learning_steps", ["1m", "10m"], "steps of a new card before its first interval", _STEPS),
        _setting("relearning_steps", ["10m"], "steps of a forgotten review card", _STEPS),
        _setting(
            "leech_lapses", 8, "lapses that make a card a leech (again every half as many after)", _whole(1, 1000)
        ),
        _setting("leech_action", "tag", "what happens to a leech", (_parse_action, _action_problem, _ACTION_ALLOWED)),
        _setting(
            "parameters",
            None,
            "FSRS-6 weights (quiz optimize writes them; none: fsrs's defaults)",
            (_parse_parameters, _parameters_problem, _PARAMETERS_ALLOWED),
        ),
    )
}


def setting_problem(name: str, value: Any) -> str | None:
    """What is wrong with `value` for the known setting `name` (None: nothing, or not a known name)."""
    setting = SETTINGS.get(name)
    return setting.problem(value) if setting else None


def unknown_key_message(name: str) -> str:
    """`NAME is not a setting`, with the closest known name or the list of them."""
    close = difflib.get_close_matches(name, SETTINGS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else f"the settings are {', '.join(SETTINGS)}"
    from dense1x1quiz.text import clipped, quoted

    return f"{quoted(clipped(name, 60))} is not a setting; {hint}"


def parse_value(name: str, text: str) -> Any:
    """The value of setting `name` that `text` (from the command line) stands for; ValueError saying
    what is allowed."""
    return SETTINGS[name].parse(text)


def stored_name(name: str, deck: str | None = None) -> str:
    """The row name of a setting in the store's `settings` table: `name`, or `deck:DECK:name`."""
    return name if deck is None else f"{DECK_PREFIX}{deck}:{name}"


def split_stored_name(stored: str) -> tuple[str | None, str]:
    """(deck or None, setting name) of a row name of the `settings` table."""
    if stored.startswith(DECK_PREFIX):
        deck, _, name = stored[len(DECK_PREFIX) :].rpartition(":")
        return deck, name
    return None, stored


def show(value: Any) -> str:
    """A value as `quiz config` prints it: steps and weights space-separated, no value as `none`."""
    if value is None:
        return "none"
    if isinstance(value, list):
        return " ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in value) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class Settings:
    """Every saved setting: `saved` global values and `decks` overrides (deck → name → value), each
    known one checked. `value(name, deck)` is the value in force for `deck` (None: global)."""

    saved: Mapping[str, Any]
    decks: Mapping[str, Mapping[str, Any]]

    def value(self, name: str, deck: str | None = None) -> Any:
        """The value in force: the deck's, else the global one, else the default."""
        return self.value_and_source(name, deck)[0]

    def value_and_source(self, name: str, deck: str | None = None) -> tuple[Any, str]:
        """(value, where it comes from: "deck", "global" or "default")."""
        if deck is not None and name in self.decks.get(deck, {}):
            return self.decks[deck][name], "deck"
        if name in self.saved:
            return self.saved[name], "global"
        return SETTINGS[name].default, "default"


__all__ = [
    "DECK_PREFIX",
    "LEECH_ACTIONS",
    "PARAMETER_COUNT",
    "SETTINGS",
    "Setting",
    "Settings",
    "parse_value",
    "setting_problem",
    "show",
    "split_stored_name",
    "step_seconds",
    "step_text",
    "steps_of",
    "stored_name",
    "unknown_key_message",
]
