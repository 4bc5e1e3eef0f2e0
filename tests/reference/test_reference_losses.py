"""Losses on hand-computed values; finite at probabilities 0 and 1; the output dZ."""

import math
import warnings

import numpy as np
import pytest

import reference as ref
from reference.losses import EPSILON


def test_cross_entropy_is_the_mean_negative_log_of_the_true_class_probability():
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    P = np.array([[0.8, 0.4], [0.2, 0.6]])
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    got = ref.cross_entropy_loss(Y, P)
    assert math.isclose(got, expected, rel_tol=1e-15), f"loss was {got}, expected {expected}"


def test_binary_cross_entropy_averages_both_log_terms_over_samples():
    Y = np.array([[1.0, 0.0]])
    P = np.array([[0.8, 0.4]])
    expected = -(math.log(0.8) + math.log(0.6)) / 2
    got = ref.binary_cross_entropy(Y, P)
    assert math.isclose(got, expected, rel_tol=1e-14), f"loss was {got}, expected {expected}"


def test_cross_entropy_is_finite_when_the_true_class_has_probability_zero():
    Y = np.array([[1.0], [0.0]])
    P = np.array([[0.0], [1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ref.cross_entropy_loss(Y, P)
    assert math.isclose(got, -math.log(EPSILON)), f"loss was {got}, expected -log(eps)"


def test_binary_cross_entropy_is_finite_for_sure_wrong_predictions():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = ref.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]]))
    assert np.isfinite(got) and got > 20, f"a sure wrong prediction cost {got}"


def test_perfect_predictions_cost_essentially_nothing():
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert ref.cross_entropy_loss(Y, Y) == 0.0, "a perfect softmax prediction had a loss"
    got = ref.binary_cross_entropy(np.array([[1.0, 0.0]]), np.array([[1.0, 0.0]]))
    assert 0.0 <= got < 1e-11, f"a perfect sigmoid prediction cost {got}"


def test_cross_entropy_derivative_is_prediction_minus_label():
    Y = np.array([[1.0, 0.0], [0.0, 1.0]])
    P = np.array([[0.8, 0.4], [0.2, 0.6]])
    got = ref.cross_entropy_derivative(Y, P)
    assert np.allclose(got, [[-0.2, 0.4], [0.2, -0.4]], rtol=1e-15), f"dZ was {got}"


def test_uniform_prediction_over_k_classes_costs_log_k():
    Y = np.eye(4)
    got = ref.cross_entropy_loss(Y, np.full((4, 4), 0.25))
    assert math.isclose(got, math.log(4), rel_tol=1e-15), f"loss was {got}, expected log 4"


@pytest.mark.parametrize("loss, y_true, y_pred, message", [
    ("cross_entropy_loss", [[1.0, 0.0], [0.0, 1.0]], [[0.5, 0.5]], r"y_pred has shape \(1, 2\), must be \(2, 2\)"),
    ("cross_entropy_loss", [[0.5, 1.0], [0.5, 0.0]], [[0.5, 0.5], [0.5, 0.5]], r"y_true\[:, 0\] was \[0.5, 0.5\], must be one-hot"),
    ("binary_cross_entropy", [[2.0, 0.0]], [[0.5, 0.5]], r"y_true\[0, 0\] was 2.0, must be 0 or 1"),
    ("binary_cross_entropy", [[1.0, 0.0]], [[1.5, 0.5]], r"y_pred\[0, 0\] was 1.5, must be a probability in \[0, 1\]"),
    ("binary_cross_entropy", [[1.0, 0.0]], [[np.nan, 0.5]], r"y_pred contains nan at index \(0, 0\), must contain only finite"),
])
def test_losses_reject_bad_arguments_naming_them(loss, y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        getattr(ref, loss)(np.array(y_true), np.array(y_pred))


def test_losses_do_not_modify_their_arguments():
    Y = np.array([[1.0, 0.0]])
    P = np.array([[0.0, 1.0]])
    ref.binary_cross_entropy(Y, P)
    ref.cross_entropy_derivative(Y, P)
    assert np.array_equal(P, [[0.0, 1.0]]) and np.array_equal(Y, [[1.0, 0.0]]), \
        "a loss clipped or changed its arguments in place"
