"""Mini-batch SGD: the exact loop, determinism, convergence, dropout off at prediction."""

import background
import numpy as np
import pytest

import reference as ref
from reference import configure
from reference.datasets import make_moons, make_patterns, one_hot, train_test_split
from reference.training import minibatches


def test_minibatches_cover_every_sample_once_and_keep_the_last_partial_batch():
    X = np.arange(20.0).reshape(2, 10)
    Y = np.arange(10.0)[None, :]
    batches = list(minibatches(X, Y, 4, np.random.default_rng(0)))
    sizes = [b[0].shape[1] for b in batches]
    assert sizes == [4, 4, 2], f"batch sizes were {sizes}, expected [4, 4, 2]"
    seen = np.sort(np.concatenate([b[1][0] for b in batches]))
    assert np.array_equal(seen, np.arange(10.0)), f"samples seen were {seen}"
    assert all(np.array_equal(bx[1], bx[0] + 10) for bx, _ in batches), "X and Y columns got separated"


def test_train_is_exactly_the_seeded_minibatch_sgd_loop_written_out_by_hand():
    rng_data = np.random.default_rng(3)
    X = rng_data.standard_normal((2, 5))
    Y = np.eye(2)[:, [0, 1, 1, 0, 1]]
    got = ref.train(X, Y, [2, 3, 2], 0.1, 2, 4, seed=11)

    rng = np.random.default_rng(11)
    p = ref.initialize_parameters([2, 3, 2], rng=rng)
    for _ in range(2):
        order = rng.permutation(5)
        for batch in (order[:4], order[4:]):  # the partial batch of 1 is kept
            _, cache = ref.forward_propagation(X[:, batch], p)
            p = ref.update_parameters(p, ref.backward_propagation(p, cache, X[:, batch], Y[:, batch]), 0.1)
    for k in p:
        assert np.allclose(got[k], p[k], rtol=1e-14, atol=1e-15), f"{k} differs from the hand-written loop"


def _moons():
    X, y = make_moons(1000, 0.2, random_state=42)
    return train_test_split(X, y, 0.2, seed=42)


@pytest.mark.parametrize("keep_prob", [1.0, 0.8])
def test_same_seed_gives_the_same_parameters_to_the_bit(keep_prob):
    X_train, _, y_train, _ = _moons()
    Y = one_hot(y_train)
    a = ref.train(X_train, Y, [2, 8, 2], 0.1, 3, 32, seed=5, keep_prob=keep_prob)
    b = ref.train(X_train, Y, [2, 8, 2], 0.1, 3, 32, seed=5, keep_prob=keep_prob)
    c = ref.train(X_train, Y, [2, 8, 2], 0.1, 3, 32, seed=6, keep_prob=keep_prob)
    assert all(np.array_equal(a[k], b[k]) for k in a), "same seed gave different parameters"
    assert not np.array_equal(a["W1"], c["W1"]), "different seeds gave the same parameters"


def test_train_does_not_modify_its_arguments_or_the_global_random_state():
    X_train, _, y_train, _ = _moons()
    Y = one_hot(y_train)
    X_before, Y_before = X_train.copy(), Y.copy()
    state = np.random.get_state()[1].copy()
    ref.train(X_train, Y, [2, 4, 2], 0.1, 2, 32, seed=0, keep_prob=0.9)
    assert np.array_equal(X_train, X_before) and np.array_equal(Y, Y_before), "train modified X or Y"
    assert np.array_equal(np.random.get_state()[1], state), "train used numpy's global random state"


SEEDS_CODE = """
import json
import numpy as np
import reference as ref
from reference.datasets import make_moons, one_hot, train_test_split
X, y = make_moons(1000, 0.2, random_state=42)
X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=42)
accuracies = [float(np.mean(ref.predict(X_test, ref.train(X_train, one_hot(y_train), [2, 64, 2], 0.1, 200, 32, seed))
                            == y_test)) for seed in range(3)]
print(json.dumps(accuracies))
"""


