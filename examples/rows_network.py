"""A correct one-hidden-layer network with samples as rows, in the style of a two-moons notebook.

X is (m, n_features), as pandas and scikit-learn hand it over; W1 is (n_in, n_hidden), b1 is (1, n_hidden);
Z1 = X @ W1 + b1. The classes (or the single sigmoid output) run along axis 1.

What the contract leaves free, and this file uses:

* LAYOUT "rows" (the suite transposes its data at the border);
* DEPTHS = (2,): only networks with exactly one hidden layer, which is all a two-moons notebook needs;
* Xavier initialisation randn / sqrt(n_in) from a numpy Generator;
* probabilities clipped to [1e-12, 1 - 1e-12] before the log;
* functional updates (new arrays, the old dict untouched) and float dropout masks.

Verify it with:  python3 -m pytest --impl examples/rows_network.py
"""

import numpy as np

LAYOUT = "rows"
HIDDEN_ACTIVATION = "tanh"
OUTPUT_ACTIVATION = "sigmoid"  # one output unit, labels 0/1, binary cross-entropy
DEPTHS = (2,)  # two weight layers: input -> hidden -> output

CLIP = 1e-12


# -- activations ------------------------------------------------------------------------------------------------

def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z):
    return np.tanh(z)


def tanh_derivative(z):
    t = np.tanh(z)
    return 1.0 - t * t


def relu(z):
    return np.where(z > 0, z, 0.0)


def relu_derivative(z):
    return (z > 0).astype(float)


def elu(z, alpha=1.0):
    negative = alpha * np.expm1(np.minimum(z, 0.0))
    return np.where(z > 0, z, negative)


def elu_derivative(z, alpha=1.0):
    return np.where(z > 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def softmax(z):
    shifted = z - z.max(axis=1, keepdims=True)  # classes along axis 1 in this layout
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)


# -- losses -----------------------------------------------------------------------------------------------------

def binary_cross_entropy(y_true, y_pred):
    p = np.clip(y_pred, CLIP, 1 - CLIP)
    per_sample = -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)).sum(axis=1)
    return float(per_sample.mean())


def cross_entropy_loss(y_true, y_pred):
    p = np.clip(y_pred, CLIP, 1.0)
    return float(-(y_true * np.log(p)).sum(axis=1).mean())


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


# -- the network ------------------------------------------------------------------------------------------------

def initialize_parameters(layer_dims, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    n_x, n_h, n_y = layer_dims
    return {
        "W1": rng.standard_normal((n_x, n_h)) / np.sqrt(n_x),
        "b1": np.zeros((1, n_h)),
        "W2": rng.standard_normal((n_h, n_y)) / np.sqrt(n_h),
        "b2": np.zeros((1, n_y)),
    }


def forward_propagation(X, parameters):
    Z1 = X @ parameters["W1"] + parameters["b1"]
    A1 = tanh(Z1)
    Z2 = A1 @ parameters["W2"] + parameters["b2"]
    A2 = sigmoid(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def backward_propagation(parameters, cache, X, Y):
    m = X.shape[0]
    dZ2 = cache["A2"] - Y  # sigmoid + binary cross-entropy: the sigmoid's derivative cancels
    dW2 = cache["A1"].T @ dZ2 / m
    db2 = dZ2.sum(axis=0, keepdims=True) / m
    dA1 = dZ2 @ parameters["W2"].T
    dZ1 = dA1 * tanh_derivative(cache["Z1"])
    dW1 = X.T @ dZ1 / m
    db1 = dZ1.sum(axis=0, keepdims=True) / m
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(parameters, grads, learning_rate):
    return {key: value - learning_rate * grads["d" + key] for key, value in parameters.items()}


def dropout_forward(A, keep_prob, rng=None):
    rng = rng if rng is not None else np.random.default_rng()
    mask = (rng.random(A.shape) < keep_prob).astype(float)
    return A * mask / keep_prob, mask


def dropout_backward(dA, mask, keep_prob):
    return dA * mask / keep_prob


# -- training ---------------------------------------------------------------------------------------------------

def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    parameters = initialize_parameters(layer_dims, rng)
    m = X.shape[0]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            rows = order[start:start + batch_size]
            _, cache = forward_propagation(X[rows], parameters)
            grads = backward_propagation(parameters, cache, X[rows], Y[rows])
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters


def predict(X, parameters):
    A2, _ = forward_propagation(X, parameters)
    return (A2[:, 0] > 0.5).astype(int)
