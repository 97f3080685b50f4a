"""The NumPy kernels against plain-loop references (many random shapes) and against torch."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dense1x1quiz import ops


def conv2d_loops(x, weight, bias=None, stride=1, padding=0, groups=1):
    """The definition, one multiply-add at a time (float64)."""
    n, c_in, h, w = x.shape
    c_out, c_group, kh, kw = weight.shape
    xp = np.zeros((n, c_in, h + 2 * padding, w + 2 * padding))
    xp[:, :, padding : padding + h, padding : padding + w] = x
    h_out, w_out = (h + 2 * padding - kh) // stride + 1, (w + 2 * padding - kw) // stride + 1
    out_per_group = c_out // groups
    y = np.zeros((n, c_out, h_out, w_out))
    for b in range(n):
        for o in range(c_out):
            g = o // out_per_group
            for i in range(h_out):
                for j in range(w_out):
                    total = 0.0 if bias is None else bias[o]
                    for c in range(c_group):
                        for di in range(kh):
                            for dj in range(kw):
                                total += weight[o, c, di, dj] * xp[b, g * c_group + c, i * stride + di, j * stride + dj]
                    y[b, o, i, j] = total
    return y


def linear_loops(x, weight, bias=None):
    rows = x.reshape(-1, x.shape[-1])
    y = np.zeros((rows.shape[0], weight.shape[0]))
    for r in range(rows.shape[0]):
        for o in range(weight.shape[0]):
            y[r, o] = sum(weight[o, i] * rows[r, i] for i in range(weight.shape[1])) + (0 if bias is None else bias[o])
    return y.reshape(*x.shape[:-1], weight.shape[0])


@st.composite
def conv_cases(draw):
    groups = draw(st.integers(1, 3))
    c_group, out_group = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k = draw(st.integers(1, 3))
    stride, padding = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    h = draw(st.integers(max(1, k - 2 * padding), 6))
    w = draw(st.integers(max(1, k - 2 * padding), 6))
    n = draw(st.integers(1, 2))
    seed = draw(st.integers(0, 2**16))
    with_bias = draw(st.booleans())
    gen = np.random.default_rng(seed)
    x = gen.standard_normal((n, groups * c_group, h, w))
    weight = gen.standard_normal((groups * out_group, c_group, k, k))
    bias = gen.standard_normal(groups * out_group) if with_bias else None
    return x, weight, bias, stride, padding, groups


@settings(max_examples=150, deadline=None)
@given(conv_cases())
def test_conv2d_matches_the_loop_definition(case):
    x, weight, bias, stride, padding, groups = case
    got = ops.conv2d(x, weight, bias, stride=stride, padding=padding, groups=groups)
    want = conv2d_loops(x, weight, bias, stride, padding, groups)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-10)


@settings(max_examples=100, deadline=None)
@given(
    n=st.integers(1, 3),
    c_in=st.integers(1, 7),
    c_out=st.integers(1, 7),
    h=st.integers(1, 6),
    w=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    with_bias=st.booleans(),
)
def test_conv1x1_matches_the_loop_definition_and_conv2d(n, c_in, c_out, h, w, seed, with_bias):
    gen = np.random.default_rng(seed)
    x = gen.standard_normal((n, c_in, h, w))
    weight = gen.standard_normal((c_out, c_in, 1, 1))
    bias = gen.standard_normal(c_out) if with_bias else None
    got = ops.conv1x1(x, weight, bias)
    np.testing.assert_allclose(got, conv2d_loops(x, weight, bias), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(got, ops.conv2d(x, weight, bias), rtol=1e-10, atol=1e-10)
    # the 2-D weight form (C_out, C_in) is the same layer
    np.testing.assert_allclose(ops.conv1x1(x, weight[:, :, 0, 0], bias), got)


@settings(max_examples=100, deadline=None)
@given(
    lead=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    n_in=st.integers(1, 6),
    n_out=st.integers(1, 6),
    seed=st.integers(0, 2**16),
    with_bias=st.booleans(),
)
def test_linear_matches_the_loop_definition_on_the_last_axis(lead, n_in, n_out, seed, with_bias):
    gen = np.random.default_rng(seed)
    x = gen.standard_normal((*lead, n_in))
    weight = gen.standard_normal((n_out, n_in))
    bias = gen.standard_normal(n_out) if with_bias else None
    got = ops.linear(x, weight, bias)
    assert got.shape == (*lead, n_out)
    np.testing.assert_allclose(got, linear_loops(x, weight, bias), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(ops.keras_dense(x, ops.linear_weight_to_keras(weight), bias), got)


@pytest.mark.parametrize("pixels", [(1, 1), (7, 9), (56, 56)])
def test_conv1x1_is_one_matmul_whatever_the_number_of_pixels(monkeypatch, pixels):
    calls = []
    real = np.matmul

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ops.np, "matmul", counting)
    x = np.ones((2, 8, *pixels), dtype=np.float32)
    y = ops.conv1x1(x, np.ones((4, 8, 1, 1), dtype=np.float32), np.zeros(4, dtype=np.float32))
    assert len(calls) == 1
    assert y.shape == (2, 4, *pixels) and y.dtype == np.float32 and float(y.max()) == 8.0


def test_small_helpers():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5) - 60
    assert ops.flatten(x).shape == (2, 60)
    assert ops.flatten(x)[1, 21] == x[1, 1, 0, 1]  # (C, H, W) order: 21 = 1·20 + 0·5 + 1
    assert float(ops.relu(x).min()) == 0.0 and ops.relu(x)[1, 2, 3, 4] == x[1, 2, 3, 4]
    np.testing.assert_allclose(ops.global_avg_pool(x), x.reshape(2, 3, 20).mean(axis=2))
    assert ops.nchw_to_nhwc(x).shape == (2, 4, 5, 3)
    np.testing.assert_array_equal(ops.nhwc_to_nchw(ops.nchw_to_nhwc(x)), x)
    assert ops.conv_weight_to_keras(np.zeros((8, 3, 5, 2))).shape == (5, 2, 3, 8)
    assert ops.max_pool2d(x, 2, 2).shape == (2, 3, 2, 2) and ops.max_pool2d(x, 2, 2)[0, 0, 0, 0] == x[0, 0, 1, 1]


def test_bad_weight_shapes_are_refused():
    with pytest.raises(ValueError, match="weight takes 5 channels, input has 4"):
        ops.conv1x1(np.zeros((1, 4, 2, 2)), np.zeros((3, 5, 1, 1)))
    with pytest.raises(ValueError, match="does not fit 4 channels in 3 groups"):
        ops.conv2d(np.zeros((1, 4, 5, 5)), np.zeros((3, 1, 3, 3)), groups=3)


# -- against torch, where it is installed ---------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(conv_cases())
def test_conv2d_matches_torch(case):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x, weight, bias, stride, padding, groups = case
    want = functional.conv2d(
        torch.from_numpy(x),
        torch.from_numpy(weight),
        None if bias is None else torch.from_numpy(bias),
        stride=stride,
        padding=padding,
        groups=groups,
    ).numpy()
    np.testing.assert_allclose(ops.conv2d(x, weight, bias, stride, padding, groups), want, rtol=1e-10, atol=1e-10)


def test_float32_kernels_match_torch_on_realistic_layers():
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    gen = np.random.default_rng(1)
    x = gen.standard_normal((2, 32, 14, 14), dtype=np.float32)
    t = torch.from_numpy(x)
    w1, b1 = gen.standard_normal((16, 32, 1, 1), dtype=np.float32), gen.standard_normal(16, dtype=np.float32)
    w3 = gen.standard_normal((16, 32, 3, 3), dtype=np.float32)
    wd = gen.standard_normal((32, 1, 3, 3), dtype=np.float32)
    lw, lb = gen.standard_normal((10, 32 * 14 * 14), dtype=np.float32), gen.standard_normal(10, dtype=np.float32)
    pairs = [
        (ops.conv1x1(x, w1, b1), functional.conv2d(t, torch.from_numpy(w1), torch.from_numpy(b1))),
        (ops.conv2d(x, w3, padding=1, stride=2), functional.conv2d(t, torch.from_numpy(w3), padding=1, stride=2)),
        (ops.conv2d(x, wd, padding=1, groups=32), functional.conv2d(t, torch.from_numpy(wd), padding=1, groups=32)),
        (
            ops.linear(ops.flatten(x), lw, lb),
            functional.linear(torch.flatten(t, 1), torch.from_numpy(lw), torch.from_numpy(lb)),
        ),
        (ops.relu(x), functional.relu(t)),
        (ops.global_avg_pool(x), functional.adaptive_avg_pool2d(t, 1).flatten(1)),
        (ops.max_pool2d(x, 3, 1, 1), functional.max_pool2d(t, 3, 1, 1)),
    ]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours, theirs.numpy(), rtol=1e-4, atol=1e-4)


def test_keras_views_compute_the_same_layer_as_torch():
    torch = pytest.importorskip("torch")
    gen = np.random.default_rng(2)
    x = gen.standard_normal((1, 3, 6, 5))
    weight, bias = gen.standard_normal((4, 3, 3, 3)), gen.standard_normal(4)
    want = torch.nn.functional.conv2d(
        torch.from_numpy(x), torch.from_numpy(weight), torch.from_numpy(bias), padding=1
    ).numpy()
    got = ops.keras_conv2d(ops.nchw_to_nhwc(x), ops.conv_weight_to_keras(weight), bias, padding=1)
    np.testing.assert_allclose(ops.nhwc_to_nchw(got), want, rtol=1e-10, atol=1e-10)
