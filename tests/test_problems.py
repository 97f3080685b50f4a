"""Computed problems: every answer checked against arrays built with NumPy and counted, over many sizes.

The reference here never calls `dense1x1quiz.costs`: it builds the weight arrays (and counts their
elements) and runs the layer on an all-ones input with all-ones weights, so each output element equals
the number of multiply-accumulates that produced it; their sum is the layer's MAC count. Padding is
filled with ones too, so multiplies at padded positions are counted, as the papers' formulas count them.
"""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from dense1x1quiz import problems
from dense1x1quiz.exam import grade, question_from_problem

size = st.integers(1, 12)
channels = st.integers(1, 24)
kernel = st.sampled_from([1, 3, 5])


def counted_conv(h, w, c_in, c_out, k, stride=1, padding=0, depthwise=False, bias=True):
    """(output shape as H×W×C, weights incl. bias, MACs), by building the arrays and counting."""
    x = np.ones((c_in, h + 2 * padding, w + 2 * padding))
    windows = sliding_window_view(x, (k, k), axis=(1, 2))[:, ::stride, ::stride]  # C, H_out, W_out, k, k
    if depthwise:
        weight = np.ones((c_in, 1, k, k))
        out = np.einsum("chwij,cij->hwc", windows, weight[:, 0])
    else:
        weight = np.ones((c_out, c_in, k, k))
        out = np.einsum("chwij,ocij->hwo", windows, weight)
    n_out = weight.shape[0]
    return out.shape, weight.size + (np.ones(n_out).size if bias else 0), int(out.sum())


def shape_text(shape):
    return "×".join(str(d) for d in shape)


def assert_graded_right(problem, value):
    """The independent value, written as a learner might, is graded right by the exam."""
    question = question_from_problem(problem)
    assert grade(question, str(value)).correct, (problem.prompt, problem.answer, value)


@settings(max_examples=60, deadline=None)
@given(size, size, channels, channels)
def test_1x1_params_shape_macs_and_positions(h, w, c_in, c_out):
    shape, weights, macs = counted_conv(h, w, c_in, c_out, 1)
    assert_graded_right(problems.one_by_one_params(h, w, c_in, c_out), weights)
    assert_graded_right(problems.one_by_one_macs(h, w, c_in, c_out), macs)
    assert_graded_right(problems.one_by_one_shape(h, w, c_in, c_out), shape_text(shape))
    assert_graded_right(problems.one_by_one_positions(h, w, c_in, c_out), shape[0] * shape[1])


@settings(max_examples=60, deadline=None)
@given(size, size, channels, channels, kernel)
def test_kxk_conv_params(h, w, c_in, c_out, k):
    _, weights, _ = counted_conv(h + k, w + k, c_in, c_out, k, padding=k // 2)
    assert_graded_right(problems.conv_params(h, w, c_in, c_out, k), weights)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 20), st.integers(1, 20), channels, channels, kernel, st.integers(1, 3), st.integers(0, 3))
def test_conv_output_shape(h, w, c_in, filters, k, stride, padding):
    if min(h, w) + 2 * padding < k:
        return  # no output at all; the generator never asks this
    shape, _, _ = counted_conv(h, w, c_in, filters, k, stride, padding)
    assert_graded_right(problems.conv_shape(h, w, c_in, filters, k, stride, padding), shape_text(shape))


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), channels, st.integers(1, 50))
def test_dense_params_on_a_flattened_tensor(h, w, c_in, n_out):
    x = np.ones((h, w, c_in)).reshape(-1)
    weight, bias = np.ones((n_out, x.size)), np.ones(n_out)
    assert (weight @ x).sum() == x.size * n_out  # the dense layer's MACs, counted
    assert_graded_right(problems.dense_flat_params(h, w, c_in, n_out), weight.size + bias.size)


