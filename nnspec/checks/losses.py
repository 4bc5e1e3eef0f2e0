"""Losses: the spec's mean cross-entropies, means over samples, exact at confident and saturated probabilities.

A stabiliser (an eps <= spec.bounds.LOSS_EPS_MAX inside the log, or clipping to [eps, 1 - eps]) is accepted only
as far as it can move the loss (spec: loss-stabiliser-allowance): the mean over samples of log(1 + eps/q), q the
probability given to the true outcome. That is 1e-7 at q = 0.999, where clipping at 1e-2 moves the loss by 9e-3.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from nnspec import precision
from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.compare import as_array, as_scalar, assert_close, fail, log_zero_hint, register, say
from nnspec.replay import given
from spec import bounds, oracles

LOSS_SUM = register("loss-sum", "a loss summed over the samples, not averaged")
LOSS_PER_ELEMENT = register("loss-per-element", "a loss divided by every element K*m, not by the samples m")
LOSS_SIGN = register("loss-sign", "a loss without its minus sign")
LOSS_LOG10 = register("loss-log10", "a loss with log10 instead of the natural log")
LOSS_BINARY_FOR_SOFTMAX = register("loss-binary-formula", "the binary cross-entropy formula for a softmax output")
LOSS_SWAPPED = register("loss-swapped-arguments", "a loss that reads its arguments as (y_pred, y_true)")
LOSS_CLIPPED = register("loss-clipped-too-coarsely", "a loss whose stabiliser (clipping or eps) exceeds 1e-7")
LOSS_DOUBLES = register("loss-doubles", "a loss that doubles when the batch is duplicated: a sum")
DZ_PER_SAMPLE = register("dz-divided-by-m", "cross_entropy_derivative divided by m")
DZ_SIGN = register("dz-sign", "cross_entropy_derivative returning Y - A")

# The probabilities given to the true outcome at which the loss is checked deterministically: confident and right,
# confident and wrong, and exactly saturated (float64 reaches 0 and 1: sigmoid(37.0) == 1.0).
CONFIDENT = (0.5, 0.9, 0.999, 1 - 1e-6, 1 - 1e-16, 1.0, 1e-3, 1e-6, 1e-16, 1e-300, 0.0)


def true_probabilities(Y, P):
    """q per sample: the probability P gives the outcome Y says is true (columns, Y one-hot or 0/1)."""
    if Y.shape[0] == 1:
        return np.where(Y[0] == 1, P[0], 1 - P[0])
    return (Y * P).sum(axis=0)


def seen(impl, P):
    """P as the implementation sees it: rounded to its precision (1e-300 is 0 in float32, 1 - 1e-16 is 1)."""
    return P.astype(precision.of(impl)).astype(np.float64)


def tolerance(impl, Y, P, value):
    """The loss's bound: the stabiliser's allowance (spec: loss-stabiliser-allowance) plus rounding."""
    eps_max = bounds.loss_eps_max(precision.eps(impl))
    allowance = float(np.mean([bounds.loss_allowance(float(q), eps_max) for q in true_probabilities(Y, seen(impl, P))]))
    return allowance + bounds.loss_rounding(precision.eps(impl), value, 2 * Y.size)


@st.composite
def softmax_batches(draw, max_m=6):
    """(Y one-hot, P) in columns: (K, m) each, P's entries in [1e-2 / 41, 1] (confident ones included)."""
    K, m = draw(nst.classes_and_samples(max_m=max_m))
    labels = draw(st.lists(st.integers(0, K - 1), min_size=m, max_size=m))
    weights = np.array(draw(st.lists(nst.floats(1e-2, 10.0), min_size=K * m, max_size=K * m))).reshape(K, m)
    P = weights / weights.sum(axis=0, keepdims=True)
    return np.eye(K)[:, labels], P


@st.composite
def sigmoid_batches(draw, max_m=6):
    """(Y in {0, 1}, P) in columns: (1, m) each, P = sigmoid(z) for z in [-14, 14] (P in [8e-7, 1 - 8e-7])."""
    m = draw(st.integers(1, max_m))
    Y = np.array(draw(st.lists(st.integers(0, 1), min_size=m, max_size=m)), dtype=float)[None, :]
    P = oracles.sigmoid(np.array(draw(st.lists(nst.floats(-14.0, 14.0), min_size=m, max_size=m)))[None, :])
    return Y, P


def _loss(impl, name, Y, P):
    where = f"[y_true.shape={impl.data(Y).shape}, layout={impl.layout}]"
    value = impl.call(name, impl.data(Y), impl.data(P))
    return as_scalar(value, name, f"{name}(y_true, y_pred)", where,
                     nonfinite_hints=[log_zero_hint(P), lambda got: _swapped_hint(impl, name, Y, P)],
                     samples=Y.shape[1]), where


