"""Training: the primitives in the suite's loop and the implementation's own train + predict learn both tasks;
train acts on each of its arguments; predict agrees with forward_propagation on any batch.

Slow is not wrong: when train misses the target, the suite measures why before it speaks (its own loop with the
implementation's primitives, the initial weight scale, the arguments' effects); when the primitives learn in that loop and every
argument acts, train gets a longer budget (EXTENDED_EPOCHS) and passes if it gets there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnspec.calls import CheckFailure, ImplementationError, NotApplicable
from nnspec.checks import check
from nnspec import numerics
from nnspec import strategies as nst
from nnspec.checks.propagation import SAME_CALL_ATOL, SAME_CALL_RTOL, forward
from nnspec.compare import as_array, fail
from nnspec.contract import TRAINING_LOOP
from reference import datasets

TARGETS = {"moons": 0.95, "patterns": 1.0}
BATCH = {"moons": 32, "patterns": 8}
WIDTH = {"moons": 16, "patterns": 8}
# Learning rates that every correct implementation reaches the target with, from He- or 0.01-scale weights.
LEARNING_RATE = {"relu": 0.5, "elu": 0.5, "tanh": 0.5, "sigmoid": 2.0}
# The suite's loop is deterministic but for the implementation's primitives: every correct implementation nnspec
# knows (the reference's 8 configurations, examples/, the profiles' faithful copies) reaches the target by epoch 40 on
# moons and 270 on the patterns (sigmoid hidden and output). The budget is 10x that: a loop still short of it is not
# slow, its primitives do not learn (and a broken one no longer costs 1000 epochs of the verdict's time).
MAX_EPOCHS = {"moons": 400, "patterns": 3000}
EVERY = 10  # epochs between accuracy checks
OWN_TRAIN_EPOCHS = {"moons": (100, 1000), "patterns": (500, 3000)}
# Slow is not wrong: a train whose calculus is proven right (the suite's loop with its primitives reaches the target)
# and whose arguments all act gets this budget before a verdict; 0.01-scale tanh weights need ~10,000 epochs on the
# 8 patterns (one step each), a few thousand steps more on moons.
EXTENDED_EPOCHS = {"moons": 3000, "patterns": 20000}
# Short trainings that show whether an argument acts: PROBE_SAMPLES moons points, PROBE_EPOCHS epochs; the first
# value of each argument is the base, the second the variation (batch 64 is the whole probe set: one step an epoch).
PROBE_SAMPLES, PROBE_EPOCHS = 64, 2
PROBE = {"learning_rate": (0.5, 0.05), "batch_size": (16, 64), "seed": (0, 1)}
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
    """The test accuracy of `params`, or None when forward_propagation's AL is not finite (the loop diverged)."""
    AL, cache = impl.call_fast("forward_propagation", impl.data(t.X_test), params, keep=[1])
    impl.release(cache)
    if isinstance(AL, np.ndarray) and np.issubdtype(AL.dtype, np.floating) and not np.isfinite(AL).all():
        return None
    AL = impl.from_data(as_array(AL, "forward_propagation", "AL", where=f"[{t.name} test set]"))
    return float(np.mean(_labels(impl, AL) == t.y_test))


def _suite_loop(impl, name):
    """The suite's loop on `name`, run once per implementation and task (train's verdict asks for it again)."""
    key = ("suite loop", name)
    if key not in impl.artifacts:
        impl.artifacts[key] = _run_suite_loop(impl, name)
    return impl.artifacts[key]


def _run_suite_loop(impl, name):
    """(best test accuracy, epochs run, reached, diverged) of the suite's loop over the implementation's primitives."""
    t = task(impl, name)
    # The suite's own He/Xavier-scale weights: this check is about the passes and the update working together;
    # the implementation's initialisation is judged by its own checks and by its own train.
    params = impl.parameters(numerics.make_network(t.layer_dims, 1, impl.output, seed=0).params)
    lr, batch = LEARNING_RATE[impl.hidden], BATCH[name]
    rng = np.random.default_rng(0)
    m = t.X_train.shape[1]
    X, Y = impl.data(t.X_train), impl.data(t.Y_train)
    best = 0.0
    for epoch in range(1, MAX_EPOCHS[name] + 1):
        # One epoch crosses to the implementation's process in one round trip; its caches, gradients and
        # parameters stay there.
        updated = impl.epoch(X, Y, rng.permutation(m), batch, lr, params, factor=TRAIN_TIMEOUT_FACTOR)
        impl.release(params)
        params = updated
        if epoch % EVERY == 0:
            accuracy = _accuracy(impl, t, params)
            if accuracy is None:
                return best, epoch, False, True
            best = max(best, accuracy)
            if best >= t.target:
                return best, epoch, True, False
    return best, MAX_EPOCHS[name], False, False


