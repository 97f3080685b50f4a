"""Run a demo by name: check the name and parameters, refuse sizes over the memory cap (before any
array exists), then call the demo module's `run(params) -> DemoResult`.

Each demo module defines `DEFAULTS` (its parameters), `estimate_bytes(params)` (the arrays it will
allocate, temporaries included) and `run(params)`.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from dense1x1quiz.demos import DEMOS, check_params, suggest
from dense1x1quiz.demos.result import DemoResult
from dense1x1quiz.errors import UsageError

MEMORY_CAP = 512 * 2**20  # bytes of arrays one demo may allocate
COMMON_DEFAULTS: dict[str, int | str] = {"batch": 1, "seed": 0, "layout": "nchw"}


def _module(name: str) -> ModuleType:
    if name not in DEMOS:
        raise UsageError(f"unknown demo `{name}`{suggest(name)}; `quiz demo` lists them")
    return importlib.import_module(f"dense1x1quiz.demos.{DEMOS[name].module}")


def resolve_params(name: str, params: dict[str, int | str]) -> dict[str, int | str]:
    """The demo's defaults overridden by `params`, checked and typed; UsageError on the first problem."""
    if name not in DEMOS:
        raise UsageError(f"unknown demo `{name}`{suggest(name)}; `quiz demo` lists them")
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
        raise UsageError(f"demo {name}: these sizes need about {_mib(needed)} of arrays "
                         f"(limit {_mib(MEMORY_CAP)}); use smaller ones")
    return _module(name).run(resolved)


__all__ = ["MEMORY_CAP", "estimate", "resolve_params", "run_demo"]
