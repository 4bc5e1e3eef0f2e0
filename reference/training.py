"""Mini-batch SGD (train) and prediction, samples as columns.

train() validates everything once, then runs the unchecked network internals:
per step that is a forward pass, a backward pass and an in-place update of
arrays that train() itself created, so the caller's arrays are never touched.
"""

import numbers

import numpy as np

from . import validation
from .activations import HIDDEN, OUTPUT
from .network import _backward, _forward, _initialize


def minibatches(X, Y, batch_size, rng):
    """Yield (X_batch, Y_batch) column blocks of one epoch, in a fresh random order.

    The samples are shuffled once (rng.permutation), then cut into consecutive
    blocks of batch_size; the last block keeps the m % batch_size leftovers, so
    every sample is seen exactly once per epoch.
    """
    m = X.shape[1]
    order = rng.permutation(m)
    X, Y = X[:, order], Y[:, order]
    for start in range(0, m, batch_size):
        yield X[:, start:start + batch_size], Y[:, start:start + batch_size]


def _check_seed(seed):
    if seed is not None and (
        isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0
    ):
        raise ValueError(f"seed was {seed!r}, must be a non-negative integer (or None)")
    return seed


def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed, *,
          keep_prob=1.0, callback=None, hidden="relu", output="softmax"):
    """Mini-batch SGD on X (n_0, m), Y (n_L, m) -> trained parameters {"W1", "b1", ...}.

    One generator, numpy.random.default_rng(seed), draws the initial weights,
    then each epoch's shuffle and the dropout masks, so a seed fixes the result
    to the bit. Each epoch visits every sample once in batches of batch_size
    (the last, partial batch included). ``keep_prob`` < 1 drops hidden units
    during training only. ``callback(epoch, parameters)`` runs after each epoch
    (epochs count from 1) with a copy of the current parameters.
    """
    validation.check_choice("hidden", hidden, tuple(HIDDEN))
    validation.check_choice("output", output, tuple(OUTPUT))
    layer_dims = validation.check_layer_dims(layer_dims)
    X = validation.check_array("X", X)
    if X.shape[0] != layer_dims[0]:
        raise ValueError(
            f"X has shape {X.shape} but layer_dims[0] is {layer_dims[0]} features: "
            f"X must be ({layer_dims[0]}, m) with samples as columns"
        )
    m = X.shape[1]
    Y = validation.check_labels("Y", Y, output, layer_dims[-1], m)
    learning_rate = validation.check_positive_number("learning_rate", learning_rate)
    epochs = validation.check_positive_int("epochs", epochs)
    batch_size = validation.check_positive_int("batch_size", batch_size)
    keep_prob = validation.check_keep_prob(keep_prob)
    seed = _check_seed(seed)
    if callback is not None and not callable(callback):
        raise ValueError(f"callback was {callback!r}, must be callable(epoch, parameters) or None")

    rng = np.random.default_rng(seed)
    parameters = _initialize(layer_dims, rng, hidden)
    L = len(layer_dims) - 1
    Ws = [parameters[f"W{l}"] for l in range(1, L + 1)]
    bs = [parameters[f"b{l}"] for l in range(1, L + 1)]
    for epoch in range(1, epochs + 1):
        for X_batch, Y_batch in minibatches(X, Y, batch_size, rng):
            _, cache = _forward(X_batch, Ws, bs, hidden, output, keep_prob, rng)
            dWs, dbs = _backward(Ws, cache, X_batch, Y_batch, hidden)
            for W, b, dW, db in zip(Ws, bs, dWs, dbs):
                W -= learning_rate * dW  # in place: these arrays are train()'s own
                b -= learning_rate * db
        if callback is not None:
            callback(epoch, {k: v.copy() for k, v in parameters.items()})
    return parameters


def _predict(X, Ws, bs, hidden, output):
    A, _ = _forward(X, Ws, bs, hidden, output)
    if output == "softmax":
        return np.argmax(A, axis=0)
    # One sigmoid unit gives a label vector (m,); several give (n_L, m) of 0/1.
    labels = (A > 0.5).astype(np.intp)
    return labels[0] if labels.shape[0] == 1 else labels


def predict(X, parameters, *, hidden="relu", output="softmax"):
    """X (n_0, m) -> labels (m,): argmax class for softmax, 1 where p > 0.5 for sigmoid.

    Dropout is off: prediction uses every unit at its full (unscaled) weight.
    """
    validation.check_choice("hidden", hidden, tuple(HIDDEN))
    validation.check_choice("output", output, tuple(OUTPUT))
    Ws, bs = validation.check_parameters(parameters)
    X = validation.check_X(X, Ws)
    return _predict(X, Ws, bs, hidden, output)


def accuracy(labels, predicted):
    """Fraction of equal entries of two label vectors of length m."""
    labels, predicted = np.asarray(labels), np.asarray(predicted)
    if labels.shape != predicted.shape:
        raise ValueError(f"predicted has shape {predicted.shape}, must be {labels.shape} like labels")
    return float(np.mean(labels == predicted))