def _check_suite_loop(impl, name):
    t = task(impl, name)
    best, epochs, reached, diverged = _suite_loop(impl, name)
    if not reached:
        fail(TRAINING_LOOP, f"the suite's mini-batch loop over the implementation's forward_propagation, "
             f"backward_propagation and update_parameters reached {name} test accuracy {best:.3f} in "
             f"{epochs} epochs" + (" and then gave a non-finite AL (diverged)" if diverged else "")
             + f", must reach {t.target}",
             f"[layer_dims={tuple(t.layer_dims)}, learning_rate={LEARNING_RATE[impl.hidden]}, "
             f"batch_size={BATCH[name]}]")


NEEDED = ("forward_propagation", "backward_propagation", "update_parameters")


@check(TRAINING_LOOP, needs=NEEDED, per_configuration=True)
def check_primitives_in_the_suites_loop_learn_moons(impl):
    _check_suite_loop(impl, "moons")


@check(TRAINING_LOOP, needs=NEEDED, per_configuration=True)
def check_primitives_in_the_suites_loop_learn_the_patterns(impl):
    _check_suite_loop(impl, "patterns")


# -- train's own arguments ---------------------------------------------------------------------------------------

def _trained(impl, X, Y, layer_dims, learning_rate, epochs, batch_size, seed, where):
    """The implementation's train, its result checked for keys and shapes, in columns."""
    with impl.scaled_timeout(TRAIN_TIMEOUT_FACTOR):
        params = impl.call("train", impl.data(X), impl.data(Y), list(layer_dims), learning_rate, epochs, batch_size,
                           seed)
    if not isinstance(params, dict):
        fail("train", f"returned {type(params).__name__}, must return the parameters dict", where)
    columns = {}
    for layer in range(1, len(layer_dims)):
        n_in, n_out = layer_dims[layer - 1], layer_dims[layer]
        for key, shape in ((f"W{layer}", impl.weight_shape(n_out, n_in)), (f"b{layer}", impl.bias_shape(n_out))):
            if key not in params:
                fail("train", f"the result has no {key!r}; keys were {sorted(params)}", where)
            value = params[key]
            if isinstance(value, np.ndarray) and np.issubdtype(value.dtype, np.floating) and not np.isfinite(
                    value).all():
                raise Diverged(f"train: returned {key} with {int((~np.isfinite(value)).sum())} non-finite entries "
                               f"(the training diverged) {where}")
            columns[key] = impl.from_parameters({key: as_array(value, "train", key, shape=shape, where=where)})[key]
    return columns


class Diverged(CheckFailure):
    """train returned parameters with nan or inf: a verdict of its own, measured like a missed target."""


def _probe(impl):
    """X, Y (columns) and layer_dims of the short trainings: PROBE_SAMPLES moons points, one hidden layer if any."""
    X, y = datasets.make_moons(PROBE_SAMPLES, 0.2, 7)
    L = nst.depth_at_most(impl.depths, 2)
    if impl.output == "sigmoid":
        Y, out = y[None, :].astype(float), 1
    else:
        Y, out = datasets.one_hot(y, 2), 2
    return X, Y, [2] + [8] * (L - 1) + [out]


def _probe_train(impl, **changed):
    args = {name: values[0] for name, values in PROBE.items()} | changed
    X, Y, dims = _probe(impl)
    where = (f"[layer_dims={tuple(dims)}, m={X.shape[1]}, epochs={PROBE_EPOCHS}, learning_rate="
             f"{args['learning_rate']}, batch_size={args['batch_size']}, seed={args['seed']}]")
    return _trained(impl, X, Y, dims, args["learning_rate"], PROBE_EPOCHS, args["batch_size"], args["seed"], where)


def _difference(p, q) -> float:
    """The largest |p - q| beyond what repeating the same computation allows (0 when they are the same)."""
    return max(float(np.max(np.abs(p[k] - q[k]) - SAME_CALL_ATOL - SAME_CALL_RTOL * np.abs(q[k]), initial=0.0))
               for k in p)


def _probe_where(impl):
    X, _, dims = _probe(impl)
    return f"[layer_dims={tuple(dims)}, m={X.shape[1]}, epochs={PROBE_EPOCHS}]"


