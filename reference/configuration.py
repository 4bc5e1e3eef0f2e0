"""configure(hidden, output): the reference as a module for one (hidden, output) pair.

The property suite loads an implementation as a module and reads LAYOUT,
HIDDEN_ACTIVATION, OUTPUT_ACTIVATION and the contract functions from it. The
module built here looks exactly like a hand-written one: plain functions with
the contract's signatures, bound to one hidden and one output activation.
"""

import itertools
import types

from . import activations, losses, network, training
from .validation import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, check_choice

LAYOUT = "columns"

# Every configuration the suite can run: 4 hidden activations x 2 output layers.
CONFIGURATIONS = list(itertools.product(HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS))


def configure(hidden="relu", output="softmax"):
    """A module implementing the contract with ``hidden`` units and an ``output`` layer.

    hidden: "relu", "tanh", "sigmoid" or "elu"; output: "softmax" (one-hot Y,
    categorical cross-entropy) or "sigmoid" (0/1 Y, binary cross-entropy).
    The activations, losses (cross_entropy_loss is always the categorical one,
    binary_cross_entropy the binary one), update and dropout are shared;
    initialisation, the two passes, training and prediction follow the choice.
    """
    check_choice("hidden", hidden, HIDDEN_ACTIVATIONS)
    check_choice("output", output, OUTPUT_ACTIVATIONS)

    def initialize_parameters(layer_dims, seed=0, *, rng=None):
        return network.initialize_parameters(layer_dims, seed, rng=rng, hidden=hidden)

    def forward_propagation(X, parameters, keep_prob=1.0, rng=None):
        return network.forward_propagation(
            X, parameters, keep_prob, rng, hidden=hidden, output=output)

    def backward_propagation(parameters, cache, X, Y):
        return network.backward_propagation(
            parameters, cache, X, Y, hidden=hidden, output=output)

    def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed, *,
              keep_prob=1.0, callback=None):
        return training.train(
            X, Y, layer_dims, learning_rate, epochs, batch_size, seed,
            keep_prob=keep_prob, callback=callback, hidden=hidden, output=output)

    def predict(X, parameters):
        return training.predict(X, parameters, hidden=hidden, output=output)

    bound = {
        "initialize_parameters": initialize_parameters,
        "forward_propagation": forward_propagation,
        "backward_propagation": backward_propagation,
        "train": train,
        "predict": predict,
    }
    name = f"reference.configure({hidden!r}, {output!r})"
    module = types.ModuleType(name, f"The nnspec reference network: {hidden} hidden layers, {output} output.")
    for fname, function in bound.items():
        original = getattr(network, fname, None) or getattr(training, fname)
        function.__name__ = function.__qualname__ = fname
        function.__doc__ = original.__doc__
        function.__module__ = name
    shared = {
        fname: getattr(activations, fname)
        for fname in ("relu", "relu_derivative", "sigmoid", "sigmoid_derivative",
                      "tanh", "tanh_derivative", "elu", "elu_derivative", "softmax")
    }
    shared.update(
        cross_entropy_loss=losses.cross_entropy_loss,
        binary_cross_entropy=losses.binary_cross_entropy,
        cross_entropy_derivative=losses.cross_entropy_derivative,
        update_parameters=network.update_parameters,
        dropout_forward=network.dropout_forward,
        dropout_backward=network.dropout_backward,
    )
    vars(module).update(
        LAYOUT=LAYOUT, HIDDEN_ACTIVATION=hidden, OUTPUT_ACTIVATION=output, **shared, **bound)
    return module
