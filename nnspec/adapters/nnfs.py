"""The nnfs book's classes (Layer_Dense, Activation_*, Loss_*, Layer_Dropout, Optimizer_SGD) as the contract.

Runs inside the implementation's process: stdlib and numpy only. Samples are rows, weights (n_inputs, n_neurons),
biases (1, n_neurons). A forward pass builds the user's objects; they stay in this process, and the cache that
crosses to the checks is a plain number that finds them again.
"""

import inspect
import itertools

import numpy as np

KEPT_PASSES = 64  # forward passes whose objects are kept for backward_propagation (the checks use the last few)


def _own(ns, name):
    value = ns.get(name)
    if value is None or not callable(value) or getattr(value, "__nnspec_missing_module__", None):
        return None
    return value


def _forward(obj, inputs):
    """obj.forward(inputs), with training=True for the book's later chapters, whose layers take `training`."""
    try:
        takes = "training" in inspect.signature(obj.forward).parameters
    except (TypeError, ValueError):
        takes = False
    return obj.forward(inputs, training=True) if takes else obj.forward(inputs)


def _loss(cls):
    loss = cls()
    if hasattr(loss, "new_pass"):  # later chapters accumulate over a pass: start one
        loss.new_pass()
    return loss


def _activation(cls):
    def forward(Z):
        a = cls()
        _forward(a, Z)
        return a.output

    def derivative(Z):
        a = cls()
        _forward(a, Z)
        a.backward(np.ones_like(Z))
        return a.dinputs

    return forward, derivative


def _dense(Dense, W, b):
    layer = Dense(W.shape[0], W.shape[1])
    layer.weights, layer.biases = np.array(W, dtype=float), np.array(b, dtype=float)
    return layer


