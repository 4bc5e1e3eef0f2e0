"""Argument checks shared by the public functions.

Every check raises ``ValueError("ARG was X, must be Y")``: the message names the
argument, shows what it was and says what it must be. The public functions call
these once; the training loop calls the unchecked internals, so a check never
runs per mini-batch step.
"""

import numbers

import numpy as np

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid", "elu")
OUTPUT_ACTIVATIONS = ("softmax", "sigmoid")


def _show(value):
    """A short, readable repr for error messages (arrays by shape, not contents)."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_choice(name, value, choices):
    """``value`` must be one of ``choices`` (activation names and the like)."""
    if not isinstance(value, str) or value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} was {_show(value)}, must be one of {valid}")
    return value


def check_array(name, value, ndim=2):
    """``value`` must convert to a finite float array with ``ndim`` dimensions."""
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} was {_show(value)}, must be a numeric array") from None
    if array.ndim != ndim:
        raise ValueError(
            f"{name} has {array.ndim} dimension(s) (shape {array.shape}), "
            f"must be a {ndim}-D array"
        )
    if array.size == 0:
        raise ValueError(f"{name} has shape {array.shape}, must not be empty")
    if not np.all(np.isfinite(array)):
        where = tuple(int(i) for i in np.argwhere(~np.isfinite(array))[0])
        raise ValueError(
            f"{name} contains {array[where]} at index {where}, "
            "must contain only finite numbers (no NaN or infinity)"
        )
    return array


def check_keep_prob(keep_prob):
    """Dropout's keep probability must be in (0, 1]; 1 means no dropout."""
    if (
        isinstance(keep_prob, bool)
        or not isinstance(keep_prob, numbers.Real)
        or not 0 < keep_prob <= 1
    ):
        raise ValueError(f"keep_prob was {_show(keep_prob)}, must be in (0, 1]")
    return float(keep_prob)


def check_positive_int(name, value):
    """Sizes and counts (epochs, batch_size, layer widths) are integers >= 1."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name} was {_show(value)}, must be a positive integer")
    return int(value)


def check_positive_number(name, value):
    """The learning rate is a finite number > 0."""
    if (
        isinstance(value, bool)
        or not isinstance(value, numbers.Real)
        or not np.isfinite(value)
        or value <= 0
    ):
        raise ValueError(f"{name} was {_show(value)}, must be a finite number > 0")
    return float(value)


def check_layer_dims(layer_dims):
    """``layer_dims`` is [n_0, n_1, ..., n_L]: at least input and output sizes."""
    if isinstance(layer_dims, (str, bytes)) or not hasattr(layer_dims, "__len__"):
        raise ValueError(
            f"layer_dims was {_show(layer_dims)}, must be a list of layer sizes "
            "[n_features, n_1, ..., n_outputs]"
        )
    if len(layer_dims) < 2:
        raise ValueError(
            f"layer_dims was {_show(list(layer_dims))}, must have at least 2 sizes "
            "[n_features, ..., n_outputs]"
        )
    for i, n in enumerate(layer_dims):
        check_positive_int(f"layer_dims[{i}]", n)
    return [int(n) for n in layer_dims]


def check_parameters(parameters):
    """``parameters`` holds W1, b1, ..., WL, bL with chained column-layout shapes.

    Returns the lists ``(Ws, bs)`` of float arrays, in layer order.
    """
    if not isinstance(parameters, dict) or "W1" not in parameters:
        raise ValueError(
            f"parameters was {_show(parameters)}, must be a dict with keys W1, b1, ..., WL, bL"
        )
    L = sum(1 for key in parameters if key.startswith("W"))
    Ws, bs = [], []
    for l in range(1, L + 1):
        for key in (f"W{l}", f"b{l}"):
            if key not in parameters:
                raise ValueError(
                    f"parameters was missing {key!r}, must have keys W1, b1, ..., W{L}, b{L}"
                )
        W = check_array(f"parameters['W{l}']", parameters[f"W{l}"])
        b = check_array(f"parameters['b{l}']", parameters[f"b{l}"])
        if b.shape != (W.shape[0], 1):
            raise ValueError(
                f"parameters['b{l}'] has shape {b.shape}, must be {(W.shape[0], 1)} "
                f"to match W{l} of shape {W.shape}"
            )
        if Ws and W.shape[1] != Ws[-1].shape[0]:
            raise ValueError(
                f"parameters['W{l}'] has shape {W.shape}, must have {Ws[-1].shape[0]} "
                f"columns to follow W{l - 1} of shape {Ws[-1].shape}"
            )
        Ws.append(W)
        bs.append(b)
    return Ws, bs


def check_X(X, Ws):
    """X must be (n_features, m) with n_features = the columns of W1."""
    X = check_array("X", X)
    n_features = Ws[0].shape[1]
    if X.shape[0] != n_features:
        raise ValueError(
            f"X has shape {X.shape} but W1 expects {n_features} features: "
            f"X must be ({n_features}, m) with samples as columns"
        )
    return X


def check_labels(name, Y, output, n_outputs, m):
    """Y must be (n_outputs, m): one-hot columns for softmax, 0/1 for sigmoid."""
    Y = check_array(name, Y)
    if Y.shape != (n_outputs, m):
        raise ValueError(
            f"{name} has shape {Y.shape}, must be ({n_outputs}, {m}): "
            f"{n_outputs} output(s) by {m} samples as columns"
        )
    not_binary = (Y != 0) & (Y != 1)
    if output == "softmax":
        bad = np.flatnonzero(not_binary.any(axis=0) | (Y.sum(axis=0) != 1))
        if bad.size:
            j = int(bad[0])
            raise ValueError(
                f"{name}[:, {j}] was {Y[:, j].tolist()}, must be one-hot "
                "(a single 1, the rest 0) for a softmax output"
            )
    elif not_binary.any():
        where = tuple(int(i) for i in np.argwhere(not_binary)[0])
        raise ValueError(
            f"{name}{list(where)} was {Y[where]}, must be 0 or 1 for a sigmoid output"
        )
    return Y


def check_probabilities(name, P, shape):
    """Predicted probabilities have the labels' shape and lie in [0, 1]."""
    P = check_array(name, P)
    if P.shape != shape:
        raise ValueError(f"{name} has shape {P.shape}, must be {shape} like y_true")
    if np.any((P < 0) | (P > 1)):
        where = tuple(int(i) for i in np.argwhere((P < 0) | (P > 1))[0])
        raise ValueError(f"{name}{list(where)} was {P[where]}, must be a probability in [0, 1]")
    return P
