"""Every derivation verifies, and a deliberately wrong closed form is rejected."""

import os

import pytest
import sympy as sp

import background
import spec
import test_spec_cli
from spec import activations as act
from spec import descent, dropout, layers, losses
from spec import tolerances as tol
from spec.derivation import Derivation, Step

A, Y, i, j, K = losses.A, losses.Y, losses.i, losses.j, losses.K
z, a, alpha = act.z, act.a, act.alpha

# For each derivation, plausible mistakes people make; every one must be rejected.
WRONG_CLOSED_FORMS = {
    "sigmoid-derivative": [z * (1 - z), a * (1 + a), 1 - a],
    "tanh-derivative": [1 - a, 1 - z**2, 1 + a**2],
    "relu-derivative": [sp.Heaviside(-z, 0), sp.Heaviside(z, 2), sp.Integer(1), sp.Heaviside(z, -1)],
    "elu-derivative": [
        sp.Piecewise((1, z > 0), (sp.exp(z), True)),
        sp.Piecewise((1, z > 0), (alpha * (sp.exp(z) - 1), True)),
        sp.Piecewise((1, z >= 0), (alpha * sp.exp(z), True)),
    ],
    "sigmoid-bce-gradient": [losses.y - a, a * (1 - a) * (a - losses.y), (a - losses.y) / (a * (1 - a))],
    "softmax-jacobian": [A[i] * (1 - A[j]), A[i] * (1 - A[i]), A[i] * (sp.KroneckerDelta(i, j) + A[j])],
    "softmax-ce-gradient": [(A[j] - Y[j]) / K, Y[j] - A[j], A[j] * (1 - A[j]) * (A[j] - Y[j])],
    "softmax-ce-gradient-general-k": [(A[j] - Y[j]) / K, Y[j] - A[j], A[j] - 1],
    "softmax-shift-invariance": [
        sp.exp(losses.Zi[j] - losses.c) / sp.Sum(sp.exp(losses.Zi[i]), (i, 1, K)),
        sp.exp(losses.Zi[j]) / sp.Sum(sp.exp(losses.Zi[i] - losses.c), (i, 1, K)),
    ],
    "softmax2-is-sigmoid": [
        act.SIGMOID.subs(z, losses._z1 + losses._z2),
        act.SIGMOID.subs(z, losses._z1),
        act.SIGMOID.subs(z, losses._z2 - losses._z1),
    ],
    "dense-layer-gradients": [
        # dW without the 1/m
        sp.Tuple(layers.dZ * layers.A_prev.T, layers.DENSE_CLOSED[1], layers.DENSE_CLOSED[2]),
        # db with the 1/m applied twice
        sp.Tuple(layers.DENSE_CLOSED[0], layers.DENSE_CLOSED[1] / layers.M, layers.DENSE_CLOSED[2]),
        # dA_prev with a 1/m (it would then be applied twice further down)
        sp.Tuple(layers.DENSE_CLOSED[0], layers.DENSE_CLOSED[1], layers.DENSE_CLOSED[2] / layers.M),
        # wrong shape: dA_prev forgotten
        sp.Tuple(layers.DENSE_CLOSED[0], layers.DENSE_CLOSED[1]),
    ],
    "linear-layers-collapse": [
        layers.W2 * layers.W1 * layers.x + layers.b2,
        layers.W2 * layers.W1 * layers.x + layers.b1[:2, :] + layers.b2,
        layers.W1.T * layers.W2.T * layers.x + layers.W2 * layers.b1 + layers.b2,
    ],
    "inverted-dropout": [
        sp.Tuple(dropout.a * dropout.p, dropout.a**2 * (1 - dropout.p) / dropout.p),
        sp.Tuple(dropout.a, dropout.a**2 * (1 - dropout.p)),
        sp.Tuple(dropout.a, dropout.a**2 / dropout.p),
        dropout.a,
    ],
    "gradient-descent-step": [
        descent.g1**2 + descent.g2**2,
        -sp.sqrt(descent.g1**2 + descent.g2**2),
        -(descent.g1 + descent.g2),
    ],
    # -- tolerances: the wrong constant, power or term --------------------------------------------------------
    "central-difference-error": [tol.h**2 * tol.F3 / 3, tol.h * tol.F3 / 2, tol.h**2 * tol.F3],
    "central-difference-step": [
        (tol.K_ulps * tol.eps * tol.M0 / tol.M3) ** sp.Rational(1, 3),
        sp.sqrt(3 * tol.K_ulps * tol.eps * tol.M0 / tol.M3),
        sp.sqrt(tol.eps),
    ],
    "activation-third-derivatives": [sp.Tuple(1, sp.Rational(1, 8)), sp.Tuple(2, sp.Rational(1, 4)),
                                     sp.Tuple(2, sp.Rational(1, 6))],
    "argument-rounding": [
        z * sp.Derivative(sp.Function("g")(z), z),
        sp.Derivative(sp.Function("g")(z), z) * tol.delta,
        z * sp.Function("g")(z) * tol.delta,
    ],
    "softmax-rounding": [
        sp.Matrix([tol._p[i] * tol._ds[i] for i in range(3)]),
        sp.Matrix([tol._p[i] * (tol._ds[i] + sum(tol._p[j] * tol._ds[j] for j in range(3))) for i in range(3)]),
    ],
    "rounding-chain": [tol.u, tol.n * tol.u**2, tol.n * tol.u / 2],
    "loss-stabiliser-allowance": [tol.eps / tol.q, sp.log(tol.eps / tol.q), -sp.log(1 + tol.eps / tol.q)],
    "hoeffding-deviation": [
        tol.R * sp.sqrt(sp.log(1 / tol.delta) / (2 * tol.N)),
        tol.R * sp.sqrt(sp.log(2 / tol.delta) / tol.N),
        sp.sqrt(sp.log(2 / tol.delta) / (2 * tol.N)),
    ],
}


