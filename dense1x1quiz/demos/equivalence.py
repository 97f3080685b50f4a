"""`equivalence`: a 1×1 convolution is one linear layer applied at every pixel, i.e. reshape →
matmul → reshape. The weight copied between the conventions, and two wrong copies that still run."""

from __future__ import annotations

import numpy as np

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.draw import arrow, drawing, matrix, row, tensor
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, median_time, num, seconds, shape

DEFAULTS = {"height": 8, "width": 8, "cin": 64, "cout": 32, "batch": 2}
CONVENTION = "params = weights + biases; 1 MAC = 1 multiply + 1 add; float32"
LOOP_PIXELS = 1024  # the per-pixel Python loop visits at most this many pixels


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    return (6 * n * h * w * ci + 9 * n * h * w * co + 2 * ci * co) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    weight, bias = common.randn(gen, co, ci, scale=ci**-0.5), common.randn(gen, co)  # nn.Linear(ci, co)

    t_conv, y_conv = median_time(lambda: ops.conv1x1(x, weight[:, :, None, None], bias))

    # the same linear layer at every pixel (a loop, to show it; the kernels never loop)
    pixels = [(i, j) for i in range(h) for j in range(w)]
    if len(pixels) > LOOP_PIXELS:
        pixels = [pixels[k] for k in sorted(gen.choice(len(pixels), LOOP_PIXELS, replace=False))]
    loop_diff = max(common.max_diff(ops.linear(x[:, :, i, j], weight, bias), y_conv[:, :, i, j]) for i, j in pixels)

    def reshape_matmul() -> np.ndarray:  # NCHW → (N·H·W, Cᵢₙ) → matmul → back
        rows = ops.nchw_to_nhwc(x).reshape(-1, ci)
        return ops.nhwc_to_nchw(ops.linear(rows, weight, bias).reshape(n, h, w, co))

    t_matmul, y_matmul = median_time(reshape_matmul)

    x_nhwc = np.ascontiguousarray(ops.nchw_to_nhwc(x))
    keras = ops.keras_conv2d(x_nhwc, weight.T[None, None], bias)  # kernel (1, 1, in, out)
    no_transpose = ops.keras_conv2d(x_nhwc, weight.reshape(1, 1, ci, co), bias)  # shape fits, values wrong
    misread = ops.conv1x1(x.reshape(n, h, w, ci).transpose(0, 3, 1, 2), weight, bias)  # NCHW bytes read as NHWC

    params, macs = costs.conv_params(ci, co, 1), n * costs.conv_macs(h, w, ci, co, 1)
    rows_count = n * h * w
    blocks: list[Block] = [
        drawing(
            row(
                tensor(h, w, ci),
                arrow("reshape"),
                matrix(rows_count, ci),
                arrow(f"@ Wᵀ {shape((ci, co))}"),
                matrix(rows_count, co),
                arrow("reshape"),
                tensor(h, w, co),
            )
        ),
        Text(
            f"One nn.Linear({ci}, {co}) — {num(params)} params — used as a 1×1 conv: {num(rows_count)} "
            f"pixels (N·H·W) are the rows of one matrix; {num(macs)} MACs either way."
        ),
        Table(
            ("weight", "shape", "copied from nn.Linear.weight W"),
            (
                ("nn.Linear.weight", shape((co, ci)), "W  (out, in)"),
                ("nn.Conv2d.weight", shape((co, ci, 1, 1)), "W[:, :, None, None]"),
                ("keras Dense kernel", shape((ci, co)), "W.T  (in, units)"),
                ("keras Conv2D kernel", shape((1, 1, ci, co)), "W.T[None, None]"),
            ),
            align="lrl",
        ),
        Check(f"conv1x1 = nn.Linear looped over {len(pixels):,} pixels", loop_diff),
        Check("conv1x1 = reshape → matmul → reshape", common.max_diff(y_conv, y_matmul)),
        Check("Keras Conv2D with W.T[None, None] (NHWC)", common.max_diff(ops.nchw_to_nhwc(y_conv), keras)),
        Check(
            "wrong: W.reshape(1, 1, in, out), no transpose",
            common.max_diff(ops.nchw_to_nhwc(y_conv), no_transpose),
            False,
        ),
        Check("wrong: NCHW buffer read as NHWC", common.max_diff(y_conv, misread), False),
        Text(
            f"Measured: conv1x1 {seconds(t_conv)}, reshape → matmul → reshape {seconds(t_matmul)} "
            "(median of 3). Float32 sums taken in another order may differ by ~10⁻⁶.",
            "dim",
        ),
    ]
    checks = [b for b in blocks if isinstance(b, Check)]
    figures = {
        "input": {"nchw": [n, ci, h, w], "nhwc": [n, h, w, ci]},
        "output": {"nchw": [n, co, h, w], "nhwc": [n, h, w, co]},
        "weights": {
            "linear": [co, ci],
            "conv2d": [co, ci, 1, 1],
            "keras_dense": [ci, co],
            "keras_conv2d": [1, 1, ci, co],
        },
        "params": params,
        "macs": macs,
        "matrix_rows": rows_count,
        "pixels_looped": len(pixels),
        "max_abs_diff": {
            "loop": checks[0].max_diff,
            "reshape_matmul": checks[1].max_diff,
            "keras": checks[2].max_diff,
            "missing_transpose": checks[3].max_diff,
            "nchw_read_as_nhwc": checks[4].max_diff,
        },
        "seconds": {"conv1x1": t_conv, "reshape_matmul": t_matmul},
    }
    return DemoResult("equivalence", "a 1×1 conv is one linear layer at every pixel", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