def _returned_its_start(impl, trained):
    """A hint, proven: train returned what it starts from (an update whose result is never assigned, say)."""
    X, Y, dims = _probe(impl)
    try:
        start = _trained(impl, X, Y, dims, PROBE["learning_rate"][0], 0, PROBE["batch_size"][0], PROBE["seed"][0], "")
    except (AssertionError, ImplementationError):
        return None  # epochs=0 is not something every train survives; then nothing is proven
    if _difference(trained, start) == 0:
        return ("train returned the parameters it started from (the same as with epochs=0): is the result of "
                "update_parameters assigned, parameters = update_parameters(parameters, grads, learning_rate)?")
    return None


def argument_effects(impl) -> dict:
    """{argument: whether changing it (PROBE) changes what train returns}, from short trainings."""
    base = _probe_train(impl)
    return {name: _difference(_probe_train(impl, **{name: values[1]}), base) > 0 for name, values in PROBE.items()}


@check("train", per_configuration=True)
def check_train_gives_the_same_parameters_for_the_same_seed_and_others_for_another(impl):
    first, again = _probe_train(impl), _probe_train(impl)
    where = _probe_where(impl)
    if _difference(again, first) > 0:
        key = max(first, key=lambda k: float(np.max(np.abs(first[k] - again[k]))))
        fail("train", f"two calls with seed={PROBE['seed'][0]} and the same arguments returned different parameters "
             f"({key} differs by up to {float(np.max(np.abs(first[key] - again[key]))):.3g}), must return the same: "
             f"every random draw (initialisation, shuffling, dropout) must come from the seed", where)
    if _difference(_probe_train(impl, seed=PROBE["seed"][1]), first) == 0:
        fail("train", f"seed={PROBE['seed'][0]} and seed={PROBE['seed'][1]} returned the same parameters, must "
             f"differ: the seed must choose the initial weights (a fixed seed inside train ignores the argument)",
             where)


@check("train", per_configuration=True)
def check_train_uses_its_learning_rate_and_batch_size(impl):
    first = _probe_train(impl)
    where = _probe_where(impl)
    for name in ("learning_rate", "batch_size"):
        base, varied = PROBE[name]
        if _difference(_probe_train(impl, **{name: varied}), first) == 0:
            fail("train", f"{name}={base} and {name}={varied} returned the same parameters, must differ: "
                 f"{name} has no effect on the training", where, [_returned_its_start(impl, first)])


# -- predict ----------------------------------------------------------------------------------------------------

def _labels_of(impl, X, params, m, classes, where, AL):
    """predict's labels (m,) for X (columns), checked for size and values; AL (columns) proves the hints."""
    labels = impl.call("predict", impl.data(X), params)
    got = as_array(labels, "predict", "labels", where=where)
    if got.size != m:
        hints = []
        if got.size == AL.size and _close(impl.from_data(got.reshape(impl.data_shape(*AL.shape))), AL):
            hints.append(f"these are forward_propagation's probabilities: return class indices, the argmax over "
                         f"axis {impl.class_axis}" if classes > 1 else "these are probabilities: return 0/1, "
                         "(AL > 0.5)")
        elif classes > 1 and got.size == classes and np.array_equal(got.reshape(-1), AL.argmax(axis=1)):
            hints.append(f"these are argmaxes over the samples' axis: in LAYOUT {impl.layout!r} the classes are axis "
                         f"{impl.class_axis}")
        fail("predict", f"returned an array of shape {got.shape} for a batch of {m}, must hold one label per sample",
             where, hints)
    got = got.reshape(-1)
    valid = np.arange(max(classes, 2))
    bad = ~np.isin(got, valid)
    if bad.any():
        i = int(np.argmax(bad))
        fail("predict", f"returned {got[i]:.6g} for sample {i}, must return class labels in {valid.tolist()}", where,
             ["these are forward_propagation's probabilities: return 0/1, (AL > 0.5)"
              if classes == 1 and _close(got, AL.reshape(-1)) else None])
    return got.astype(int)


def _close(a, b) -> bool:
    return np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-9, atol=1e-12)


def _forward_is_random(impl, net):
    """A hint, proven: the randomness comes from forward_propagation itself (two calls give different AL)."""
    if not np.array_equal(forward(impl, net)[0], forward(impl, net)[0]):
        return ("forward_propagation itself gives a different AL on a second call: the dropout (or other random "
                "draw) is in forward_propagation, which predict calls")
    return None


