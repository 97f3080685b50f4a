"""The demo registry: names, one-line summaries and the parameters each demo takes.

This module never imports numpy: `quiz validate` and `quiz study` check a card's `demo:` link
against it, and only running a demo imports the demo's own module (`dense1x1quiz.demos.<module>`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass

from dense1x1quiz.text import quoted, quoted_text

# Parameters a demo may take, from the command line or a card's `demo:` mapping.
SIZE_PARAMS = ("height", "width", "cin", "cout", "batch", "seed")
LAYOUTS = ("nchw", "nhwc")
MAX_SIZE = 100_000  # a single dimension; the memory cap in each demo refuses big products


@dataclass(frozen=True)
class DemoInfo:
    name: str
    module: str
    summary: str
    params: tuple[str, ...] = (*SIZE_PARAMS, "layout")  # the parameters this demo takes


DEMOS: dict[str, DemoInfo] = {
    d.name: d
    for d in (
        DemoInfo("shapes", "shapes", "Dense vs 1×1 conv on an H × W × Cᵢₙ tensor: shapes, params, MACs"),
        DemoInfo("equivalence", "equivalence", "A 1×1 conv is one linear layer applied at every pixel"),
        DemoInfo("spatial", "spatial", "Permute the pixels: 1×1 conv follows, a dense layer does not"),
        DemoInfo("nonlinearity", "nonlinearity", "Network in Network: 1×1 conv → ReLU → 1×1 conv"),
        DemoInfo("bottleneck", "bottleneck", "ResNet bottleneck: 1×1 reduce → 3×3 → 1×1 expand"),
        DemoInfo(
            "inception",
            "inception",
            "GoogLeNet module 3a with and without 1×1 reductions",
            ("height", "width", "cin", "batch", "seed", "layout"),
        ),
        DemoInfo("mobilenet", "mobilenet", "Depthwise-separable convolutions and MobileNet v1"),
        DemoInfo("fc-to-conv", "fc_to_conv", "A classifier's dense layers as 7×7 and 1×1 convolutions"),
        DemoInfo("frameworks", "frameworks", "PyTorch NCHW vs Keras NHWC: tensors, weights, flatten order"),
    )
}


def suggest(name: str) -> str:
    """' (did you mean `x`?)' for the nearest demo name, or ''."""
    close = difflib.get_close_matches(name, list(DEMOS), n=1, cutoff=0.5)
    return f" (did you mean `{close[0]}`?)" if close else ""


def _given(value: object) -> str:
    """A parameter's value as a message quotes it: text in quotes (one line, controls visible), a number as is."""
    return quoted_text(value) if isinstance(value, str) else repr(value)


def check_params(params: Mapping[str, object], demo: str | None = None) -> list[str]:
    """Problems with demo parameters given as text or ints; an empty list when they are fine.

    With `demo` (a known name), a parameter that demo does not take is a problem too."""
    problems = []
    for key, value in params.items():
        if demo in DEMOS and key in (*SIZE_PARAMS, "layout") and key not in DEMOS[demo].params:
            sizes = ", ".join(k for k in DEMOS[demo].params if k not in ("seed", "layout"))
            problems.append(f"demo {demo} takes no `{key}` (its sizes: {sizes})")
        elif key == "layout":
            if str(value).lower() not in LAYOUTS:
                problems.append(f"layout must be one of {', '.join(LAYOUTS)}, not {_given(value)}")
        elif key in SIZE_PARAMS:
            text = str(value).strip()
            lowest = 0 if key == "seed" else 1
            if not (text.isascii() and text.isdigit()) or len(text) > 6 or not lowest <= int(text) <= MAX_SIZE:
                problems.append(f"{key} must be a whole number from {lowest} to {MAX_SIZE:,}, not {_given(value)}")
        else:
            close = difflib.get_close_matches(key, [*SIZE_PARAMS, "layout"], n=1)
            hint = f" (did you mean `{close[0]}`?)" if close else ""
            problems.append(f"unknown demo parameter {quoted(key)}{hint}")
    return problems


__all__ = ["DEMOS", "LAYOUTS", "MAX_SIZE", "SIZE_PARAMS", "DemoInfo", "check_params", "suggest"]
