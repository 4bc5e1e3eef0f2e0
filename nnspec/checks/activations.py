"""Activations and their derivatives against the spec's lambdified expressions and finite differences."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.compare import as_array, assert_close, fail
from spec import oracles

# Two float64 formulas of the same function (np.tanh against (e^z - e^-z)/(e^z + e^-z), 1/(1+e^-z) against
# e^z/(1+e^z)) differ by a few ulps; 1e-12 leaves a thousandfold margin over that, while every real mistake
# (a missing factor, the wrong argument) is off by more than 1e-3 somewhere in [-20, 20].
ATOL = RTOL = 1e-12
# Central differences with h = 1e-6 on [-20, 20]: truncation h^2/6 * max|f'''| <= 2e-13, rounding
# eps * max|f| / h <= 2.2e-16 * 20 / 1e-6 = 4.4e-9. 1e-7 is twenty times the worst case.
H, FD_ATOL = 1e-6, 1e-7
# Points closer than this to the kink of ReLU/ELU at 0 are moved out, so that z ± h never straddles it.
KINK_MARGIN = 1e-3
ELU_ALPHA = 1.7  # a second alpha, so that an implementation ignoring its alpha argument shows


def _call(impl, name, Z, **kw):
    where = f"[Z.shape={Z.shape}" + "".join(f", {k}={v}" for k, v in kw.items()) + "]"
    return as_array(impl.call(name, Z, **kw), name, f"{name}(Z)", shape=Z.shape, where=where), where


def _matches(candidate, text):
    def hint(got, want):
        expected = candidate()
        return text if np.allclose(got, expected, rtol=1e-9, atol=1e-9) else None

    return hint


def _derivative_hints(name, Z, alpha):
    f, _ = oracles.ACTIVATIONS[name]
    kw = {"alpha": alpha} if name == "elu" else {}
    A = f(Z, **kw)
    hints = [_matches(lambda: A, f"{name}_derivative returned {name}(Z) itself, not its derivative")]
    if name == "tanh":
        hints += [
            _matches(lambda: 1 - Z**2, "1 - Z**2 is the derivative written for the activation A = tanh(Z); the "
                     "contract passes Z, so it is 1 - tanh(Z)**2"),
            _matches(lambda: 1 - np.tanh(Z), "this is 1 - tanh(Z): the derivative of tanh is 1 - tanh(Z)**2"),
        ]
    if name == "sigmoid":
        hints += [
            _matches(lambda: Z * (1 - Z), "Z * (1 - Z) is the derivative written for the activation A = sigma(Z); "
                     "the contract passes Z, so it is sigma(Z) * (1 - sigma(Z))"),
            _matches(lambda: A * A, "sigma(Z)**2 is not sigma(Z) * (1 - sigma(Z))"),
        ]
    if name == "elu":
        hints += [
            _matches(lambda: A + alpha, "elu(Z) + alpha is the derivative only for Z <= 0; for Z > 0 it is 1"),
            _matches(lambda: np.where(Z > 0, 1.0, np.exp(Z)), "alpha is missing: for Z <= 0 it is alpha * e^Z"),
        ]
    if name == "relu":
        hints += [_matches(lambda: (Z < 0).astype(float), "the derivative is 1 for Z > 0 and 0 below, not reversed")]
    return hints


def _alpha_hint(name, Z, alpha):
    if name != "elu" or alpha == 1.0:
        return []
    return [_matches(lambda: oracles.ACTIVATIONS["elu"][0](Z, alpha=1.0),
                     f"this is elu with alpha=1: elu ignores its alpha argument (alpha={alpha} was passed)")]


def _activation_checks(name):
    f, df = oracles.ACTIVATIONS[name]
    alphas = (1.0, ELU_ALPHA) if name == "elu" else (None,)

    def check_matches_the_spec(impl):
        @given(nst.matrices())
        def run(Z):
            for alpha in alphas:
                kw = {} if alpha is None else {"alpha": alpha}
                got, where = _call(impl, name, Z, **kw)
                assert_close(got, f(Z, **kw), call=name, what=f"{name}(Z)", atol=ATOL, rtol=RTOL, where=where,
                             hints=_alpha_hint(name, Z, alpha))

        run()

    def check_derivative_matches_the_spec_and_finite_differences(impl):
        @given(nst.matrices())
        def run(Z):
            Z = nst.away_from_zero(Z, KINK_MARGIN)
            for alpha in alphas:
                kw = {} if alpha is None else {"alpha": alpha}
                call = f"{name}_derivative"
                got, where = _call(impl, call, Z, **kw)
                assert_close(got, df(Z, **kw), call=call, what=f"{call}(Z)", atol=ATOL, rtol=RTOL, where=where,
                             hints=_derivative_hints(name, Z, alpha))
                plus, _ = _call(impl, name, Z + H, **kw)
                minus, _ = _call(impl, name, Z - H, **kw)
                assert_close(got, (plus - minus) / (2 * H), call=call, where=where, atol=FD_ATOL,
                             what=f"{call}(Z) against central differences of the implementation's own {name}")

        run()

    check_matches_the_spec.__name__ = f"check_{name}_matches_the_spec"
    check_derivative_matches_the_spec_and_finite_differences.__name__ = (
        f"check_{name}_derivative_matches_the_spec_and_finite_differences"
    )
    check(name)(check_matches_the_spec)
    check(f"{name}_derivative", needs=(name,))(check_derivative_matches_the_spec_and_finite_differences)


for _name in ("relu", "sigmoid", "tanh", "elu"):
    _activation_checks(_name)


@check("relu_derivative")
def check_relu_derivative_at_zero_is_a_subgradient(impl):
    # Any value in [0, 1] is a subgradient of max(0, z) at 0; 0 and 1 (and 0.5) are all correct choices.
    Z = np.array([[0.0, -0.0, 1.0], [-1.0, 0.0, 2.0]])
    got, where = _call(impl, "relu_derivative", Z)
    at_zero = got[Z == 0]
    if not np.all((at_zero >= 0) & (at_zero <= 1)):
        fail("relu_derivative", f"relu_derivative(0) was {at_zero.tolist()}, must be in [0, 1] (a subgradient)", where)
    assert_close(got[Z != 0], [1.0, 0.0, 1.0], call="relu_derivative", what="relu_derivative away from 0",
                 atol=0.0, where=where)


# -- softmax --------------------------------------------------------------------------------------------------------

def _softmax(impl, Z_cols):
    Z = impl.data(Z_cols)
    where = f"[Z.shape={Z.shape}, layout={impl.layout}]"
    transposed = f"is this implementation's LAYOUT '{'columns' if impl.rows else 'rows'}'?"
    got = as_array(impl.call("softmax", Z), "softmax", "softmax(Z)", shape=Z.shape, where=where,
                   transposed_hint=f"shape {Z.shape[::-1]} but should be {Z.shape}: {transposed}")
    return impl.from_data(got), where


def _axis_hint(impl, Z_cols, full=None):
    """`full`: softmax's whole result (columns), when the comparison that failed is of something derived from it."""

    def hint(got, want):
        other = oracles.softmax(Z_cols, axis=1)
        if np.allclose(got if full is None else full, other, atol=1e-9):
            axis = "0 (each column" if not impl.rows else "1 (each row"
            return (f"softmax was normalised over the wrong axis: with LAYOUT '{impl.layout}' the classes are "
                    f"axis {axis} sums to 1); use axis={impl.class_axis}, keepdims=True")
        return None

    return hint


