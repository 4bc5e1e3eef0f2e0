"""A correct network written the way many first notebooks write one: samples as columns, ReLU + softmax.

It differs from nnspec's reference on purpose, to show what the contract leaves free:

* the losses add 1e-8 inside the log instead of clipping;
* relu_derivative returns a boolean array (Z > 0): numpy turns True/False into 1/0 when it multiplies;
* dropout draws a boolean mask from numpy's global generator (np.random.rand), with no rng argument;
* update_parameters changes the arrays in place (and still returns the dict);
* weights are drawn with He's scale sqrt(2 / n_in) from the global generator, seeded by train.

Verify it with:  python3 -m pytest --impl examples/epsilon_network.py
"""

import numpy as np

LAYOUT = "columns"  # X is (n_features, m); W_l is (n_l, n_{l-1}); b_l is (n_l, 1)
HIDDEN_ACTIVATION = "relu"
OUTPUT_ACTIVATION = "softmax"
# No DEPTHS: any number of layers works (the suite tries 1, 2 and 3 weight layers).

EPSILON = 1e-8  # keeps log away from log(0) = -inf


# -- activations ------------------------------------------------------------------------------------------------

def relu(Z):
    return np.maximum(0, Z)


def relu_derivative(Z):
    return Z > 0


def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def sigmoid_derivative(Z):
    s = sigmoid(Z)
    return s * (1 - s)


def tanh(Z):
    return np.tanh(Z)


def tanh_derivative(Z):
    return 1 - np.tanh(Z) ** 2


def elu(Z, alpha=1.0):
    return np.where(Z > 0, Z, alpha * (np.exp(np.minimum(Z, 0)) - 1))


def elu_derivative(Z, alpha=1.0):
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0)))


def softmax(Z):
    expZ = np.exp(Z - np.max(Z, axis=0, keepdims=True))  # the max shift keeps exp from overflowing
    return expZ / np.sum(expZ, axis=0, keepdims=True)


# -- losses -----------------------------------------------------------------------------------------------------

def cross_entropy_loss(y_true, y_pred):
    m = y_true.shape[1]
    return -np.sum(y_true * np.log(y_pred + EPSILON)) / m


def binary_cross_entropy(y_true, y_pred):
    m = y_true.shape[1]
    return -np.sum(y_true * np.log(y_pred + EPSILON) + (1 - y_true) * np.log(1 - y_pred + EPSILON)) / m


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


# -- the network ------------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims):
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = np.random.randn(layer_dims[l], layer_dims[l - 1]) * np.sqrt(2 / layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def forward_propagation(X, parameters):
    L = len(parameters) // 2
    caches = []
    A = X
    for l in range(1, L + 1):
        A_prev = A
        Z = parameters["W" + str(l)] @ A_prev + parameters["b" + str(l)]
        A = softmax(Z) if l == L else relu(Z)
        caches.append((A_prev, Z))
    return A, caches


def backward_propagation(parameters, cache, X, Y):
    L = len(cache)
    m = X.shape[1]
    grads = {}
    A_last = softmax(cache[-1][1])
    dZ = cross_entropy_derivative(Y, A_last)
    for l in range(L, 0, -1):
        A_prev, _ = cache[l - 1]
        grads["dW" + str(l)] = dZ @ A_prev.T / m
        grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dA_prev = parameters["W" + str(l)].T @ dZ
            dZ = dA_prev * relu_derivative(cache[l - 2][1])
    return grads


def update_parameters(parameters, grads, learning_rate):
    for key in parameters:
        parameters[key] -= learning_rate * grads["d" + key]
    return parameters


def dropout_forward(A, keep_prob):
    mask = np.random.rand(*A.shape) < keep_prob
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


# -- training ---------------------------------------------------------------------------------------------------

def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    np.random.seed(seed)
    parameters = initialize_parameters(layer_dims)
    m = X.shape[1]
    for epoch in range(epochs):
        order = np.random.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            X_batch, Y_batch = X[:, batch], Y[:, batch]
            _, cache = forward_propagation(X_batch, parameters)
            grads = backward_propagation(parameters, cache, X_batch, Y_batch)
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    probabilities, _ = forward_propagation(X, parameters)
    return np.argmax(probabilities, axis=0)
