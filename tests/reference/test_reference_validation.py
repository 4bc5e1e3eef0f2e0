"""Bad arguments raise ValueError naming the argument, its value and what it must be."""

import re

import numpy as np
import pytest

import reference as ref
from reference import configure

P = ref.initialize_parameters([2, 3, 2], seed=0)
X = np.zeros((2, 10))
Y = np.eye(2)[:, [0, 1] * 5]


def _nan_X():
    bad = X.copy()
    bad[1, 3] = np.nan
    return bad


def _cache():
    return ref.forward_propagation(X, P)[1]


CASES = [
    ("keep_prob above 1", lambda: ref.dropout_forward(X, 1.5),
     "keep_prob was 1.5, must be in (0, 1]"),
    ("keep_prob of 0", lambda: ref.forward_propagation(X, P, keep_prob=0.0),
     "keep_prob was 0.0, must be in (0, 1]"),
    ("keep_prob in train", lambda: ref.train(X, Y, [2, 3, 2], 0.1, 1, 4, 0, keep_prob=-0.5),
     "keep_prob was -0.5, must be in (0, 1]"),
    ("keep_prob in dropout_backward", lambda: ref.dropout_backward(X, X > 0, 2),
     "keep_prob was 2, must be in (0, 1]"),
    ("X with the wrong number of features", lambda: ref.forward_propagation(np.zeros((3, 10)), P),
     "X has shape (3, 10) but W1 expects 2 features: X must be (2, m) with samples as columns"),
    ("X as rows in predict", lambda: ref.predict(np.zeros((10, 2)), P),
     "X has shape (10, 2) but W1 expects 2 features: X must be (2, m)"),
    ("X with a NaN", lambda: ref.forward_propagation(_nan_X(), P),
     "X contains nan at index (1, 3), must contain only finite numbers"),
    ("X with infinity in train", lambda: ref.train(X + np.inf, Y, [2, 3, 2], 0.1, 1, 4, 0),
     "X contains inf at index (0, 0), must contain only finite numbers"),
    ("X that does not match layer_dims", lambda: ref.train(X, Y, [3, 3, 2], 0.1, 1, 4, 0),
     "X has shape (2, 10) but layer_dims[0] is 3 features: X must be (3, m)"),
    ("Y not one-hot", lambda: ref.train(X, np.full((2, 10), 0.5), [2, 3, 2], 0.1, 1, 4, 0),
     "Y[:, 0] was [0.5, 0.5], must be one-hot"),
    ("Y with two ones in a column", lambda: ref.backward_propagation(P, _cache(), X, np.ones((2, 10))),
     "Y[:, 0] was [1.0, 1.0], must be one-hot"),
    ("Y not 0/1 for sigmoid", lambda: configure("tanh", "sigmoid").train(
        X, np.array([[0, 1, 2, 0, 1, 0, 1, 0, 1, 0]]), [2, 3, 1], 0.1, 1, 4, 0),
     "Y[0, 2] was 2.0, must be 0 or 1 for a sigmoid output"),
    ("Y with the wrong shape", lambda: ref.train(X, Y[:, :9], [2, 3, 2], 0.1, 1, 4, 0),
     "Y has shape (2, 9), must be (2, 10)"),
    ("Y as a label vector", lambda: ref.train(X, np.zeros(10), [2, 3, 2], 0.1, 1, 4, 0),
     "Y has 1 dimension(s) (shape (10,)), must be a 2-D array"),
    ("unknown hidden activation", lambda: configure("swish"),
     "hidden was 'swish', must be one of 'relu', 'tanh', 'sigmoid', 'elu'"),
    ("unknown output activation", lambda: configure("relu", "linear"),
     "output was 'linear', must be one of 'softmax', 'sigmoid'"),
    ("unknown activation keyword", lambda: ref.forward_propagation(X, P, hidden="gelu"),
     "hidden was 'gelu', must be one of"),
    ("negative learning rate", lambda: ref.train(X, Y, [2, 3, 2], -0.1, 1, 4, 0),
     "learning_rate was -0.1, must be a finite number > 0"),
    ("zero epochs", lambda: ref.train(X, Y, [2, 3, 2], 0.1, 0, 4, 0),
     "epochs was 0, must be a positive integer"),
    ("fractional batch size", lambda: ref.train(X, Y, [2, 3, 2], 0.1, 1, 2.5, 0),
     "batch_size was 2.5, must be a positive integer"),
    ("negative seed", lambda: ref.train(X, Y, [2, 3, 2], 0.1, 1, 4, -1),
     "seed was -1, must be a non-negative integer"),
    ("layer_dims too short", lambda: ref.initialize_parameters([2]),
     "layer_dims was [2], must have at least 2 sizes"),
    ("a zero layer size", lambda: ref.initialize_parameters([2, 0, 1]),
     "layer_dims[1] was 0, must be a positive integer"),
    ("a bias of the wrong shape", lambda: ref.forward_propagation(X, {**P, "b1": np.zeros((3,))}),
     "parameters['b1'] has 1 dimension(s) (shape (3,)), must be a 2-D array"),
    ("a missing parameter", lambda: ref.predict(X, {"W1": P["W1"], "W2": P["W2"], "b2": P["b2"]}),
     "parameters was missing 'b1', must have keys W1, b1, ..., W2, b2"),
    ("gradients of the wrong shape", lambda: ref.update_parameters(
        P, {**{f"d{k}": v for k, v in P.items()}, "dW1": np.zeros((2, 2))}, 0.1),
     "grads['dW1'] has shape (2, 2), must be (3, 2) like W1"),
    ("a mask of the wrong shape", lambda: ref.dropout_backward(X, np.ones((2, 3), bool), 0.5),
     "mask has shape (2, 3), must be (2, 10) like dA"),
]


@pytest.mark.parametrize("what, call, message", CASES, ids=[c[0] for c in CASES])
def test_bad_argument_raises_value_error_with_name_value_and_requirement(what, call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_every_message_says_what_the_argument_must_be():
    for what, call, _ in CASES:
        try:
            call()
        except ValueError as error:
            assert "must" in str(error), f"{what}: message {str(error)!r} does not say what it must be"
        else:
            raise AssertionError(f"{what}: no ValueError raised")
