"""Helpers the demo modules share: random tensors, layout columns, parameter echo. Numpy inside."""

from __future__ import annotations

import numpy as np

from dense1x1quiz.demos.result import shape

FLOAT = np.float32
BYTES = 4  # float32, what the frameworks train in


def rng(params: dict) -> np.random.Generator:
    return np.random.default_rng(int(params["seed"]))


def randn(gen: np.random.Generator, *dims: int, scale: float = 1.0) -> np.ndarray:
    return (gen.standard_normal(dims, dtype=FLOAT) * FLOAT(scale)).astype(FLOAT, copy=False)


def layout_columns(params: dict) -> tuple[str, str]:
    """The two layout column headers, the one asked for (--layout) first."""
    cols = ("PyTorch NCHW", "Keras NHWC")
    return cols if params["layout"] == "nchw" else cols[::-1]


def both(params: dict, nchw: tuple[int, ...], nhwc: tuple[int, ...] | None = None) -> tuple[str, str]:
    """A shape in both layouts (NHWC given, or derived from a 4-D NCHW shape), in column order."""
    if nhwc is None:
        nhwc = (nchw[0], *nchw[2:], nchw[1]) if len(nchw) == 4 else nchw
    pair = (shape(nchw), shape(nhwc))
    return pair if params["layout"] == "nchw" else pair[::-1]


def max_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a − b| as a Python float (in float64, so the difference itself is exact enough)."""
    return float(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))))


__all__ = ["BYTES", "FLOAT", "both", "layout_columns", "max_diff", "randn", "rng"]