def _spec_loss(name, Y, P):
    per_sample = (oracles.categorical_cross_entropy(Y, P, axis=0) if name == "cross_entropy_loss"
                  else oracles.binary_cross_entropy(Y, P).sum(axis=0))
    return float(np.mean(per_sample))


def _known_loss_mistakes(impl, name, Y, P):
    """Hints: the loss equals a known wrong formula, computed on these very values (and the right one does not)."""
    K, m = P.shape
    right = _spec_loss(name, Y, P)
    candidates = []
    if m > 1:
        candidates.append((right * m, LOSS_SUM, "the loss is a sum over the samples, not a mean: divide by m"))
    if K > 1 and m * K > 1:
        candidates.append((right / K, LOSS_PER_ELEMENT,
                           f"the loss is divided by every element (K*m = {K * m}), not by the samples m"))
    candidates += [
        (-right, LOSS_SIGN, "the loss has the wrong sign: cross-entropy is -sum(y log p)"),
        (right / np.log(10), LOSS_LOG10, "log10 was used: cross-entropy uses the natural log"),
    ]
    if name == "cross_entropy_loss":
        with np.errstate(divide="ignore", invalid="ignore"):
            both = float(np.mean(-(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=0)))
        candidates.append((both, LOSS_BINARY_FOR_SOFTMAX, "the binary cross-entropy formula was used for a softmax "
                                                          "output: categorical cross-entropy is -sum over classes of "
                                                          "y log p"))

    def near(a, b):
        return abs(a - b) <= tolerance(impl, Y, P, b) + 1e-6 * abs(b)

    def hint(got, want):
        close = [(key, text) for value, key, text in candidates if near(float(got), value) and not near(right, value)]
        return say(*close[0]) if close else None

    return [hint, lambda got, want: _swapped_hint(impl, name, Y, P)]


def _swapped_hint(impl, name, Y, P):
    """Verified by calling the implementation with the arguments swapped: it then gives the spec's loss."""
    right = _spec_loss(name, Y, P)
    value = impl.call(name, impl.data(P), impl.data(Y))
    if np.size(value) == 1 and abs(float(np.asarray(value, dtype=np.float64).reshape(())) - right) <= (
            tolerance(impl, Y, P, right) + 1e-6 * abs(right)):
        return say(LOSS_SWAPPED, f"{name}(y_pred, y_true) gives the expected {right:.6g}: the arguments are read "
                                 f"in the wrong order; the contract's is {name}(y_true, y_pred)")
    return None


