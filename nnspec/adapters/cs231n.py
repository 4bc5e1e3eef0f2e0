"""cs231n's layers.py (affine, relu, softmax_loss, dropout) as the contract.

Runs inside the implementation's process: stdlib and numpy only. Samples are rows; cs231n's biases have shape
(M,), the contract's rows layout (1, M): reshaped at the border. The network is the adapter's composition of the
user's layers, affine - relu - ... - affine - softmax_loss, as cs231n's FullyConnectedNet composes them.
"""

import itertools

import numpy as np


def _own(ns, name):
    value = ns.get(name)
    if value is None or not callable(value) or getattr(value, "__nnspec_missing_module__", None):
        return None
    return value


def _labels(Y):
    return np.argmax(Y, axis=1)


def adapt(ns: dict) -> dict:
    """The contract from a cs231n layers.py namespace."""
    functions, names, na = {}, {}, {}
    affine_f, affine_b = _own(ns, "affine_forward"), _own(ns, "affine_backward")
    relu_f, relu_b = _own(ns, "relu_forward"), _own(ns, "relu_backward")
    loss = _own(ns, "softmax_loss")
    if relu_f:
        functions["relu"] = lambda Z: relu_f(Z)[0]
        names["relu"] = "relu_forward"
    if relu_b:
        functions["relu_derivative"] = lambda Z: relu_b(np.ones_like(Z), Z)  # relu_forward's cache is x
        names["relu_derivative"] = "relu_backward(dout, cache)"
    if loss:
        def softmax(Z):
            # softmax_loss's dx is (probs - onehot(y)) / N: with y = 0 everywhere, probs = dx * N + onehot(0)
            N = Z.shape[0]
            _, dx = loss(Z, np.zeros(N, dtype=int))
            probs = np.asarray(dx) * N
            probs[:, 0] += 1
            return probs
        functions["softmax"] = softmax
        names["softmax"] = "softmax_loss (its gradient)"
        # softmax(log P) = P for probabilities P that sum to 1: softmax_loss of log P is the cross-entropy of P
        functions["cross_entropy_loss"] = lambda y_true, y_pred: loss(np.log(y_pred), _labels(y_true))[0]
        names["cross_entropy_loss"] = "softmax_loss(x, y)"
        functions["cross_entropy_derivative"] = lambda y_true, y_pred: (
            np.asarray(loss(np.log(y_pred), _labels(y_true))[1]) * y_pred.shape[0])
        names["cross_entropy_derivative"] = "softmax_loss(x, y)"
    if affine_f and relu_f and loss:
        def forward_propagation(X, parameters):
            L = len(parameters) // 2
            A, caches = X, []
            for layer in range(1, L + 1):
                W, b = parameters[f"W{layer}"], parameters[f"b{layer}"]
                A, affine_cache = affine_f(A, W, np.reshape(b, -1))
                relu_cache = None
                if layer < L:
                    A, relu_cache = relu_f(A)
                caches.append((affine_cache, relu_cache))
            return functions["softmax"](A), (A, caches)
        functions["forward_propagation"] = forward_propagation
        names["forward_propagation"] = "affine_forward, relu_forward, softmax_loss"
    if affine_b and relu_b and loss and affine_f and relu_f:
        def backward_propagation(parameters, cache, X, Y):
            scores, caches = cache
            _, dout = loss(scores, _labels(Y))
            grads = {}
            for layer in range(len(caches), 0, -1):
                affine_cache, relu_cache = caches[layer - 1]
                if relu_cache is not None:
                    dout = relu_b(dout, relu_cache)
                dout, dW, db = affine_b(dout, affine_cache)
                grads[f"dW{layer}"] = dW
                grads[f"db{layer}"] = np.reshape(db, (1, -1))
            return grads
        functions["backward_propagation"] = backward_propagation
        names["backward_propagation"] = "affine_backward, relu_backward, softmax_loss"
    sgd = _own(ns, "sgd")
    if sgd:
        def update_parameters(parameters, grads, learning_rate):
            return {k: sgd(v, grads["d" + k], {"learning_rate": learning_rate})[0] for k, v in parameters.items()}
        functions["update_parameters"] = update_parameters
        names["update_parameters"] = "sgd(w, dw, config)"
    else:
        na["update_parameters"] = "no sgd(w, dw, config) (optim.py) in this file"
    drop_f, drop_b = _own(ns, "dropout_forward"), _own(ns, "dropout_backward")
    seeds = itertools.count(1)
    if drop_f:
        def dropout_forward(A, keep_prob, rng=None):
            # cs231n's dropout re-seeds numpy from dropout_param["seed"]: a new seed each call, a new mask
            seed = int(rng.integers(2**31)) if rng is not None else next(seeds) + np.random.randint(2**30)
            out, (_, mask) = drop_f(A, {"p": keep_prob, "mode": "train", "seed": seed})
            return out, mask
        functions["dropout_forward"] = dropout_forward
        names["dropout_forward"] = "dropout_forward(x, dropout_param)"
    if drop_b:
        def dropout_backward(dA, mask, keep_prob):
            return drop_b(dA, ({"p": keep_prob, "mode": "train"}, mask))
        functions["dropout_backward"] = dropout_backward
        names["dropout_backward"] = "dropout_backward(dout, cache)"
    for name in ("sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative", "elu", "elu_derivative",
                 "binary_cross_entropy"):
        na[name] = "layers.py has relu and softmax_loss only"
    na["initialize_parameters"] = "layers.py has no initialisation (FullyConnectedNet's __init__ does it)"
    na["train"] = na["predict"] = "layers.py has no training loop (the Solver does it): not checked"
    for name in functions:
        na.pop(name, None)
    declarations = {"LAYOUT": "rows", "HIDDEN_ACTIVATION": "relu", "OUTPUT_ACTIVATION": "softmax"}
    return {"functions": functions, "declarations": declarations, "names": names, "not_applicable": na}
