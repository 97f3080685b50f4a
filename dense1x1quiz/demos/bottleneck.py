"""`bottleneck` (ResNet, He et al. 2015, Figure 5): on a 56×56×256 map, two 3×3 convs at 256
channels vs 1×1 reduce to 64 → 3×3 at 64 → 1×1 expand to 256. Counted, timed, and ResNet-50/34
mult-adds beside the paper's Table 1."""

from __future__ import annotations

import functools
import operator

import numpy as np

from dense1x1quiz import ops
from dense1x1quiz.demos import common, papers
from dense1x1quiz.demos.draw import arrow, drawing, row, tensor
from dense1x1quiz.demos.papers import Layer
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, median_time, num, seconds, shape

DEFAULTS = {"height": 56, "width": 56, "cin": 256, "cout": 64}  # cout: the bottleneck's width
CONVENTION = "weights only (what reproduces the paper's figures); 1 MAC = 1 multiply + 1 add = 1 FLOP there"


def _designs(h: int, w: int, c: int, mid: int) -> dict[str, list[Layer]]:
    return {
        "plain": [Layer("conv 3×3", c, c, 3, h, w), Layer("conv 3×3", c, c, 3, h, w)],
        "bottleneck": [
            Layer("conv 1×1", c, mid, 1, h, w),
            Layer("conv 3×3", mid, mid, 3, h, w),
            Layer("conv 1×1", mid, c, 1, h, w),
        ],
    }


def _nine_shifts(gen, n: int, c: int, h: int, w: int) -> float:
    """max |conv2d 3×3 − Σ over the 9 kernel taps of conv1x1(shifted input, that tap)|."""
    y = common.randn(gen, n, c, h, w)
    weight = common.randn(gen, c, c, 3, 3, scale=(9 * c) ** -0.5)
    padded = ops.conv2d(y, weight, padding=1)
    yp = np.pad(y, ((0, 0), (0, 0), (1, 1), (1, 1)))
    summed = functools.reduce(
        operator.add,
        (
            ops.conv1x1(np.ascontiguousarray(yp[:, :, di : di + h, dj : dj + w]), weight[:, :, di, dj])
            for di in range(3)
            for dj in range(3)
        ),
    )
    return common.max_diff(padded, summed)


def estimate_bytes(p: dict) -> int:
    n, h, w, c, mid = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    pixels = n * h * w
    im2col = pixels * c * 9 * 2  # the 3×3 windows and matmul workspace
    return (6 * pixels * c + 14 * pixels * mid + im2col + 2 * 9 * c * c + 9 * mid * mid + 2 * c * mid) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, c, mid = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, c, h, w)
    designs = _designs(h, w, c, mid)
    weights = {
        name: [
            common.randn(gen, L.c_out, L.c_in, L.kernel, L.kernel, scale=(L.c_in * L.kernel**2) ** -0.5) for L in layers
        ]
        for name, layers in designs.items()
    }

    def forward(name: str) -> np.ndarray:
        y = x
        for k, (layer, weight) in enumerate(zip(designs[name], weights[name], strict=True)):
            y = ops.conv1x1(y, weight) if layer.kernel == 1 else ops.conv2d(y, weight, padding=1)
            y = ops.relu(y) if k < len(designs[name]) - 1 else y
        return y

    times: dict[str, float] = {}
    outputs: dict[str, np.ndarray] = {}
    for name in designs:
        times[name], outputs[name] = median_time(functools.partial(forward, name))

    totals = {name: papers.total(layers) for name, layers in designs.items()}
    rows = [("plain: 2 × conv 3×3", f"2 × {shape((c, c, 3, 3))}", num(totals["plain"][0]), num(n * totals["plain"][1]))]
    figures_layers: dict[str, list[dict[str, object]]] = {name: [] for name in designs}
    for name, layers in designs.items():
        for layer in layers:
            wshape = (layer.c_out, layer.c_in, layer.kernel, layer.kernel)
            if name == "bottleneck":
                rows.append((f"bottleneck: {layer.kind}", shape(wshape), num(layer.params), num(n * layer.macs)))
            figures_layers[name].append(
                {
                    "kind": layer.kind,
                    "weight": list(wshape),
                    "output": [n, layer.c_out, h, w],
                    "params": layer.params,
                    "macs": n * layer.macs,
                }
            )
    rows.append(("bottleneck: total", "", num(totals["bottleneck"][0]), num(n * totals["bottleneck"][1])))
    ratio_params = totals["plain"][0] / totals["bottleneck"][0]
    basic64 = 2 * Layer("conv 3×3", 64, 64, 3, h, w).params
    r50, r34 = papers.total(papers.resnet_layers(True)), papers.total(papers.resnet_layers(False))
    paper = papers.PAPER_RESNET
    nine_shifts = Check("3×3 conv = sum of nine 1×1 convs on shifted inputs", _nine_shifts(gen, n, mid, h, w))
    blocks: list[Block] = [
        drawing(
            row(
                tensor(h, w, c),
                arrow("1×1"),
                tensor(h, w, mid),
                arrow("3×3"),
                tensor(h, w, mid),
                arrow("1×1"),
                tensor(h, w, c),
            )
        ),
        Text(f"In and out: NCHW {shape((n, c, h, w))} = NHWC {shape((n, h, w, c))}; ReLU between convs.", "dim"),
        Table(("layer", "weight", "params", "MACs"), tuple(rows)),
        Text(
            f"Two 3×3 convs at {c} cost {ratio_params:.1f}× the bottleneck's params and MACs. Measured "
            f"(NumPy, median of 3): plain {seconds(times['plain'])}, bottleneck {seconds(times['bottleneck'])} "
            f"→ {times['plain'] / times['bottleneck']:.1f}× faster."
        ),
        Table(
            ("figure", "ours", "paper"),
            (
                (
                    "params: bottleneck 256-d / basic block 64-d",
                    f"{num(papers.total(designs['bottleneck'])[0])} / {num(basic64)}",
                    "similar",
                ),
                ("ResNet-50 mult-adds, 224×224", num(r50[1]), "3.8×10⁹"),
                ("ResNet-34 mult-adds, 224×224", num(r34[1]), "3.6×10⁹"),
            ),
            align="lrr",
        ),
        Text(
            "The paper truncates (3.858 → 3.8, 3.664 → 3.6). We count every conv (stride 2 in a stage's "
            "first 1×1, projection shortcuts) and the fc layer.",
            "dim",
        ),
        nine_shifts,
    ]
    figures = {
        "input": {"nchw": [n, c, h, w], "nhwc": [n, h, w, c]},
        "layers": figures_layers,
        "totals": {name: {"params": t[0], "macs": n * t[1]} for name, t in totals.items()},
        "seconds": times,
        "max_abs_diff_3x3_as_nine_1x1": nine_shifts.max_diff,
        "basic_block_64_params": basic64,
        "resnet50": {"params": r50[0], "macs": r50[1], "paper_flops": paper["resnet50_flops"]},
        "resnet34": {"params": r34[0], "macs": r34[1], "paper_flops": paper["resnet34_flops"]},
    }
    return DemoResult("bottleneck", "ResNet's 1×1 reduce → 3×3 → 1×1 expand", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
