"""Michael Nielsen's network.py / network2.py (Network(sizes), per-sample backprop, cost classes) as the contract.

Runs inside the implementation's process: stdlib and numpy only. Samples are columns, weights a list of (n_l,
n_{l-1}) arrays, biases a list of (n_l, 1) column vectors; sigmoid everywhere. backprop(x, y) works on one sample:
the contract's gradient of the mean loss is its per-sample result summed and divided by m.
"""

import inspect
import random

import numpy as np


def _own(ns, name):
    value = ns.get(name)
    if value is None or not callable(value) or getattr(value, "__nnspec_missing_module__", None):
        return None
    return value


def _network(Network, parameters, cost=None):
    """A Network of the right sizes holding `parameters` (its own initial draws replaced)."""
    L = len(parameters) // 2
    sizes = [parameters["W1"].shape[1]] + [parameters[f"W{l}"].shape[0] for l in range(1, L + 1)]
    kwargs = {"cost": cost} if cost is not None else {}
    net = Network(sizes, **kwargs)
    net.weights = [np.array(parameters[f"W{l}"], dtype=float) for l in range(1, L + 1)]
    net.biases = [np.array(parameters[f"b{l}"], dtype=float) for l in range(1, L + 1)]
    return net


def _parameters(net):
    params = {}
    for l, (W, b) in enumerate(zip(net.weights, net.biases), 1):
        params[f"W{l}"], params[f"b{l}"] = W, b
    return params


def adapt(ns: dict) -> dict:
    """The contract from a network.py or network2.py namespace."""
    functions, names, na = {}, {}, {}
    Network = _own(ns, "Network")
    CrossEntropy = _own(ns, "CrossEntropyCost")
    takes_cost = False
    if Network:
        try:
            takes_cost = "cost" in inspect.signature(Network).parameters
        except (TypeError, ValueError):
            pass
    cost = CrossEntropy if (CrossEntropy and takes_cost) else None
    sigmoid, prime = _own(ns, "sigmoid"), _own(ns, "sigmoid_prime")
    if sigmoid:
        functions["sigmoid"], names["sigmoid"] = sigmoid, "sigmoid(z)"
    if prime:
        functions["sigmoid_derivative"], names["sigmoid_derivative"] = prime, "sigmoid_prime(z)"
    if CrossEntropy:
        # CrossEntropyCost.fn(a, y) sums over the output units of one sample; the contract means over samples
        functions["binary_cross_entropy"] = lambda y_true, y_pred: float(np.mean(
            [CrossEntropy.fn(y_pred[:, [j]], y_true[:, [j]]) for j in range(y_true.shape[1])]))
        names["binary_cross_entropy"] = "CrossEntropyCost.fn(a, y)"
        # delta(z, a, y) with the z that gives a = sigmoid(z), so that a delta that uses z is called as it would be
        functions["cross_entropy_derivative"] = lambda y_true, y_pred: CrossEntropy.delta(
            np.log(y_pred) - np.log1p(-y_pred), y_pred, y_true)
        names["cross_entropy_derivative"] = "CrossEntropyCost.delta(z, a, y)"
    if Network:
        def initialize_parameters(layer_dims):
            return _parameters(Network(list(layer_dims), **({"cost": cost} if cost else {})))
        functions["initialize_parameters"] = initialize_parameters
        names["initialize_parameters"] = "Network(sizes)"

        def forward_propagation(X, parameters):
            return _network(Network, parameters, cost).feedforward(X), None  # feedforward broadcasts over columns
        functions["forward_propagation"] = forward_propagation
        names["forward_propagation"] = "Network.feedforward"

        def predict(X, parameters):
            A = np.asarray(_network(Network, parameters, cost).feedforward(X))
            return (A[0] > 0.5).astype(int) if A.shape[0] == 1 else np.argmax(A, axis=0)
        functions["predict"], names["predict"] = predict, "Network.feedforward"

        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            np.random.seed(seed)
            random.seed(seed)  # SGD shuffles with the random module
            net = Network(list(layer_dims), **({"cost": cost} if cost else {}))
            data = [(X[:, [j]], Y[:, [j]]) for j in range(X.shape[1])]
            net.SGD(data, epochs, batch_size, learning_rate)
            return _parameters(net)
        functions["train"], names["train"] = train, "Network.SGD"
    if Network and cost:
        def backward_propagation(parameters, cache, X, Y):
            net = _network(Network, parameters, cost)
            m = X.shape[1]
            total_b = [np.zeros_like(b) for b in net.biases]
            total_w = [np.zeros_like(w) for w in net.weights]
            for j in range(m):
                nabla_b, nabla_w = net.backprop(X[:, [j]], Y[:, [j]])
                total_b = [t + n for t, n in zip(total_b, nabla_b)]
                total_w = [t + n for t, n in zip(total_w, nabla_w)]
            grads = {}
            for l, (dW, db) in enumerate(zip(total_w, total_b), 1):
                grads[f"dW{l}"], grads[f"db{l}"] = dW / m, db / m
            return grads
        functions["backward_propagation"] = backward_propagation
        names["backward_propagation"] = "Network.backprop(x, y)"
    elif Network:
        na["backward_propagation"] = ("network.py's backprop is the gradient of the quadratic cost "
                                      "(1/2)||a - y||^2, not of cross-entropy (network2's CrossEntropyCost)")
    if not CrossEntropy:
        na["binary_cross_entropy"] = na["cross_entropy_derivative"] = "network.py has only the quadratic cost"
    na["update_parameters"] = "update_mini_batch computes its own gradients: checked through SGD (train)"
    for name in ("relu", "relu_derivative", "tanh", "tanh_derivative", "elu", "elu_derivative"):
        na[name] = "Nielsen's networks use the sigmoid in every layer"
    na["softmax"] = na["cross_entropy_loss"] = "Nielsen's output layer is sigmoid units, no softmax"
    na["dropout_forward"] = na["dropout_backward"] = "network.py and network2.py have no dropout"
    for name in functions:
        na.pop(name, None)
    declarations = {"LAYOUT": "columns", "HIDDEN_ACTIVATION": "sigmoid", "OUTPUT_ACTIVATION": "sigmoid"}
    return {"functions": functions, "declarations": declarations, "names": names, "not_applicable": na}
