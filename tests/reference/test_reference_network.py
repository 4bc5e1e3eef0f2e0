"""initialize / forward / backward / update / dropout on tiny hand-computed cases."""

import math

import numpy as np
import pytest

import reference as ref
from reference import configure


def sigma(z):
    return 1.0 / (1.0 + math.exp(-z))


# ------------------------------------------------------------- initialisation

def test_initialize_parameters_gives_column_layout_shapes_and_zero_biases():
    p = ref.initialize_parameters([3, 5, 2])
    shapes = {k: v.shape for k, v in p.items()}
    assert shapes == {"W1": (5, 3), "b1": (5, 1), "W2": (2, 5), "b2": (2, 1)}, f"shapes were {shapes}"
    assert not p["b1"].any() and not p["b2"].any(), "biases did not start at zero"


@pytest.mark.parametrize("hidden, gain", [("relu", 2.0), ("elu", 2.0), ("tanh", 1.0), ("sigmoid", 1.0)])
def test_weights_have_he_or_xavier_standard_deviation(hidden, gain):
    n_in = 400
    p = configure(hidden).initialize_parameters([n_in, 500, 1], seed=3)
    expected = math.sqrt(gain / n_in)
    got = p["W1"].std()
    assert abs(got / expected - 1) < 0.02, f"{hidden}: std of W1 was {got}, expected about {expected}"


def test_initialization_is_deterministic_per_seed_and_leaves_global_random_state_alone():
    state = np.random.get_state()[1].copy()
    a = ref.initialize_parameters([2, 4, 1], seed=7)
    b = ref.initialize_parameters([2, 4, 1], seed=7)
    c = ref.initialize_parameters([2, 4, 1], seed=8)
    assert all(np.array_equal(a[k], b[k]) for k in a), "same seed gave different weights"
    assert not np.array_equal(a["W1"], c["W1"]), "different seeds gave the same weights"
    assert np.array_equal(np.random.get_state()[1], state), "numpy's global random state changed"


def test_initialization_draws_from_a_given_generator():
    a = ref.initialize_parameters([2, 3, 1], rng=np.random.default_rng(5))
    b = ref.initialize_parameters([2, 3, 1], seed=5)
    assert np.array_equal(a["W1"], b["W1"]), "rng=default_rng(5) and seed=5 disagree"


# ------------------------------------------------------------------ forward

TINY = {
    "W1": np.array([[1.0, -1.0], [2.0, 0.0]]), "b1": np.array([[0.0], [-1.0]]),
    "W2": np.array([[1.0, 1.0], [0.0, -1.0]]), "b2": np.array([[0.0], [0.0]]),
}


def test_forward_of_a_hand_computed_two_layer_relu_softmax_network():
    # Z1 = W1 x + b1 = [[-1], [1]], A1 = [[0], [1]], Z2 = [[1], [-1]].
    AL, _ = ref.forward_propagation(np.array([[1.0], [2.0]]), TINY)
    p = 1 / (1 + math.exp(-2))
    assert np.allclose(AL, [[p], [1 - p]], rtol=1e-15), f"A2 was {AL.ravel()}, expected [{p}, {1 - p}]"


def test_forward_handles_many_samples_as_columns_independently():
    X = np.array([[1.0, 0.0, -1.0], [2.0, 1.0, 0.5]])
    AL, _ = ref.forward_propagation(X, TINY)
    for j in range(3):
        single, _ = ref.forward_propagation(X[:, j:j + 1], TINY)
        assert np.allclose(AL[:, j:j + 1], single, rtol=1e-15), f"column {j} depends on other columns"
    assert np.allclose(AL.sum(axis=0), 1.0), "softmax columns do not sum to 1"


def test_forward_with_sigmoid_output_gives_one_probability_row():
    net = configure("tanh", "sigmoid")
    p = {"W1": np.array([[math.log(2.0)]]), "b1": np.zeros((1, 1)),
         "W2": np.array([[5.0]]), "b2": np.array([[-3.0]])}
    AL, _ = net.forward_propagation(np.array([[1.0]]), p)
    # tanh(ln 2) = 0.6, so Z2 = 5 * 0.6 - 3 = 0 and sigma(0) = 0.5.
    assert AL.shape == (1, 1) and math.isclose(AL[0, 0], 0.5, abs_tol=1e-15), f"A2 was {AL}"


