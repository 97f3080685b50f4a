"""`frameworks`: PyTorch vs Keras layouts side by side (tensors, conv and dense weights, flatten
order), the correct weight conversions, and what an unchanged copy does."""

from __future__ import annotations

import numpy as np

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.result import Block, Check, DemoResult, Drawing, Table, Text, num, shape

DEFAULTS = {"height": 5, "width": 5, "cin": 3, "cout": 4}
CONVENTION = "params = weights + biases; float32; 3×3 convs with padding 1 ('same')"
UNITS = 10


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    pixels = n * h * w
    return (4 * pixels * ci + 2 * 9 * pixels * ci + 8 * pixels * co + 4 * h * w * co * UNITS) * common.BYTES


def _memory_order(h: int, w: int, c: int, layout: str) -> tuple[str, ...]:
    """The first numbers of x as they lie in memory, in each layout."""
    nchw = [f"c{0}({i},{j})" for i in range(h) for j in range(w)][:4]
    nchw_line = " ".join(nchw) + (f" … c0({h - 1},{w - 1}) c1(0,0) …" if c > 1 else " …")
    nhwc = [f"({i},{j})c{k}" for i in range(h) for j in range(w) for k in range(c)][:5]
    nhwc_line = " ".join(nhwc) + " …"
    lines = [f"PyTorch NCHW  {nchw_line}", f"Keras NHWC    {nhwc_line}"]
    lines = lines if layout == "nchw" else lines[::-1]
    return ("x in memory, first numbers:", *("  " + line for line in lines))


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    conv_w, conv_b = common.randn(gen, co, ci, 3, 3, scale=(9 * ci) ** -0.5), common.randn(gen, co)
    flat = co * h * w
    lin_w, lin_b = common.randn(gen, UNITS, flat, scale=flat**-0.5), common.randn(gen, UNITS)

    # PyTorch: conv → flatten (C, H, W) → linear
    feat = ops.conv2d(x, conv_w, conv_b, padding=1)
    logits = ops.linear(ops.flatten(feat), lin_w, lin_b)

    # Keras: the same network in NHWC, with converted weights
    x_k = np.ascontiguousarray(ops.nchw_to_nhwc(x))
    feat_k = ops.keras_conv2d(x_k, ops.conv_weight_to_keras(conv_w), conv_b, padding=1)
    feat_copied = ops.keras_conv2d(x_k, conv_w.reshape(3, 3, ci, co), conv_b, padding=1)  # unchanged, reshaped
    # Dense after Flatten sees (H, W, C) order: permute the linear weight's columns from (C, H, W)
    permuted = lin_w.reshape(UNITS, co, h, w).transpose(0, 2, 3, 1).reshape(UNITS, flat)
    logits_k = ops.keras_dense(ops.flatten(feat_k), ops.linear_weight_to_keras(permuted), lin_b)
    logits_order = ops.keras_dense(ops.flatten(feat_k), lin_w.T, lin_b)  # transposed, not permuted
    logits_copied = ops.keras_dense(ops.flatten(feat_k), lin_w.reshape(flat, UNITS), lin_b)  # no transpose

    k = (co // 2) * h * w + (h // 2) * w + w // 2
    c_, i_, j_ = k // (h * w), k % (h * w) // w, k % w
    table = Table(
        ("", "PyTorch", "Keras"),
        (
            ("tensor", f"N×C×H×W  {shape(x.shape)}", f"N×H×W×C  {shape(x_k.shape)}"),
            ("conv weight", f"Cₒᵤₜ×Cᵢₙ×kH×kW  {shape(conv_w.shape)}", f"kH×kW×Cᵢₙ×Cₒᵤₜ  {shape((3, 3, ci, co))}"),
            ("conv output", shape(feat.shape), shape(feat_k.shape)),
            ("flatten order", "(C, H, W)", "(H, W, C)"),
            (f"flat element {k:,}", f"c={c_}, i={i_}, j={j_}", f"i={k // (w * co)}, j={k // co % w}, c={k % co}"),
            ("linear/Dense", f"out×in  {shape(lin_w.shape)}", f"in×units  {shape((flat, UNITS))}"),
            ("conversion", "", "conv: w.permute(2, 3, 1, 0)"),
            ("", "", "dense: permute (C,H,W)→(H,W,C), .T"),
        ),
        align="lll",
    )
    if p["layout"] == "nhwc":  # Keras first
        table = Table(
            (table.columns[0], table.columns[2], table.columns[1]),
            tuple((r[0], r[2], r[1]) for r in table.rows),
            align="lll",
        )
    blocks: list[Block] = [
        Drawing(_memory_order(h, w, ci, p["layout"])),
        table,
        Check("Keras conv, kernel = w.permute(2, 3, 1, 0)", common.max_diff(ops.nchw_to_nhwc(feat), feat_k)),
        Check("Keras Dense, kernel rows in (H, W, C) order", common.max_diff(logits, logits_k)),
        Check("wrong: conv weight reshaped, not permuted", common.max_diff(ops.nchw_to_nhwc(feat), feat_copied), False),
        Check("wrong: Dense = W.T, flatten order ignored", common.max_diff(logits, logits_order), False),
        Check("wrong: Dense = W.reshape(in, units)", common.max_diff(logits, logits_copied), False),
        Text(
            f"The wrong copies all load without an error: the shapes fit. Params: conv "
            f"{num(costs.conv_params(ci, co, 3))}, dense {num(costs.dense_params(flat, UNITS))} in both "
            "frameworks. A 1×1 conv or a Dense layer after global pooling needs no permutation; a Dense "
            "layer after Flatten does.",
            "dim",
        ),
    ]
    checks = [b for b in blocks if isinstance(b, Check)]
    figures = {
        "pytorch": {
            "input": list(x.shape),
            "conv_weight": list(conv_w.shape),
            "conv_output": list(feat.shape),
            "linear_weight": list(lin_w.shape),
            "flatten_order": "CHW",
        },
        "keras": {
            "input": list(x_k.shape),
            "conv_kernel": [3, 3, ci, co],
            "conv_output": list(feat_k.shape),
            "dense_kernel": [flat, UNITS],
            "flatten_order": "HWC",
        },
        "params": {"conv": costs.conv_params(ci, co, 3), "dense": costs.dense_params(flat, UNITS)},
        "max_abs_diff": {
            "conv_converted": checks[0].max_diff,
            "dense_converted": checks[1].max_diff,
            "conv_reshaped": checks[2].max_diff,
            "dense_flatten_order_ignored": checks[3].max_diff,
            "dense_not_transposed": checks[4].max_diff,
        },
    }
    return DemoResult("frameworks", "PyTorch NCHW vs Keras NHWC", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
