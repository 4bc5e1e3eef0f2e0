"""An L-layer fully connected network, samples as columns; forward beside backward.

Shapes (layout "columns"): X is (n_0, m); W_l is (n_l, n_{l-1}); b_l is (n_l, 1).

    forward                               backward (of the mean loss J)
    Z_l = W_l A_{l-1} + b_l               dZ_L = (A_L - Y) / m
    A_l = g(Z_l)      (l < L)             dW_l = dZ_l A_{l-1}^T,  db_l = sum_i dZ_l
    A_l = D_l * A_l / keep_prob (dropout) dA_{l-1} = W_l^T dZ_l
    A_L = softmax(Z_L) or sigmoid(Z_L)    dZ_{l-1} = dA_{l-1} * D / keep_prob * g'(Z_{l-1})

The public functions validate their arguments and then call the underscore
functions, which work on lists of arrays and check nothing: the training loop
calls those directly so that one SGD step stays a handful of numpy calls.
"""

import numpy as np

from . import validation
from .activations import HIDDEN, OUTPUT

# ---------------------------------------------------------------- initialise


def _initialize(layer_dims, rng, hidden):
    """He (std sqrt(2/n_in)) for relu/elu, Xavier (std sqrt(1/n_in)) for tanh/sigmoid.

    Both keep the variance of the activations roughly constant from layer to
    layer for their activation; biases start at zero (the random weights
    already break the symmetry between units).
    """
    gain = 2.0 if hidden in ("relu", "elu") else 1.0
    parameters = {}
    for l in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[l - 1], layer_dims[l]
        parameters[f"W{l}"] = rng.standard_normal((n_out, n_in)) * np.sqrt(gain / n_in)
        parameters[f"b{l}"] = np.zeros((n_out, 1))
    return parameters


def initialize_parameters(layer_dims, seed=0, *, rng=None, hidden="relu"):
    """layer_dims [n_0, ..., n_L] -> {"W1": (n_1, n_0), "b1": (n_1, 1), ..., "WL", "bL"}.

    Draws from ``rng`` if given, else from numpy.random.default_rng(seed); never
    from numpy's global random state. ``hidden`` picks the initialisation scale.
    """
    layer_dims = validation.check_layer_dims(layer_dims)
    validation.check_choice("hidden", hidden, tuple(HIDDEN))
    if rng is None:
        rng = np.random.default_rng(seed)
    return _initialize(layer_dims, rng, hidden)


# ------------------------------------------------------------------- dropout


def _dropout_mask(shape, keep_prob, rng):
    return rng.random(shape) < keep_prob


def dropout_forward(A, keep_prob, rng=None):
    """Inverted dropout: A (n, m) -> (A * D / keep_prob, D) with D ~ Bernoulli(keep_prob).

    Dividing by keep_prob keeps E[output] = A, so nothing needs rescaling at
    prediction time, where dropout is simply off. keep_prob == 1 keeps every
    unit. Without ``rng`` a fresh generator is used, so masks differ per call.
    """
    A = validation.check_array("A", A, ndim=np.ndim(A))
    keep_prob = validation.check_keep_prob(keep_prob)
    if keep_prob == 1.0:
        return A.copy(), np.ones(A.shape, dtype=bool)
    if rng is None:
        rng = np.random.default_rng()
    D = _dropout_mask(A.shape, keep_prob, rng)
    return A * D / keep_prob, D


def dropout_backward(dA, mask, keep_prob):
    """dA (n, m) through the same mask: dA * D / keep_prob (dropped units get 0)."""
    dA = validation.check_array("dA", dA, ndim=np.ndim(dA))
    keep_prob = validation.check_keep_prob(keep_prob)
    mask = np.asarray(mask)
    if mask.shape != dA.shape:
        raise ValueError(f"mask has shape {mask.shape}, must be {dA.shape} like dA")
    return dA * mask / keep_prob


# ------------------------------------------------------- forward and backward


def _forward(X, Ws, bs, hidden, output, keep_prob=1.0, rng=None):
    """Unchecked forward pass -> (A_L, cache); cache = {"Z": [Z_1..Z_L], "A": [A_1..A_L], "D": masks}."""
    g = HIDDEN[hidden][0]
    Zs, As, Ds = [], [], []
    A = X
    last = len(Ws) - 1
    for l, (W, b) in enumerate(zip(Ws, bs)):
        Z = W @ A + b
        if l == last:
            A = OUTPUT[output](Z)
        else:
            A = g(Z)
            if keep_prob < 1.0:
                D = _dropout_mask(A.shape, keep_prob, rng)
                A = A * D / keep_prob
                Ds.append(D)
        Zs.append(Z)
        As.append(A)
    return A, {"Z": Zs, "A": As, "D": Ds, "keep_prob": keep_prob}


