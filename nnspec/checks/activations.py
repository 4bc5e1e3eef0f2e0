"""Activations and their derivatives against the spec's lambdified expressions and finite differences."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnspec import precision
from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.compare import as_array, assert_close, fail, overflow_hint, register, say
from nnspec.replay import given
from spec import bounds, oracles

# Every bound is spec.bounds' at the implementation's precision (spec: argument-rounding, central-difference-step):
# an activation within SAFETY (K eps + 0.64 u) of the spec (float64: 1.5e-14, float32: 8.2e-6), its derivative
# within SAFETY E(h*) of central differences at h* (float64: 1.4e-8 at h* = 3.0e-5, float32: 9.4e-3 at 2.4e-2).
# Every real mistake (a missing factor, the wrong argument) is off by more than 1e-2 somewhere in [-20, 20].
ELU_ALPHA = bounds.ELU_ALPHA_MAX  # a second alpha, so that an implementation ignoring its alpha argument shows
# The whole float64 range: tiny, ordinary, saturating, and past exp's overflow at 709.8 (float32's at 88.7).
WHOLE_RANGE = np.array(sorted({s * v for s in (-1.0, 1.0) for v in (
    0.0, 1e-300, 1e-8, 0.5, 1.0, 5.0, 20.0, 36.0, 37.0, 40.0, 88.0, 89.0, 100.0, 500.0, 709.0, 710.0, 745.0,
    746.0, bounds.SATURATION)}))[None, :]

DERIVATIVE_IS_FUNCTION = register("derivative-is-the-function", "an activation's derivative returning the activation")
DERIVATIVE_OF_A = register("derivative-written-for-a", "a derivative written for A = g(Z) but applied to Z")
TANH_NO_SQUARE = register("tanh-derivative-no-square", "tanh' written 1 - tanh(Z), without the square")
SIGMOID_SQUARED = register("sigmoid-derivative-squared", "sigmoid' written sigma(Z)**2")
ELU_PLUS_ALPHA = register("elu-derivative-plus-alpha", "elu' written elu(Z) + alpha for every Z")
ELU_NO_ALPHA = register("elu-derivative-no-alpha", "elu' written e^Z for Z <= 0, without alpha")
RELU_REVERSED = register("relu-derivative-reversed", "relu' 1 below 0 and 0 above")
ELU_IGNORES_ALPHA = register("elu-ignores-alpha", "elu computed with alpha = 1 whatever alpha is passed")
SOFTMAX_OVERFLOW = register("softmax-overflow", "softmax without the max subtracted, overflowing at large logits")
SOFTMAX_AXIS = register("softmax-axis", "softmax normalised over the samples instead of the classes")


def _call(impl, name, Z, **kw):
    where = f"[Z.shape={Z.shape}" + "".join(f", {k}={v}" for k, v in kw.items()) + "]"
    value = precision.returned(impl, name, impl.call(name, Z, **kw))
    return as_array(value, name, f"{name}(Z)", shape=Z.shape, where=where,
                    nonfinite_hints=[overflow_hint(Z, precision.of(impl))]), where


def _tolerance(impl, alpha=None):
    """(atol, rtol, label) of an activation or derivative at the implementation's precision."""
    tol = bounds.activation_tolerance(precision.eps(impl))
    return tol * max(1.0, alpha or 1.0), tol, precision.describe(impl)


def _in_precision(impl, Z):
    """Z rounded to the implementation's precision (so that its own cast of Z is exact), back in float64."""
    return Z.astype(precision.of(impl)).astype(np.float64)


def _matches(candidate, name, text):
    """A hint that speaks when the result equals `candidate()` and the spec's value does not."""

    def hint(got, want):
        expected = candidate()
        if np.allclose(got, expected, rtol=1e-5, atol=1e-5) and not np.allclose(want, expected, rtol=1e-5,
                                                                                 atol=1e-5):
            return say(name, text)
        return None

    return hint


def _derivative_hints(name, Z, alpha):
    f, _ = oracles.ACTIVATIONS[name]
    kw = {"alpha": alpha} if name == "elu" else {}
    A = f(Z, **kw)
    hints = [_matches(lambda: A, DERIVATIVE_IS_FUNCTION, f"{name}_derivative returned {name}(Z) itself, not its "
                                                         f"derivative")]
    if name == "tanh":
        hints += [
            _matches(lambda: 1 - Z**2, DERIVATIVE_OF_A, "1 - Z**2 is the derivative written for the activation "
                     "A = tanh(Z); the contract passes Z, so it is 1 - tanh(Z)**2"),
            _matches(lambda: 1 - np.tanh(Z), TANH_NO_SQUARE,
                     "this is 1 - tanh(Z): the derivative of tanh is 1 - tanh(Z)**2"),
        ]
    if name == "sigmoid":
        hints += [
            _matches(lambda: Z * (1 - Z), DERIVATIVE_OF_A, "Z * (1 - Z) is the derivative written for the "
                     "activation A = sigma(Z); the contract passes Z, so it is sigma(Z) * (1 - sigma(Z))"),
            _matches(lambda: A * A, SIGMOID_SQUARED, "sigma(Z)**2 is not sigma(Z) * (1 - sigma(Z))"),
        ]
    if name == "elu":
        hints += [
            _matches(lambda: A + alpha, ELU_PLUS_ALPHA,
                     "elu(Z) + alpha is the derivative only for Z <= 0; for Z > 0 it is 1"),
            _matches(lambda: np.where(Z > 0, 1.0, np.exp(np.minimum(Z, 0))), ELU_NO_ALPHA,
                     "alpha is missing: for Z <= 0 it is alpha * e^Z"),
        ]
    if name == "relu":
        hints += [_matches(lambda: (Z < 0).astype(float), RELU_REVERSED,
                           "the derivative is 1 for Z > 0 and 0 below, not reversed")]
    return hints