def adapt(ns: dict) -> dict:
    """The contract from a namespace with the nnfs book's classes."""
    functions, names, na = {}, {}, {}
    for act, cls_name in (("relu", "Activation_ReLU"), ("sigmoid", "Activation_Sigmoid")):
        cls = _own(ns, cls_name)
        if cls:
            functions[act], functions[f"{act}_derivative"] = _activation(cls)
            names[act] = f"{cls_name}.forward"
            names[f"{act}_derivative"] = f"{cls_name}.backward"
    Softmax, CCE = _own(ns, "Activation_Softmax"), _own(ns, "Loss_CategoricalCrossentropy")
    Combined, BCE = _own(ns, "Activation_Softmax_Loss_CategoricalCrossentropy"), _own(ns, "Loss_BinaryCrossentropy")
    Dense, ReLU = _own(ns, "Layer_Dense"), _own(ns, "Activation_ReLU")
    if Softmax:
        functions["softmax"] = _activation(Softmax)[0]
        names["softmax"] = "Activation_Softmax.forward"
    if CCE:
        # nnfs's Loss.calculate(output, y) takes the prediction first
        functions["cross_entropy_loss"] = lambda y_true, y_pred: _loss(CCE).calculate(y_pred, y_true)
        names["cross_entropy_loss"] = "Loss_CategoricalCrossentropy.calculate"
    if BCE:
        functions["binary_cross_entropy"] = lambda y_true, y_pred: _loss(BCE).calculate(y_pred, y_true)
        names["binary_cross_entropy"] = "Loss_BinaryCrossentropy.calculate"
    if Combined:
        def cross_entropy_derivative(y_true, y_pred):
            combined = Combined()
            combined.backward(y_pred, y_true)
            return combined.dinputs * len(y_pred)  # nnfs divides by the samples here; the contract per sample
        functions["cross_entropy_derivative"] = cross_entropy_derivative
        names["cross_entropy_derivative"] = "Activation_Softmax_Loss_CategoricalCrossentropy.backward"
    if Dense:
        def initialize_parameters(layer_dims):
            params = {}
            for layer in range(1, len(layer_dims)):
                dense = Dense(layer_dims[layer - 1], layer_dims[layer])
                params[f"W{layer}"], params[f"b{layer}"] = dense.weights, dense.biases
            return params
        functions["initialize_parameters"] = initialize_parameters
        names["initialize_parameters"] = "Layer_Dense(n_inputs, n_neurons)"
    passes, counter = {}, itertools.count()
    if Dense and ReLU and Softmax:
        def forward_propagation(X, parameters):
            L = len(parameters) // 2
            objects, A = [], X
            for layer in range(1, L + 1):
                dense = _dense(Dense, parameters[f"W{layer}"], parameters[f"b{layer}"])
                _forward(dense, A)
                act = ReLU() if layer < L else Softmax()
                _forward(act, dense.output)
                objects.append((dense, act))
                A = act.output
            key = next(counter)
            passes[key] = objects
            passes.pop(key - KEPT_PASSES, None)
            return A, key
        functions["forward_propagation"] = forward_propagation
        names["forward_propagation"] = "Layer_Dense.forward, Activation_ReLU.forward, Activation_Softmax.forward"
    if Dense and ReLU and Softmax and (Combined or CCE):
        def backward_propagation(parameters, cache, X, Y):
            objects = passes[cache]
            AL = objects[-1][1].output
            if Combined:
                combined = Combined()
                combined.backward(AL, Y)
                d = combined.dinputs
            else:
                loss = CCE()
                loss.backward(AL, Y)
                objects[-1][1].backward(loss.dinputs)
                d = objects[-1][1].dinputs
            grads = {}
            for layer in range(len(objects), 0, -1):
                dense, act = objects[layer - 1]
                if layer < len(objects):
                    act.backward(d)
                    d = act.dinputs
                dense.backward(d)
                grads[f"dW{layer}"], grads[f"db{layer}"] = dense.dweights, dense.dbiases
                d = dense.dinputs
            return grads
        functions["backward_propagation"] = backward_propagation
        names["backward_propagation"] = "Layer_Dense.backward, Activation_*.backward"
    SGD = _own(ns, "Optimizer_SGD")
    if SGD and Dense:
        def update_parameters(parameters, grads, learning_rate):
            optimizer = SGD(learning_rate=learning_rate)
            result = {}
            for layer in range(1, len(parameters) // 2 + 1):
                dense = _dense(Dense, parameters[f"W{layer}"], parameters[f"b{layer}"])
                dense.dweights, dense.dbiases = grads[f"dW{layer}"], grads[f"db{layer}"]
                for step in ("pre_update_params", "update_params", "post_update_params"):
                    if hasattr(optimizer, step):
                        getattr(optimizer, step)(*(() if step != "update_params" else (dense,)))
                result[f"W{layer}"], result[f"b{layer}"] = dense.weights, dense.biases
            return result
        functions["update_parameters"] = update_parameters
        names["update_parameters"] = "Optimizer_SGD.update_params"
    Dropout = _own(ns, "Layer_Dropout")
    if Dropout:
        def dropout_forward(A, keep_prob, rng=None):
            if rng is not None:
                np.random.seed(int(rng.integers(2**31)))
            layer = Dropout(1 - keep_prob)  # nnfs's rate is the fraction dropped
            _forward(layer, A)
            return layer.output, layer.binary_mask

        def dropout_backward(dA, mask, keep_prob):
            layer = Dropout(1 - keep_prob)
            layer.binary_mask = mask  # already scaled by 1 / keep_prob, as nnfs keeps it
            layer.backward(dA)
            return layer.dinputs
        functions["dropout_forward"], functions["dropout_backward"] = dropout_forward, dropout_backward
        names["dropout_forward"], names["dropout_backward"] = "Layer_Dropout.forward", "Layer_Dropout.backward"
    for name in ("tanh", "tanh_derivative", "elu", "elu_derivative"):
        na[name] = "the nnfs book has no tanh or elu activation class"
    na["train"] = na["predict"] = "the book's layer classes have no train/predict functions: not checked"
    if not Combined:
        na["cross_entropy_derivative"] = ("no Activation_Softmax_Loss_CategoricalCrossentropy: dZ goes through the "
                                          "softmax's Jacobian in backward_propagation, checked there")
    for name in functions:
        na.pop(name, None)
    declarations = {"LAYOUT": "rows", "HIDDEN_ACTIVATION": "relu", "OUTPUT_ACTIVATION": "softmax"}
    return {"functions": functions, "declarations": declarations, "names": names, "not_applicable": na}