def _several_seeds() -> list:
    """The default network's moons test accuracy for seeds 0, 1, 2, trained in a process of its own."""
    return background.json_of("-c", SEEDS_CODE)


# Three trainings of 200 epochs: they start when the tests are collected.
BACKGROUND = {"reference_seeds": _several_seeds}
BACKGROUND_SECONDS = {"reference_seeds": 2.5}


def test_default_network_reaches_97_percent_on_moons_for_several_seeds():
    accuracies = background.result("reference_seeds", _several_seeds)
    assert len(accuracies) == 3, accuracies
    for seed, acc in enumerate(accuracies):
        assert acc >= 0.97, f"seed {seed}: moons test accuracy {acc} < 0.97"


def test_tanh_sigmoid_network_learns_moons_with_zero_one_labels():
    X_train, X_test, y_train, y_test = _moons()
    net = configure("tanh", "sigmoid")
    p = net.train(X_train, y_train[None, :].astype(float), [2, 16, 1], 0.1, 100, 32, 0)
    labels = net.predict(X_test, p)
    assert labels.shape == (200,) and set(np.unique(labels)) <= {0, 1}, f"labels were {labels[:10]}..."
    assert np.mean(labels == y_test) >= 0.95, f"accuracy {np.mean(labels == y_test)}"


@pytest.mark.parametrize("hidden", ["relu", "tanh", "sigmoid", "elu"])
def test_every_hidden_activation_learns_all_eight_patterns(hidden):
    X, y = make_patterns()
    net = configure(hidden)
    p = net.train(X, one_hot(y), [4, 8, 4], 0.5, 500, 8, seed=0)
    assert np.array_equal(net.predict(X, p), y), f"{hidden}: predicted {net.predict(X, p)}, expected {y}"


def test_training_with_dropout_still_learns_and_prediction_is_deterministic():
    X_train, X_test, y_train, y_test = _moons()
    p = ref.train(X_train, one_hot(y_train), [2, 64, 2], 0.1, 60, 32, seed=0, keep_prob=0.8)
    first, second = ref.predict(X_test, p), ref.predict(X_test, p)
    assert np.array_equal(first, second), "predict gave different labels twice: dropout left on"
    AL, _ = ref.forward_propagation(X_test, p)
    assert np.array_equal(first, np.argmax(AL, axis=0)), "predict is not argmax of the full network"
    assert np.mean(first == y_test) >= 0.93, f"dropout training reached only {np.mean(first == y_test)}"


def test_callback_sees_each_epoch_with_a_copy_of_the_parameters():
    X, y = make_patterns()
    seen = []
    p = ref.train(X, one_hot(y), [4, 8, 4], 0.5, 5, 8, seed=0,
                  callback=lambda epoch, params: seen.append((epoch, params)))
    assert [e for e, _ in seen] == [1, 2, 3, 4, 5], f"callback epochs were {[e for e, _ in seen]}"
    assert np.array_equal(seen[-1][1]["W1"], p["W1"]), "last callback parameters differ from the result"
    assert not np.array_equal(seen[0][1]["W1"], p["W1"]), "callback parameters were not a snapshot"


def test_predict_returns_class_indices_of_length_m():
    X, y = make_patterns()
    p = ref.initialize_parameters([4, 8, 4], seed=0)
    labels = ref.predict(X, p)
    assert labels.shape == (8,) and np.issubdtype(labels.dtype, np.integer), \
        f"predict returned shape {labels.shape} dtype {labels.dtype}"
    assert labels.min() >= 0 and labels.max() < 4, f"labels out of range: {labels}"


def test_any_depth_trains():
    X, y = make_patterns()
    p = ref.train(X, one_hot(y), [4, 8, 8, 8, 4], 0.2, 400, 8, seed=0)
    assert sorted(k for k in p) == sorted(f"{w}{l}" for l in range(1, 5) for w in "Wb"), f"keys {sorted(p)}"
    assert np.array_equal(ref.predict(X, p), y), "a 4-layer network did not learn the patterns"
