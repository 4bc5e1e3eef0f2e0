"""A correct L-layer network in the style of a deep-learning course's "building blocks" assignment.

What the contract leaves free, and this file uses:

* caches of (linear_cache, activation_cache) = ((A_prev, W, b), Z) per layer: backward_propagation reads each W
  from the cache its forward pass stored, so it never needs its `parameters` argument (that is allowed: the cache
  is the forward pass of those very parameters);
* ReLU hidden layers and a sigmoid output, any depth, helper functions per step (linear_forward,
  linear_activation_forward, linear_backward, ...);
* weights randn / sqrt(n_in), zero biases;
* the update as a loop over layers on a copy of the dict (the caller's dict is left alone).

Verify it with:  python3 -m pytest --impl examples/deep_cache_network.py
"""

import copy

import numpy as np

LAYOUT = "columns"
HIDDEN_ACTIVATION = "relu"
OUTPUT_ACTIVATION = "sigmoid"


def sigmoid(Z):
    return np.exp(-np.logaddexp(0.0, -Z))  # 1 / (1 + e^-Z) computed in the log domain: no overflow


def sigmoid_derivative(Z):
    return np.exp(-np.logaddexp(0.0, -Z) - np.logaddexp(0.0, Z))  # sigma(Z) * sigma(-Z)


def relu(Z):
    A = np.maximum(0, Z)
    return A


def relu_derivative(Z):
    return np.where(Z > 0, 1.0, 0.0)


def tanh(Z):
    return np.tanh(Z)


def tanh_derivative(Z):
    return 1.0 - np.square(np.tanh(Z))


def elu(Z, alpha=1.0):
    return np.where(Z > 0, Z, alpha * (np.exp(np.minimum(Z, 0)) - 1))


def elu_derivative(Z, alpha=1.0):
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0)))


def softmax(Z):
    shifted = Z - np.max(Z, axis=0, keepdims=True)
    return np.exp(shifted - np.log(np.sum(np.exp(shifted), axis=0, keepdims=True)))


def compute_cost(AL, Y):
    m = Y.shape[1]
    AL = np.clip(AL, 1e-15, 1 - 1e-15)
    return float(np.squeeze(-(np.dot(Y, np.log(AL).T) + np.dot(1 - Y, np.log(1 - AL).T)) / m))


def binary_cross_entropy(y_true, y_pred):
    m = y_true.shape[1]
    p = np.clip(y_pred, 1e-15, 1 - 1e-15)
    return float(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)) / m)


def cross_entropy_loss(y_true, y_pred):
    m = y_true.shape[1]
    return float(-np.sum(y_true * np.log(np.clip(y_pred, 1e-15, None))) / m)


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


# -- building blocks ---------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims, seed=None):
    rng = np.random.RandomState(seed)
    parameters = {}
    for l in range(1, len(layer_dims)):
        parameters["W" + str(l)] = rng.randn(layer_dims[l], layer_dims[l - 1]) / np.sqrt(layer_dims[l - 1])
        parameters["b" + str(l)] = np.zeros((layer_dims[l], 1))
    return parameters


def linear_forward(A, W, b):
    Z = W.dot(A) + b
    return Z, (A, W, b)


def linear_activation_forward(A_prev, W, b, activation):
    Z, linear_cache = linear_forward(A_prev, W, b)
    A = sigmoid(Z) if activation == "sigmoid" else relu(Z)
    return A, (linear_cache, Z)


def forward_propagation(X, parameters):
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L):
        A, cache = linear_activation_forward(A, parameters["W" + str(l)], parameters["b" + str(l)], "relu")
        caches.append(cache)
    AL, cache = linear_activation_forward(A, parameters["W" + str(L)], parameters["b" + str(L)], "sigmoid")
    caches.append(cache)
    return AL, caches


def linear_backward(dZ, linear_cache):
    A_prev, W, b = linear_cache
    m = A_prev.shape[1]
    dW = 1. / m * np.dot(dZ, A_prev.T)
    db = 1. / m * np.sum(dZ, axis=1, keepdims=True)
    dA_prev = np.dot(W.T, dZ)
    return dA_prev, dW, db


def backward_propagation(parameters, cache, X, Y):
    grads = {}
    L = len(cache)
    linear_cache, ZL = cache[L - 1]
    dZ = sigmoid(ZL) - Y  # sigmoid output + binary cross-entropy
    dA_prev, grads["dW" + str(L)], grads["db" + str(L)] = linear_backward(dZ, linear_cache)
    for l in reversed(range(L - 1)):
        linear_cache, Z = cache[l]
        dZ = dA_prev * relu_derivative(Z)
        dA_prev, grads["dW" + str(l + 1)], grads["db" + str(l + 1)] = linear_backward(dZ, linear_cache)
    return grads


def update_parameters(parameters, grads, learning_rate):
    parameters = copy.deepcopy(parameters)
    L = len(parameters) // 2
    for l in range(L):
        parameters["W" + str(l + 1)] = parameters["W" + str(l + 1)] - learning_rate * grads["dW" + str(l + 1)]
        parameters["b" + str(l + 1)] = parameters["b" + str(l + 1)] - learning_rate * grads["db" + str(l + 1)]
    return parameters


def dropout_forward(A, keep_prob):
    D = np.random.rand(*A.shape) < keep_prob
    return np.multiply(A, D) / keep_prob, D


def dropout_backward(dA, mask, keep_prob):
    return np.multiply(dA, mask) / keep_prob


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.RandomState(seed)
    parameters = initialize_parameters(layer_dims, seed)
    m = X.shape[1]
    for epoch in range(epochs):
        permutation = rng.permutation(m)
        for k in range(0, m, batch_size):
            idx = permutation[k:k + batch_size]
            AL, caches = forward_propagation(X[:, idx], parameters)
            grads = backward_propagation(parameters, caches, X[:, idx], Y[:, idx])
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    probas, _ = forward_propagation(X, parameters)
    return (probas[0] > 0.5).astype(int)
