"""Run a demo by name: check the name and parameters, refuse sizes over the memory cap (before any
array exists), then call the demo module's `run(params) -> DemoResult`.

Each demo module defines `DEFAULTS` (its parameters), `estimate_bytes(params)` (the arrays it will
allocate, temporaries included) and `run(params)`.
"""

from __future__ import annotations

import difflib
import importlib
from types import ModuleType

from dense1x1quiz.demos import DEMOS, check_params
from dense1x1quiz.demos.result import DemoResult
from dense1x1quiz.errors import UsageError
from dense1x1quiz.text import quoted

MEMORY_CAP = 512 * 2**20  # bytes of arrays one demo may allocate
COMMON_DEFAULTS: dict[str, int | str] = {"batch": 1, "seed": 0, "layout": "nchw"}


def _unknown(name: str) -> UsageError:
    """Short enough for one 80-column line: the nearest name, or where the list is."""
    close = difflib.get_close_matches(name, list(DEMOS), n=1, cutoff=0.5)
    hint = f"did you mean `{close[0]}`?" if close else "`quiz demo` lists them"
    return UsageError(f"unknown demo {quoted(name)}; {hint}")


def _module(name: str) -> ModuleType:
    if name not in DEMOS:
        raise _unknown(name)
    return importlib.import_module(f"dense1x1quiz.demos.{DEMOS[name].module}")


def resolve_params(name: str, params: dict[str, int | str]) -> dict[str, int | str]:
    """The demo's defaults overridden by `params`, checked and typed; UsageError on the first problem."""
    if name not in DEMOS:
        raise _unknown(name)
    problems = check_params(dict(params), name)
    if problems:
        raise UsageError(problems[0])
    given = {k: (str(v).lower() if k == "layout" else int(v)) for k, v in params.items()}
    return {**COMMON_DEFAULTS, **_module(name).DEFAULTS, **given}


def estimate(name: str, params: dict[str, int | str]) -> int:
    """Bytes of arrays the demo would allocate with these (resolved) parameters."""
    return int(_module(name).estimate_bytes(params))


def _mib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.0f} MiB"


def run_demo(name: str, params: dict[str, int | str] | None = None) -> DemoResult:
    """Run demo `name` with `params` (strings or ints, as from a card or the command line)."""
    resolved = resolve_params(name, params or {})
    needed = estimate(name, resolved)
    if needed > MEMORY_CAP:
        raise UsageError(f"{name}: these sizes need about {_mib(needed)} of arrays (limit {_mib(MEMORY_CAP)})")
    return _module(name).run(resolved)


__all__ = ["MEMORY_CAP", "estimate", "resolve_params", "run_demo"]
