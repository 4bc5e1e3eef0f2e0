"""The lambdified oracles agree with central finite differences, with sympy, and stay finite at extremes."""

import warnings

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from spec import activations as act
from spec import oracles

RNG_SEED = 20240521
H = 1e-6


def central_difference(f, x, h=H):
    return (f(x + h) - f(x - h)) / (2 * h)


def points_away_from_kinks(n=200):
    """Random points in [-6, 6], at least 1e-3 away from 0 where ReLU/ELU have a kink."""
    x = np.random.default_rng(RNG_SEED).uniform(-6, 6, size=n)
    return x[np.abs(x) > 1e-3]


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "elu"])
def test_activation_derivative_matches_central_finite_differences(name):
    g, dg = oracles.ACTIVATIONS[name]
    x = points_away_from_kinks()
    numeric = central_difference(g, x)
    np.testing.assert_allclose(dg(x), numeric, rtol=1e-6, atol=1e-8,
                               err_msg=f"{name}_derivative vs central differences of {name}")


@pytest.mark.parametrize("alpha", [0.1, 1.0, 1.7])
def test_elu_derivative_matches_finite_differences_for_several_alphas(alpha):
    x = points_away_from_kinks()
    numeric = central_difference(lambda v: oracles.elu(v, alpha), x)
    np.testing.assert_allclose(oracles.elu_derivative(x, alpha), numeric, rtol=1e-6, atol=1e-8,
                               err_msg=f"elu_derivative(alpha={alpha}) vs central differences")


@settings(max_examples=60, deadline=None)
@given(st.floats(min_value=-30, max_value=30, allow_nan=False).filter(lambda v: abs(v) > 1e-3))
def test_sigmoid_and_tanh_derivatives_match_finite_differences_anywhere(x):
    for name in ("sigmoid", "tanh"):
        g, dg = oracles.ACTIVATIONS[name]
        numeric = central_difference(g, np.float64(x))
        assert np.isclose(dg(x), numeric, rtol=1e-5, atol=1e-9), f"{name}'({x}) = {dg(x)} vs {numeric}"


def test_oracles_equal_the_sympy_expressions_at_exact_points():
    for value in (sp.Rational(-7, 3), sp.Rational(-1, 5), sp.Rational(2, 7), sp.Integer(3)):
        for expr, f in [(act.SIGMOID, oracles.sigmoid), (act.SIGMOID_DERIVATIVE, oracles.sigmoid_derivative),
                        (act.TANH_DERIVATIVE, oracles.tanh_derivative),
                        (act.ELU.subs(act.alpha, 1), oracles.elu),
                        (act.ELU_DERIVATIVE.subs(act.alpha, 1), oracles.elu_derivative)]:
            exact = float(expr.subs(act.z, value).evalf(30))
            assert np.isclose(f(float(value)), exact, rtol=1e-12), f"{f.__name__}({value}) vs sympy {exact}"


def test_relu_derivative_is_zero_at_zero_the_stated_choice():
    assert oracles.relu_derivative(0.0) == 0.0, "relu_derivative(0) should be 0"
    np.testing.assert_array_equal(oracles.relu_derivative(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 1.0])