# ----------------------------------------------------------------- backward

def test_backward_of_a_hand_computed_relu_sigmoid_network():
    net = configure("relu", "sigmoid")
    p = {"W1": np.array([[0.5]]), "b1": np.zeros((1, 1)), "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}
    X, Y = np.array([[2.0, 2.0]]), np.array([[1.0, 1.0]])  # two equal samples: mean = each
    _, cache = net.forward_propagation(X, p)
    g = net.backward_propagation(p, cache, X, Y)
    d = sigma(1.0) - 1.0  # Z1 = 1, A1 = 1, Z2 = 1, dZ2 = sigma(1) - 1
    expected = {"dW2": d, "db2": d, "dW1": 2 * d, "db1": d}
    for key, value in expected.items():
        assert math.isclose(g[key][0, 0], value, rel_tol=1e-15), f"{key} was {g[key][0, 0]}, expected {value}"


def test_backward_through_a_dead_relu_gives_zero_first_layer_gradients():
    net = configure("relu", "sigmoid")
    p = {"W1": np.array([[-0.5]]), "b1": np.zeros((1, 1)), "W2": np.array([[1.0]]), "b2": np.zeros((1, 1))}
    X, Y = np.array([[2.0]]), np.array([[1.0]])
    _, cache = net.forward_propagation(X, p)
    g = net.backward_propagation(p, cache, X, Y)
    assert g["dW1"][0, 0] == 0.0 and g["db1"][0, 0] == 0.0, f"dead unit passed gradient: {g}"
    assert math.isclose(g["db2"][0, 0], -0.5), f"db2 was {g['db2']}, expected sigma(0) - 1 = -0.5"


def _numeric_gradient(net, p, X, Y, key, h=1e-6):
    loss = net.cross_entropy_loss if net.OUTPUT_ACTIVATION == "softmax" else net.binary_cross_entropy
    grad = np.zeros_like(p[key])
    for idx in np.ndindex(p[key].shape):
        plus = {k: v.copy() for k, v in p.items()}
        minus = {k: v.copy() for k, v in p.items()}
        plus[key][idx] += h
        minus[key][idx] -= h
        grad[idx] = (loss(Y, net.forward_propagation(X, plus)[0])
                     - loss(Y, net.forward_propagation(X, minus)[0])) / (2 * h)
    return grad


@pytest.mark.parametrize("hidden, output", ref.CONFIGURATIONS)
@pytest.mark.parametrize("dims", [[3, 2], [3, 4, 2], [3, 5, 4, 2]])
def test_backward_matches_central_differences_of_the_mean_loss(hidden, output, dims):
    net = configure(hidden, output)
    rng = np.random.default_rng(1)
    n_out = dims[-1] if output == "softmax" else 1
    dims = dims[:-1] + [n_out]
    X = rng.standard_normal((dims[0], 6))
    labels = rng.integers(0, 2, size=6)
    Y = np.eye(n_out)[:, labels % n_out] if output == "softmax" else labels[None, :].astype(float)
    p = net.initialize_parameters(dims, seed=2)
    for k in p:
        if k.startswith("b"):  # nonzero biases so no relu sits exactly at its kink
            p[k] = rng.standard_normal(p[k].shape) * 0.1
    _, cache = net.forward_propagation(X, p)
    grads = net.backward_propagation(p, cache, X, Y)
    assert set(grads) == {f"d{k}" for k in p}, f"gradient keys were {sorted(grads)}"
    for key in p:
        numeric = _numeric_gradient(net, p, X, Y, key)
        assert grads[f"d{key}"].shape == p[key].shape, f"d{key} has the wrong shape"
        assert np.allclose(grads[f"d{key}"], numeric, rtol=1e-5, atol=1e-8), \
            f"{hidden}/{output} {dims}: d{key} off by {np.max(abs(grads[f'd{key}'] - numeric))}"


def test_backward_with_dropout_matches_central_differences_for_the_same_masks():
    X = np.random.default_rng(0).standard_normal((3, 5))
    Y = np.eye(2)[:, [0, 1, 1, 0, 1]]
    p = ref.initialize_parameters([3, 6, 6, 2], seed=1)
    p["b1"] = p["b1"] + 0.1
    forward = lambda q: ref.forward_propagation(X, q, 0.7, np.random.default_rng(9))  # noqa: E731
    _, cache = forward(p)
    grads = ref.backward_propagation(p, cache, X, Y)
    for key in p:
        numeric = np.zeros_like(p[key])
        for idx in np.ndindex(p[key].shape):
            plus = {k: v.copy() for k, v in p.items()}
            minus = {k: v.copy() for k, v in p.items()}
            plus[key][idx] += 1e-6
            minus[key][idx] -= 1e-6
            numeric[idx] = (ref.cross_entropy_loss(Y, forward(plus)[0])
                            - ref.cross_entropy_loss(Y, forward(minus)[0])) / 2e-6
        assert np.allclose(grads[f"d{key}"], numeric, rtol=1e-5, atol=1e-8), \
            f"with dropout d{key} off by {np.max(abs(grads[f'd{key}'] - numeric))}"


# ------------------------------------------------------------------- update

def test_update_parameters_returns_a_new_dict_and_leaves_its_arguments_alone():
    p = {"W1": np.array([[1.0, 2.0]]), "b1": np.array([[0.5]])}
    g = {"dW1": np.array([[10.0, -10.0]]), "db1": np.array([[1.0]])}
    p_before = {k: v.copy() for k, v in p.items()}
    new = ref.update_parameters(p, g, 0.1)
    assert new is not p, "update_parameters returned its argument"
    assert np.allclose(new["W1"], [[0.0, 3.0]]) and np.allclose(new["b1"], [[0.4]]), f"update gave {new}"
    assert all(np.array_equal(p[k], p_before[k]) for k in p), "update_parameters modified parameters"


# ------------------------------------------------------------------ dropout

def test_dropout_with_keep_prob_one_keeps_everything():
    A = np.arange(6.0).reshape(2, 3)
    out, mask = ref.dropout_forward(A, 1.0)
    assert np.array_equal(out, A) and out is not A, "keep_prob 1 changed A or returned it itself"
    assert mask.all(), "keep_prob 1 dropped units"


def test_dropout_zeroes_dropped_units_and_scales_kept_ones_by_one_over_keep_prob():
    A = np.ones((50, 40))
    out, mask = ref.dropout_forward(A, 0.8, rng=np.random.default_rng(0))
    assert np.array_equal(out, np.where(mask, 1.25, 0.0)), "kept units not scaled by 1/keep_prob"
    assert abs(mask.mean() - 0.8) < 0.03, f"kept fraction was {mask.mean()}, expected about 0.8"
    assert abs(out.mean() - 1.0) < 0.04, f"mean after inverted dropout was {out.mean()}, expected about 1"


def test_dropout_without_rng_draws_a_different_mask_each_call():
    A = np.ones((20, 20))
    _, m1 = ref.dropout_forward(A, 0.5)
    _, m2 = ref.dropout_forward(A, 0.5)
    assert not np.array_equal(m1, m2), "two calls without rng gave the same mask"


def test_dropout_backward_routes_gradient_only_through_kept_units():
    dA = np.array([[1.0, 2.0], [3.0, 4.0]])
    mask = np.array([[True, False], [False, True]])
    got = ref.dropout_backward(dA, mask, 0.5)
    assert np.array_equal(got, [[2.0, 0.0], [0.0, 8.0]]), f"dropout_backward gave {got}"
    assert np.array_equal(dA, [[1.0, 2.0], [3.0, 4.0]]), "dropout_backward modified dA"


def test_forward_without_keep_prob_is_prediction_mode_and_repeatable():
    X = np.random.default_rng(0).standard_normal((3, 4))
    p = ref.initialize_parameters([3, 8, 2], seed=0)
    a, cache = ref.forward_propagation(X, p)
    b, _ = ref.forward_propagation(X, p)
    manual = ref.softmax(p["W2"] @ ref.relu(p["W1"] @ X + p["b1"]) + p["b2"])
    assert np.array_equal(a, b), "forward without dropout is not repeatable"
    assert np.allclose(a, manual, rtol=1e-15), "forward with keep_prob 1 is not the plain network"
    c, _ = ref.forward_propagation(X, p, keep_prob=0.5, rng=np.random.default_rng(1))
    assert not np.allclose(a, c), "keep_prob 0.5 changed nothing"
