"""Numeric oracles: numpy functions printed by sympy from the very expressions the derivations prove.

All functions are vectorised and return float64. Layout is columns = samples:
X is (n_0, m), W_l is (n_l, n_{l-1}), b_l is (n_l, 1), softmax normalises along `axis` (classes, default 0).
"""

import numpy as np

from . import numeric


def _f64(x):
    return np.asarray(x, dtype=np.float64)


# spec/numeric.py is printed by sympy (python -m spec.emit) from the expressions the derivations prove, so that
# the checks run on numpy alone; tests/spec/test_spec_oracles.py proves it current and equal to lambdify.
# Derivative closed forms are written in the activation a = g(z) with g(z) substituted for a.
_relu, _relu_derivative = numeric.relu, numeric.relu_derivative
_sigmoid, _sigmoid_derivative = numeric.sigmoid, numeric.sigmoid_derivative
_tanh, _tanh_derivative = numeric.tanh, numeric.tanh_derivative
_elu, _elu_derivative = numeric.elu, numeric.elu_derivative
_bce_terms = (numeric.bce_term_positive, numeric.bce_term_negative)
_ce_term = numeric.ce_term


def relu(z):
    """max(0, z), elementwise."""
    return np.asarray(_relu(_f64(z)), dtype=np.float64)


def relu_derivative(z):
    """Heaviside(z), with the spec's choice 0 at z == 0."""
    return np.asarray(_relu_derivative(_f64(z)), dtype=np.float64)


def sigmoid(z):
    """1 / (1 + exp(-z)); exp(-z) overflowing to inf for very negative z correctly gives 0."""
    with np.errstate(over="ignore"):
        return np.asarray(_sigmoid(_f64(z)), dtype=np.float64)


def sigmoid_derivative(z):
    """σ(z)(1 - σ(z)), the proven closed form of sp.diff(σ)."""
    with np.errstate(over="ignore"):
        return np.asarray(_sigmoid_derivative(_f64(z)), dtype=np.float64)


def tanh(z):
    """tanh(z), elementwise."""
    return np.asarray(_tanh(_f64(z)), dtype=np.float64)


def tanh_derivative(z):
    """1 - tanh(z)^2, the proven closed form of sp.diff(tanh)."""
    return np.asarray(_tanh_derivative(_f64(z)), dtype=np.float64)


def elu(z, alpha=1.0):
    """z for z > 0, alpha (exp(z) - 1) otherwise."""
    # numpy evaluates both branches; the discarded exp(z) may overflow for large z.
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(_elu(_f64(z), np.float64(alpha)), dtype=np.float64)


def elu_derivative(z, alpha=1.0):
    """1 for z > 0, alpha exp(z) for z <= 0 (alpha at z == 0)."""
    with np.errstate(over="ignore", invalid="ignore"):
        return np.asarray(_elu_derivative(_f64(z), np.float64(alpha)), dtype=np.float64)


def _softmax_of(n):
    if n not in numeric.SOFTMAX:
        raise ValueError(f"softmax over {n} classes: the oracle is generated for 1 to {max(numeric.SOFTMAX)} "
                         f"(raise MAX_CLASSES in spec/emit.py and run python -m spec.emit)")
    return numeric.SOFTMAX[n]


def softmax(z, axis=0):
    """exp(z_k) / Σ_i exp(z_i) along `axis`, after subtracting max(z) (see softmax-shift-invariance)."""
    z = _f64(z)
    shifted = np.moveaxis(z - np.max(z, axis=axis, keepdims=True), axis, 0)
    n = shifted.shape[0]
    out = np.stack([np.broadcast_to(v, shifted.shape[1:]) for v in _softmax_of(n)(*shifted)])
    return np.moveaxis(out, 0, axis).astype(np.float64)


def _zero_where(mask, values):
    # The convention 0 · log 0 = 0 (the limit of t log t): a label of 0 removes its term.
    return np.where(mask, 0.0, values)


def binary_cross_entropy(y, a):
    """Per-sample, elementwise -(y log a + (1 - y) log(1 - a))."""
    y, a = np.broadcast_arrays(_f64(y), _f64(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        first = _zero_where(y == 0, _bce_terms[0](y, a))
        second = _zero_where(y == 1, _bce_terms[1](y, a))
    return np.asarray(first + second, dtype=np.float64)


def categorical_cross_entropy(y, a, axis=0):
    """Per-sample Σ_k -y_k log a_k, summed over the class `axis`."""
    y, a = np.broadcast_arrays(_f64(y), _f64(a))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = _zero_where(y == 0, _ce_term(y, a))
    return np.asarray(np.sum(terms, axis=axis), dtype=np.float64)


ACTIVATIONS = {
    "relu": (relu, relu_derivative),
    "tanh": (tanh, tanh_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "elu": (elu, elu_derivative),
}

OUTPUTS = ("softmax", "sigmoid")


def forward(X, parameters, hidden="relu", output="softmax"):
    """AL of an L-layer dense network: A_l = g(W_l A_{l-1} + b_l), hidden activation below, `output` on top.

    X is (n_0, m); parameters holds "W1", "b1", ..., "WL", "bL" with W_l (n_l, n_{l-1}), b_l (n_l, 1).
    """
    if hidden not in ACTIVATIONS:
        raise ValueError(f"unknown hidden activation {hidden!r}; choose from {sorted(ACTIVATIONS)}")
    if output not in OUTPUTS:
        raise ValueError(f"unknown output activation {output!r}; choose from {list(OUTPUTS)}")
    n_layers = len([key for key in parameters if key.startswith("W")])
    activation = ACTIVATIONS[hidden][0]
    A = _f64(X)
    for layer in range(1, n_layers + 1):
        Z = _f64(parameters[f"W{layer}"]) @ A + _f64(parameters[f"b{layer}"])
        if layer < n_layers:
            A = activation(Z)
        else:
            A = softmax(Z, axis=0) if output == "softmax" else sigmoid(Z)
    return A


def mean_loss(Y, AL, output="softmax"):
    """J = (1/m) Σ_i per-sample loss over the m columns (for sigmoid, the per-unit BCE is summed per sample)."""
    if output == "softmax":
        per_sample = categorical_cross_entropy(Y, AL, axis=0)
    elif output == "sigmoid":
        per_sample = np.sum(binary_cross_entropy(Y, AL), axis=0)
    else:
        raise ValueError(f"unknown output activation {output!r}; choose from {list(OUTPUTS)}")
    return float(np.mean(per_sample))


__all__ = [
    "relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "elu", "elu_derivative", "softmax", "binary_cross_entropy", "categorical_cross_entropy",
    "ACTIVATIONS", "forward", "mean_loss",
]