def test_elu_derivative_at_zero_is_alpha():
    assert oracles.elu_derivative(0.0, 0.5) == 0.5, "ELU'(0) should be alpha"


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "elu"])
def test_activations_are_finite_and_silent_for_huge_inputs(name):
    g, dg = oracles.ACTIVATIONS[name]
    x = np.array([-1000.0, -710.0, 710.0, 1000.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values, slopes = g(x), dg(x)
    assert np.all(np.isfinite(values)) and np.all(np.isfinite(slopes)), f"{name} not finite: {values}, {slopes}"
    assert values.dtype == np.float64 and slopes.dtype == np.float64


def test_softmax_columns_sum_to_one_and_survive_logits_of_ten_thousand():
    Z = np.array([[1e4, -1e4, 0.0, 3.0], [0.0, 1e4, 0.0, 1.0], [-1e4, 0.0, 0.0, 2.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        S = oracles.softmax(Z)
    assert np.all(np.isfinite(S)), f"softmax overflowed: {S}"
    np.testing.assert_allclose(S.sum(axis=0), 1.0, err_msg="softmax columns should sum to 1")
    np.testing.assert_allclose(S[:, 2], 1 / 3, err_msg="equal logits give equal probabilities")


def test_softmax_along_axis_one_matches_the_transpose():
    Z = np.random.default_rng(RNG_SEED).normal(size=(4, 6))
    np.testing.assert_allclose(oracles.softmax(Z.T, axis=1), oracles.softmax(Z).T,
                               err_msg="softmax(Z.T, axis=1) vs softmax(Z).T")


def test_softmax_is_unchanged_by_adding_a_constant_to_every_logit():
    Z = np.random.default_rng(RNG_SEED).normal(size=(5, 3))
    np.testing.assert_allclose(oracles.softmax(Z + 123.0), oracles.softmax(Z), rtol=1e-12,
                               err_msg="softmax(Z + c) vs softmax(Z)")


def test_two_class_softmax_equals_sigmoid_of_the_difference():
    Z = np.random.default_rng(RNG_SEED).normal(scale=5, size=(2, 50))
    np.testing.assert_allclose(oracles.softmax(Z)[0], oracles.sigmoid(Z[0] - Z[1]), rtol=1e-12,
                               err_msg="softmax(z)[0] vs sigmoid(z1 - z2)")


def test_sigmoid_bce_gradient_matches_finite_differences_of_the_loss_in_z():
    rng = np.random.default_rng(RNG_SEED)
    z, y = rng.normal(scale=3, size=100), rng.integers(0, 2, size=100).astype(float)
    numeric = central_difference(lambda v: oracles.binary_cross_entropy(y, oracles.sigmoid(v)), z)
    np.testing.assert_allclose(numeric, oracles.sigmoid(z) - y, rtol=1e-5, atol=1e-8,
                               err_msg="d BCE(y, sigmoid(z)) / dz vs a - y")


def test_softmax_ce_gradient_matches_finite_differences_of_the_loss_in_z():
    rng = np.random.default_rng(RNG_SEED)
    K, m = 4, 7
    Z = rng.normal(scale=2, size=(K, m))
    Y = np.eye(K)[:, rng.integers(0, K, size=m)]
    numeric = np.zeros_like(Z)
    for k in range(K):
        E = np.zeros_like(Z)
        E[k] = H
        numeric[k] = (oracles.categorical_cross_entropy(Y, oracles.softmax(Z + E))
                      - oracles.categorical_cross_entropy(Y, oracles.softmax(Z - E))) / (2 * H)
    np.testing.assert_allclose(numeric, oracles.softmax(Z) - Y, rtol=1e-5, atol=1e-8,
                               err_msg="d CE(Y, softmax(Z)) / dZ vs A - Y")


def test_cross_entropies_match_their_formulas_and_treat_zero_log_zero_as_zero():
    y, p = np.array([1.0, 0.0, 1.0]), np.array([0.8, 0.3, 1.0])
    np.testing.assert_allclose(oracles.binary_cross_entropy(y, p), [-np.log(0.8), -np.log(0.7), 0.0])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    A = np.array([[0.5, 0.0], [0.5, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(oracles.categorical_cross_entropy(Y, A), [np.log(2.0), 0.0],
                               err_msg="CE per sample with 0 log 0 = 0")


def small_network(rng, sizes):
    return {key: value for l in range(1, len(sizes))
            for key, value in ((f"W{l}", rng.normal(size=(sizes[l], sizes[l - 1]))),
                               (f"b{l}", rng.normal(size=(sizes[l], 1))))}


def test_forward_is_the_composition_of_layers_with_columns_as_samples():
    rng = np.random.default_rng(RNG_SEED)
    params = small_network(rng, [3, 4, 2])
    X = rng.normal(size=(3, 5))
    hidden = np.tanh(params["W1"] @ X + params["b1"])
    expected = oracles.softmax(params["W2"] @ hidden + params["b2"])
    np.testing.assert_allclose(oracles.forward(X, params, hidden="tanh"), expected,
                               err_msg="forward vs explicit two-layer computation")
    single = oracles.forward(X[:, :1], params, hidden="tanh")
    np.testing.assert_allclose(single, expected[:, :1], err_msg="a column alone gives the same output")


def test_forward_with_sigmoid_output_and_mean_loss_is_the_batch_mean():
    rng = np.random.default_rng(RNG_SEED)
    params = small_network(rng, [3, 5, 4, 1])
    X = rng.normal(size=(3, 6))
    Y = rng.integers(0, 2, size=(1, 6)).astype(float)
    AL = oracles.forward(X, params, hidden="relu", output="sigmoid")
    assert AL.shape == (1, 6) and np.all((AL > 0) & (AL < 1)), f"sigmoid output out of (0, 1): {AL}"
    expected = np.mean(-(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)))
    assert np.isclose(oracles.mean_loss(Y, AL, output="sigmoid"), expected), "mean BCE over samples"


def test_mean_loss_of_a_softmax_network_is_the_mean_per_sample_cross_entropy():
    rng = np.random.default_rng(RNG_SEED)
    AL = oracles.softmax(rng.normal(size=(3, 8)))
    Y = np.eye(3)[:, rng.integers(0, 3, size=8)]
    expected = np.mean(-np.log(np.sum(Y * AL, axis=0)))
    assert np.isclose(oracles.mean_loss(Y, AL), expected), "mean CE over samples"


def test_forward_rejects_unknown_activations():
    params = small_network(np.random.default_rng(RNG_SEED), [2, 2])
    with pytest.raises(ValueError, match="hidden"):
        oracles.forward(np.ones((2, 1)), params, hidden="swish")
    with pytest.raises(ValueError, match="output"):
        oracles.forward(np.ones((2, 1)), params, output="linear")


def test_the_bce_terms_used_by_the_oracle_add_up_to_the_derived_loss():
    from spec.losses import BCE, BCE_TERMS

    assert sp.expand(BCE - sum(BCE_TERMS)) == 0, "BCE_TERMS must sum to BCE"


def test_the_generated_numeric_module_is_current():
    # spec/numeric.py is what the checks run on (numpy alone); it must be exactly what sympy prints today.
    from pathlib import Path

    from spec import emit

    assert Path(emit.TARGET).read_text() == emit.source(), "spec/numeric.py is stale: run python -m spec.emit"


@pytest.mark.parametrize("name", ["relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh",
                                  "tanh_derivative"])
def test_the_generated_oracles_equal_sympy_lambdify_of_the_proven_expressions(name):
    closed = {"relu": act.RELU, "relu_derivative": act.RELU_DERIVATIVE_CLOSED, "sigmoid": act.SIGMOID,
              "sigmoid_derivative": act.SIGMOID_DERIVATIVE_CLOSED.subs(act.a, act.SIGMOID), "tanh": act.TANH,
              "tanh_derivative": act.TANH_DERIVATIVE_CLOSED.subs(act.a, act.TANH)}[name]
    x = np.concatenate([np.random.default_rng(RNG_SEED).uniform(-30, 30, 500), [0.0, -0.0, 1e-300, 700.0]])
    with np.errstate(over="ignore"):
        want = sp.lambdify(act.z, closed, "numpy")(x)
    np.testing.assert_array_equal(getattr(oracles, name)(x), np.asarray(want, dtype=np.float64), err_msg=name)


def test_importing_the_oracles_does_not_import_sympy():
    import subprocess
    import sys

    code = "import sys, spec.oracles, nnspec.numerics; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False", "the checks' import path must stay free of sympy (2.8 s)"
