"""The architecture calculators: layer lists of the papers' networks and the figures they publish.
Pure Python (no numpy), built on `costs`;
weights only: neither paper says whether its tables count biases, and weights alone reproduce their figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from dense1x1quiz import costs


@dataclass(frozen=True)
class Layer:
    kind: str  # "conv 1×1", "conv dw 3×3", "conv 3×3", "fc", …
    c_in: int
    c_out: int
    kernel: int
    h_out: int
    w_out: int
    groups: int = 1

    @property
    def params(self) -> int:
        if self.kind == "fc":
            return costs.dense_params(self.c_in, self.c_out, bias=False)
        return costs.conv_params(self.c_in, self.c_out, self.kernel, groups=self.groups, bias=False)

    @property
    def macs(self) -> int:
        if self.kind == "fc":
            return costs.dense_macs(self.c_in, self.c_out)
        return costs.conv_macs(self.h_out, self.w_out, self.c_in, self.c_out, self.kernel, groups=self.groups)


# -- GoogLeNet (Szegedy et al. 2014), Table 1 ---------------------------------------------------

# inception (3a): #1×1, #3×3 reduce, #3×3, #5×5 reduce, #5×5, pool proj; input 28×28×192
INCEPTION_3A = {"1x1": 64, "3x3_reduce": 96, "3x3": 128, "5x5_reduce": 16, "5x5": 32, "pool_proj": 32}
PAPER_3A = {"output": "28×28×256", "params": "159K", "ops": "128M"}


def inception_layers(c_in: int, h: int, w: int, reduce: bool = True) -> list[Layer]:
    """Module 3a's convolutions; without `reduce`, Figure 2(a)'s naive module (3×3 and 5×5 on the
    full input, pooled input passed through unprojected)."""
    b = INCEPTION_3A
    if not reduce:
        return [
            Layer("conv 1×1", c_in, b["1x1"], 1, h, w),
            Layer("conv 3×3", c_in, b["3x3"], 3, h, w),
            Layer("conv 5×5", c_in, b["5x5"], 5, h, w),
        ]
    return [
        Layer("conv 1×1", c_in, b["1x1"], 1, h, w),
        Layer("conv 1×1", c_in, b["3x3_reduce"], 1, h, w),
        Layer("conv 3×3", b["3x3_reduce"], b["3x3"], 3, h, w),
        Layer("conv 1×1", c_in, b["5x5_reduce"], 1, h, w),
        Layer("conv 5×5", b["5x5_reduce"], b["5x5"], 5, h, w),
        Layer("conv 1×1", c_in, b["pool_proj"], 1, h, w),
    ]


# -- MobileNet v1 (Howard et al. 2017), Tables 1 and 2 --------------------------------------------

# (c_in, c_out, stride) of the 13 depthwise-separable layers of Table 1 (the last has stride 1:
# Table 1 prints "s2" there, but the output stays 7×7).
MOBILENET_SEPARABLE = [
    (32, 64, 1),
    (64, 128, 2),
    (128, 128, 1),
    (128, 256, 2),
    (256, 256, 1),
    (256, 512, 2),
    *[(512, 512, 1)] * 5,
    (512, 1024, 2),
    (1024, 1024, 1),
]
PAPER_MOBILENET = {"params": 4.2e6, "mult_adds": 569e6}
# Table 2, "Resource per layer type": (% of mult-adds, % of parameters)
PAPER_MOBILENET_SHARES = {
    "conv 1×1": (94.86, 74.59),
    "conv dw 3×3": (3.06, 1.06),
    "conv 3×3": (1.19, 0.02),
    "fc": (0.18, 24.33),
}


def mobilenet_v1_layers(resolution: int = 224, classes: int = 1000) -> list[Layer]:
    """MobileNet v1 at width 1.0: first 3×3 conv, 13 depthwise + pointwise pairs, the classifier."""
    size = costs.conv_out_size(resolution, 3, 2, 1)
    layers = [Layer("conv 3×3", 3, 32, 3, size, size)]
    for c_in, c_out, stride in MOBILENET_SEPARABLE:
        size = costs.conv_out_size(size, 3, stride, 1)
        layers.append(Layer("conv dw 3×3", c_in, c_in, 3, size, size, groups=c_in))
        layers.append(Layer("conv 1×1", c_in, c_out, 1, size, size))
    layers.append(Layer("fc", 1024, classes, 1, 1, 1))
    return layers


# -- ResNet (He et al. 2015), Table 1 and Figure 5 ------------------------------------------------

PAPER_RESNET = {"resnet50_flops": 3.8e9, "resnet34_flops": 3.6e9}


def resnet_layers(bottleneck: bool = True) -> list[Layer]:
    """ResNet-50 (bottleneck) or ResNet-34 (basic blocks) at 224×224, as in the paper: stride 2 in
    the first conv of a stage (the 1×1 in a bottleneck), projection shortcuts only where the shape
    changes (option B)."""
    layers, size, c_in = [Layer("conv 7×7", 3, 64, 7, 112, 112)], 56, 64
    for stage, (width, blocks) in enumerate(zip((64, 128, 256, 512), (3, 4, 6, 3), strict=True)):
        for block in range(blocks):
            out = costs.conv_out_size(size, 1, 2) if stage and not block else size
            c_out = 4 * width if bottleneck else width
            if bottleneck:
                layers += [
                    Layer("conv 1×1", c_in, width, 1, out, out),
                    Layer("conv 3×3", width, width, 3, out, out),
                    Layer("conv 1×1", width, c_out, 1, out, out),
                ]
            else:
                layers += [Layer("conv 3×3", c_in, width, 3, out, out), Layer("conv 3×3", width, width, 3, out, out)]
            if c_in != c_out or out != size:
                layers.append(Layer("conv 1×1", c_in, c_out, 1, out, out))  # projection shortcut
            c_in, size = c_out, out
    layers.append(Layer("fc", c_in, 1000, 1, 1, 1))
    return layers


def total(layers: list[Layer], kind: str | None = None) -> tuple[int, int]:
    """(params, MACs) of `layers`, or of those of one `kind`."""
    chosen = [x for x in layers if kind is None or x.kind == kind]
    return sum(x.params for x in chosen), sum(x.macs for x in chosen)


__all__ = [
    "INCEPTION_3A",
    "MOBILENET_SEPARABLE",
    "PAPER_3A",
    "PAPER_MOBILENET",
    "PAPER_MOBILENET_SHARES",
    "PAPER_RESNET",
    "Layer",
    "inception_layers",
    "mobilenet_v1_layers",
    "resnet_layers",
    "total",
]