def _diverse_network(impl, dims, m):
    """A network (weights of scale 2, zero biases) whose spec forward pass gives every class at least m/8 samples.

    Random biases of make_network let one class win everywhere; a predict that errs on a class never predicted
    would go unseen. The first seed that spreads the classes is chosen: the same one on every run.
    """
    for seed in range(1000):
        net = numerics.make_network(dims, m, impl.output, seed, scale=2.0)
        params = {k: v if k.startswith("W") else np.zeros_like(v) for k, v in net.params.items()}
        AL = numerics.forward(net.X, params, impl.hidden, impl.output)
        counts = np.bincount(_labels(impl, AL), minlength=max(dims[-1], 2))
        if counts.min() >= m // 8:
            break
    return numerics.Network(dims, m, params, net.X, net.Y, seed, impl.output)


# A label is decided by AL only where the top two probabilities (or p and 1/2) differ by more than rounding.
DECISIVE = 1e-9


@check("predict", needs=("forward_propagation",), per_configuration=True)
def check_predict_agrees_with_forward_propagation_on_any_batch(impl):
    # Twice on 64 samples (the same labels: no dropout, no randomness), then on 1 sample, on m = K samples and on
    # m = n_features samples: a predict that guesses the layout from the shape, or argmaxes the wrong axis, differs.
    L = nst.depth_at_most(impl.depths, 3)
    K = 1 if impl.output == "sigmoid" else 3
    dims = (3, 5, 4, 6)[:L] + (K,)
    net = _diverse_network(impl, dims, 64)
    AL, _ = forward(impl, net)
    want = _labels(impl, AL)
    ordered = np.sort(AL, axis=0)
    margin = np.abs(AL[0] - 0.5) if K == 1 else ordered[-1] - ordered[-2]
    params = impl.parameters(net.params)
    where = net.where(output=impl.output)
    first = _labels_of(impl, net.X, params, net.m, K, where, AL)
    second = _labels_of(impl, net.X, params, net.m, K, where, AL)
    if not np.array_equal(first, second):
        differ = np.flatnonzero(first != second)
        fail("predict", f"a second call on the same X and parameters changed the labels of {differ.size} of {net.m} "
             f"samples (sample {differ[0]}: {first[differ[0]]} then {second[differ[0]]}), must give the same: "
             f"predict must not draw random numbers (dropout is for training only)", where,
             [_forward_is_random(impl, net)])
    for m in dict.fromkeys((net.m, 1, K, dims[0])):
        got = first if m == net.m else _labels_of(impl, net.X[:, :m], params, m, K,
                                                  net.where(output=impl.output).replace(f"m={net.m}", f"m={m}"),
                                                  AL[:, :m])
        wrong = np.flatnonzero((got != want[:m]) & (margin[:m] > DECISIVE))
        if wrong.size:
            i = int(wrong[0])
            hints = []
            if K > 1 and m > 1 and np.array_equal(got, AL[:, :m].argmax(axis=1)[:m]):
                hints.append(f"these are argmaxes over the samples' axis: in LAYOUT {impl.layout!r} the classes are "
                             f"axis {impl.class_axis}")
            fail("predict", f"label {got[i]} for sample {i} of a batch of {m}, but forward_propagation's AL gives "
                 f"class {want[i]} (probabilities {np.round(AL[:, i], 4).tolist()}), must agree with it",
                 net.where(output=impl.output).replace(f"m={net.m}", f"m={m}"), hints)


# -- the implementation's own training ----------------------------------------------------------------------------

def _train_and_score(impl, t, epochs):
    """(test accuracy, where) of the implementation's train for `epochs` and its predict on the test set."""
    lr, batch = LEARNING_RATE[impl.hidden], BATCH[t.name]
    where = f"[layer_dims={tuple(t.layer_dims)}, learning_rate={lr}, epochs={epochs}, batch_size={batch}]"
    params = _trained(impl, t.X_train, t.Y_train, t.layer_dims, lr, epochs, batch, 0, where)
    params = impl.parameters(params)
    AL = impl.from_data(as_array(impl.call_fast("forward_propagation", impl.data(t.X_test), params)[0],
                                 "forward_propagation", "AL", where=where))
    classes = 1 if impl.output == "sigmoid" else t.Y_train.shape[0]
    labels = _labels_of(impl, t.X_test, params, t.y_test.size, classes, where, AL)
    if t.name == "moons":
        _record_boundary(impl, params)
    return float(np.mean(labels == t.y_test)), where


def _record_boundary(impl, params):
    """What the implementation's own train learned on moons, as its predict draws it on a grid (for the HTML page)."""
    from nnspec.grading.boundary import boundary, moons_grid

    X, meta = moons_grid()
    try:
        impl.artifacts["boundary"] = boundary(impl.call_fast("predict", impl.data(X), params), meta)
    except Exception:  # noqa: BLE001 - a picture for the report; predict's own checks judge predict
        impl.artifacts.pop("boundary", None)