@st.composite
def _logits(draw, lo=-20.0, hi=20.0):
    K, m = draw(nst.classes_and_samples())
    return draw(hnp.arrays(np.float64, (K, m), elements=nst.floats(lo, hi)))


@check("softmax")
def check_softmax_matches_the_spec(impl):
    @given(_logits())
    def run(Z):
        got, where = _softmax(impl, Z)
        assert_close(got, oracles.softmax(Z, axis=0), call="softmax", what="softmax(Z)", atol=ATOL, where=where,
                     hints=[_axis_hint(impl, Z)])

    run()


@check("softmax")
def check_softmax_sums_to_one_over_the_class_axis(impl):
    @given(_logits())
    def run(Z):
        got, where = _softmax(impl, Z)
        assert_close(got.sum(axis=0), np.ones(Z.shape[1]), call="softmax",
                     what=f"softmax(Z) summed over the class axis ({impl.class_axis})", atol=1e-12, where=where,
                     hints=[_axis_hint(impl, Z, full=got)])

    run()


@check("softmax")
def check_softmax_is_invariant_to_shifting_logits(impl):
    # Shifting by c perturbs each logit by at most eps*|c| ~ 1e-14 for |c| <= 50, hence 1e-10.
    @given(_logits(), st.lists(nst.floats(-50, 50), min_size=1, max_size=1))
    def run(Z, c):
        shifted, where = _softmax(impl, Z + c[0])
        plain, _ = _softmax(impl, Z)
        assert_close(shifted, plain, call="softmax", what=f"softmax(Z + {c[0]:g}) against softmax(Z)", atol=1e-10,
                     where=where)

    run()


@check("softmax")
def check_softmax_has_no_overflow_for_logits_up_to_1e4(impl):
    # Logits of magnitude 1e4 carry an absolute rounding of eps * 1e4 ~ 2e-12 into Z - max(Z), hence 1e-9.
    @given(_logits(-1e4, 1e4))
    def run(Z):
        try:
            got, where = _softmax(impl, Z)
        except AssertionError as exc:
            if "must be finite" in str(exc):
                fail("softmax", f"overflow for logits of magnitude up to {np.abs(Z).max():.3g}: {exc}", "",
                     ["subtract the max over the class axis before exp: softmax is shift-invariant"])
            raise
        assert_close(got, oracles.softmax(Z, axis=0), call="softmax", what="softmax(Z) for large logits",
                     atol=1e-9, where=where, hints=[_axis_hint(impl, Z)])

    run()
