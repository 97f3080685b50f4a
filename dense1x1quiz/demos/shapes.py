"""`shapes`: the notes' walkthrough. One H×W×Cᵢₙ input, two paths to Cₒᵤₜ: flatten → dense, and a
1×1 convolution. Shapes in both layouts, parameters, multiply-accumulates, and what flattening loses."""

from __future__ import annotations

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.draw import arrow, drawing, label, row, tensor, vector
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, median_time, num, shape

DEFAULTS = {"height": 8, "width": 8, "cin": 64, "cout": 32}
CONVENTION = "params = weights + biases; 1 MAC = 1 multiply + 1 add; float32"


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    flat = h * w * ci
    arrays = 4 * n * flat + 2 * co * flat + 6 * n * h * w * co + 2 * ci * co  # x, probe, weights (+ a temporary)
    return arrays * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    flat = h * w * ci
    dense_w, dense_b = common.randn(gen, co, flat, scale=flat**-0.5), common.randn(gen, co)
    conv_w, conv_b = common.randn(gen, co, ci, 1, 1, scale=ci**-0.5), common.randn(gen, co)

    t_dense, y_dense = median_time(lambda: ops.linear(ops.flatten(x), dense_w, dense_b))
    t_conv, y_conv = median_time(lambda: ops.conv1x1(x, conv_w, conv_b))
    general = ops.conv2d(x, conv_w, conv_b)

    # Change one input pixel: the 1×1 output changes at that pixel only; every dense output changes.
    i, j = h // 2, w // 2
    probe = x.copy()
    probe[:, :, i, j] += 1
    conv_delta = ops.conv1x1(probe, conv_w, conv_b) - y_conv
    conv_delta[:, :, i, j] = 0
    dense_changed = int((abs(ops.linear(ops.flatten(probe), dense_w, dense_b) - y_dense) > 1e-6).sum())

    dense_params, dense_macs = costs.dense_params(flat, co), n * costs.dense_macs(flat, co)
    conv_params, conv_macs = costs.conv_params(ci, co, 1), n * costs.conv_macs(h, w, ci, co, 1)
    same_size_params = costs.dense_params(flat, h * w * co)
    lay = common.layout_columns(p)
    table = Table(
        ("step", *lay, "params", "MACs"),
        (
            ("input x", *common.both(p, (n, ci, h, w)), "", ""),
            ("dense: flatten", *common.both(p, (n, flat), (n, flat)), "", ""),
            ("dense: weight", *common.both(p, (co, flat), (flat, co)), num(dense_params), ""),
            ("dense: output", *common.both(p, y_dense.shape, y_dense.shape), "", num(dense_macs)),
            ("1×1: weight", *common.both(p, (co, ci, 1, 1), (1, 1, ci, co)), num(conv_params), ""),
            ("1×1: output", *common.both(p, y_conv.shape), "", num(conv_macs)),
        ),
    )
    c = ci // 2
    lost = (
        f"Lost by flattening: flat element {num(c * h * w + i * w + j)} was channel {c} at pixel ({i}, {j}) "
        f"(in NHWC order: element {num((i * w + j) * ci + c)}). The dense layer has separate weights for "
        f"each of the {num(flat)} elements, no idea which were neighbours, and no H×W in its output."
    )
    blocks: list[Block] = [
        drawing(
            row(
                label("dense"),
                tensor(h, w, ci),
                arrow("flatten"),
                vector(flat),
                arrow(f"W {shape((co, flat))}"),
                vector(co),
            ),
            row(label("1×1  "), tensor(h, w, ci), arrow(f"1×1 conv, W {shape((co, ci, 1, 1))}"), tensor(h, w, co)),
        ),
        table,
        Text(lost),
        Text(
            f"Same MACs ({num(dense_macs)}), but the dense layer has {flat * co / (ci * co):,.0f}× the "
            f"weights, and a dense layer that kept H×W×Cₒᵤₜ would need {num(same_size_params)} params."
        ),
        Check("1×1 conv (one matmul) = conv2d with a 1×1 kernel", common.max_diff(y_conv, general)),
        Check(f"pixel ({i}, {j}) changed: 1×1 output elsewhere", float(abs(conv_delta).max())),
        Text(f"That change moved {dense_changed:,} of {y_dense.size:,} dense outputs.", "dim"),
    ]
    figures = {
        "input": {"nchw": [n, ci, h, w], "nhwc": [n, h, w, ci]},
        "dense": {
            "flat": [n, flat],
            "weight": [co, flat],
            "keras_kernel": [flat, co],
            "output": list(y_dense.shape),
            "params": dense_params,
            "macs": dense_macs,
            "outputs_changed_by_one_pixel": dense_changed,
            "seconds": t_dense,
        },
        "conv1x1": {
            "weight": [co, ci, 1, 1],
            "keras_kernel": [1, 1, ci, co],
            "output": {"nchw": list(y_conv.shape), "nhwc": [n, h, w, co]},
            "params": conv_params,
            "macs": conv_macs,
            "seconds": t_conv,
        },
        "dense_same_output_size": {"params": same_size_params, "macs": n * costs.dense_macs(flat, h * w * co)},
    }
    return DemoResult("shapes", "Dense vs 1×1 conv on an H×W×Cᵢₙ tensor", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
