"""`inception` (GoogLeNet, Szegedy et al. 2014): module 3a with its 1×1 reductions (Figure 2b) and
without them (Figure 2a, naive). Counted, run in NumPy, and set beside the paper's Table 1."""

from __future__ import annotations

import numpy as np

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common, papers
from dense1x1quiz.demos.result import Block, Check, DemoResult, Drawing, Table, Text, median_time, num, seconds, shape

DEFAULTS = {"height": 28, "width": 28, "cin": 192}
CONVENTION = "weights only (what reproduces Table 1); 1 MAC = 1 multiply + 1 add = 1 op there"
B = papers.INCEPTION_3A


def estimate_bytes(p: dict) -> int:
    n, h, w, c = p["batch"], p["height"], p["width"], p["cin"]
    pixels = n * h * w
    im2col = pixels * max(25 * c, 9 * c) * 2  # the naive 5×5 on all input channels is the biggest
    return (8 * pixels * c + 6 * pixels * 416 + im2col + 40 * c * 128) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, c = p["batch"], p["height"], p["width"], p["cin"]
    gen = common.rng(p)
    x = common.randn(gen, n, c, h, w)

    def weight(c_out: int, c_in: int, k: int) -> np.ndarray:
        return common.randn(gen, c_out, c_in, k, k, scale=(c_in * k * k) ** -0.5)

    wr = {
        "1x1": weight(B["1x1"], c, 1),
        "3r": weight(B["3x3_reduce"], c, 1),
        "3": weight(B["3x3"], B["3x3_reduce"], 3),
        "5r": weight(B["5x5_reduce"], c, 1),
        "5": weight(B["5x5"], B["5x5_reduce"], 5),
        "pp": weight(B["pool_proj"], c, 1),
    }
    wn = {"3": weight(B["3x3"], c, 3), "5": weight(B["5x5"], c, 5)}

    def reduced() -> list[np.ndarray]:
        r3, r5 = ops.relu(ops.conv1x1(x, wr["3r"])), ops.relu(ops.conv1x1(x, wr["5r"]))
        return [
            ops.conv1x1(x, wr["1x1"]),
            ops.conv2d(r3, wr["3"], padding=1),
            ops.conv2d(r5, wr["5"], padding=2),
            ops.conv1x1(ops.max_pool2d(x, 3, 1, 1), wr["pp"]),
        ]

    def naive() -> list[np.ndarray]:
        return [
            ops.conv1x1(x, wr["1x1"]),
            ops.conv2d(x, wn["3"], padding=1),
            ops.conv2d(x, wn["5"], padding=2),
            ops.max_pool2d(x, 3, 1, 1),
        ]

    t_reduced, branches = median_time(reduced)
    t_naive, naive_branches = median_time(naive)
    y_nchw = np.concatenate(branches, axis=1)
    y_nhwc = np.concatenate([ops.nchw_to_nhwc(b) for b in branches], axis=3)
    naive_channels = sum(b.shape[1] for b in naive_branches)

    ours = papers.total(papers.inception_layers(c, h, w, True))
    mine_naive = papers.total(papers.inception_layers(c, h, w, False))
    at_paper = papers.total(papers.inception_layers(192, 28, 28, True))

    def cost(c_in: int, c_out: int, k: int) -> tuple[str, str]:
        return num(costs.conv_params(c_in, c_out, k, bias=False)), num(n * costs.conv_macs(h, w, c_in, c_out, k))

    rows = (
        ("1×1", *cost(c, B["1x1"], 1), *cost(c, B["1x1"], 1)),
        ("1×1 → 3×3", *_sum(cost(c, B["3x3_reduce"], 1), cost(B["3x3_reduce"], B["3x3"], 3)), *cost(c, B["3x3"], 3)),
        ("1×1 → 5×5", *_sum(cost(c, B["5x5_reduce"], 1), cost(B["5x5_reduce"], B["5x5"], 5)), *cost(c, B["5x5"], 5)),
        ("pool → 1×1", *cost(c, B["pool_proj"], 1), "0", "0"),
        ("total", num(ours[0]), num(n * ours[1]), num(mine_naive[0]), num(n * mine_naive[1])),
    )
    blocks: list[Block] = [
        Drawing(_branches(h, w, c, y_nchw.shape[1])),
        Text(
            f"NHWC: {shape((n, h, w, c))} → {shape(y_nhwc.shape)}. Naive (no reductions), 3×3 and 5×5 see all "
            f"{c} channels and the pooled input passes through: {h}×{w}×{naive_channels}, growing each module.",
            "dim",
        ),
        Table(
            ("branch", "params", "MACs", "naive params", "naive MACs"),
            rows,
            title="with 1×1 reductions (Figure 2b) vs without (Figure 2a)",
        ),
        Text(
            f"The reductions cut MACs {mine_naive[1] / ours[1]:.1f}×. Measured (NumPy, median of 3): "
            f"{seconds(t_reduced)} with, {seconds(t_naive)} without → {t_naive / t_reduced:.1f}×."
        ),
        Table(
            ("inception (3a) at 28×28×192", "ours", "Table 1"),
            (
                ("output", "28×28×256", papers.PAPER_3A["output"]),
                ("params", f"{num(at_paper[0])} = {at_paper[0] / 1024:.1f}×1,024", papers.PAPER_3A["params"]),
                ("ops", num(at_paper[1]), papers.PAPER_3A["ops"]),
            ),
            align="lrr",
        ),
        Text(
            "Table 1's 159K is 163,328 / 1,024 = 159.5 rounded down, so its K is evidently 1,024; its M "
            "is 10⁶: 128,049,152 MACs → 128M.",
            "dim",
        ),
        Check("concat on axis 1 (NCHW) = concat on axis 3 (NHWC)", common.max_diff(ops.nchw_to_nhwc(y_nchw), y_nhwc)),
    ]
    figures = {
        "input": {"nchw": [n, c, h, w], "nhwc": [n, h, w, c]},
        "output": {"nchw": list(y_nchw.shape), "nhwc": list(y_nhwc.shape)},
        "naive_output": {"nchw": [n, naive_channels, h, w]},
        "with_reductions": {"params": ours[0], "macs": n * ours[1], "seconds": t_reduced},
        "naive": {"params": mine_naive[0], "macs": n * mine_naive[1], "seconds": t_naive},
        "paper_table1_3a": {
            "ours_params": at_paper[0],
            "ours_macs": at_paper[1],
            "paper_params": papers.PAPER_3A["params"],
            "paper_ops": papers.PAPER_3A["ops"],
            "params_over_1024": at_paper[0] / 1024,
        },
    }
    return DemoResult(
        "inception", "GoogLeNet module 3a with and without 1×1 reductions", p, CONVENTION, blocks, figures
    )