def _loss_checks(name, batches):
    def check_matches_the_spec(impl):
        @given(nst.in_layout(batches(), impl))
        def run(batch):
            Y, P = nst.columns(batch)
            got, where = _loss(impl, name, Y, P)
            want = _spec_loss(name, Y, P)
            assert_close(got, want, call=name, what=f"{name}(y_true, y_pred)", atol=tolerance(impl, Y, P, want),
                         where=where, hints=_known_loss_mistakes(impl, name, Y, P), precision=precision.describe(impl))

        run()

    def check_is_a_mean_over_samples(impl):
        @given(nst.in_layout(batches(), impl))
        def run(batch):
            Y, P = nst.columns(batch)
            once, where = _loss(impl, name, Y, P)
            twice, _ = _loss(impl, name, np.hstack([Y, Y]), np.hstack([P, P]))
            doubled = bool(once) and abs(twice - 2 * once) <= bounds.loss_rounding(precision.eps(impl), 2 * once,
                                                                                   4 * Y.size)
            tol = bounds.loss_rounding(precision.eps(impl), once, 4 * Y.size)
            assert_close(twice, once, call=name, what=f"{name} of the batch duplicated against the batch once",
                         atol=tol, rtol=tol, where=where, precision=precision.describe(impl),
                         hints=[lambda g, w: say(LOSS_DOUBLES, "the loss doubled when the batch was duplicated: "
                                                               "it is a sum over samples, not a mean")
                                if doubled else None])

        run()

    def check_is_exact_at_confident_and_saturated_probabilities(impl):
        # q, the probability of the true outcome, from 1/2 to exactly 1 (right) and down to exactly 0 (wrong). The
        # loss may move by the stabiliser's allowance at q and no more; at q = 0 it must be +inf or at least
        # -log(1e-7) = 16.1 (what log(0 + eps) or clipping at eps give), never nan.
        for q in CONFIDENT:
            Y, P = _extreme_batch(name, q)
            where = f"[y_true.shape={impl.data(Y).shape}, layout={impl.layout}, q={q:.17g}]"
            raw = impl.call(name, impl.data(Y), impl.data(P))
            impossible = float(np.mean(true_probabilities(Y, seen(impl, P)) == 0))
            if impossible:
                value = np.asarray(raw) if isinstance(raw, (float, int, np.ndarray, np.generic)) else None
                if value is not None and value.size == 1 and np.isposinf(value.astype(np.float64).reshape(())):
                    continue
                got = as_scalar(raw, name, f"{name}(y_true, y_pred)", where, nonfinite_hints=[log_zero_hint(P)])
                eps = precision.eps(impl)
                floor = impossible * bounds.loss_floor(bounds.loss_eps_max(eps))
                floor -= bounds.loss_rounding(eps, floor, 2 * Y.size)
                if got < floor:
                    fail(name, f"{name} was {got:.6g} with a true outcome of probability exactly 0, must be +inf or "
                               f">= {floor:.4g} (-log({bounds.LOSS_EPS_MAX:g}) for that sample: an eps <= "
                               f"{bounds.LOSS_EPS_MAX:g} inside the log, or clipping at it)", where,
                         [say(LOSS_CLIPPED, "the probabilities are clipped (or an eps added) far above 1e-7: a "
                                            "confident mistake is capped at -log(eps)")])
                continue
            got = as_scalar(raw, name, f"{name}(y_true, y_pred)", where, nonfinite_hints=[log_zero_hint(P)])
            want = _spec_loss(name, Y, P)
            atol = tolerance(impl, Y, P, want)

            def coarse(g, w, Y=Y, P=P, atol=atol):
                # Verified: the spec's loss with P clipped at (or eps added to) a coarser eps gives what came.
                for eps in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 5e-2, 1e-1):
                    clipped = _spec_loss(name, Y, np.clip(P, eps, 1 - eps))
                    floored = _spec_loss(name, Y, np.maximum(P, eps))
                    added = _spec_loss(name, Y, P + eps) if name == "cross_entropy_loss" else float(np.mean(
                        -(Y * np.log(P + eps) + (1 - Y) * np.log(1 - P + eps))))
                    if min(abs(g - clipped), abs(g - floored), abs(g - added)) <= 1e-6 * abs(g) + atol:
                        return say(LOSS_CLIPPED, f"the loss is what clipping y_pred to [{eps:g}, 1 - {eps:g}] (or "
                                                 f"log(p + {eps:g})) gives: a stabiliser may be at most "
                                                 f"{bounds.LOSS_EPS_MAX:g}; {eps:g} moves the loss by {abs(g - w):.2g} "
                                                 f"here, where {atol:.2g} is allowed")
                return None

            assert_close(got, want, call=name, what=f"{name}(y_true, y_pred) at q={q:.6g}", atol=atol, where=where,
                         hints=[coarse], precision=precision.describe(impl))

    check_matches_the_spec.__name__ = f"check_{name}_matches_the_spec"
    check_is_a_mean_over_samples.__name__ = f"check_{name}_is_a_mean_over_samples"
    check_is_exact_at_confident_and_saturated_probabilities.__name__ = (
        f"check_{name}_is_exact_at_confident_and_saturated_probabilities")
    for function in (check_matches_the_spec, check_is_a_mean_over_samples,
                     check_is_exact_at_confident_and_saturated_probabilities):
        check(name)(function)


def _extreme_batch(name, q):
    """Two samples whose true outcome has probability q each (columns)."""
    if name == "binary_cross_entropy":
        return np.array([[1.0, 0.0]]), np.array([[q, 1 - q]])
    rest = (1 - q) / 2
    return np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.array([[q, rest], [rest, q], [rest, rest]])


_loss_checks("cross_entropy_loss", softmax_batches)
_loss_checks("binary_cross_entropy", sigmoid_batches)


@check("cross_entropy_derivative")
def check_cross_entropy_derivative_is_a_minus_y(impl):
    # A - Y is a single subtraction: within one rounding (and one of A, at a lower precision).
    @given(nst.in_layout(softmax_batches(), impl))
    def run(batch):
        Y, P = nst.columns(batch)
        Yi, Pi = impl.data(Y), impl.data(P)
        where = f"[y_true.shape={Yi.shape}, layout={impl.layout}]"
        got = as_array(impl.call("cross_entropy_derivative", Yi, Pi), "cross_entropy_derivative",
                       "cross_entropy_derivative(y_true, y_pred)", shape=Yi.shape, where=where)
        m = Y.shape[1]
        tol = bounds.subtraction_tolerance(precision.eps(impl))

        def per_sample(got, want):
            if m > 1 and np.allclose(got * m, want, atol=tol):
                return say(DZ_PER_SAMPLE, "it is (A - Y) / m: cross_entropy_derivative is dZ per sample; the 1/m "
                                          "belongs in dW and db, once")
            if np.allclose(got, -want, atol=tol):
                return say(DZ_SIGN, "it is Y - A: the sign is flipped (training would climb the loss)")
            return None

        assert_close(got, impl.data(P - Y), call="cross_entropy_derivative", what="dZ", atol=tol,
                     where=where, hints=[per_sample], precision=precision.describe(impl))

    run()
