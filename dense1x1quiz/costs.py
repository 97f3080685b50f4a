"""Parameter counts and multiply-accumulates of the layers this program teaches. Pure Python, no numpy.

Conventions, stated once: a multiply-accumulate (MAC) is one multiply plus one add, the unit the
MobileNet paper calls a "mult-add"; bias additions are not counted as MACs. Parameter counts
include biases only when `bias=True`.
"""

from __future__ import annotations


def conv_out_size(size: int, kernel: int, stride: int = 1, padding: int = 0) -> int:
    """Output height or width of a convolution (PyTorch's floor rule, dilation 1)."""
    return (size + 2 * padding - kernel) // stride + 1


def conv_params(c_in: int, c_out: int, kernel: int = 1, *, groups: int = 1, bias: bool = True) -> int:
    """Weights (+ biases) of a kH = kW = `kernel` convolution: C_out · (C_in / groups) · k² (+ C_out)."""
    return c_out * (c_in // groups) * kernel * kernel + (c_out if bias else 0)


def conv_macs(h_out: int, w_out: int, c_in: int, c_out: int, kernel: int = 1, *, groups: int = 1) -> int:
    """MACs of that convolution over an output of h_out × w_out pixels."""
    return h_out * w_out * c_out * (c_in // groups) * kernel * kernel


def dense_params(n_in: int, n_out: int, *, bias: bool = True) -> int:
    """Weights (+ biases) of a dense layer: n_in · n_out (+ n_out)."""
    return n_in * n_out + (n_out if bias else 0)


def dense_macs(n_in: int, n_out: int) -> int:
    return n_in * n_out


def separable_macs(h_out: int, w_out: int, c_in: int, c_out: int, kernel: int = 3) -> int:
    """A depthwise k×k convolution followed by a pointwise 1×1 convolution (MobileNet)."""
    depthwise = conv_macs(h_out, w_out, c_in, c_in, kernel, groups=c_in)
    pointwise = conv_macs(h_out, w_out, c_in, c_out, 1)
    return depthwise + pointwise


def separable_ratio(c_out: int, kernel: int = 3) -> float:
    """Cost of depthwise-separable / standard convolution: 1/N + 1/D_K² (MobileNet eq. 5)."""
    return 1 / c_out + 1 / kernel**2


__all__ = [
    "conv_macs",
    "conv_out_size",
    "conv_params",
    "dense_macs",
    "dense_params",
    "separable_macs",
    "separable_ratio",
]