def _own_training(impl, name):
    t = task(impl, name)
    diverged = None
    for epochs in OWN_TRAIN_EPOCHS[name]:
        try:
            accuracy, where = _train_and_score(impl, t, epochs)
        except Diverged as exc:
            diverged = str(exc)
            break
        if accuracy >= t.target:
            return
    # Missed: measure before speaking. Is the calculus right? Do the arguments act? What does the start do?
    best, loop_epochs, reached, loop_diverged = _suite_loop(impl, name)
    try:
        effects = argument_effects(impl)
    except (AssertionError, ImplementationError):
        effects = None
    if diverged:
        call, message = diverged.split(": ", 1)
        message, where = message.rsplit(" [", 1)
        headline, where = message, "[" + where
    else:
        headline = f"train + predict reached {name} test accuracy {accuracy:.3f} in {epochs} epochs"
    if not diverged and reached and effects and all(effects.values()):
        accuracy, where = _train_and_score(impl, t, EXTENDED_EPOCHS[name])
        if accuracy >= t.target:
            return  # slow is not wrong
        headline += f" and {accuracy:.3f} in {EXTENDED_EPOCHS[name]}"
    lines = []
    if reached:
        # Learning together is not proof of exact calculus (dW m times too large still learns the patterns): the
        # gradient checks say that; this says where the training goes wrong.
        lines.append(f"the primitives learn: the suite's loop with this implementation's forward_propagation, "
                     f"backward_propagation and update_parameters reached {best:.3f} in {loop_epochs} epochs "
                     f"(from the suite's initial weights); this training does not reach the target in the budget")
    else:
        lines.append(f"the suite's loop with this implementation's forward_propagation, backward_propagation and "
                     f"update_parameters reached only {best:.3f} in {loop_epochs} epochs"
                     f"{' and then diverged' if loop_diverged else ' too'}: the passes or the "
                     f"update do not learn (see the checks of training loop, backward_propagation, update_parameters)")
    if effects is None:
        lines.append("whether learning_rate, batch_size and seed act could not be measured (train failed on the "
                     "short trainings: see its other checks)")
    else:
        idle = [k for k, v in effects.items() if not v]
        lines.append(f"{', '.join(idle)} had no effect on what train returns" if idle else
                     "learning_rate, batch_size and seed each change what train returns")
    lines.append(_scale_measurement(impl, t))
    fail("train", headline if diverged else f"{headline}, must reach {t.target}", where, lines)


def _scale_measurement(impl, t):
    """The initial weight scale, measured on initialize_parameters, and what it does to the chosen activation."""
    if "initialize_parameters" not in impl.provided:
        return None
    try:
        W1 = impl.from_parameters(impl.call("initialize_parameters", list(t.layer_dims)))["W1"]
        n_in = t.layer_dims[0]
        std, z = float(np.std(W1)), float(np.std(np.asarray(W1, dtype=float) @ t.X_train))
    except Exception:  # a measurement that cannot be taken says nothing; initialize_parameters has its own checks
        return None
    text = (f"initialize_parameters gives W1 a std of {std:.3g} (Xavier's: {np.sqrt(1 / n_in):.3g}, He's: "
            f"{np.sqrt(2 / n_in):.3g}); the first layer's W1 @ X has std {z:.3g} on the training data")
    if impl.hidden in ("tanh", "sigmoid") and z < 0.1:
        # tanh(z) = z (1 - z^2/3 + ...), sigmoid(z) = 1/2 + z/4 (1 - z^2/12 + ...): the relative departure from linear
        bend = z * z / (3 if impl.hidden == "tanh" else 12)
        text += (f", where {impl.hidden} departs from a straight line by {bend:.1e} (relative): the network starts "
                 f"nearly linear and its hidden units nearly alike, which small steps leave slowly")
    elif impl.hidden in ("relu", "elu") and std * np.sqrt(n_in) < 0.1:
        text += (f": each layer scales its input by about {std * np.sqrt(n_in):.2g}, so the gradients of the "
                 f"earlier layers start that much smaller per layer above them")
    return text


@check("train", needs=("predict",), per_configuration=True)
def check_train_and_predict_learn_moons(impl):
    _own_training(impl, "moons")


@check("train", needs=("predict",), per_configuration=True)
def check_train_and_predict_learn_the_patterns(impl):
    _own_training(impl, "patterns")