def _branches(h: int, w: int, c: int, c_out: int) -> tuple[str, ...]:
    """The module as four branches from the input to the concatenation."""
    paths = [
        f"1×1, {B['1x1']}",
        f"1×1, {B['3x3_reduce']} → 3×3, {B['3x3']}",
        f"1×1, {B['5x5_reduce']} → 5×5, {B['5x5']}",
        f"pool 3×3 → 1×1, {B['pool_proj']}",
    ]
    width = max(len(x) for x in paths) + 3
    source = f"{h}×{w}×{c} "
    pad = " " * len(source)
    lines = []
    for k, (left, right, path) in enumerate(zip("┌┼├└", "┐┼┤┘", paths, strict=True)):
        body = f"{left}─ {path} ".ljust(width + 2, "─") + right
        if k == 1:
            lines.append(source + "──" + body + f"──▶ concat {h}×{w}×{c_out}")
        else:
            lines.append(pad + "  " + body)
    return tuple(lines)


def _sum(a: tuple[str, str], b: tuple[str, str]) -> tuple[str, str]:
    """Two (params, MACs) pairs of formatted numbers added."""
    params, macs = (num(int(x.replace(",", "")) + int(y.replace(",", ""))) for x, y in zip(a, b, strict=True))
    return params, macs


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