def test_there_are_at_least_ten_derivations_with_unique_kebab_case_names():
    names = list(spec.DERIVATIONS)
    assert len(names) >= 10, f"only {len(names)} derivations: {names}"
    assert all(name == name.lower() and " " not in name for name in names), f"names not kebab-case: {names}"


def test_every_derivation_has_a_wrong_form_in_this_test():
    assert set(WRONG_CLOSED_FORMS) == set(spec.DERIVATIONS), (
        f"derivations without wrong-form tests: {set(spec.DERIVATIONS) - set(WRONG_CLOSED_FORMS)}"
    )


def _checked() -> dict:
    """{derivation: "ok" or "FAIL"}, as `python -m spec --check` reports each (test_spec_cli.py runs it)."""
    run = background.result("spec_cli", test_spec_cli.BACKGROUND["spec_cli"])["check"]
    return {words[1]: words[0] for words in map(str.split, run.stdout.splitlines()) if words[:1] in (["ok"], ["FAIL"])}


@pytest.mark.parametrize("name", list(spec.DERIVATIONS))
def test_derivation_verifies(name):
    # Proven once per run, by the `python -m spec --check` that people run, in the background from the start.
    assert _checked().get(name) == "ok", f"sympy could not prove {name} equal to its closed form: {_checked()}"


@pytest.mark.parametrize("name", list(spec.DERIVATIONS))
def test_derivation_has_statement_steps_and_result(name):
    dv = spec.get(name)
    assert isinstance(dv, Derivation) and dv.name == name
    assert dv.statement.strip() and dv.summary.endswith("."), f"{name} lacks a statement"
    assert len(dv.steps) >= 2, f"{name} has {len(dv.steps)} steps, want the chain of steps"
    assert all(isinstance(s, Step) and s.caption and isinstance(s.expr, sp.Basic) for s in dv.steps), (
        f"{name} has a step without caption or sympy expression"
    )
    assert dv.result.expr == dv.closed_form


def _try_every_wrong_form() -> dict:
    """{"name index": [verify_against(wrong), with_closed_form(wrong).verify()]} for every wrong form, computed in a
    python process of its own (about 3 s of sympy), started when the tests are collected."""
    code = ("import json, sys\nsys.path[:0] = sys.argv[1:3]\nimport spec, test_spec_derivations as t\n"
            "print(json.dumps({f'{name} {i}': [spec.get(name).verify_against(w), "
            "spec.get(name).with_closed_form(w).verify()] for name, forms in t.WRONG_CLOSED_FORMS.items() "
            "for i, w in enumerate(forms)}))")
    here = os.path.dirname(os.path.abspath(__file__))
    return background.json_of("-c", code, here, os.path.dirname(here))


BACKGROUND = {"wrong_closed_forms": _try_every_wrong_form}
BACKGROUND_SECONDS = {"wrong_closed_forms": 3.0}


