"""The suite's own numerics, built from the spec's oracles: forward pass, mean loss, finite differences.

Everything here is in columns (X is (n0, m), W_l is (n_l, n_{l-1})). The suite's backward pass exists only to
name a mistake once a check has failed (`backward(..., mistake=...)`); verdicts on gradients come from finite
differences of the spec's loss.
"""

from __future__ import annotations

import numpy as np

from spec import oracles

OUTPUTS = {"softmax": lambda Z: oracles.softmax(Z, axis=0), "sigmoid": oracles.sigmoid}


def depth(params) -> int:
    return len([k for k in params if k.startswith("W")])


def forward_all(X, params, hidden, output):
    """Z_1..Z_L and A_0..A_L of the spec's forward pass (lists indexed from 1 and 0)."""
    activation = oracles.ACTIVATIONS[hidden][0]
    L = depth(params)
    Zs, As = [None], [X]
    for layer in range(1, L + 1):
        Z = params[f"W{layer}"] @ As[-1] + params[f"b{layer}"]
        Zs.append(Z)
        As.append(OUTPUTS[output](Z) if layer == L else activation(Z))
    return Zs, As


def forward(X, params, hidden, output):
    return forward_all(X, params, hidden, output)[1][-1]


def mean_loss(Y, AL, output) -> float:
    """J = (1/m) * sum of the spec's per-sample losses."""
    if output == "softmax":
        per_sample = oracles.categorical_cross_entropy(Y, AL, axis=0)
    else:
        per_sample = oracles.binary_cross_entropy(Y, AL).sum(axis=0)
    return float(np.mean(per_sample))


def loss_of(params, X, Y, hidden, output) -> float:
    return mean_loss(Y, forward(X, params, hidden, output), output)


# Mistakes the suite can reproduce, to name the one an implementation made.
# (A missing 1/m is named by the scale hints of nnspec.compare, which see any constant factor.)
MISTAKES = {
    "derivative_at_A": "the hidden activation's derivative was evaluated at A = g(Z) instead of at Z "
    "(the contract's derivatives take the pre-activation Z)",
    "tanh_one_minus_a": "tanh's derivative was taken as 1 - tanh(z) instead of 1 - tanh(z)^2",
    "no_derivative": "dZ of the hidden layers is missing the activation's derivative: dZ = dA * g'(Z)",
    "sigmoid_output_chain": "dZ of the output layer was multiplied by sigma'(Z) again: with binary cross-entropy, "
    "dZ = A - Y already includes it",
    "sign": "every gradient has the wrong sign (Y - A instead of A - Y): that is gradient ascent",
    "derivative_at_next_Z": "the hidden activation's derivative was evaluated at the Z of the layer above "
    "(dZ_{l-1} = dA_{l-1} * g'(Z_l)): it must be g'(Z_{l-1}), the Z of the layer being differentiated",
}

# Mistakes the hints recompute but word themselves (they need the values at hand to say which m or which product).
VARIANTS = (*MISTAKES, "not_averaged", "m_from_features", "W_not_transposed", "db_over_units", "db_not_summed")


