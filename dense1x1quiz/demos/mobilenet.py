"""`mobilenet` (Howard et al. 2017): one depthwise-separable layer against the standard 3×3 conv it
replaces (counted and timed, beside 1/N + 1/D_K²), then all of MobileNet v1 beside the paper."""

from __future__ import annotations

from dense1x1quiz import costs, ops
from dense1x1quiz.demos import common, papers
from dense1x1quiz.demos.draw import arrow, drawing, row, tensor
from dense1x1quiz.demos.result import Block, Check, DemoResult, Table, Text, median_time, num, seconds, shape

DEFAULTS = {"height": 14, "width": 14, "cin": 512, "cout": 512}
CONVENTION = "weights only (what reproduces the paper's figures); 1 MAC = 1 multiply + 1 add = 1 mult-add"
KINDS = ("conv 1×1", "conv dw 3×3", "conv 3×3", "fc")


def estimate_bytes(p: dict) -> int:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    pixels = n * h * w
    im2col = pixels * ci * 9 * 2
    return (6 * pixels * ci + 4 * pixels * co + im2col + 9 * ci * co + ci * co + 9 * ci) * common.BYTES


def run(p: dict) -> DemoResult:
    n, h, w, ci, co = p["batch"], p["height"], p["width"], p["cin"], p["cout"]
    gen = common.rng(p)
    x = common.randn(gen, n, ci, h, w)
    standard_w = common.randn(gen, co, ci, 3, 3, scale=(9 * ci) ** -0.5)
    depthwise_w = common.randn(gen, ci, 1, 3, 3, scale=1 / 3)
    pointwise_w = common.randn(gen, co, ci, 1, 1, scale=ci**-0.5)

    t_std, y_std = median_time(lambda: ops.conv2d(x, standard_w, padding=1))
    t_dw, y_dw = median_time(lambda: ops.conv2d(x, depthwise_w, padding=1, groups=ci))
    t_pw, y_sep = median_time(lambda: ops.conv1x1(y_dw, pointwise_w))
    # groups=Cᵢₙ means each channel convolved alone with its own 3×3 filter: check on a few channels
    picked = sorted({0, ci // 2, ci - 1})
    per_channel = max(
        common.max_diff(ops.conv2d(x[:, k : k + 1], depthwise_w[k : k + 1], padding=1), y_dw[:, k : k + 1])
        for k in picked
    )

    p_std, m_std = costs.conv_params(ci, co, 3, bias=False), n * costs.conv_macs(h, w, ci, co, 3)
    p_dw, m_dw = costs.conv_params(ci, ci, 3, groups=ci, bias=False), n * costs.conv_macs(h, w, ci, ci, 3, groups=ci)
    p_pw, m_pw = costs.conv_params(ci, co, 1, bias=False), n * costs.conv_macs(h, w, ci, co, 1)
    ratio = (m_dw + m_pw) / m_std
    layer_rows = (
        ("standard 3×3", shape((co, ci, 3, 3)), num(p_std), num(m_std), seconds(t_std)),
        ("depthwise 3×3", shape((ci, 1, 3, 3)), num(p_dw), num(m_dw), seconds(t_dw)),
        ("pointwise 1×1", shape((co, ci, 1, 1)), num(p_pw), num(m_pw), seconds(t_pw)),
    )

    net = papers.mobilenet_v1_layers()
    net_params, net_macs = papers.total(net)
    shares = {kind: papers.total(net, kind) for kind in KINDS}
    share_rows = tuple(
        (
            kind,
            f"{100 * m / net_macs:.2f}%",
            f"{papers.PAPER_MOBILENET_SHARES[kind][0]:.2f}%",
            f"{100 * q / net_params:.2f}%",
            f"{papers.PAPER_MOBILENET_SHARES[kind][1]:.2f}%",
        )
        for kind, (q, m) in shares.items()
    )
    blocks: list[Block] = [
        drawing(
            row(tensor(h, w, ci), arrow("depthwise 3×3"), tensor(h, w, ci), arrow("pointwise 1×1"), tensor(h, w, co))
        ),
        Table(
            ("one layer", "weight", "params", "MACs", "NumPy time"),
            layer_rows,
            title=f"NCHW {shape((n, ci, h, w))} → {shape((n, co, h, w))}; "
            f"NHWC {shape((n, h, w, ci))} → {shape((n, h, w, co))}",
            align="llrrr",
        ),
        Text(
            f"Separable / standard MACs = {ratio:.4f} = 1/{co} + 1/3² = {costs.separable_ratio(co, 3):.4f}; "
            f"measured time ratio {(t_dw + t_pw) / t_std:.3f} (median of 3)."
        ),
        Table(
            ("MobileNet v1 224×224", "mult-adds", "paper", "params", "paper"),
            (
                *share_rows,
                ("total", num(net_macs), "569M", num(net_params), "4.2M"),
            ),
        ),
        Text(
            f"1×1 convs: {100 * shares['conv 1×1'][1] / net_macs:.2f}% of the computation, "
            f"{100 * shares['conv 1×1'][0] / net_params:.2f}% of the weights. Table 2 prints 1.19% for the "
            "first 3×3 conv: 10,838,016 / 568,740,352 = 1.91%, digits swapped (its column then sums to "
            "99.29%, ours to 100%).",
            "dim",
        ),
        Check("depthwise (groups = Cᵢₙ) = each channel convolved alone", per_channel),
    ]
    figures = {
        "layer": {
            "input": {"nchw": [n, ci, h, w], "nhwc": [n, h, w, ci]},
            "output": list(y_sep.shape),
            "standard": {"weight": [co, ci, 3, 3], "params": p_std, "macs": m_std, "seconds": t_std},
            "depthwise": {"weight": [ci, 1, 3, 3], "params": p_dw, "macs": m_dw, "seconds": t_dw},
            "pointwise": {"weight": [co, ci, 1, 1], "params": p_pw, "macs": m_pw, "seconds": t_pw},
            "mac_ratio": ratio,
            "formula_ratio": costs.separable_ratio(co, 3),
            "time_ratio": (t_dw + t_pw) / t_std,
            "same_output_shape": list(y_std.shape) == list(y_sep.shape),
        },
        "mobilenet_v1": {
            "params": net_params,
            "mult_adds": net_macs,
            "paper_params": papers.PAPER_MOBILENET["params"],
            "paper_mult_adds": papers.PAPER_MOBILENET["mult_adds"],
            "by_kind": {
                kind: {
                    "params": q,
                    "mult_adds": m,
                    "pct_mult_adds": 100 * m / net_macs,
                    "pct_params": 100 * q / net_params,
                    "paper_pct_mult_adds": papers.PAPER_MOBILENET_SHARES[kind][0],
                    "paper_pct_params": papers.PAPER_MOBILENET_SHARES[kind][1],
                }
                for kind, (q, m) in shares.items()
            },
        },
        "max_abs_diff_depthwise_per_channel": per_channel,
    }
    return DemoResult("mobilenet", "depthwise-separable convolutions and MobileNet v1", p, CONVENTION, blocks, figures)


__all__ = ["CONVENTION", "DEFAULTS", "estimate_bytes", "run"]
