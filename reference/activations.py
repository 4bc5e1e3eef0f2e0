"""Activations, each beside its derivative; softmax over the class axis (axis 0).

Derivatives take the pre-activation Z (not the activation A), so a test can
compare them with a symbolic derivative at the same point. Every function is
elementwise except softmax, works on arrays of any shape and returns a new array.
"""

import numpy as np


def relu(Z):
    """max(0, z) elementwise."""
    return np.maximum(Z, 0.0)


def relu_derivative(Z):
    """1.0 where z > 0, else 0.0 (the subgradient at z == 0 is taken as 0)."""
    return (np.asarray(Z) > 0).astype(float)


def sigmoid(Z):
    """1 / (1 + exp(-z)), without overflow for any z.

    Computed as exp(min(z, 0)) / (1 + exp(-|z|)): for z >= 0 that is
    1 / (1 + exp(-z)), for z < 0 the equal exp(z) / (1 + exp(z)). exp is only
    taken of numbers <= 0, so it cannot overflow, and tiny results for very
    negative z keep full relative precision.
    """
    Z = np.asarray(Z, dtype=float)
    return np.exp(np.minimum(Z, 0.0)) / (1.0 + np.exp(-np.abs(Z)))


def sigmoid_derivative(Z):
    """sigma(z) * (1 - sigma(z))."""
    s = sigmoid(Z)
    return s * (1.0 - s)


def tanh(Z):
    """tanh(z) elementwise (numpy's tanh saturates to +-1 without overflow)."""
    return np.tanh(Z)


def tanh_derivative(Z):
    """1 - tanh(z)^2."""
    t = np.tanh(Z)
    return 1.0 - t * t


def elu(Z, alpha=1.0):
    """z for z > 0, alpha * (exp(z) - 1) for z <= 0.

    exp is taken of min(z, 0) so large positive z cannot overflow; expm1 keeps
    precision for z near 0.
    """
    Z = np.asarray(Z, dtype=float)
    return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0.0)))


def elu_derivative(Z, alpha=1.0):
    """1 for z > 0, alpha * exp(z) for z <= 0 (so alpha at z == 0)."""
    Z = np.asarray(Z, dtype=float)
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0.0)))


def softmax(Z):
    """exp(z_k) / sum_j exp(z_j) down each column: Z is (n_classes, m).

    Subtracting each column's max first changes nothing mathematically and keeps
    every exp in (0, 1], so logits of any magnitude neither overflow nor give NaN.
    """
    Z = np.asarray(Z, dtype=float)
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# name -> (activation, derivative at Z); the network looks functions up here.
HIDDEN = {
    "relu": (relu, relu_derivative),
    "tanh": (tanh, tanh_derivative),
    "sigmoid": (sigmoid, sigmoid_derivative),
    "elu": (elu, elu_derivative),
}
OUTPUT = {"softmax": softmax, "sigmoid": sigmoid}
