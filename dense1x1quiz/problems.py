"""Computed exam problems: questions from the layer arithmetic with random, realistic sizes.

Every answer comes from the project's own cost functions (`dense1x1quiz.costs`), so a problem can
never disagree with what `quiz demo` prints. Each template is a function of its sizes (testable
with any sizes); `computed_problems` picks the sizes with the seeded generator it is given.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass

from dense1x1quiz import answers, costs

SPATIAL = (7, 8, 13, 14, 16, 28, 32, 56, 64, 112)
CHANNELS = (16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512, 576, 768, 1024)
RATIO_TOLERANCE = 0.02  # relative; stated in the question

MOBILENET = "MobileNets (Howard et al., 2017), section 3.1"
RESNET = "Deep Residual Learning (He et al., 2015), section 4.1, bottleneck architectures"
GOOGLENET = "Going Deeper with Convolutions (Szegedy et al., 2014), section 5"
NIN = "Network In Network (Lin et al., 2013)"
CONV_PARAMS = "PyTorch nn.Conv2d: weight Cₒᵤₜ × Cᵢₙ/groups × k × k, bias Cₒᵤₜ"
DENSE_PARAMS = "PyTorch nn.Linear: weight out × in, bias out"
CONV_SHAPE = "PyTorch nn.Conv2d: H_out = ⌊(H + 2·padding − k)/stride⌋ + 1"
MACS = "MobileNets (Howard et al., 2017), section 3.1: a convolution costs D_K·D_K·M·N·D_F·D_F mult-adds"


@dataclass(frozen=True)
class ComputedProblem:
    """One generated question, its canonical answer (as text) and how that answer is worked out."""

    id: str  # template and sizes, e.g. `computed:1x1-params:28x28x192-32`
    template: str
    prompt: str
    answer: str
    working: str
    tags: tuple[str, ...]
    source: str
    tolerance: float = 0.0  # relative tolerance for number answers
    sizes: tuple[tuple[str, int], ...] = ()
    mistakes: tuple[str, ...] = ()  # answers that typical slips give: distractors when asked as a choice


def _num(n: int) -> str:
    return f"{n:,}"


def _shape(*dims: int) -> str:
    return "×".join(str(d) for d in dims)


def _nums(*values: int) -> tuple[str, ...]:
    return tuple(_num(v) for v in values if v > 0)


def _conv_shape_slips(h: int, w: int, filters: int, kernel: int, stride: int, padding: int) -> tuple[str, ...]:
    """Output shapes from the usual slips: stride or padding forgotten, channels kept, rounding up."""

    def size(n: int, s: int, p: int) -> int:
        return costs.conv_out_size(n, kernel, s, p)

    slips = [
        (size(h, 1, padding), size(w, 1, padding)),
        (size(h, stride, 0), size(w, stride, 0)),
        (-(-(h + 2 * padding - kernel) // stride) + 1, -(-(w + 2 * padding - kernel) // stride) + 1),
        (h // stride, w // stride),
    ]
    return tuple(_shape(a, b, filters) for a, b in slips if a > 0 and b > 0)


def _problem(template: str, sizes: dict[str, int], **fields) -> ComputedProblem:
    key = "-".join(str(v) for v in sizes.values())
    answer = fields["answer"]
    tolerance = fields.get("tolerance", 0.0)
    # A slip that lands within the tolerance would be a right answer, not a distractor.
    fields["mistakes"] = tuple(
        m for m in dict.fromkeys(fields.get("mistakes", ())) if not answers.grade(m, [answer], tolerance).correct
    )
    return ComputedProblem(id=f"computed:{template}:{key}", template=template, sizes=tuple(sizes.items()), **fields)


# -- templates: sizes in, problem out -----------------------------------------------------------


def one_by_one_params(h: int, w: int, c_in: int, c_out: int) -> ComputedProblem:
    total = costs.conv_params(c_in, c_out, 1)
    return _problem(
        "1x1-params",
        dict(h=h, w=w, c_in=c_in, c_out=c_out),
        prompt=f"A 1×1 convolution maps {_shape(h, w, c_in)} to {_shape(h, w, c_out)}. "
        "How many parameters, biases included?",
        answer=_num(total),
        working=f"Cₒᵤₜ·Cᵢₙ + Cₒᵤₜ = {c_out}·{c_in} + {c_out} = {_num(total)}; H and W do not matter",
        mistakes=_nums(c_in * c_out, h * w * c_in * c_out + c_out, c_in * c_out + c_in, h * w * c_out),
        tags=("params", "1x1-conv"),
        source=CONV_PARAMS,
    )


def one_by_one_shape(h: int, w: int, c_in: int, filters: int) -> ComputedProblem:
    return _problem(
        "1x1-shape",
        dict(h=h, w=w, c_in=c_in, filters=filters),
        prompt=f"Output shape of a 1×1 convolution with {filters} filters on a {_shape(h, w, c_in)} input? "
        "Answer as H × W × C.",
        answer=_shape(h, w, filters),
        working=f"a 1×1 kernel keeps H × W ({h}×{w}); each filter gives one output channel ({filters})",
        mistakes=(_shape(h, w, c_in), _shape(1, 1, filters), _shape(h // 2, w // 2, filters)),
        tags=("shapes", "1x1-conv"),
        source=CONV_SHAPE,
    )


def one_by_one_macs(h: int, w: int, c_in: int, c_out: int) -> ComputedProblem:
    total = costs.conv_macs(h, w, c_in, c_out, 1)
    return _problem(
        "1x1-macs",
        dict(h=h, w=w, c_in=c_in, c_out=c_out),
        prompt=f"How many multiply-accumulates does a 1×1 convolution from {_shape(h, w, c_in)} to "
        f"{_shape(h, w, c_out)} take?",
        answer=_num(total),
        working=f"H·W·Cᵢₙ·Cₒᵤₜ = {h}·{w}·{c_in}·{c_out} = {_num(total)}",
        mistakes=_nums(c_in * c_out, h * w * (c_in + c_out), h * w * c_in * c_out * 9, c_in * c_out + c_out),
        tags=("macs", "1x1-conv"),
        source=MACS,
    )


def one_by_one_positions(h: int, w: int, c_in: int, c_out: int) -> ComputedProblem:
    return _problem(
        "1x1-positions",
        dict(h=h, w=w, c_in=c_in, c_out=c_out),
        prompt=f"A 1×1 convolution from {_shape(h, w, c_in)} to {_shape(h, w, c_out)} is one dense layer "
        f"({c_in} → {c_out}) applied with the same weights at how many positions?",
        answer=_num(h * w),
        working=f"once per pixel: H·W = {h}·{w} = {_num(h * w)}",
        mistakes=_nums(h * w * c_out, c_in * c_out, h * w * c_in, c_out),
        tags=("equivalence", "1x1-conv"),
        source=NIN,
    )


def dense_flat_params(h: int, w: int, c_in: int, n_out: int) -> ComputedProblem:
    total = costs.dense_params(h * w * c_in, n_out)
    return _problem(
        "dense-params",
        dict(h=h, w=w, c_in=c_in, n_out=n_out),
        prompt=f"A dense layer maps the flattened {_shape(h, w, c_in)} tensor to {n_out} outputs. "
        "How many parameters, biases included?",
        answer=_num(total),
        working=f"(H·W·Cᵢₙ)·N + N = {_num(h * w * c_in)}·{n_out} + {n_out} = {_num(total)}",
        mistakes=_nums(h * w * c_in * n_out, c_in * n_out + n_out, h * w * c_in + n_out),
        tags=("params", "dense"),
        source=DENSE_PARAMS,
    )


def conv_params(h: int, w: int, c_in: int, c_out: int, kernel: int) -> ComputedProblem:
    total = costs.conv_params(c_in, c_out, kernel)
    pad = kernel // 2
    return _problem(
        "conv-params",
        dict(h=h, w=w, c_in=c_in, c_out=c_out, kernel=kernel),
        prompt=f"A {kernel}×{kernel} convolution (padding {pad}) maps {_shape(h, w, c_in)} to "
        f"{_shape(h, w, c_out)}. How many parameters, biases included?",
        answer=_num(total),
        working=f"Cₒᵤₜ·Cᵢₙ·k² + Cₒᵤₜ = {c_out}·{c_in}·{kernel * kernel} + {c_out} = {_num(total)}",
        mistakes=_nums(
            c_in * c_out * kernel * kernel,
            c_in * c_out + c_out,
            c_in * c_out * kernel + c_out,
            h * w * c_in * c_out * kernel * kernel,
        ),
        tags=("params",),
        source=CONV_PARAMS,
    )


def conv_shape(h: int, w: int, c_in: int, filters: int, kernel: int, stride: int, padding: int) -> ComputedProblem:
    h_out, w_out = (costs.conv_out_size(s, kernel, stride, padding) for s in (h, w))
    return _problem(
        "conv-shape",
        dict(h=h, w=w, c_in=c_in, filters=filters, kernel=kernel, stride=stride, padding=padding),
        prompt=f"A {kernel}×{kernel} convolution with {filters} filters, stride {stride} and padding {padding} "
        f"runs on a {_shape(h, w, c_in)} input. Output shape? Answer as H × W × C.",
        answer=_shape(h_out, w_out, filters),
        working=f"⌊(H + 2p − k)/s⌋ + 1 = ⌊({h} + {2 * padding} − {kernel})/{stride}⌋ + 1 = {h_out}"
        + ("" if h == w else f"; W: {w_out}")
        + f"; C = filters = {filters}",
        mistakes=_conv_shape_slips(h, w, filters, kernel, stride, padding),
        tags=("shapes",),
        source=CONV_SHAPE,
    )


def separable_ratio(c_out: int, kernel: int) -> ComputedProblem:
    ratio = 1 / costs.separable_ratio(c_out, kernel)
    return _problem(
        "separable-ratio",
        dict(c_out=c_out, kernel=kernel),
        prompt=f"How many times cheaper, in multiply-accumulates, is a depthwise-separable {kernel}×{kernel} "
        f"layer with {c_out} output channels than a standard {kernel}×{kernel} convolution? "
        f"(within ±{RATIO_TOLERANCE:.0%})",
        answer=f"{ratio:.4g}",  # enough digits that rounding eats none of the tolerance
        working=f"separable/standard = 1/N + 1/D_K² = 1/{c_out} + 1/{kernel * kernel}; its inverse is {ratio:.4g}",
        mistakes=(f"{kernel * kernel}", f"{c_out}", f"{1 / ratio:.4g}"),  # 1/D_K² alone, N alone, not inverted
        tags=("mobilenet", "macs"),
        source=MOBILENET,
        tolerance=RATIO_TOLERANCE,
    )


def separable_macs(h: int, w: int, c_in: int, c_out: int) -> ComputedProblem:
    total = costs.separable_macs(h, w, c_in, c_out, 3)
    depthwise = costs.conv_macs(h, w, c_in, c_in, 3, groups=c_in)
    return _problem(
        "separable-macs",
        dict(h=h, w=w, c_in=c_in, c_out=c_out),
        prompt=f"A depthwise-separable layer (3×3 depthwise, padding 1, then 1×1 pointwise) maps "
        f"{_shape(h, w, c_in)} to {_shape(h, w, c_out)}. How many multiply-accumulates?",
        answer=_num(total),
        working=f"H·W·Cᵢₙ·9 + H·W·Cᵢₙ·Cₒᵤₜ = {_num(depthwise)} + {_num(total - depthwise)} = {_num(total)}",
        # slips: the pointwise or depthwise part alone, a standard 3×3 conv, the pointwise part without H·W
        mistakes=_nums(total - depthwise, depthwise, costs.conv_macs(h, w, c_in, c_out, 3), depthwise + c_in * c_out),
        tags=("mobilenet", "macs"),
        source=MOBILENET,
    )


def depthwise_params(channels: int, kernel: int) -> ComputedProblem:
    total = costs.conv_params(channels, channels, kernel, groups=channels)
    return _problem(
        "depthwise-params",
        dict(channels=channels, kernel=kernel),
        prompt=f"How many weights does a {kernel}×{kernel} depthwise convolution on {channels} channels have, "
        "bias included?",
        answer=_num(total),
        working=f"one {kernel}×{kernel} filter per channel: C·k² + C = {channels}·{kernel * kernel} + {channels}"
        f" = {_num(total)}",
        mistakes=_nums(
            channels * channels * kernel * kernel + channels, channels * kernel * kernel, channels * kernel + channels
        ),
        tags=("mobilenet", "params"),
        source=MOBILENET,
    )


def bottleneck_params(channels: int, reduced: int) -> ComputedProblem:
    parts = (
        costs.conv_params(channels, reduced, 1, bias=False),
        costs.conv_params(reduced, reduced, 3, bias=False),
        costs.conv_params(reduced, channels, 1, bias=False),
    )
    return _problem(
        "bottleneck-params",
        dict(channels=channels, reduced=reduced),
        prompt=f"A ResNet bottleneck block: 1×1 conv {channels} → {reduced}, 3×3 conv {reduced} → {reduced}, "
        f"1×1 conv {reduced} → {channels}, no biases (batch norm follows). How many weights in the "
        "three convolutions?",
        answer=_num(sum(parts)),
        working=f"{channels}·{reduced} + {reduced}·{reduced}·9 + {reduced}·{channels} = "
        + " + ".join(_num(p) for p in parts)
        + f" = {_num(sum(parts))}",
        mistakes=_nums(
            sum(parts) + 2 * reduced + channels, 2 * channels * reduced + reduced * reduced, 2 * channels * channels * 9
        ),
        tags=("resnet", "params", "bottleneck"),
        source=RESNET,
    )


def reduced_branch_macs(h: int, w: int, c_in: int, reduced: int, c_out: int, kernel: int) -> ComputedProblem:
    reduce = costs.conv_macs(h, w, c_in, reduced, 1)
    conv = costs.conv_macs(h, w, reduced, c_out, kernel)
    return _problem(
        "reduced-branch-macs",
        dict(h=h, w=w, c_in=c_in, reduced=reduced, c_out=c_out, kernel=kernel),
        prompt=f"An Inception branch: a 1×1 conv reduces {_shape(h, w, c_in)} to {_shape(h, w, reduced)}, then a "
        f"{kernel}×{kernel} conv (padding {kernel // 2}) gives {_shape(h, w, c_out)}. "
        "How many multiply-accumulates for the two layers together?",
        answer=_num(reduce + conv),
        working=f"H·W·Cᵢₙ·R + H·W·R·Cₒᵤₜ·k² = {_num(reduce)} + {_num(conv)} = {_num(reduce + conv)}",
        mistakes=_nums(conv, costs.conv_macs(h, w, c_in, c_out, kernel), reduce + conv // (kernel * kernel)),
        tags=("googlenet", "macs", "1x1-conv"),
        source=GOOGLENET,
    )


# -- random sizes ------------------------------------------------------------------------------


def _square(rng: random.Random) -> tuple[int, int]:
    size = rng.choice(SPATIAL)
    return size, size


def _channels(rng: random.Random, most: int = 1024) -> int:
    return rng.choice([c for c in CHANNELS if c <= most])


def _pick_conv_shape(rng: random.Random) -> ComputedProblem:
    kernel, stride = rng.choice(((3, 1), (3, 2), (5, 1), (5, 2), (7, 2), (1, 2), (3, 1)))
    padding = rng.choice((0, kernel // 2))
    h, w = _square(rng)  # never smaller than the largest kernel (7)
    return conv_shape(h, w, _channels(rng, 512), _channels(rng), kernel, stride, padding)


def _pick_reduced_branch(rng: random.Random) -> ComputedProblem:
    h, w = rng.choice(((28, 28), (14, 14), (7, 7)))
    c_in = rng.choice([c for c in CHANNELS if 64 <= c <= 832])
    reduced = rng.choice([c for c in (16, 24, 32, 48, 64, 96, 128) if c < c_in])
    return reduced_branch_macs(h, w, c_in, reduced, rng.choice((32, 48, 64, 128, 192)), rng.choice((3, 5)))


PICKERS: dict[str, Callable[[random.Random], ComputedProblem]] = {
    "1x1-params": lambda r: one_by_one_params(*_square(r), _channels(r), _channels(r)),
    "1x1-shape": lambda r: one_by_one_shape(*_square(r), _channels(r), _channels(r)),
    "1x1-macs": lambda r: one_by_one_macs(*_square(r), _channels(r, 512), _channels(r, 512)),
    "1x1-positions": lambda r: one_by_one_positions(*_square(r), _channels(r), _channels(r)),
    "dense-params": lambda r: dense_flat_params(
        *r.choice(((7, 7), (4, 4), (6, 6), (14, 14))),
        _channels(r, 512),
        r.choice((10, 100, 256, 512, 1000, 1024, 4096)),
    ),
    "conv-params": lambda r: conv_params(*_square(r), _channels(r, 512), _channels(r, 512), r.choice((3, 5, 7))),
    "conv-shape": _pick_conv_shape,
    "separable-ratio": lambda r: separable_ratio(_channels(r), r.choice((3, 3, 5))),
    "separable-macs": lambda r: separable_macs(
        *r.choice(((7, 7), (14, 14), (28, 28), (56, 56))), _channels(r, 512), _channels(r)
    ),
    "depthwise-params": lambda r: depthwise_params(_channels(r), r.choice((3, 3, 5))),
    "bottleneck-params": lambda r: bottleneck_params(*r.choice(((256, 64), (512, 128), (1024, 256), (2048, 512)))),
    "reduced-branch-macs": _pick_reduced_branch,
}


@functools.cache
def template_tags(name: str) -> tuple[str, ...]:
    """The tags a template's problems carry (the same for any sizes)."""
    return PICKERS[name](random.Random(0)).tags


