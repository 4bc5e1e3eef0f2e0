"""A correct network written as a class, with the contract's module-level functions delegating to it.

What the contract leaves free, and this file uses:

* a `Network` object that owns the layer loop; each module-level function builds one from the `parameters` it is
  given (nothing is kept between calls, so backward_propagation depends only on its arguments);
* sigmoid hidden layers and a softmax output, any depth;
* the cache as a list of per-layer dicts, the gradients accumulated in a dict comprehension;
* a numpy Generator per call (`np.random.default_rng(seed)` in train, a fresh one in dropout).

Verify it with:  python3 -m pytest --impl examples/class_network.py
"""

import numpy as np

LAYOUT = "columns"
HIDDEN_ACTIVATION = "sigmoid"
OUTPUT_ACTIVATION = "softmax"


def _sigmoid(Z):
    # Split by sign so that exp never overflows: for Z < 0, e^Z / (1 + e^Z) is the same value.
    E = np.exp(-np.abs(Z))
    return np.where(Z >= 0, 1 / (1 + E), E / (1 + E))


class Network:
    """A dense network over columns X (n_0, m): Z_l = W_l A_{l-1} + b_l, sigmoid hidden layers, softmax output."""

    def __init__(self, parameters):
        self.W = [parameters[f"W{l}"] for l in range(1, len(parameters) // 2 + 1)]
        self.b = [parameters[f"b{l}"] for l in range(1, len(parameters) // 2 + 1)]

    @classmethod
    def initialised(cls, layer_dims, rng):
        """Xavier weights randn * sqrt(1 / n_in) (suits sigmoid), zero biases."""
        parameters = {}
        for l, (n_in, n_out) in enumerate(zip(layer_dims[:-1], layer_dims[1:]), start=1):
            parameters[f"W{l}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(1.0 / n_in)
            parameters[f"b{l}"] = np.zeros((n_out, 1))
        return cls(parameters)

    @property
    def parameters(self):
        return {key: value for l, (W, b) in enumerate(zip(self.W, self.b), start=1)
                for key, value in ((f"W{l}", W), (f"b{l}", b))}

    def forward(self, X):
        layers, A = [], X
        for l, (W, b) in enumerate(zip(self.W, self.b)):
            Z = W @ A + b
            layers.append({"A_prev": A, "Z": Z})
            A = Network.softmax(Z) if l == len(self.W) - 1 else _sigmoid(Z)
        return A, layers

    def backward(self, layers, Y):
        m = Y.shape[1]
        dZ = Network.softmax(layers[-1]["Z"]) - Y
        grads = {}
        for l in reversed(range(len(self.W))):
            grads[f"dW{l + 1}"] = dZ @ layers[l]["A_prev"].T / m
            grads[f"db{l + 1}"] = dZ.mean(axis=1, keepdims=True)
            if l:
                s = _sigmoid(layers[l - 1]["Z"])
                dZ = (self.W[l].T @ dZ) * s * (1 - s)
        return grads

    def step(self, grads, learning_rate):
        self.W = [W - learning_rate * grads[f"dW{l}"] for l, W in enumerate(self.W, start=1)]
        self.b = [b - learning_rate * grads[f"db{l}"] for l, b in enumerate(self.b, start=1)]

    @staticmethod
    def softmax(Z):
        E = np.exp(Z - Z.max(axis=0, keepdims=True))
        return E / E.sum(axis=0, keepdims=True)


# -- the contract's functions -----------------------------------------------------------------------------------

def sigmoid(Z):
    return _sigmoid(Z)


def sigmoid_derivative(Z):
    s = _sigmoid(Z)
    return s * (1 - s)


def relu(Z):
    return np.clip(Z, 0, None)


def relu_derivative(Z):
    return np.heaviside(Z, 0.0)


def tanh(Z):
    return np.tanh(Z)


def tanh_derivative(Z):
    return 1 / np.cosh(np.clip(Z, -350, 350)) ** 2  # sech^2; cosh overflows past 710, where sech^2 is 0 anyway


def elu(Z, alpha=1.0):
    return np.where(Z > 0, Z, alpha * np.expm1(np.minimum(Z, 0)))


def elu_derivative(Z, alpha=1.0):
    return np.where(Z > 0, 1.0, alpha * np.exp(np.minimum(Z, 0)))


def softmax(Z):
    return Network.softmax(Z)


def cross_entropy_loss(y_true, y_pred):
    return float(np.mean(-np.sum(y_true * np.log(np.maximum(y_pred, 1e-300)), axis=0)))


def binary_cross_entropy(y_true, y_pred):
    p = np.clip(y_pred, 1e-15, 1 - 1e-15)
    return float(np.mean(-np.sum(y_true * np.log(p) + (1 - y_true) * np.log1p(-p), axis=0)))


def cross_entropy_derivative(y_true, y_pred):
    return y_pred - y_true


def initialize_parameters(layer_dims):
    return Network.initialised(layer_dims, np.random.default_rng()).parameters


def forward_propagation(X, parameters):
    return Network(parameters).forward(X)


def backward_propagation(parameters, cache, X, Y):
    return Network(parameters).backward(cache, Y)


def update_parameters(parameters, grads, learning_rate):
    network = Network(parameters)
    network.step(grads, learning_rate)
    return network.parameters


def dropout_forward(A, keep_prob, rng=None):
    rng = np.random.default_rng() if rng is None else rng
    mask = rng.uniform(size=A.shape) < keep_prob
    return np.where(mask, A / keep_prob, 0.0), mask


def dropout_backward(dA, mask, keep_prob):
    return np.where(mask, dA / keep_prob, 0.0)


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    network = Network.initialised(layer_dims, rng)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for batch in np.array_split(order, max(1, -(-m // batch_size))):
            _, layers = network.forward(X[:, batch])
            network.step(network.backward(layers, Y[:, batch]), learning_rate)
    return network.parameters


def predict(X, parameters):
    A, _ = Network(parameters).forward(X)
    return A.argmax(axis=0)
