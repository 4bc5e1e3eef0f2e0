"""Convergence: the implementation's primitives in the suite's loop, and its own train + predict, learn both tasks.

Slow is not wrong: small initial weights (0.01 * randn, as seed 001 uses) need a few hundred epochs, so the
budget is generous and the loop stops as soon as the target is reached.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnspec.calls import NotApplicable
from nnspec.checks import check
from nnspec import numerics
from nnspec.compare import as_array, fail
from nnspec.contract import TRAINING_LOOP
from reference import datasets

TARGETS = {"moons": 0.95, "patterns": 1.0}
BATCH = {"moons": 32, "patterns": 8}
WIDTH = {"moons": 16, "patterns": 8}
# Learning rates that every correct implementation reaches the target with, from He- or 0.01-scale weights.
LEARNING_RATE = {"relu": 0.5, "elu": 0.5, "tanh": 0.5, "sigmoid": 2.0}
MAX_EPOCHS = {"moons": 1000, "patterns": 5000}
EVERY = 10  # epochs between accuracy checks
OWN_TRAIN_EPOCHS = {"moons": (100, 1000), "patterns": (500, 3000)}
TRAIN_TIMEOUT_FACTOR = 12  # train runs a whole training: it gets this many per-call limits


@dataclass
class Task:
    name: str
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    layer_dims: list

    @property
    def target(self):
        return TARGETS[self.name]


def task(impl, name) -> Task:
    """The task in columns, shaped for the implementation's output layer and supported depths."""
    if name == "moons":
        X, y = datasets.make_moons(1000, 0.2, 42)
        X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, 0.2, seed=0)
        classes = 2
    else:
        X, y = datasets.make_patterns()
        if impl.output == "sigmoid":
            y = (y == 3).astype(int)  # diagonal or not: XOR of two pixels, so it needs the hidden layer too
        X_train = X_test = X
        y_train = y_test = y
        classes = int(y.max()) + 1
    depth = next((d for d in (2, 3) if d in impl.depths), None) or next((d for d in impl.depths if d > 1), None)
    if depth is None:
        raise NotApplicable(f"DEPTHS={impl.depths} has no hidden layer, and {name} is not linearly separable")
    if impl.output == "sigmoid":
        Y_train, out = y_train[None, :].astype(float), 1
    else:
        Y_train, out = datasets.one_hot(y_train, classes), classes
    dims = [X.shape[0]] + [WIDTH[name]] * (depth - 1) + [out]
    return Task(name, X_train, Y_train, X_test, y_test, dims)


def _labels(impl, AL):
    """Class labels (m,) from the output layer's probabilities (columns)."""
    return (AL[0] > 0.5).astype(int) if impl.output == "sigmoid" else AL.argmax(axis=0)


def _accuracy(impl, t, params):
    AL, cache = impl.call_fast("forward_propagation", impl.data(t.X_test), params, keep=[1])
    impl.release(cache)
    AL = impl.from_data(as_array(AL, "forward_propagation", "AL", where=f"[{t.name} test set]"))
    return float(np.mean(_labels(impl, AL) == t.y_test))


