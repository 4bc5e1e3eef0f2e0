"""A correct network that computes in float32, as GPU code and many tutorials do: samples as columns, tanh + softmax.

Every function casts what it is given to float32 and returns float32 arrays. nnspec detects that from what comes
back ("computes in float32: compared at float32 precision") and judges it at float32's machine epsilon, 2**-23,
instead of float64's 2**-52. It differs from the other examples on purpose:

* everything is float32 (the suite hands it float64 arrays and gets float32 back);
* the losses clip the probabilities to [1e-7, 1 - 1e-7] (Keras' epsilon) instead of adding an eps in the log;
* the sigmoid is written in the two-branch form that never overflows, np.exp of non-positive numbers only;
* weights are Xavier-scaled (sqrt(1 / n_in)) and drawn from a numpy Generator seeded by train;
* dropout's mask is a float32 array of 0s and 1s, drawn from the rng passed in (or a module-level Generator).

Verify it with:  python -m pytest --impl examples/float32_network.py
"""

import numpy as np

LAYOUT = "columns"  # X is (n_features, m); W_l is (n_l, n_{l-1}); b_l is (n_l, 1)
HIDDEN_ACTIVATION = "tanh"
OUTPUT_ACTIVATION = "softmax"

DTYPE = np.float32
CLIP = 1e-7  # Keras' epsilon
_RNG = np.random.default_rng()


def _f(x):
    return np.asarray(x, dtype=DTYPE)


# -- activations ------------------------------------------------------------------------------------------------

def relu(Z):
    return np.maximum(_f(Z), DTYPE(0))


def relu_derivative(Z):
    return (_f(Z) > 0).astype(DTYPE)


def sigmoid(Z):
    Z = _f(Z)
    e = np.exp(-np.abs(Z))  # never exp of a positive number: no overflow at any float32
    return np.where(Z >= 0, 1 / (1 + e), e / (1 + e)).astype(DTYPE)


def sigmoid_derivative(Z):
    s = sigmoid(Z)
    return s * (1 - s)


def tanh(Z):
    return np.tanh(_f(Z))


def tanh_derivative(Z):
    t = np.tanh(_f(Z))
    return 1 - t * t


def elu(Z, alpha=1.0):
    Z = _f(Z)
    return np.where(Z > 0, Z, DTYPE(alpha) * np.expm1(np.minimum(Z, 0))).astype(DTYPE)


def elu_derivative(Z, alpha=1.0):
    Z = _f(Z)
    return np.where(Z > 0, DTYPE(1), DTYPE(alpha) * np.exp(np.minimum(Z, 0))).astype(DTYPE)


def softmax(Z):
    Z = _f(Z)
    e = np.exp(Z - Z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


# -- losses -----------------------------------------------------------------------------------------------------

def cross_entropy_loss(y_true, y_pred):
    y_true, y_pred = _f(y_true), np.clip(_f(y_pred), CLIP, 1 - CLIP)
    return DTYPE(-(y_true * np.log(y_pred)).sum() / y_true.shape[1])


def binary_cross_entropy(y_true, y_pred):
    y_true, y_pred = _f(y_true), np.clip(_f(y_pred), CLIP, 1 - CLIP)
    terms = y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred)
    return DTYPE(-terms.sum() / y_true.shape[1])


def cross_entropy_derivative(y_true, y_pred):
    return _f(y_pred) - _f(y_true)


# -- the network ------------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims, rng=None):
    rng = rng if rng is not None else _RNG
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = (rng.standard_normal((n_out, n_in)) * np.sqrt(1.0 / n_in)).astype(DTYPE)
        parameters[f"b{l}"] = np.zeros((n_out, 1), dtype=DTYPE)
    return parameters


def forward_propagation(X, parameters):
    L = len(parameters) // 2
    A = _f(X)
    cache = {"A0": A}
    for l in range(1, L + 1):
        Z = _f(parameters[f"W{l}"]) @ A + _f(parameters[f"b{l}"])
        A = softmax(Z) if l == L else tanh(Z)
        cache[f"Z{l}"], cache[f"A{l}"] = Z, A
    return A, cache


def backward_propagation(parameters, cache, X, Y):
    L = len(parameters) // 2
    m = _f(X).shape[1]
    grads = {}
    dZ = cache[f"A{L}"] - _f(Y)
    for l in range(L, 0, -1):
        grads[f"dW{l}"] = (dZ @ cache[f"A{l - 1}"].T) / DTYPE(m)
        grads[f"db{l}"] = dZ.sum(axis=1, keepdims=True) / DTYPE(m)
        if l > 1:
            dZ = (_f(parameters[f"W{l}"]).T @ dZ) * tanh_derivative(cache[f"Z{l - 1}"])
    return grads


def update_parameters(parameters, grads, learning_rate):
    lr = DTYPE(learning_rate)
    return {key: (_f(value) - lr * _f(grads["d" + key])).astype(DTYPE) for key, value in parameters.items()}


def dropout_forward(A, keep_prob, rng=None):
    rng = rng if rng is not None else _RNG
    A = _f(A)
    mask = (rng.random(A.shape) < keep_prob).astype(DTYPE)
    return A * mask / DTYPE(keep_prob), mask


def dropout_backward(dA, mask, keep_prob):
    return _f(dA) * _f(mask) / DTYPE(keep_prob)


# -- training ---------------------------------------------------------------------------------------------------

def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    X, Y = _f(X), _f(Y)
    parameters = initialize_parameters(layer_dims, rng)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            _, cache = forward_propagation(X[:, batch], parameters)
            grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    probabilities, _ = forward_propagation(X, parameters)
    return np.argmax(probabilities, axis=0)
