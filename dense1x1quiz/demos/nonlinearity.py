"""`nonlinearity` (Network in Network, Lin et al. 2013): 1×1 conv → ReLU → 1×1 conv is a small MLP
run at every pixel. Without the ReLU the two layers collapse into one 1×1 conv with weight W₂·W₁."""

from __future__ import annotations

import numpy as np

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.draw import arrow, drawing, row, tensor
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, num, shape

DEFAULTS = {"height": 8, "width": 8, "cin": 64, "cout": 32}
CONVENTION = "params = weights + biases; 1 MAC = 1 multiply + 1 add; float32"


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    return (3 * n * h * w * ci + 10 * n * h * w * co + 2 * ci * co + 2 * co * co) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    w1, b1 = common.randn(gen, co, ci, scale=ci**-0.5), common.randn(gen, co)
    w2, b2 = common.randn(gen, co, co, scale=co**-0.5), common.randn(gen, co)

    hidden = ops.conv1x1(x, w1, b1)
    with_relu = ops.conv1x1(ops.relu(hidden), w2, b2)
    rows = ops.nchw_to_nhwc(x).reshape(-1, ci)  # every pixel a row: the MLP sees one pixel at a time
    mlp = ops.linear(ops.relu(ops.linear(rows, w1, b1)), w2, b2)
    mlp = ops.nhwc_to_nchw(mlp.reshape(n, h, w, co))

    linear_only = ops.conv1x1(hidden, w2, b2)
    w_merged, b_merged = w2 @ w1, w2 @ b1 + b2  # (W₂W₁)x + (W₂b₁ + b₂)
    merged = ops.conv1x1(x, w_merged, b_merged)
    zeroed = float(np.mean(hidden <= 0))

    p1, p2, pm = costs.conv_params(ci, co, 1), costs.conv_params(co, co, 1), costs.conv_params(ci, co, 1)
    m1, m2 = n * costs.conv_macs(h, w, ci, co, 1), n * costs.conv_macs(h, w, co, co, 1)
    lay = common.layout_columns(p)
    blocks: list[Block] = [
        drawing(
            row(
                tensor(h, w, ci),
                arrow("1×1"),
                tensor(h, w, co),
                arrow("ReLU"),
                tensor(h, w, co),
                arrow("1×1"),
                tensor(h, w, co),
            )
        ),
        Table(
            ("layer", "weight", *lay, "params", "MACs"),
            (
                ("1×1 conv W₁", shape((co, ci, 1, 1)), *common.both(p, (n, co, h, w)), num(p1), num(m1)),
                ("ReLU", "", *common.both(p, (n, co, h, w)), "", ""),
                ("1×1 conv W₂", shape((co, co, 1, 1)), *common.both(p, (n, co, h, w)), num(p2), num(m2)),
                ("no ReLU: W₂·W₁", shape((co, ci, 1, 1)), *common.both(p, (n, co, h, w)), num(pm), num(m1)),
            ),
            align="llrrrr",
        ),
        Check("1×1 → ReLU → 1×1 = an MLP run on every pixel", common.max_diff(with_relu, mlp)),
        Check("no ReLU: 1×1 → 1×1 = one 1×1 conv with W₂·W₁", common.max_diff(linear_only, merged)),
        Check("with ReLU: 1×1 → ReLU → 1×1 vs that one conv", common.max_diff(with_relu, merged), False),
        Text(
            f"ReLU zeroed {zeroed:.0%} of the hidden values; that is what the merged layer cannot do. "
            "NiN and GoogLeNet put a ReLU after every 1×1 conv: a per-pixel MLP across channels.",
            "dim",
        ),
    ]
    checks = [b for b in blocks if isinstance(b, Check)]
    figures = {
        "input": {"nchw": [n, ci, h, w], "nhwc": [n, h, w, ci]},
        "layers": [
            {"layer": "conv1x1_1", "weight": [co, ci, 1, 1], "output": [n, co, h, w], "params": p1, "macs": m1},
            {"layer": "conv1x1_2", "weight": [co, co, 1, 1], "output": [n, co, h, w], "params": p2, "macs": m2},
            {"layer": "merged_without_relu", "weight": [co, ci, 1, 1], "params": pm, "macs": m1},
        ],
        "relu_zeroed_fraction": zeroed,
        "max_abs_diff": {
            "per_pixel_mlp": checks[0].max_diff,
            "collapsed_without_relu": checks[1].max_diff,
            "with_relu_vs_collapsed": checks[2].max_diff,
        },
    }
    return DemoResult("nonlinearity", "1×1 conv → ReLU → 1×1 conv is a per-pixel MLP", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
