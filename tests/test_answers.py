"""Typed answers: what counts as the same answer."""

from __future__ import annotations

import pytest

from dense1x1quiz.answers import char_diff, edit_distance, grade, parse_number, parse_shape, same_answer


@pytest.mark.parametrize(
    "given", ["32x32x64", "32×32×64", "(32, 32, 64)", "32 x 32 x 64", "[32,32,64]", "32 * 32 * 64", "(32,32,64,)"]
)
def test_shapes_are_compared_as_shapes(given):
    assert parse_shape(given) == (32, 32, 64)
    assert same_answer(given, "32 × 32 × 64")


@pytest.mark.parametrize(
    "given, expected",
    [
        ("64x32x32", "32×32×64"),
        ("32x32", "32×32×64"),
        ("32x32x64x1", "32×32×64"),
    ],
)
def test_different_shapes_differ(given, expected):
    assert not same_answer(given, expected)


@pytest.mark.parametrize("given", ["6176", "6,176", "6 176", "6_176", "6176.0", "6\u202f176"])
def test_numbers_accept_separators(given):
    assert parse_number(given) == 6176
    assert same_answer(given, "6,176")


@pytest.mark.parametrize(
    "text, value",
    [("4.2M", 4.2e6), ("569 million", 569e6), ("159K", 159e3), ("1/8", 0.125), ("8.6×", 8.6), ("-3", -3.0)],
)
def test_number_forms(text, value):
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", ["6,17", "1,2345", "abc", "12 34 56 7", "", "1/0"])
def test_not_numbers(text):
    assert parse_number(text) is None


@pytest.mark.parametrize("given, expected", [("16.1k", "16,100"), ("8.3M", "8,300,000"), ("4,100,000", "4.1M")])
def test_scaled_numbers_are_exact(given, expected):
    assert same_answer(given, expected)


def test_ratio_tolerance_is_relative():
    assert same_answer("8.6", "8.63", tolerance=0.01)
    assert not same_answer("8.6", "8.63")
    assert not same_answer("9", "8.63", tolerance=0.01)


@pytest.mark.parametrize(
    "given, expected",
    [
        ("Yes!", "yes"),
        ("  fully   connected ", "Fully-connected"),
        ("H x W x C_out", "H × W × Cₒᵤₜ"),
        ("y=Wx+b", "y = Wx + b"),
        ("Café", "Cafe\u0301"),
        ("a 3x3 conv", "a 3×3 conv"),
        ("1x1 conv", "1 × 1 conv"),
        ("Cin · Cout", "Cᵢₙ ⋅ Cₒᵤₜ"),
        ("C_in*C_out + C_out", "Cᵢₙ·Cₒᵤₜ + Cₒᵤₜ"),
    ],
)
def test_text_folding(given, expected):
    assert same_answer(given, expected)


@pytest.mark.parametrize("given, expected", [("", "yes"), ("no", "yes"), ("H×W", "H×W×C")])
def test_text_that_differs(given, expected):
    assert not same_answer(given, expected)


def test_grade_accepts_alternatives_and_spots_near_misses():
    assert grade("Preserved", ["Kept", "Preserved"]).correct
    near = grade("Preservd", ["Preserved"])
    assert (near.correct, near.near, near.closest) == (False, True, "Preserved")
    far = grade("Lost", ["Preserved"])
    assert (far.correct, far.near) == (False, False)


def test_char_diff_and_edit_distance():
    assert char_diff("Preservd", "Preserved") == [("same", "Preserv"), ("missing", "e"), ("same", "d")]
    assert char_diff("abc", "abd") == [("same", "ab"), ("extra", "c"), ("missing", "d")]
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3