@settings(max_examples=60, deadline=None)
@given(size, size, channels, channels, st.sampled_from([3, 5]))
def test_separable_ratio_within_the_stated_tolerance(h, w, c_in, c_out, k):
    _, _, standard = counted_conv(h + 4, w + 4, c_in, c_out, k, padding=k // 2)
    _, _, depthwise = counted_conv(h + 4, w + 4, c_in, c_in, k, padding=k // 2, depthwise=True)
    _, _, pointwise = counted_conv(h + 4, w + 4, c_in, c_out, 1)
    times_cheaper = standard / (depthwise + pointwise)
    problem = problems.separable_ratio(c_out, k)
    assert problem.tolerance == problems.RATIO_TOLERANCE
    assert "±2%" in problem.prompt
    assert abs(float(problem.answer) - times_cheaper) <= 0.0005 * times_cheaper  # 4 significant digits
    assert_graded_right(problem, times_cheaper)
    assert_graded_right(problem, round(times_cheaper * 1.019, 4))
    assert not grade(question_from_problem(problem), str(times_cheaper * 1.03)).correct


@settings(max_examples=60, deadline=None)
@given(size, size, channels, channels)
def test_separable_macs(h, w, c_in, c_out):
    _, _, depthwise = counted_conv(h, w, c_in, c_in, 3, padding=1, depthwise=True)
    _, _, pointwise = counted_conv(h, w, c_in, c_out, 1)
    assert_graded_right(problems.separable_macs(h, w, c_in, c_out), depthwise + pointwise)


@settings(max_examples=60, deadline=None)
@given(channels, st.sampled_from([3, 5]))
def test_depthwise_params(c, k):
    _, weights, _ = counted_conv(k, k, c, c, k, depthwise=True)
    assert_graded_right(problems.depthwise_params(c, k), weights)


@settings(max_examples=60, deadline=None)
@given(channels, channels)
def test_bottleneck_params(c, r):
    weights = sum(
        counted_conv(3, 3, a, b, k, padding=k // 2, bias=False)[1] for a, b, k in ((c, r, 1), (r, r, 3), (r, c, 1))
    )
    assert_graded_right(problems.bottleneck_params(c, r), weights)


@settings(max_examples=60, deadline=None)
@given(size, size, channels, channels, channels, st.sampled_from([3, 5]))
def test_inception_reduced_branch_macs(h, w, c_in, reduced, c_out, k):
    _, _, reduce = counted_conv(h, w, c_in, reduced, 1)
    _, _, conv = counted_conv(h, w, reduced, c_out, k, padding=k // 2)
    assert_graded_right(problems.reduced_branch_macs(h, w, c_in, reduced, c_out, k), reduce + conv)


# -- the random picking ------------------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32))
def test_random_problems_say_their_sizes_and_are_answered_by_the_counted_reference(seed):
    """Problems picked at random sizes: every size is in the prompt, and the reference agrees."""
    for problem in problems.computed_problems(random.Random(seed), len(problems.PICKERS)):
        sizes = dict(problem.sizes)
        numbers = {int(n) for n in re.findall(r"\d+", problem.prompt)}
        assert {v for k, v in sizes.items() if k not in ("stride", "padding")} <= numbers, problem.prompt
        if problem.template == "1x1-params":
            weights = sizes["c_out"] * np.ones((sizes["c_in"], 1)).size + np.ones(sizes["c_out"]).size
            assert_graded_right(problem, weights)
        if problem.template == "separable-ratio":
            k2 = sizes["kernel"] ** 2
            assert_graded_right(problem, k2 * sizes["c_out"] / (k2 + sizes["c_out"]))


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32))
def test_slips_offered_as_options_are_all_wrong_and_all_different(seed):
    rng = random.Random(seed)
    for problem in problems.computed_problems(rng, len(problems.PICKERS)):
        typed = question_from_problem(problem)
        for mistake in problem.mistakes:
            assert not grade(typed, mistake).correct, (problem.prompt, mistake)
        if len(problem.mistakes) < 2:
            continue
        choice = question_from_problem(problem, rng)
        assert choice.options.count(problem.answer) == 1
        assert len(set(choice.options)) == len(choice.options) == min(4, len(problem.mistakes) + 1)
        assert grade(choice, str(choice.options.index(problem.answer) + 1)).correct
        assert sum(grade(choice, option).correct for option in choice.options) == 1


def test_a_slip_within_the_tolerance_is_no_distractor():
    problem = problems.separable_ratio(1024, 3)  # 8.92 times cheaper: "9" (1/D_K² alone) is within 2%
    assert problem.answer == "8.922"
    assert "9" not in problem.mistakes
    assert problem.mistakes == ("1024", "0.1121")


def test_every_template_once_before_any_repeats_and_no_problem_twice():
    rng = random.Random(7)
    chosen = problems.computed_problems(rng, 40)
    assert len(chosen) == 40
    assert {p.template for p in chosen[: len(problems.PICKERS)]} == set(problems.PICKERS)
    assert len({p.id for p in chosen}) == 40
    assert len({p.prompt for p in chosen}) == 40


def test_same_seed_same_problems():
    first = problems.computed_problems(random.Random(3), 10)
    assert first == problems.computed_problems(random.Random(3), 10)
    assert first != problems.computed_problems(random.Random(4), 10)


def test_tags_choose_the_templates():
    chosen = problems.computed_problems(random.Random(1), 6, ["mobilenet"])
    assert {p.template for p in chosen} == {"separable-ratio", "separable-macs", "depthwise-params"}
    assert all("mobilenet" in p.tags for p in chosen)
    assert problems.computed_problems(random.Random(1), 5, ["no-such-tag"]) == []


@pytest.mark.parametrize("typed", ["6176", "6,176", "6 176", " 6176 ", "6_176", "6176.0"])
def test_number_answers_accept_the_usual_spellings(typed):
    problem = problems.one_by_one_params(28, 28, 192, 32)
    assert problem.prompt == ("A 1×1 convolution maps 28×28×192 to 28×28×32. How many parameters, biases included?")
    assert problem.answer == "6,176"
    assert grade(question_from_problem(problem), typed).correct


@pytest.mark.parametrize("typed", ["6175", "6,144", "6.2k", "61 76", "", "six thousand"])
def test_wrong_numbers_are_wrong(typed):
    assert not grade(question_from_problem(problems.one_by_one_params(28, 28, 192, 32)), typed).correct


@pytest.mark.parametrize("typed", ["56×56×64", "56x56x64", "56 x 56 x 64", "(56, 56, 64)", "[56,56,64]"])
def test_shapes_are_compared_as_shapes(typed):
    problem = problems.one_by_one_shape(56, 56, 256, 64)
    assert problem.answer == "56×56×64"
    assert grade(question_from_problem(problem), typed).correct


@pytest.mark.parametrize("typed", ["64×56×56", "56×56", "56×56×64×1", "200704"])
def test_other_shapes_are_wrong(typed):
    assert not grade(question_from_problem(problems.one_by_one_shape(56, 56, 256, 64)), typed).correct


def test_the_mobilenet_example_from_the_brief():
    problem = problems.separable_ratio(128, 3)
    assert problem.answer == "8.409"  # 1 / (1/128 + 1/9)
    for typed in ("8.41", "8.4", "8.3", "8.5"):
        assert grade(question_from_problem(problem), typed).correct, typed
    for typed in ("8", "9", "0.12"):
        assert not grade(question_from_problem(problem), typed).correct, typed