def _backward(Ws, cache, X, Y, hidden):
    """Unchecked backward pass of the mean loss -> (dWs, dbs) lists in layer order."""
    g_prime = HIDDEN[hidden][1]
    Zs, As, Ds, keep_prob = cache["Z"], cache["A"], cache["D"], cache["keep_prob"]
    L = len(Ws)
    dWs, dbs = [None] * L, [None] * L
    # Softmax + categorical CE and sigmoid + binary CE both give dJ_i/dZ_L = A_L - Y;
    # dividing once by m here makes every gradient below that of the mean loss.
    dZ = (As[-1] - Y) / Y.shape[1]
    for l in range(L - 1, -1, -1):
        A_prev = As[l - 1] if l > 0 else X
        dWs[l] = dZ @ A_prev.T
        dbs[l] = dZ.sum(axis=1, keepdims=True)
        if l > 0:
            dA = Ws[l].T @ dZ
            if Ds:
                dA = dA * Ds[l - 1] / keep_prob
            dZ = dA * g_prime(Zs[l - 1])
    return dWs, dbs


def forward_propagation(X, parameters, keep_prob=1.0, rng=None, *, hidden="relu", output="softmax"):
    """X (n_0, m) -> (A_L (n_L, m), cache) through hidden g and the output activation.

    ``keep_prob`` < 1 applies inverted dropout to every hidden layer's output
    (masks drawn from ``rng``, a fresh generator if None); the default 1.0 is
    prediction mode. The cache holds the Z's, A's and masks backward needs.
    """
    validation.check_choice("hidden", hidden, tuple(HIDDEN))
    validation.check_choice("output", output, tuple(OUTPUT))
    Ws, bs = validation.check_parameters(parameters)
    X = validation.check_X(X, Ws)
    keep_prob = validation.check_keep_prob(keep_prob)
    if keep_prob < 1.0 and rng is None:
        rng = np.random.default_rng()
    return _forward(X, Ws, bs, hidden, output, keep_prob, rng)


def backward_propagation(parameters, cache, X, Y, *, hidden="relu", output="softmax"):
    """Gradients of the mean loss -> {"dW1": shape of W1, "db1": shape of b1, ...}.

    Y is (n_L, m): one-hot columns for softmax, 0/1 for sigmoid. ``cache`` is
    the one forward_propagation returned for this X.
    """
    validation.check_choice("hidden", hidden, tuple(HIDDEN))
    validation.check_choice("output", output, tuple(OUTPUT))
    Ws, _ = validation.check_parameters(parameters)
    X = validation.check_X(X, Ws)
    Y = validation.check_labels("Y", Y, output, Ws[-1].shape[0], X.shape[1])
    if not isinstance(cache, dict) or not {"Z", "A", "D", "keep_prob"} <= cache.keys():
        raise ValueError(
            f"cache was {validation._show(cache)}, must be the cache forward_propagation returned"
        )
    if len(cache["A"]) != len(Ws) or cache["A"][-1].shape != Y.shape:
        raise ValueError(
            f"cache holds {len(cache['A'])} layer(s) for {cache['A'][-1].shape[1]} samples, "
            f"must come from forward_propagation on this X ({len(Ws)} layers, {X.shape[1]} samples)"
        )
    dWs, dbs = _backward(Ws, cache, X, Y, hidden)
    grads = {}
    for l in range(1, len(Ws) + 1):
        grads[f"dW{l}"] = dWs[l - 1]
        grads[f"db{l}"] = dbs[l - 1]
    return grads


def update_parameters(parameters, grads, learning_rate):
    """One gradient-descent step: a NEW dict with theta - learning_rate * d theta.

    The arguments are left untouched, so a caller can keep the old parameters.
    """
    learning_rate = validation.check_positive_number("learning_rate", learning_rate)
    Ws, bs = validation.check_parameters(parameters)
    updated = {}
    for l in range(1, len(Ws) + 1):
        for name, theta in ((f"W{l}", Ws[l - 1]), (f"b{l}", bs[l - 1])):
            if f"d{name}" not in grads:
                raise ValueError(f"grads was missing 'd{name}', must have a gradient for every parameter")
            d = validation.check_array(f"grads['d{name}']", grads[f"d{name}"])
            if d.shape != theta.shape:
                raise ValueError(
                    f"grads['d{name}'] has shape {d.shape}, must be {theta.shape} like {name}"
                )
            updated[name] = theta - learning_rate * d
    return updated
