"""The Deep Learning Specialization's API (course 1 weeks 3 and 4, course 2 week 1 dropout) as the contract.

Runs inside the implementation's process: stdlib and numpy only. Samples are columns; the output is one sigmoid
unit, AL of shape (1, m). The course's helper modules (dnn_utils, planar_utils, reg_utils) are often not beside a
notebook that is handed in: when a helper comes from a module that is not installed, the course's documented
helper is put in its place (and the contract name it stands for is not applicable: it is not the student's code).
"""

import inspect

import numpy as np


def _own(ns, name):
    """ns[name] if it is the user's callable (not a stub for a module that is not installed), else None."""
    value = ns.get(name)
    if value is None or not callable(value) or getattr(value, "__nnspec_missing_module__", None):
        return None
    return value


def _stub_module(ns, name):
    value = ns.get(name)
    return getattr(value, "__nnspec_missing_module__", None) if value is not None else None


def _nargs(function):
    try:
        return len(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        return -1


# The course's helpers as its documentation states them: (A, cache) forward with cache = Z, dZ from (dA, cache).
def _first_parameter(function):
    try:
        return next(iter(inspect.signature(function).parameters), None)
    except (TypeError, ValueError):
        return None


def _course_sigmoid(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, Z


def _course_relu(Z):
    return np.maximum(0, Z), Z


def _course_relu_backward(dA, cache):
    dZ = np.array(dA, copy=True)
    dZ[cache <= 0] = 0
    return dZ


def _course_sigmoid_backward(dA, cache):
    s = 1 / (1 + np.exp(-cache))
    return dA * s * (1 - s)


def _plain_sigmoid(x):  # planar_utils and reg_utils return the array alone
    return 1 / (1 + np.exp(-x))


def _plain_relu(x):
    return np.maximum(0, x)


def _supply_helpers(ns, result, week4):
    """Put the course's helpers in place of those from a module that is not installed; say so."""
    helpers = ({"sigmoid": _course_sigmoid, "relu": _course_relu, "relu_backward": _course_relu_backward,
                "sigmoid_backward": _course_sigmoid_backward} if week4
               else {"sigmoid": _plain_sigmoid, "relu": _plain_relu})
    for name, helper in helpers.items():
        module = _stub_module(ns, name)
        if module is not None or (name not in ns and week4):
            ns[name] = helper
            if module:
                why = f"{name} comes from the module {module}, which is not installed"
            else:
                missing = ", ".join(ns.get("__nnspec_missing_modules__", ())) or "none"
                why = f"{name} is not defined in this file (modules not installed: {missing})"
            result["supplied"][name] = f"{why}: nnspec used the course's documented {name}"


def _updates(epochs, m, batch_size):
    # the course trains on the whole batch: as many updates as `epochs` of mini-batches of `batch_size` would make
    return epochs * -(-m // batch_size)


def _first(value):
    return value[0] if isinstance(value, tuple) else value


def _week4(ns, result):
    functions, names, na = result["functions"], result["names"], result["not_applicable"]
    for act in ("relu", "sigmoid"):
        forward, backward = ns.get(act), ns.get(f"{act}_backward")
        supplied = result["supplied"]
        if act in supplied:
            na[act] = supplied[act]
        elif callable(forward):
            functions[act] = lambda Z, _f=forward: _first(_f(Z))
            names[act] = f"{act}(Z)"
        if f"{act}_backward" in supplied:
            na[f"{act}_derivative"] = supplied[f"{act}_backward"]
        elif callable(backward):
            # relu_backward(dA, cache) with cache = Z and dA = 1 is the derivative at Z
            functions[f"{act}_derivative"] = lambda Z, _b=backward: _b(np.ones_like(Z), Z)
            names[f"{act}_derivative"] = f"{act}_backward(dA, cache)"
    init = _own(ns, "initialize_parameters_deep")
    if init:
        functions["initialize_parameters"] = lambda layer_dims: init(list(layer_dims))
        names["initialize_parameters"] = "initialize_parameters_deep"
    forward, backward = _own(ns, "L_model_forward"), _own(ns, "L_model_backward")
    if forward:
        def forward_propagation(X, parameters):
            AL, caches = forward(X, parameters)
            return AL, (AL, caches)  # AL kept in the cache: L_model_backward starts from it
        functions["forward_propagation"] = forward_propagation
        names["forward_propagation"] = "L_model_forward"
    if forward and backward:
        def backward_propagation(parameters, cache, X, Y):
            AL, caches = cache
            grads = backward(AL, Y, caches)
            if not isinstance(grads, dict):
                return grads
            return {k: v for k, v in grads.items() if k[:2] in ("dW", "db")}  # dA keys: either numbering
        functions["backward_propagation"] = backward_propagation
        names["backward_propagation"] = "L_model_backward"
    cost = _own(ns, "compute_cost")
    if cost:
        functions["binary_cross_entropy"] = lambda y_true, y_pred: cost(y_pred, y_true)
        names["binary_cross_entropy"] = "compute_cost"
    update = _own(ns, "update_parameters")
    if update:
        functions["update_parameters"] = update
        names["update_parameters"] = "update_parameters"
    model = _own(ns, "L_layer_model")
    if model:
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            with _SeedFrom(seed):
                result = model(X, Y, list(layer_dims), learning_rate=learning_rate,
                               num_iterations=_updates(epochs, X.shape[1], batch_size),
                               print_cost=False)
            return result[0] if isinstance(result, tuple) else result  # (parameters, costs) in later versions
        functions["train"] = train
        names["train"] = "L_layer_model"
    else:
        na["train"] = "no L_layer_model in this file (course 1 week 4 application): its training is not checked"
    _predict(ns, result, forward)


class _SeedFrom:
    """The course seeds numpy inside its functions (np.random.seed(1) in L_layer_model, nn_model,
    initialize_parameters_deep) and has no seed argument; the contract's train has one. While the course's code
    runs, its fixed seeds are offset by the contract's seed: the same seed gives the same training, another seed
    another one, as the contract asks."""

    def __init__(self, seed):
        self.seed = int(seed)

    def __enter__(self):
        self.original = original = np.random.seed
        offset = self.seed
        np.random.seed = lambda value=None: original(None if value is None else (int(value) + offset) % 2**32)
        original(offset)
        return self

    def __exit__(self, *exc):
        np.random.seed = self.original


def _predict(ns, result, forward):
    predict = _own(ns, "predict")
    if not predict:
        return
    if _nargs(predict) == 3:  # predict(X, y, parameters) prints the accuracy on y
        result["functions"]["predict"] = lambda X, parameters: np.asarray(
            predict(X, np.zeros((1, X.shape[1])), parameters)).reshape(-1)
    elif _first_parameter(predict) == "parameters":  # week 3: predict(parameters, X)
        result["functions"]["predict"] = lambda X, parameters: np.asarray(predict(parameters, X)).reshape(-1)
    else:  # predict(X, parameters), as some versions of week 4 write it
        result["functions"]["predict"] = lambda X, parameters: np.asarray(predict(X, parameters)).reshape(-1)
    result["names"]["predict"] = "predict"


def _week3(ns, result):
    functions, names, na = result["functions"], result["names"], result["not_applicable"]
    init = _own(ns, "initialize_parameters")
    if init:
        def initialize_parameters(layer_dims):
            if len(layer_dims) != 3:
                raise ValueError(f"initialize_parameters(n_x, n_h, n_y) builds one hidden layer, not {layer_dims}")
            return init(*layer_dims)
        functions["initialize_parameters"] = initialize_parameters
        names["initialize_parameters"] = "initialize_parameters(n_x, n_h, n_y)"
    for name in ("forward_propagation", "backward_propagation", "update_parameters"):
        if _own(ns, name):
            functions[name] = ns[name]
            names[name] = name
    cost = _own(ns, "compute_cost")
    if cost:
        if _nargs(cost) == 3:  # compute_cost(A2, Y, parameters) in older versions; parameters unused
            functions["binary_cross_entropy"] = lambda y_true, y_pred: cost(y_pred, y_true, None)
        else:
            functions["binary_cross_entropy"] = lambda y_true, y_pred: cost(y_pred, y_true)
        names["binary_cross_entropy"] = "compute_cost"
    model = _own(ns, "nn_model")
    if model:
        def train(X, Y, layer_dims, learning_rate, epochs, batch_size, seed):
            with _SeedFrom(seed):
                return model(X, Y, layer_dims[1], num_iterations=_updates(epochs, X.shape[1], batch_size),
                             print_cost=False)
        functions["train"] = train
        names["train"] = "nn_model"
    if "sigmoid" in result["supplied"]:
        na["sigmoid"] = result["supplied"]["sigmoid"]
    elif _own(ns, "sigmoid"):
        functions["sigmoid"], names["sigmoid"] = ns["sigmoid"], "sigmoid"
    na["tanh"] = "week 3 calls np.tanh inline: no function of its own"
    for name in ("relu", "relu_derivative", "sigmoid_derivative"):
        na[name] = "week 3 has no relu, and writes the derivatives inside backward_propagation: checked there"
    na["tanh_derivative"] = "week 3 writes 1 - A1**2 inside backward_propagation: checked there"
    _predict(ns, result, None)


def _dropout(ns, result):
    """Course 2 week 1: the 3-layer network's dropout, isolated by an identity layer (W = I, b = 0)."""
    forward = _own(ns, "forward_propagation_with_dropout")
    backward = _own(ns, "backward_propagation_with_dropout")
    functions, names = result["functions"], result["names"]
    if forward:
        def dropout_forward(A, keep_prob, rng=None):
            n, m = A.shape
            eye, zero = np.eye(n), np.zeros((n, 1))
            params = {"W1": eye, "b1": zero, "W2": eye, "b2": zero, "W3": np.ones((1, n)), "b3": np.zeros((1, 1))}
            if rng is not None:
                np.random.seed(int(rng.integers(2**31)))
            state = np.random.get_state()
            # relu(Z1) keeps the positive part: the same draws on A and on -A give both parts with one mask
            _, plus = forward(A, params, keep_prob)
            np.random.set_state(state)
            _, minus = forward(-A, params, keep_prob)
            D1 = np.asarray(plus[1])
            return np.asarray(plus[2]) - np.asarray(minus[2]), D1
        functions["dropout_forward"] = dropout_forward
        names["dropout_forward"] = "forward_propagation_with_dropout"
    if backward:
        def dropout_backward(dA, mask, keep_prob):
            # W3 = I and A3 - Y = dA make dA2 = dA before the dropout of layer 2, whose mask D2 is `mask`
            n, m = dA.shape
            eye, zero = np.eye(n), np.zeros((n, 1))
            def run(dA, D2, keep_prob):
                ones = np.ones((n, m))
                cache = (ones, ones, ones, eye, zero, ones, D2, ones, eye, zero, ones, dA, eye, zero)
                return np.asarray(backward(np.zeros((n, m)), np.zeros((n, m)), cache, keep_prob)["dA2"])
            scale = run(np.ones((n, m)), np.ones((n, m)), 1.0)  # 1, or 1/m if dZ3 carries the mean's 1/m
            return run(dA, mask, keep_prob) / scale
        functions["dropout_backward"] = dropout_backward
        names["dropout_backward"] = "backward_propagation_with_dropout"


def adapt(ns: dict) -> dict:
    """The contract from a Deep Learning Specialization module's namespace."""
    result = {"functions": {}, "declarations": {}, "names": {}, "not_applicable": {}, "supplied": {}}
    week4 = bool(_own(ns, "L_model_forward") or _own(ns, "L_model_backward"))
    week3 = not week4 and bool(_own(ns, "nn_model") or _own(ns, "forward_propagation"))
    _supply_helpers(ns, result, week4)
    if week4:
        _week4(ns, result)
        result["declarations"] = {"LAYOUT": "columns", "HIDDEN_ACTIVATION": "relu", "OUTPUT_ACTIVATION": "sigmoid"}
    elif week3:
        _week3(ns, result)
        result["declarations"] = {"LAYOUT": "columns", "HIDDEN_ACTIVATION": "tanh", "OUTPUT_ACTIVATION": "sigmoid",
                                  "DEPTHS": (2,)}
    _dropout(ns, result)
    if not (week4 or week3):
        contract = ("relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "binary_cross_entropy",
                    "initialize_parameters", "forward_propagation", "backward_propagation", "update_parameters",
                    "train", "predict")
        for name in contract:
            result["not_applicable"][name] = ("course 2 week 1's network comes from reg_utils: only the dropout "
                                              "functions are the student's")
        result["declarations"] = {"LAYOUT": "columns", "HIDDEN_ACTIVATION": "relu", "OUTPUT_ACTIVATION": "sigmoid",
                                  "DEPTHS": (3,)}
    na = result["not_applicable"]
    for name in ("tanh", "tanh_derivative", "elu", "elu_derivative"):
        na.setdefault(name, "course 1 uses relu and sigmoid (tanh inline in week 3), no elu")
    na["softmax"] = na["cross_entropy_loss"] = "course 1 ends in one sigmoid unit: no softmax"
    na["cross_entropy_derivative"] = "dAL and dZ = AL - Y are computed inside L_model_backward: checked there"
    if "dropout_forward" not in result["functions"]:
        na["dropout_forward"] = na["dropout_backward"] = "no dropout in course 1 (it is course 2 week 1)"
    for name in result["functions"]:
        na.pop(name, None)
    return result
