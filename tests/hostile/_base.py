"""A correct, self-contained network (columns, ReLU hidden, softmax output, any depth) for the hostile files to
override one function of. It imports numpy only: an implementation under test cannot import nnspec's reference."""

import numpy as np

LAYOUT = "columns"
HIDDEN_ACTIVATION = "relu"
OUTPUT_ACTIVATION = "softmax"

_CLIP = 1e-12


def relu(Z):
    return np.maximum(Z, 0.0)


def relu_derivative(Z):
    return (Z > 0).astype(float)


def sigmoid(Z):
    return np.exp(-np.logaddexp(0.0, -Z))


def sigmoid_derivative(Z):
    s = sigmoid(Z)
    return s * (1 - s)


def tanh(Z):
    return np.tanh(Z)


def tanh_derivative(Z):
    return 1 - np.tanh(Z) ** 2


def elu(Z, alpha=1.0):
    return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0.0)))


def elu_derivative(Z, alpha=1.0):
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0.0)))


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def cross_entropy_loss(y_true, y_pred):
    return float(-np.sum(y_true * np.log(np.clip(y_pred, _CLIP, 1.0))) / y_true.shape[1])


def binary_cross_entropy(y_true, y_pred):
    p = np.clip(y_pred, _CLIP, 1 - _CLIP)
    return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)) / y_true.shape[1])


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


def initialize_parameters(layer_dims, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    return {key: value for layer in range(1, len(layer_dims)) for key, value in (
        (f"W{layer}", rng.standard_normal((layer_dims[layer], layer_dims[layer - 1])) * np.sqrt(2 / layer_dims[layer - 1])),
        (f"b{layer}", np.zeros((layer_dims[layer], 1))))}


def forward_propagation(X, parameters):
    L = len(parameters) // 2
    A, cache = X, {"A0": X}
    for layer in range(1, L + 1):
        Z = parameters[f"W{layer}"] @ A + parameters[f"b{layer}"]
        A = softmax(Z) if layer == L else relu(Z)
        cache[f"Z{layer}"], cache[f"A{layer}"] = Z, A
    return A, cache


def backward_propagation(parameters, cache, X, Y):
    L, m = len(parameters) // 2, X.shape[1]
    grads, dZ = {}, cache[f"A{L}"] - Y
    for layer in range(L, 0, -1):
        grads[f"dW{layer}"] = dZ @ cache[f"A{layer - 1}"].T / m
        grads[f"db{layer}"] = dZ.sum(axis=1, keepdims=True) / m
        if layer > 1:
            dZ = (parameters[f"W{layer}"].T @ dZ) * relu_derivative(cache[f"Z{layer - 1}"])
    return grads


def update_parameters(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def dropout_forward(A, keep_prob, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    mask = rng.random(A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
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
    return forward_propagation(X, parameters)[0].argmax(axis=0)