def _alpha_hint(name, Z, alpha):
    if name != "elu" or alpha == 1.0:
        return []
    return [_matches(lambda: oracles.ACTIVATIONS["elu"][0](Z, alpha=1.0), ELU_IGNORES_ALPHA,
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
                atol, rtol, label = _tolerance(impl, alpha)
                assert_close(got, f(Z, **kw), call=name, what=f"{name}(Z)", atol=atol, rtol=rtol, where=where,
                             hints=_alpha_hint(name, Z, alpha) + [precision.lower_precision_hint(impl, name)],
                             precision=label)

        run()

    def check_derivative_matches_the_spec_and_finite_differences(impl):
        eps = precision.eps(impl)
        h, fd_tolerance = bounds.activation_fd_step(eps), bounds.activation_fd_tolerance(eps)

        @given(nst.matrices(-bounds.FD_RANGE, bounds.FD_RANGE))
        def run(Z):
            Z = _in_precision(impl, nst.away_from_zero(Z, bounds.kink_margin(eps)))
            for alpha in alphas:
                kw = {} if alpha is None else {"alpha": alpha}
                call = f"{name}_derivative"
                got, where = _call(impl, call, Z, **kw)
                atol, rtol, label = _tolerance(impl, alpha)
                assert_close(got, df(Z, **kw), call=call, what=f"{call}(Z)", atol=atol, rtol=rtol, where=where,
                             hints=_derivative_hints(name, Z, alpha) + [precision.lower_precision_hint(impl, call)],
                             precision=label)
                # Both points rounded to the implementation's precision: the step is then exactly their distance.
                Zp, Zm = _in_precision(impl, Z + h), _in_precision(impl, Z - h)
                plus, _ = _call(impl, name, Zp, **kw)
                minus, _ = _call(impl, name, Zm, **kw)
                assert_close(got, (plus - minus) / (Zp - Zm), call=call, where=where, precision=label,
                             atol=fd_tolerance * max(1.0, alpha or 1.0),
                             what=f"{call}(Z) against central differences (h={h:.1e}) of the implementation's own "
                                  f"{name}")

        run()

    def whole_range(impl, call, expected):
        # |z| up to 800 (past exp's overflow) and down to 1e-300: an overflowing closed form gives nan or inf there.
        # Z as the implementation sees it (1e-300 is 0 in float32); ReLU' at exactly 0 has its own check.
        Z = _in_precision(impl, WHOLE_RANGE)
        Z = Z if call != "relu_derivative" else Z[Z != 0][None, :]
        for alpha in alphas:
            kw = {} if alpha is None else {"alpha": alpha}
            got, where = _call(impl, call, Z, **kw)
            atol, rtol, label = _tolerance(impl, alpha)
            assert_close(got, expected(Z, **kw), call=call, atol=atol, rtol=rtol, where=where, precision=label,
                         what=f"{call}(Z) over |Z| <= {bounds.SATURATION:g}")

    def check_is_finite_and_correct_over_the_whole_range(impl):
        whole_range(impl, name, f)

    def check_derivative_is_finite_and_correct_over_the_whole_range(impl):
        whole_range(impl, f"{name}_derivative", df)

    check_matches_the_spec.__name__ = f"check_{name}_matches_the_spec"
    check_derivative_matches_the_spec_and_finite_differences.__name__ = (
        f"check_{name}_derivative_matches_the_spec_and_finite_differences"
    )
    check_is_finite_and_correct_over_the_whole_range.__name__ = (
        f"check_{name}_is_finite_and_correct_over_the_whole_range"
    )
    check_derivative_is_finite_and_correct_over_the_whole_range.__name__ = (
        f"check_{name}_derivative_is_finite_and_correct_over_the_whole_range"
    )
    check(name)(check_matches_the_spec)
    check(f"{name}_derivative", needs=(name,))(check_derivative_matches_the_spec_and_finite_differences)
    check(name)(check_is_finite_and_correct_over_the_whole_range)
    check(f"{name}_derivative")(check_derivative_is_finite_and_correct_over_the_whole_range)


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

def _softmax_overflow_hint(Z, name):
    limit = float(np.log(np.finfo(name).max))

    def hint(array, bad):
        if np.abs(Z).max() <= limit:
            return None
        return say(SOFTMAX_OVERFLOW, f"logits up to {np.abs(Z).max():.4g} are past {limit:.1f}, where exp "
                                     f"overflows in {name}: subtract the max over the class axis before exp")

    return hint


def _softmax(impl, Z_cols):
    Z = impl.data(Z_cols)
    where = f"[Z.shape={Z.shape}, layout={impl.layout}]"
    transposed = f"is this implementation's LAYOUT '{'columns' if impl.rows else 'rows'}'?"
    got = as_array(precision.returned(impl, "softmax", impl.call("softmax", Z)), "softmax", "softmax(Z)",
                   shape=Z.shape, where=where,
                   transposed_hint=f"shape {Z.shape[::-1]} but should be {Z.shape}: {transposed}",
                   nonfinite_hints=[_softmax_overflow_hint(Z, precision.of(impl))])
    return impl.from_data(got), where


def _axis_hint(impl, Z_cols, full=None):
    """`full`: softmax's whole result (columns), when the comparison that failed is of something derived from it."""

    def hint(got, want):
        other = oracles.softmax(Z_cols, axis=1)
        # got and want come in the implementation's layout (the comparison's positions are its own).
        if (np.allclose(impl.from_data(got) if full is None else full, other, atol=1e-5)
                and not np.allclose(other, oracles.softmax(Z_cols, axis=0), atol=1e-5)):
            axis = "0 (each column" if not impl.rows else "1 (each row"
            return say(SOFTMAX_AXIS, f"softmax was normalised over the wrong axis: with LAYOUT '{impl.layout}' the "
                                     f"classes are axis {axis} sums to 1); use axis={impl.class_axis}, "
                                     f"keepdims=True")
        return None

    return hint


@st.composite
def _logits(draw, lo=-20.0, hi=20.0):
    K, m = draw(nst.classes_and_samples())
    return draw(hnp.arrays(np.float64, (K, m), elements=nst.floats(lo, hi)))


def _softmax_tolerance(impl, zmax):
    """spec: softmax-rounding, at the implementation's precision, for logits up to zmax."""
    return bounds.softmax_tolerance(precision.eps(impl), zmax)


@check("softmax")
def check_softmax_matches_the_spec(impl):
    @given(nst.in_layout(_logits(), impl))
    def run(Z):
        Z = nst.columns(Z)
        got, where = _softmax(impl, Z)
        assert_close(impl.data(got), impl.data(oracles.softmax(Z, axis=0)), call="softmax", what="softmax(Z)",
                     where=where,
                     atol=_softmax_tolerance(impl, float(np.abs(Z).max())), hints=[_axis_hint(impl, Z), precision.lower_precision_hint(impl, "softmax")],
                     precision=precision.describe(impl))

    run()


@check("softmax")
def check_softmax_sums_to_one_over_the_class_axis(impl):
    @given(nst.in_layout(_logits(), impl))
    def run(Z):
        Z = nst.columns(Z)
        got, where = _softmax(impl, Z)
        assert_close(got.sum(axis=0), np.ones(Z.shape[1]), call="softmax",
                     what=f"softmax(Z) summed over the class axis ({impl.class_axis})", where=where,
                     atol=bounds.sum_tolerance(precision.eps(impl), Z.shape[0]),
                     hints=[_axis_hint(impl, Z, full=got)], precision=precision.describe(impl))

    run()


@check("softmax")
def check_softmax_is_invariant_to_shifting_logits(impl):
    # Both are within the softmax tolerance of the exact value, for logits up to |Z| + |c|.
    @given(nst.in_layout(_logits(), impl), st.lists(nst.floats(-50, 50), min_size=1, max_size=1))
    def run(Z, c):
        Z = nst.columns(Z)
        shifted, where = _softmax(impl, Z + c[0])
        plain, _ = _softmax(impl, Z)
        assert_close(impl.data(shifted), impl.data(plain), call="softmax", where=where,
                     what=f"softmax(Z + {c[0]:g}) against softmax(Z)",
                     atol=2 * _softmax_tolerance(impl, float(np.abs(Z).max()) + abs(c[0])),
                     precision=precision.describe(impl))

    run()


@check("softmax")
def check_softmax_has_no_overflow_for_logits_up_to_1e4(impl):
    # Logits of magnitude 1e4 carry an absolute rounding of eps * 1e4 into Z - max(Z) (spec: softmax-rounding).
    @given(nst.in_layout(_logits(-1e4, 1e4), impl))
    def run(Z):
        Z = nst.columns(Z)
        got, where = _softmax(impl, Z)
        assert_close(impl.data(got), impl.data(oracles.softmax(Z, axis=0)), call="softmax",
                     what="softmax(Z) for large logits",
                     atol=_softmax_tolerance(impl, float(np.abs(Z).max())), where=where, hints=[_axis_hint(impl, Z), precision.lower_precision_hint(impl, "softmax")],
                     precision=precision.describe(impl))

    run()
