"""What a demo hands back: figures for `--json` and a screen made of plain blocks.

Demos never print and never import rich: `ui/demo.py` draws these blocks, `--json` dumps `figures`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Text:
    """A paragraph of plain text (wrapped by the screen if needed)."""

    text: str
    style: str = ""  # "" or "dim" / "bold": a hint, never markup


@dataclass(frozen=True)
class Drawing:
    """Lines of Unicode art shown exactly as written."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """An aligned table: `align` is one letter per column, `l` or `r` (default: first l, rest r)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    title: str = ""
    align: str = ""

    def alignment(self) -> str:
        return self.align or "l" + "r" * (len(self.columns) - 1)


@dataclass(frozen=True)
class Check:
    """A numerical check: the max |difference| between two computations that should agree
    (`expect_equal`) or that a wrong recipe makes disagree."""

    label: str
    max_diff: float
    expect_equal: bool = True
    tolerance: float = 1e-4

    @property
    def status(self) -> str:
        """`ok`; `failed` (should agree, does not: a bug); `coincides` (a wrong recipe that happens to
        give the right numbers at these sizes, e.g. with one channel every layout is the same)."""
        close = self.max_diff <= self.tolerance
        if self.expect_equal:
            return "ok" if close else "failed"
        return "coincides" if close else "ok"

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "max_abs_diff": self.max_diff,
            "expected": "equal" if self.expect_equal else "different",
            "status": self.status,
            "ok": self.ok,
        }


Block = Text | Drawing | Table | Check


@dataclass
class DemoResult:
    name: str
    title: str
    params: dict[str, int | str]
    convention: str
    blocks: list[Block] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def checks(self) -> list[Check]:
        return [b for b in self.blocks if isinstance(b, Check)]

    def to_json(self) -> dict[str, Any]:
        return {
            "demo": self.name,
            "title": self.title,
            "params": self.params,
            "convention": self.convention,
            "figures": self.figures,
            "checks": [c.to_json() for c in self.checks],
        }


# -- formatting shared by the demos ------------------------------------------------------------


def num(n: int) -> str:
    """1234567 -> '1,234,567'."""
    return f"{n:,}"


def shape(dims: tuple[int, ...] | list[int]) -> str:
    """(1, 64, 8, 8) -> '1×64×8×8' (thousands separators inside)."""
    return "×".join(f"{d:,}" for d in dims)


def sci(x: float) -> str:
    """A max |difference| for people: 0 -> '0', 2.38e-07 -> '2.4×10⁻⁷', 1.53 -> '1.53'."""
    if x == 0:
        return "0"
    if 1e-3 <= abs(x) < 1e4:
        return f"{x:.3g}"
    exponent = math.floor(math.log10(abs(x)))
    return f"{x / 10**exponent:.1f}×10{str(exponent).translate(_SUPERSCRIPT)}"


def seconds(t: float) -> str:
    """0.01234 -> '12.3 ms'."""
    if t >= 1:
        return f"{t:.2f} s"
    if t >= 1e-3:
        return f"{t * 1e3:.3g} ms"
    return f"{t * 1e6:.3g} µs"


def median_time(fn: Callable[[], Any], runs: int = 3) -> tuple[float, Any]:
    """The median wall time of `runs` calls of `fn` (after one warm-up call), and its last result."""
    result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2], result


__all__ = ["Block", "Check", "DemoResult", "Drawing", "Table", "Text", "median_time", "num", "sci", "seconds", "shape"]
