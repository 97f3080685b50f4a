"""`fc-to-conv` (OverFeat, FCN): a classifier head on a 7×7×512 map as dense layers, and the same
weights as a 7×7 conv followed by 1×1 convs: identical outputs. On a larger map the convolutional
head slides and returns a map of scores, one per 7×7 window."""

from __future__ import annotations

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common
from dense1x1quiz.demos.draw import arrow, drawing, label, row, tensor, vector
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, num, shape
from dense1x1quiz.errors import UsageError

LOOP_WINDOWS = 1024  # the per-window Python check visits at most this many windows
DEFAULTS = {"height": 12, "width": 12, "cin": 512, "cout": 256}  # height/width: the larger map
CONVENTION = "params = weights + biases; 1 MAC = 1 multiply + 1 add; float32"
WINDOW, CLASSES = 7, 10
VGG16_HEAD = 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000


def estimate_bytes(p: dict) -> int:
    n, h, w, c, hid = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    big = max(h, WINDOW) * max(w, WINDOW)
    windows = (h - WINDOW + 1) * (w - WINDOW + 1) if h >= WINDOW and w >= WINDOW else 1
    fc1 = WINDOW * WINDOW * c * hid
    return (
        3 * n * big * c + 2 * n * windows * WINDOW * WINDOW * c + fc1 + hid * hid + 4 * n * windows * hid
    ) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, c, hid = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    if h < WINDOW or w < WINDOW:
        raise UsageError(f"demo fc-to-conv needs height and width of at least {WINDOW} (the head's window)")
    gen = common.rng(p)
    flat = WINDOW * WINDOW * c
    fc = [
        (common.randn(gen, hid, flat, scale=flat**-0.5), common.randn(gen, hid)),
        (common.randn(gen, hid, hid, scale=hid**-0.5), common.randn(gen, hid)),
        (common.randn(gen, CLASSES, hid, scale=hid**-0.5), common.randn(gen, CLASSES)),
    ]
    # the same numbers as conv weights: fc1 (hid, C·7·7) → (hid, C, 7, 7), because NCHW flattens (C, H, W)
    conv = [
        (fc[0][0].reshape(hid, c, WINDOW, WINDOW), fc[0][1]),
        (fc[1][0][:, :, None, None], fc[1][1]),
        (fc[2][0][:, :, None, None], fc[2][1]),
    ]

    def dense_head(m):
        z = ops.flatten(m)
        z = ops.relu(ops.linear(z, *fc[0]))
        z = ops.relu(ops.linear(z, *fc[1]))
        return ops.linear(z, *fc[2])

    def conv_head(m):
        z = ops.relu(ops.conv2d(m, *conv[0]))
        z = ops.relu(ops.conv1x1(z, *conv[1]))
        return ops.conv1x1(z, *conv[2])

    small = common.randn(gen, n, c, WINDOW, WINDOW)
    big = common.randn(gen, n, c, h, w)
    y_dense, y_conv = dense_head(small), conv_head(small)
    score_map = conv_head(big)
    ho, wo = score_map.shape[2:]
    # each position of the score map is the dense head on the 7×7 window there; the Python loop checks
    # every window of a small map and a random LOOP_WINDOWS of a big one (a big map would take minutes)
    windows = [(i, j) for i in range(ho) for j in range(wo)]
    if len(windows) > LOOP_WINDOWS:
        windows = [windows[k] for k in sorted(gen.choice(len(windows), LOOP_WINDOWS, replace=False))]
    window_diff = max(
        common.max_diff(dense_head(big[:, :, i : i + WINDOW, j : j + WINDOW]), score_map[:, :, i, j])
        for i, j in windows
    )
    checked = f"each of the {ho}×{wo}" if len(windows) == ho * wo else f"{len(windows):,} sampled {ho}×{wo}"

    params = [costs.dense_params(flat, hid), costs.dense_params(hid, hid), costs.dense_params(hid, CLASSES)]
    macs_small = n * (costs.dense_macs(flat, hid) + costs.dense_macs(hid, hid) + costs.dense_macs(hid, CLASSES))
    rows = (
        (
            "fc1",
            shape((hid, flat)),
            shape((hid, c, WINDOW, WINDOW)),
            f"{n}×{hid}×1×1",
            shape((n, hid, ho, wo)),
            num(params[0]),
        ),
        ("fc2", shape((hid, hid)), shape((hid, hid, 1, 1)), f"{n}×{hid}×1×1", shape((n, hid, ho, wo)), num(params[1])),
        (
            "fc3",
            shape((CLASSES, hid)),
            shape((CLASSES, hid, 1, 1)),
            f"{n}×{CLASSES}×1×1",
            shape((n, CLASSES, ho, wo)),
            num(params[2]),
        ),
    )
    conv_vs_dense = Check(
        f"7×7 input: conv head = dense head ({shape(y_dense.shape)})",
        common.max_diff(y_conv.reshape(y_dense.shape), y_dense),
    )
    blocks: list[Block] = [
        drawing(
            row(
                label("7×7 input  "),
                tensor(WINDOW, WINDOW, c),
                arrow("7×7 conv, 1×1, 1×1"),
                vector(CLASSES),
                label(" = dense head"),
            ),
            row(
                label(f"{h}×{w} input"),
                tensor(h, w, c),
                arrow("same weights"),
                tensor(ho, wo, CLASSES),
                label(" a score map"),
            ),
        ),
        Table(("layer", "dense weight", "conv weight", "out 7×7", f"out {h}×{w}", "params"), rows, align="lllrrr"),
        conv_vs_dense,
        Check(f"{h}×{w}: {checked} scores = dense head on its window", window_diff),
        Text(
            f"The conv head scored all {ho * wo:,} windows in one pass; the dense head accepts only a "
            f"7×7 map ({num(macs_small)} MACs a window). In NHWC (Keras) the map is "
            f"{shape((n, WINDOW, WINDOW, c))} and fc1's inputs must be reordered to (H, W, C) first. "
            f"VGG-16's head (4,096, 4,096, 1,000) converts the same way: {num(VGG16_HEAD)} params.",
            "dim",
        ),
    ]
    figures = {
        "window_input": {"nchw": [n, c, WINDOW, WINDOW], "nhwc": [n, WINDOW, WINDOW, c]},
        "large_input": {"nchw": [n, c, h, w], "nhwc": [n, h, w, c]},
        "layers": [
            {
                "layer": f"fc{k + 1}",
                "dense_weight": list(fc[k][0].shape),
                "conv_weight": list(conv[k][0].shape),
                "params": params[k],
            }
            for k in range(3)
        ],
        "dense_output": list(y_dense.shape),
        "score_map": list(score_map.shape),
        "macs_per_window": macs_small,
        "max_abs_diff": {"conv_vs_dense": conv_vs_dense.max_diff, "score_map_vs_windows": window_diff},
        "vgg16_head_params": VGG16_HEAD,
    }
    return DemoResult(
        "fc-to-conv", "a classifier's dense layers as 7×7 and 1×1 convolutions", p, CONVENTION, blocks, figures
    )


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
