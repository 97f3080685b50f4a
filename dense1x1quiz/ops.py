"""NumPy kernels with PyTorch's conventions, plus the Keras (NHWC) views of the same layers.

PyTorch: tensors are NCHW, a conv weight is (C_out, C_in/groups, kH, kW), a linear weight is
(out, in) and acts on the last axis. Keras: tensors are NHWC, a Conv2D kernel is (kH, kW, in, out),
a Dense kernel is (in, units). Every kernel works in the dtype of its inputs.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def linear(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """`x @ weight.T + bias` on the last axis of x (torch.nn.functional.linear)."""
    y = np.matmul(x, weight.T)
    return y + bias if bias is not None else y


def conv1x1(x: np.ndarray, weight: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """A 1×1 convolution of NCHW `x` as ONE matrix multiply: (C_out, C_in) @ (N, C_in, H·W).

    `weight` is (C_out, C_in, 1, 1) as in PyTorch, or already (C_out, C_in).
    """
    n, c_in, h, w = x.shape
    matrix = weight.reshape(weight.shape[0], -1)
    if matrix.shape[1] != c_in:
        raise ValueError(f"conv1x1: weight takes {matrix.shape[1]} channels, input has {c_in}")
    y = np.matmul(matrix, x.reshape(n, c_in, h * w))  # reshape of a contiguous x is a view
    if bias is not None:
        y += bias[:, None].astype(y.dtype, copy=False)
    return y.reshape(n, matrix.shape[0], h, w)


def conv2d(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None = None,
    stride: int = 1,
    padding: int = 0,
    groups: int = 1,
) -> np.ndarray:
    """torch.nn.functional.conv2d on NCHW `x`: im2col (one copy of the input windows, laid out as
    (N, G, Cg·kH·kW, Ho·Wo)), then one matmul with the (G, C_out/G, Cg·kH·kW) kernels; the result is
    already NCHW. `groups == C_in` is a depthwise convolution."""
    n, c_in, _, _ = x.shape
    c_out, c_group, kh, kw = weight.shape
    if c_in % groups or c_out % groups or c_in // groups != c_group:
        raise ValueError(f"conv2d: weight {weight.shape} does not fit {c_in} channels in {groups} groups")
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]
    h_out, w_out = windows.shape[2], windows.shape[3]
    # (N, C, Ho, Wo, kH, kW) -> (N, G, Cg·kH·kW, Ho·Wo): rows of Ho·Wo stay contiguous runs, a fast copy
    cols = windows.reshape(n, groups, c_group, h_out, w_out, kh, kw).transpose(0, 1, 2, 5, 6, 3, 4)
    cols = cols.reshape(n, groups, c_group * kh * kw, h_out * w_out)
    kernels = weight.reshape(groups, c_out // groups, c_group * kh * kw)
    y = np.matmul(kernels, cols).reshape(n, c_out, h_out, w_out)
    return y + bias[:, None, None] if bias is not None else y


def relu(x: np.ndarray) -> np.ndarray:
    """max(x, 0), elementwise."""
    return np.maximum(x, 0)


def flatten(x: np.ndarray, start_dim: int = 1) -> np.ndarray:
    """torch.flatten(x, start_dim): NCHW flattens in (C, H, W) order; an NHWC tensor in (H, W, C)."""
    return x.reshape(*x.shape[:start_dim], -1)


def global_avg_pool(x: np.ndarray) -> np.ndarray:
    """Mean over H and W of NCHW `x`: (N, C, H, W) -> (N, C)."""
    return x.mean(axis=(2, 3))


def max_pool2d(x: np.ndarray, kernel: int, stride: int = 1, padding: int = 0) -> np.ndarray:
    """Max pooling of NCHW `x` (padding with -inf, as PyTorch does)."""
    if padding:
        pad = ((0, 0), (0, 0), (padding, padding), (padding, padding))
        x = np.pad(x, pad, constant_values=-np.inf)
    return sliding_window_view(x, (kernel, kernel), axis=(2, 3))[:, :, ::stride, ::stride].max(axis=(4, 5))


# -- the Keras (NHWC) side ---------------------------------------------------------------------


def nchw_to_nhwc(x: np.ndarray) -> np.ndarray:
    """A view of PyTorch's (N, C, H, W) tensor in Keras' (N, H, W, C) order (no copy)."""
    return x.transpose(0, 2, 3, 1)


def nhwc_to_nchw(x: np.ndarray) -> np.ndarray:
    """A view of a (N, H, W, C) tensor in (N, C, H, W) order (no copy)."""
    return x.transpose(0, 3, 1, 2)


def conv_weight_to_keras(weight: np.ndarray) -> np.ndarray:
    """PyTorch (C_out, C_in, kH, kW) -> Keras (kH, kW, C_in, C_out)."""
    return weight.transpose(2, 3, 1, 0)


def linear_weight_to_keras(weight: np.ndarray) -> np.ndarray:
    """PyTorch Linear (out, in) -> Keras Dense (in, units)."""
    return weight.T


def keras_dense(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None) -> np.ndarray:
    """Keras Dense: `x @ kernel + bias` with kernel (in, units)."""
    y = np.matmul(x, kernel)
    return y + bias if bias is not None else y


def keras_conv2d(
    x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None = None, stride: int = 1, padding: int = 0
) -> np.ndarray:
    """Keras Conv2D on NHWC `x` with kernel (kH, kW, in, out); `padding` in pixels."""
    weight = kernel.transpose(3, 2, 0, 1)
    return nchw_to_nhwc(conv2d(nhwc_to_nchw(x), weight, bias, stride=stride, padding=padding))


__all__ = [
    "conv1x1",
    "conv2d",
    "conv_weight_to_keras",
    "flatten",
    "global_avg_pool",
    "keras_conv2d",
    "keras_dense",
    "linear",
    "linear_weight_to_keras",
    "max_pool2d",
    "nchw_to_nhwc",
    "nhwc_to_nchw",
    "relu",
]