def _suite_loop(impl, name):
    t = task(impl, name)
    # The suite's own He/Xavier-scale weights: this check is about the passes and the update working together;
    # the implementation's initialisation is judged by its own checks and by its own train.
    params = impl.parameters(numerics.make_network(t.layer_dims, 1, impl.output, seed=0).params)
    lr, batch = LEARNING_RATE[impl.hidden], BATCH[name]
    rng = np.random.default_rng(0)
    m = t.X_train.shape[1]
    best = 0.0
    for epoch in range(1, MAX_EPOCHS[name] + 1):
        order = rng.permutation(m)
        # One epoch crosses to the implementation's process in one round trip; caches, gradients and parameters
        # stay there between its calls: ("ref", k, item) is the result of call k.
        calls, current = [], params
        for start in range(0, m, batch):
            idx = order[start:start + batch]
            X, Y = impl.data(t.X_train[:, idx]), impl.data(t.Y_train[:, idx])
            k = len(calls)
            calls += [("forward_propagation", [X, current]),
                      ("backward_propagation", [current, ("ref", k, 1), X, Y]),
                      ("update_parameters", [current, ("ref", k + 1, None), lr])]
            current = ("ref", k + 2, None)
        [updated] = impl.sequence(calls, keep=[len(calls) - 1], factor=TRAIN_TIMEOUT_FACTOR)
        impl.release(params)
        params = updated
        if epoch % EVERY == 0:
            best = max(best, _accuracy(impl, t, params))
            if best >= t.target:
                return
    fail(TRAINING_LOOP, f"the suite's mini-batch loop over the implementation's forward_propagation, "
         f"backward_propagation and update_parameters reached {name} test accuracy {best:.3f} in "
         f"{MAX_EPOCHS[name]} epochs, must reach {t.target}",
         f"[layer_dims={tuple(t.layer_dims)}, learning_rate={lr}, batch_size={batch}]",
         ["if the gradient checks fail too, they locate the error"])


NEEDED = ("forward_propagation", "backward_propagation", "update_parameters")


@check(TRAINING_LOOP, needs=NEEDED, per_configuration=True)
def check_primitives_in_the_suites_loop_learn_moons(impl):
    _suite_loop(impl, "moons")


@check(TRAINING_LOOP, needs=NEEDED, per_configuration=True)
def check_primitives_in_the_suites_loop_learn_the_patterns(impl):
    _suite_loop(impl, "patterns")


def _own_training(impl, name):
    t = task(impl, name)
    lr, batch = LEARNING_RATE[impl.hidden], BATCH[name]
    accuracy = 0.0
    for epochs in OWN_TRAIN_EPOCHS[name]:
        where = f"[layer_dims={tuple(t.layer_dims)}, learning_rate={lr}, epochs={epochs}, batch_size={batch}]"
        with impl.scaled_timeout(TRAIN_TIMEOUT_FACTOR):
            params = impl.call("train", impl.data(t.X_train), impl.data(t.Y_train), list(t.layer_dims), lr, epochs,
                               batch, 0)
        if not isinstance(params, dict):
            fail("train", f"returned {type(params).__name__}, must return the parameters dict", where)
        labels = impl.call("predict", impl.data(t.X_test), params)
        m = t.y_test.size
        got = as_array(labels, "predict", "labels", where=where)
        if got.size != m:
            fail("predict", f"returned an array of shape {got.shape}, must hold one label per sample ({m})", where,
                 ["return class indices (argmax over the class axis), not probabilities"
                  if got.size == m * t.Y_train.shape[0] else None])
        accuracy = float(np.mean(got.reshape(-1) == t.y_test))
        if accuracy >= t.target:
            return
    fail("train", f"train + predict reached {name} test accuracy {accuracy:.3f}, must reach {t.target}", where,
         ["predict must return class indices (softmax) or 0/1 (sigmoid)" if accuracy < 0.3 else None,
          _scale_hint(impl, t), "if the gradient or update checks fail too, they locate the error"])


def _scale_hint(impl, t):
    """Tiny initial weights with tanh or sigmoid leave every hidden unit alike: a common reason not to learn."""
    if impl.hidden not in ("tanh", "sigmoid") or "initialize_parameters" not in impl.provided:
        return None
    try:
        W1 = impl.from_parameters(impl.call("initialize_parameters", list(t.layer_dims)))["W1"]
        std = float(np.std(W1))
    except Exception:  # the hint is a guess; initialize_parameters has checks of its own
        return None
    if std < 0.1:
        return (f"initialize_parameters gives W1 a std of {std:.3g}: with {impl.hidden}, weights this small keep "
                f"the hidden units nearly identical and the network nearly linear; use Xavier, randn * sqrt(1 / n_in)")
    return None


@check("train", needs=("predict",), per_configuration=True)
def check_train_and_predict_learn_moons(impl):
    _own_training(impl, "moons")


@check("train", needs=("predict",), per_configuration=True)
def check_train_and_predict_learn_the_patterns(impl):
    _own_training(impl, "patterns")
