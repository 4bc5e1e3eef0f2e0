"""Losses (mean over the m samples, which are columns) and the output layer's dZ.

A probability of exactly 0 would make log(0) = -inf, so probabilities are
clipped from below at EPSILON = 1e-12 before the log: a sure, wrong prediction
costs -log(1e-12) ~= 27.6 instead of infinity. A sure, right prediction still
costs 0 (categorical) or -log(1 - 1e-12) ~= 1e-12 (binary).
"""

import numpy as np

from . import validation

EPSILON = 1e-12


def _categorical(Y, P):
    """-(1/m) sum_i sum_k y_ki log p_ki, unchecked."""
    return float(-np.sum(Y * np.log(np.maximum(P, EPSILON))) / Y.shape[1])


def _binary(Y, P):
    """-(1/m) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)], unchecked."""
    P = np.clip(P, EPSILON, 1.0 - EPSILON)
    return float(-np.sum(Y * np.log(P) + (1.0 - Y) * np.log1p(-P)) / Y.shape[1])


def _check(y_true, y_pred, output):
    y_true = validation.check_array("y_true", y_true)
    Y = validation.check_labels("y_true", y_true, output, *y_true.shape)
    P = validation.check_probabilities("y_pred", y_pred, Y.shape)
    return Y, P


def cross_entropy_loss(y_true, y_pred):
    """Categorical cross-entropy of softmax outputs: Y one-hot (K, m), P (K, m) -> float.

    J = -(1/m) sum_i sum_k y_ki log p_ki
    """
    return _categorical(*_check(y_true, y_pred, "softmax"))


def binary_cross_entropy(y_true, y_pred):
    """Binary cross-entropy of sigmoid outputs: Y of 0/1 (n, m), P (n, m) -> float.

    J = -(1/m) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)], summed over the n outputs.
    """
    return _binary(*_check(y_true, y_pred, "sigmoid"))


def cross_entropy_derivative(y_true, y_pred):
    """dJ_i/dZ_L per sample for softmax + categorical or sigmoid + binary CE: A - Y.

    Both pairings simplify to the same expression; backward_propagation divides
    it by m to get the gradient of the mean loss.
    """
    y_true = validation.check_array("y_true", y_true)
    y_pred = validation.check_array("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"y_pred has shape {y_pred.shape}, must be {y_true.shape} like y_true"
        )
    return y_pred - y_true


LOSSES = {"softmax": _categorical, "sigmoid": _binary}
