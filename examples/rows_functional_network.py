"""A correct network with samples as rows, written functionally: ELU hidden layers, a softmax output, any depth.

What the contract leaves free, and this file uses:

* LAYOUT "rows": X is (m, n_features), W_l is (n_{l-1}, n_l), b_l is (1, n_l), the classes along axis 1;
* nothing is modified in place: every update builds a new dict of new arrays;
* the cache is a tuple of (A_prev, Z) pairs, one per layer;
* float dropout masks (0.0 / 1.0) drawn from an explicit Generator;
* He initialisation randn * sqrt(2 / n_in), a log with a stabiliser of 1e-12 added.

Verify it with:  python3 -m pytest --impl examples/rows_functional_network.py
"""

from functools import reduce

import numpy as np

LAYOUT = "rows"
HIDDEN_ACTIVATION = "elu"
OUTPUT_ACTIVATION = "softmax"

STABILISER = 1e-12


def relu(z):
    return np.maximum(z, 0.0)


def relu_derivative(z):
    return np.greater(z, 0.0).astype(np.float64)


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # the same function, without exp overflow


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s - s * s


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    return 1.0 - np.tanh(z) ** 2


def elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_derivative(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def cross_entropy_loss(y_true, y_pred):
    return float(-(y_true * np.log(y_pred + STABILISER)).sum() / y_true.shape[0])


def binary_cross_entropy(y_true, y_pred):
    terms = y_true * np.log(y_pred + STABILISER) + (1 - y_true) * np.log(1 - y_pred + STABILISER)
    return float(-terms.sum() / y_true.shape[0])


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


def _depth(parameters):
    return sum(1 for key in parameters if key.startswith("W"))


def _init(layer_dims, rng):
    pairs = zip(layer_dims[:-1], layer_dims[1:])
    return {key: value for l, (n_in, n_out) in enumerate(pairs, start=1)
            for key, value in ((f"W{l}", rng.normal(0.0, np.sqrt(2.0 / n_in), (n_in, n_out))),
                               (f"b{l}", np.zeros((1, n_out))))}


def initialize_parameters(layer_dims):
    return _init(layer_dims, np.random.default_rng())


def forward_propagation(X, parameters):
    L = _depth(parameters)

    def layer(state, l):
        A, cache = state
        Z = A @ parameters[f"W{l}"] + parameters[f"b{l}"]
        return (softmax(Z) if l == L else elu(Z)), cache + ((A, Z),)

    return reduce(layer, range(1, L + 1), (X, ()))


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[0]
    L = len(cache)
    dZ = softmax(cache[-1][1]) - Y
    grads = {}
    for l in range(L, 0, -1):
        A_prev, _ = cache[l - 1]
        grads[f"dW{l}"] = A_prev.T @ dZ / m
        grads[f"db{l}"] = dZ.sum(axis=0, keepdims=True) / m
        if l > 1:
            dZ = (dZ @ parameters[f"W{l}"].T) * elu_derivative(cache[l - 2][1])
    return grads


def update_parameters(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def dropout_forward(A, keep_prob, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    mask = np.where(rng.random(A.shape) < keep_prob, 1.0, 0.0)
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    parameters = _init(layer_dims, rng)
    m = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            rows = order[start:start + batch_size]
            _, cache = forward_propagation(X[rows], parameters)
            parameters = update_parameters(parameters, backward_propagation(parameters, cache, X[rows], Y[rows]),
                                           learning_rate)
    return parameters


def predict(X, parameters):
    probabilities, _ = forward_propagation(X, parameters)
    return probabilities.argmax(axis=1)