def backward(params, X, Y, hidden, output, mistake=None):
    """{dW1, db1, ...} of the mean loss by the chain rule, or with one named mistake (of VARIANTS) made on purpose.

    A mistake whose shapes do not fit the network (W_not_transposed on non-square layers) raises ValueError.
    """
    if mistake is not None and mistake not in VARIANTS:
        raise ValueError(f"mistake was {mistake!r}, must be None or one of {VARIANTS}")
    derivative = oracles.ACTIVATIONS[hidden][1]
    Zs, As = forward_all(X, params, hidden, output)
    L, m = depth(params), X.shape[1]
    if mistake == "not_averaged":
        m = 1
    elif mistake == "m_from_features":
        m = X.shape[0]
    dZ = As[L] - Y
    if mistake == "sign":
        dZ = -dZ
    if mistake == "sigmoid_output_chain":
        dZ = dZ * oracles.sigmoid_derivative(Zs[L])
    grads = {}
    for layer in range(L, 0, -1):
        grads[f"dW{layer}"] = dZ @ As[layer - 1].T / m
        if mistake == "db_over_units":
            grads[f"db{layer}"] = dZ.sum(axis=0, keepdims=True) / m  # (1, m): one number per sample
        elif mistake == "db_not_summed":
            grads[f"db{layer}"] = dZ / m  # (n_l, m)
        else:
            grads[f"db{layer}"] = dZ.sum(axis=1, keepdims=True) / m
        if layer > 1:
            W = params[f"W{layer}"]
            dA = W @ dZ if mistake == "W_not_transposed" else W.T @ dZ  # W @ dZ fits square layers only
            A, Z = As[layer - 1], Zs[layer - 1]
            if mistake == "derivative_at_next_Z":
                dZ = dA * derivative(Zs[layer])  # broadcasts for a single output unit, raises otherwise
            elif mistake == "derivative_at_A":
                dZ = dA * derivative(A)
            elif mistake == "tanh_one_minus_a":
                dZ = dA * (1 - A)
            elif mistake == "no_derivative":
                dZ = dA
            else:
                dZ = dA * derivative(Z)
    return grads


def finite_difference_gradients(params, X, Y, hidden, output, h=1e-6):
    """Central differences (J(θ + h e) - J(θ - h e)) / 2h for every parameter entry."""
    grads = {}
    for key, value in params.items():
        grad = np.zeros_like(value)
        for index in np.ndindex(value.shape):
            shifted = {k: v.copy() for k, v in params.items()}
            shifted[key][index] = value[index] + h
            plus = loss_of(shifted, X, Y, hidden, output)
            shifted[key][index] = value[index] - h
            minus = loss_of(shifted, X, Y, hidden, output)
            grad[index] = (plus - minus) / (2 * h)
        grads["d" + key] = grad
    return grads


def directional_derivative(params, direction, X, Y, hidden, output, h=1e-6) -> float:
    """(J(θ + h v) - J(θ - h v)) / 2h for a direction v over all parameters."""
    plus = {k: v + h * direction[k] for k, v in params.items()}
    minus = {k: v - h * direction[k] for k, v in params.items()}
    return (loss_of(plus, X, Y, hidden, output) - loss_of(minus, X, Y, hidden, output)) / (2 * h)


class Network:
    """A network and a batch for it, in columns, drawn from a seed by make_network."""

    def __init__(self, layer_dims, m, params, X, Y, seed=0, output="softmax"):
        self.layer_dims, self.m, self.params, self.X, self.Y = tuple(layer_dims), m, params, X, Y
        self.seed, self.output = seed, output

    def __repr__(self):
        # Short and reproducible (hypothesis prints it as the counterexample): make_network(...) rebuilds the arrays.
        return f"make_network(layer_dims={self.layer_dims}, m={self.m}, output={self.output!r}, seed={self.seed})"

    def where(self, **extra) -> str:
        parts = ", ".join([f"layer_dims={self.layer_dims}", f"m={self.m}"] + [f"{k}={v}" for k, v in extra.items()])
        return f"[{parts}]"


def make_network(layer_dims, m, output, seed, scale=1.0) -> Network:
    rng = np.random.default_rng(seed)
    params = {}
    for layer in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[layer - 1], layer_dims[layer]
        params[f"W{layer}"] = rng.normal(0.0, scale / np.sqrt(n_in), (n_out, n_in))
        params[f"b{layer}"] = rng.normal(0.0, 0.5 * scale, (n_out, 1))
    X = rng.normal(0.0, 1.0, (layer_dims[0], m))
    K = layer_dims[-1]
    if output == "softmax":
        Y = np.eye(K)[:, rng.integers(0, K, m)]
    else:
        Y = rng.integers(0, 2, (K, m)).astype(np.float64)
    return Network(tuple(layer_dims), m, params, X, Y, seed, output)


def min_hidden_margin(net: Network, hidden, output) -> float:
    """The smallest |Z| of any hidden unit: finite differences need it well away from a kink at 0."""
    Zs, _ = forward_all(net.X, net.params, hidden, output)
    hidden_Z = Zs[1:-1]
    return min((float(np.abs(Z).min()) for Z in hidden_Z), default=np.inf)