@pytest.mark.parametrize(
    "name, index",
    [(name, index) for name, forms in WRONG_CLOSED_FORMS.items() for index in range(len(forms))],
)
def test_wrong_closed_form_is_rejected(name, index):
    wrong = WRONG_CLOSED_FORMS[name][index]
    accepted, copy_verified = background.result("wrong_closed_forms", _try_every_wrong_form)[f"{name} {index}"]
    assert not accepted, f"{name} accepted the wrong closed form {wrong}"
    assert not copy_verified, f"a copy of {name} claiming {wrong} verified"


def test_verify_against_the_true_closed_form_agrees_with_verify():
    verified = {name: verdict == "ok" for name, verdict in _checked().items()}
    for name, dv in spec.DERIVATIONS.items():
        assert dv.verify_against(dv.closed_form) == verified[name], f"{name}: verify_against(closed_form) != verify()"


def test_an_equivalent_rewriting_of_the_closed_form_is_accepted():
    # The proof is about equality, not about the way the formula is typed.
    assert spec.get("sigmoid-derivative").verify_against(a - a**2)
    assert spec.get("tanh-derivative").verify_against((1 - a) * (1 + a))
    assert spec.get("softmax-ce-gradient").verify_against(-(Y[j] - A[j]))


def test_tanh_derivative_is_one_minus_tanh_squared_and_not_one_minus_tanh():
    dv = spec.get("tanh-derivative")
    assert dv.verify_against(1 - a**2), "1 - tanh^2 should be proven"
    assert not dv.verify_against(1 - a), "1 - tanh must be rejected"


def test_relu_derivative_chooses_zero_at_zero_and_any_value_in_unit_interval_is_a_subgradient():
    dv = spec.get("relu-derivative")
    assert act.RELU_DERIVATIVE_CLOSED.subs(z, 0) == 0, "the stated choice at z = 0 is 0"
    for h0 in (0, sp.Rational(1, 2), 1):
        assert dv.verify_against(sp.Heaviside(z, h0)), f"H(0) = {h0} is a valid subgradient"
    for h0 in (-1, 2):
        assert not dv.verify_against(sp.Heaviside(z, h0)), f"H(0) = {h0} is outside [0, 1]"


def test_elu_derivative_at_zero_is_alpha():
    assert sp.simplify(act.ELU_DERIVATIVE_CLOSED.subs(z, 0) - alpha) == 0, "ELU'(0) should be alpha"


def test_sigmoid_bce_gradient_is_a_minus_y_via_the_chain_rule():
    dv = spec.get("sigmoid-bce-gradient")
    captions = " | ".join(step.caption for step in dv.steps)
    assert "dL/da" in captions and "da/dz" in captions, f"intermediate steps missing: {captions}"
    assert sp.cancel(losses._chain - (a - losses.y)) == 0, "dL/da * da/dz should cancel to a - y"


def test_softmax_ce_gradient_is_proven_for_two_to_six_classes():
    assert set(range(2, 6)) <= set(losses.EXPLICIT_K), f"explicit K proven: {losses.EXPLICIT_K}"


def test_dense_layer_gradients_come_from_sp_diff_with_one_factor_one_over_m():
    # dJ/dW has a 1/m in every term; m dJ/dA_prev has none.
    for entry in layers.dJ_dW:
        assert all(term.as_coeff_Mul()[0] == sp.Rational(1, layers.M) for term in sp.Add.make_args(sp.expand(entry))), (
            f"dJ/dW entry {entry} does not carry exactly 1/m"
        )
    assert layers.dense_layer_gradients.verify()


def test_inverted_dropout_mean_is_a_and_plain_dropout_mean_is_pa():
    assert sp.simplify(dropout.MEAN - dropout.a) == 0, f"E[d a / p] = {dropout.MEAN}"
    assert sp.simplify(dropout.MEAN_WITHOUT_RESCALE - dropout.p * dropout.a) == 0


def test_registry_get_raises_with_valid_names_for_unknown_name():
    with pytest.raises(KeyError, match="sigmoid-derivative"):
        spec.get("no-such-derivation")


@pytest.mark.parametrize("name", list(spec.DERIVATIONS))
def test_derivation_contains_no_floating_point_numbers(name):
    dv = spec.get(name)
    exprs = [step.expr for step in dv.steps] + [dv.closed_form]
    floats = [f for e in exprs for f in e.atoms(sp.Float)]
    assert not floats, f"{name} contains floats {floats}; proofs must be exact"
