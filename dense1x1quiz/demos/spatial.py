"""`spatial`: shuffle the pixels. A 1×1 conv's output is shuffled the same way (it never looks at
where a pixel is); a dense layer on the flattened input computes something else entirely."""

from __future__ import annotations

import string

import numpy as np

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.result import Check, DemoResult, Drawing, Table, Text, num

DEFAULTS = {"height": 4, "width": 4, "cin": 16, "cout": 8}
CONVENTION = "params = weights + biases; 1 MAC = 1 multiply + 1 add; float32"
SYMBOLS = string.ascii_uppercase + string.ascii_lowercase + string.digits  # to draw ≤ 62 pixels
SHOWN = 4  # pixels listed in the table


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    return (4 * n * h * w * (ci + co) + 2 * (h * w * ci) * (h * w * co) + ci * co) * common.BYTES  # weight + temporary


def _grid(h: int, w: int, order: np.ndarray) -> list[str]:
    return [" ".join(SYMBOLS[order[i * w + j]] for j in range(w)) for i in range(h)]


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    conv_w, conv_b = common.randn(gen, co, ci, 1, 1, scale=ci**-0.5), common.randn(gen, co)
    flat_in, flat_out = h * w * ci, h * w * co
    dense_w, dense_b = common.randn(gen, flat_out, flat_in, scale=flat_in**-0.5), common.randn(gen, flat_out)
    perm = gen.permutation(h * w)  # new pixel k shows old pixel perm[k]
    if h * w > 1 and (perm == np.arange(h * w)).all():
        perm = np.roll(perm, 1)  # a shuffle that moves nothing would show nothing

    def shuffle(t: np.ndarray) -> np.ndarray:
        return t.reshape(*t.shape[:2], h * w)[:, :, perm].reshape(t.shape)

    xs = shuffle(x)
    conv, conv_s = ops.conv1x1(x, conv_w, conv_b), ops.conv1x1(xs, conv_w, conv_b)
    # a dense layer that keeps the output size (H·W·Cₒᵤₜ), its output read back as an NCHW map
    dense = ops.linear(ops.flatten(x), dense_w, dense_b).reshape(n, co, h, w)
    dense_s = ops.linear(ops.flatten(xs), dense_w, dense_b).reshape(n, co, h, w)

    where = np.argsort(perm)  # old pixel k now sits at where[k]
    rows = []
    for k in range(min(SHOWN, h * w)):
        i, j, (i2, j2) = k // w, k % w, divmod(int(where[k]), w)
        rows.append(
            (
                f"({i}, {j})",
                f"({i2}, {j2})",
                f"{conv[0, 0, i, j]:+.3f}",
                f"{conv_s[0, 0, i2, j2]:+.3f}",
                f"{dense[0, 0, i, j]:+.3f}",
                f"{dense_s[0, 0, i2, j2]:+.3f}",
            )
        )
    blocks: list = []
    if h * w <= len(SYMBOLS):
        before, after = _grid(h, w, np.arange(h * w)), _grid(h, w, perm)
        pad = max(len(before[0]), len("pixels")) + 6
        lines = ["pixels".ljust(pad) + "shuffled"] + [b.ljust(pad) + a for b, a in zip(before, after, strict=True)]
        blocks.append(Drawing(tuple(lines)))
    else:
        blocks.append(Text(f"{num(h * w)} pixels shuffled (too many to draw; the first {SHOWN} are listed)."))
    conv_follows = Check("1×1 conv(shuffled x) = shuffled 1×1 conv(x)", common.max_diff(conv_s, shuffle(conv)))
    dense_differs = Check("dense(shuffled x) vs shuffled dense(x)", common.max_diff(dense_s, shuffle(dense)), False)
    blocks += [
        Table(
            ("pixel", "moved to", "1×1 before", "1×1 after", "dense before", "dense after"),
            tuple(rows),
            title="output channel 0 at the pixel, before and after the shuffle",
            align="llrrrr",
        ),
        conv_follows,
        dense_differs,
        Text(
            f"The 1×1 conv has {num(costs.conv_params(ci, co, 1))} params and cannot tell where a pixel is; "
            f"the dense layer ({num(flat_in)} → {num(flat_out)}) has {num(costs.dense_params(flat_in, flat_out))}"
            " and a separate weight for every (input position, output position) pair."
        ),
    ]
    figures = {
        "input": {"nchw": [n, ci, h, w], "nhwc": [n, h, w, ci]},
        "permutation": perm.tolist(),
        "conv1x1": {
            "params": costs.conv_params(ci, co, 1),
            "macs": n * costs.conv_macs(h, w, ci, co, 1),
            "output": [n, co, h, w],
            "max_abs_diff_shuffled": conv_follows.max_diff,
        },
        "dense": {
            "weight": [flat_out, flat_in],
            "params": costs.dense_params(flat_in, flat_out),
            "macs": n * costs.dense_macs(flat_in, flat_out),
            "max_abs_diff_shuffled": dense_differs.max_diff,
        },
    }
    return DemoResult(
        "spatial", "shuffle the pixels: 1×1 conv follows, a dense layer does not", p, CONVENTION, blocks, figures
    )


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
