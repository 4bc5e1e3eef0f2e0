"""A correct network in the style of a Deep Learning Specialization assignment: one tanh hidden layer, a sigmoid
output, weights drawn as np.random.randn(...) * 0.01.

What the contract leaves free, and this file uses:

* small initial weights (0.01 * randn): the hidden units start in tanh's linear range, so training is slow at first
  (slow is not wrong: the suite measures before it judges, and gives a slow but correct train a longer budget);
* a cache dict {"Z1", "A1", "Z2", "A2"}, gradients computed from it with the course's 1/m factors;
* mini-batches cut from a seeded permutation, the last one smaller when m is not a multiple of the batch size;
* numpy's global generator, seeded once by train (np.random.seed).

Verify it with:  python3 -m pytest --impl examples/dls_network.py
"""

import numpy as np

LAYOUT = "columns"  # X is (n_x, m), W1 is (n_h, n_x), b1 is (n_h, 1)
HIDDEN_ACTIVATION = "tanh"
OUTPUT_ACTIVATION = "sigmoid"
DEPTHS = (2,)  # layer_sizes: n_x -> n_h -> n_y


# -- activations ------------------------------------------------------------------------------------------------

def sigmoid(Z):
    # exp(-Z) overflows to inf for Z < -709; 1 / (1 + inf) is then exactly the limit 0, so the warning is harmless.
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-Z))


def sigmoid_derivative(Z):
    s = sigmoid(Z)
    return s * (1 - s)


def tanh(Z):
    return np.tanh(Z)


def tanh_derivative(Z):
    return 1 - np.power(np.tanh(Z), 2)


def relu(Z):
    return Z * (Z > 0)


def relu_derivative(Z):
    return (Z > 0) * 1.0


def elu(Z, alpha=1.0):
    return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0)))


def elu_derivative(Z, alpha=1.0):
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0)))


def softmax(Z):
    t = np.exp(Z - Z.max(axis=0, keepdims=True))
    return t / t.sum(axis=0, keepdims=True)


# -- cost -------------------------------------------------------------------------------------------------------

def binary_cross_entropy(y_true, y_pred):
    m = y_true.shape[1]
    p = np.clip(y_pred, 1e-15, 1 - 1e-15)
    logprobs = np.multiply(np.log(p), y_true) + np.multiply(np.log(1 - p), 1 - y_true)
    return float(np.squeeze(-np.sum(logprobs) / m))


def cross_entropy_loss(y_true, y_pred):
    m = y_true.shape[1]
    return float(-np.sum(y_true * np.log(np.clip(y_pred, 1e-15, 1.0))) / m)


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


# -- model ------------------------------------------------------------------------------------------------------

def layer_sizes(layer_dims):
    n_x, n_h, n_y = layer_dims
    return n_x, n_h, n_y


def initialize_parameters(layer_dims):
    n_x, n_h, n_y = layer_sizes(layer_dims)
    W1 = np.random.randn(n_h, n_x) * 0.01
    b1 = np.zeros((n_h, 1))
    W2 = np.random.randn(n_y, n_h) * 0.01
    b2 = np.zeros((n_y, 1))
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def forward_propagation(X, parameters):
    W1, b1 = parameters["W1"], parameters["b1"]
    W2, b2 = parameters["W2"], parameters["b2"]
    Z1 = np.dot(W1, X) + b1
    A1 = np.tanh(Z1)
    Z2 = np.dot(W2, A1) + b2
    A2 = sigmoid(Z2)
    cache = {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}
    return A2, cache


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[1]
    W2 = parameters["W2"]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.dot(W2.T, dZ2) * (1 - np.power(A1, 2))  # tanh'(Z1) = 1 - A1**2, A1 = tanh(Z1)
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    W1 = parameters["W1"] - learning_rate * grads["dW1"]
    b1 = parameters["b1"] - learning_rate * grads["db1"]
    W2 = parameters["W2"] - learning_rate * grads["dW2"]
    b2 = parameters["b2"] - learning_rate * grads["db2"]
    return {"W1": W1, "b1": b1, "W2": W2, "b2": b2}


def dropout_forward(A, keep_prob):
    D = np.random.rand(A.shape[0], A.shape[1])
    D = (D < keep_prob).astype(int)
    return A * D / keep_prob, D


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


# -- training ---------------------------------------------------------------------------------------------------

def random_mini_batches(X, Y, mini_batch_size):
    m = X.shape[1]
    permutation = list(np.random.permutation(m))
    shuffled_X, shuffled_Y = X[:, permutation], Y[:, permutation]
    batches = []
    for k in range(0, m, mini_batch_size):
        batches.append((shuffled_X[:, k:k + mini_batch_size], shuffled_Y[:, k:k + mini_batch_size]))
    return batches


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    np.random.seed(seed)
    parameters = initialize_parameters(layer_dims)
    for i in range(epochs):
        for mini_X, mini_Y in random_mini_batches(X, Y, batch_size):
            A2, cache = forward_propagation(mini_X, parameters)
            grads = backward_propagation(parameters, cache, mini_X, mini_Y)
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    A2, cache = forward_propagation(X, parameters)
    predictions = (A2 > 0.5)
    return predictions.astype(int).reshape(-1)
