"""Each activation and derivative on hand-computed values, plus numerical stability."""

import math
import warnings

import numpy as np
import pytest

import reference as ref

LN2, LN3 = math.log(2.0), math.log(3.0)


def test_relu_zeroes_negatives_and_keeps_positives():
    got = ref.relu(np.array([[-2.0, 0.0, 3.0]]))
    assert np.array_equal(got, [[0.0, 0.0, 3.0]]), f"relu gave {got}"


def test_relu_derivative_is_float_one_above_zero_and_zero_at_and_below():
    got = ref.relu_derivative(np.array([[-2.0, 0.0, 3.0]]))
    assert got.dtype == float, f"relu_derivative dtype was {got.dtype}, expected float"
    assert np.array_equal(got, [[0.0, 0.0, 1.0]]), f"relu_derivative gave {got}"


def test_sigmoid_of_zero_and_plus_minus_ln3_are_a_half_three_quarters_one_quarter():
    got = ref.sigmoid(np.array([0.0, LN3, -LN3]))
    assert np.allclose(got, [0.5, 0.75, 0.25], rtol=1e-15, atol=0), f"sigmoid gave {got}"


def test_sigmoid_derivative_is_s_times_one_minus_s():
    got = ref.sigmoid_derivative(np.array([0.0, LN3]))
    assert np.allclose(got, [0.25, 0.1875], rtol=1e-15, atol=0), f"sigmoid_derivative gave {got}"


def test_tanh_of_ln2_is_three_fifths_and_its_derivative_sixteen_twentyfifths():
    assert math.isclose(float(ref.tanh(np.array(LN2))), 0.6, rel_tol=1e-15), "tanh(ln 2) != 0.6"
    assert math.isclose(float(ref.tanh_derivative(np.array(LN2))), 0.64, rel_tol=1e-14), \
        "tanh'(ln 2) != 0.64"


def test_elu_is_identity_above_zero_and_alpha_times_expm1_below():
    got = ref.elu(np.array([3.0, -LN2, 0.0]))
    assert np.allclose(got, [3.0, -0.5, 0.0], rtol=1e-15, atol=0), f"elu gave {got}"
    got2 = ref.elu(np.array([-LN2]), alpha=2.0)
    assert np.allclose(got2, [-1.0], rtol=1e-15), f"elu with alpha 2 gave {got2}"


def test_elu_derivative_is_one_above_zero_and_alpha_exp_z_at_and_below():
    got = ref.elu_derivative(np.array([3.0, -LN2, 0.0]))
    assert np.allclose(got, [1.0, 0.5, 1.0], rtol=1e-15), f"elu_derivative gave {got}"
    got2 = ref.elu_derivative(np.array([-LN2, 0.0]), alpha=2.0)
    assert np.allclose(got2, [1.0, 2.0], rtol=1e-15), f"elu_derivative alpha 2 gave {got2}"


def test_softmax_normalises_each_column_separately():
    Z = np.array([[0.0, 5.0], [LN3, 5.0]])
    got = ref.softmax(Z)
    assert np.allclose(got, [[0.25, 0.5], [0.75, 0.5]], rtol=1e-15), f"softmax gave {got}"


def test_softmax_is_unchanged_by_adding_a_constant_to_a_column():
    Z = np.array([[1.0, -2.0], [2.0, 0.5], [0.0, 3.0]])
    shifted = Z + np.array([[100.0, -50.0]])
    assert np.allclose(ref.softmax(Z), ref.softmax(shifted), rtol=1e-12), \
        "softmax changed when a constant was added to each column"


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "relu", "softmax"])
def test_activations_of_logits_of_magnitude_1e4_are_finite_and_warn_nothing(name):
    Z = np.array([[1e4, -1e4], [-1e4, 1e4], [0.0, 0.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Underflow to 0 is the correctly rounded result (and numpy's default
        # ignores it); overflow, invalid and divide would be real errors.
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            got = getattr(ref, name)(Z)
    assert np.all(np.isfinite(got)), f"{name} gave non-finite values {got}"
    if name == "softmax":
        assert np.allclose(got, [[1, 0], [0, 1], [0, 0]]), f"softmax of huge logits gave {got}"
    if name == "sigmoid":
        assert np.array_equal(got[:2], [[1.0, 0.0], [0.0, 1.0]]), f"sigmoid saturated to {got}"


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu", "relu"])
def test_derivatives_of_huge_inputs_are_finite_and_warn_nothing(name):
    Z = np.array([1e4, -1e4, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            got = getattr(ref, f"{name}_derivative")(Z)
    assert np.all(np.isfinite(got)), f"{name}_derivative gave {got}"


def test_sigmoid_keeps_relative_precision_for_very_negative_inputs():
    got = float(ref.sigmoid(np.array(-40.0)))
    expected = math.exp(-40.0) / (1.0 + math.exp(-40.0))
    assert math.isclose(got, expected, rel_tol=1e-14), f"sigmoid(-40) was {got}, expected {expected}"


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "elu"])
def test_each_derivative_matches_a_central_difference_of_its_activation(name):
    z = np.linspace(-3, 3, 13) + 0.01  # avoid elu's kink at exactly 0
    h = 1e-6
    f = getattr(ref, name)
    numeric = (f(z + h) - f(z - h)) / (2 * h)
    analytic = getattr(ref, f"{name}_derivative")(z)
    assert np.allclose(analytic, numeric, rtol=1e-6, atol=1e-8), \
        f"{name}_derivative differs from the finite difference by {np.max(abs(analytic - numeric))}"


def test_activations_do_not_modify_their_input():
    Z = np.array([[-1.0, 2.0], [0.5, -3.0]])
    before = Z.copy()
    for name in ["relu", "sigmoid", "tanh", "elu", "softmax", "relu_derivative",
                 "sigmoid_derivative", "tanh_derivative", "elu_derivative"]:
        getattr(ref, name)(Z)
        assert np.array_equal(Z, before), f"{name} modified its argument"
