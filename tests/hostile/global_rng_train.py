"""A correct network whose train draws its initial weights from numpy's global generator, unseeded: its verdict
may depend only on nnspec's seed for that check, never on which checks ran before."""
import numpy as np

from _base import *  # noqa: F401,F403
from _base import backward_propagation, forward_propagation, update_parameters


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
    parameters = {}
    for layer in range(1, len(layer_dims)):
        parameters[f"W{layer}"] = np.random.randn(layer_dims[layer], layer_dims[layer - 1]) * np.sqrt(
            2 / layer_dims[layer - 1])
        parameters[f"b{layer}"] = np.zeros((layer_dims[layer], 1))
    for _ in range(epochs):
        order = np.random.permutation(X.shape[1])
        for start in range(0, X.shape[1], batch_size):
            batch = order[start:start + batch_size]
            _, cache = forward_propagation(X[:, batch], parameters)
            grads = backward_propagation(parameters, cache, X[:, batch], Y[:, batch])
            parameters = update_parameters(parameters, grads, learning_rate)
    return parameters