def computed_problems(rng: random.Random, count: int, tags: list[str] | None = None) -> list[ComputedProblem]:
    """`count` problems with distinct templates where possible (then distinct sizes), in random order.

    With `tags`, only templates carrying one of them (case ignored); fewer (possibly none) when no template has one.
    """
    wanted = {tag.casefold() for tag in tags or ()}  # case ignored, as deck cards' tags are
    names = [name for name in PICKERS if not wanted or wanted & {t.casefold() for t in template_tags(name)}]
    if not names:
        return []
    chosen: list[ComputedProblem] = []
    seen: set[str] = set()
    attempts = 0
    while len(chosen) < count and attempts < count * 50:
        order = rng.sample(names, len(names))  # every template once before any repeats
        for name in order:
            if len(chosen) == count:
                break
            attempts += 1
            problem = PICKERS[name](rng)
            if problem.id not in seen:
                seen.add(problem.id)
                chosen.append(problem)
    return chosen


__all__ = [
    "PICKERS",
    "RATIO_TOLERANCE",
    "ComputedProblem",
    "bottleneck_params",
    "computed_problems",
    "conv_params",
    "conv_shape",
    "dense_flat_params",
    "depthwise_params",
    "one_by_one_macs",
    "one_by_one_params",
    "one_by_one_positions",
    "one_by_one_shape",
    "reduced_branch_macs",
    "separable_macs",
    "separable_ratio",
    "template_tags",
]
