"""Losses: the spec's mean cross-entropies, means over samples, finite near 0 and 1; dZ = A - Y."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from nnspec import strategies as nst
from nnspec.calls import CheckFailure
from nnspec.checks import check
from nnspec.compare import as_array, as_scalar, assert_close, fail
from spec import oracles

# Probabilities are drawn >= P_MIN, so that a stabiliser inside the log, log(p + eps) with eps <= 1e-7 (seed
# 000 uses 1e-8), or clipping to [eps, 1 - eps], moves each term by at most eps / P_MIN <= 1e-7 / 1e-2 = 1e-5.
# Every real mistake (sum instead of mean, log10, a missing minus, the wrong axis) is off by more than 1e-2.
P_MIN = 1e-2
LOSS_ATOL = 1e-5
EPS_MAX = 1e-7  # the largest stabiliser inside the log (or clipping distance) the loss checks accept


@st.composite
def softmax_batches(draw, max_m=6):
    """(Y one-hot, P) in columns: (K, m) each, P's entries in [P_MIN, 1]."""
    K, m = draw(nst.classes_and_samples(max_m=max_m))
    labels = draw(st.lists(st.integers(0, K - 1), min_size=m, max_size=m))
    weights = np.array(draw(st.lists(nst.floats(1.0, 10.0), min_size=K * m, max_size=K * m))).reshape(K, m)
    P = weights / weights.sum(axis=0, keepdims=True)  # >= 1 / (1 + 9 * 4) > P_MIN for K <= 5
    return np.eye(K)[:, labels], P


@st.composite
def sigmoid_batches(draw, max_m=6):
    """(Y in {0, 1}, P) in columns: (1, m) each, P in [P_MIN, 1 - P_MIN]."""
    m = draw(st.integers(1, max_m))
    Y = np.array(draw(st.lists(st.integers(0, 1), min_size=m, max_size=m)), dtype=float)[None, :]
    P = np.array(draw(st.lists(nst.floats(P_MIN, 1 - P_MIN), min_size=m, max_size=m)))[None, :]
    return Y, P


def _loss(impl, name, Y, P):
    where = f"[y_true.shape={impl.data(Y).shape}, layout={impl.layout}]"
    value = impl.call(name, impl.data(Y), impl.data(P))
    try:
        return as_scalar(value, name, f"{name}(y_true, y_pred)", where), where
    except CheckFailure as exc:
        hint = _swapped_hint(impl, name, Y, P)
        raise CheckFailure(f"{exc}\n  hint: {hint}" if hint else str(exc)) from None


def _swapped_hint(impl, name, Y, P):
    """The hint when the loss called as loss(y_pred, y_true) gives the right value: its arguments are swapped."""
    per_sample = (oracles.categorical_cross_entropy(Y, P) if name == "cross_entropy_loss"
                  else oracles.binary_cross_entropy(Y, P).sum(axis=0))
    right = float(np.mean(per_sample))
    try:
        swapped = float(np.asarray(impl.call(name, impl.data(P), impl.data(Y)), dtype=np.float64).reshape(()))
    except Exception:  # noqa: BLE001 - the hint is a guess; the failure stands either way
        return None
    if abs(swapped - right) <= LOSS_ATOL + 1e-6 * abs(right):
        return (f"the arguments look swapped: {name}(y_pred, y_true) gave the right value; the contract is "
                f"{name}(y_true, y_pred)")
    return None


def _known_loss_mistakes(name, Y, P):
    """Hints: the loss equals a known wrong formula."""
    K, m = P.shape
    right = np.mean(oracles.categorical_cross_entropy(Y, P) if name == "cross_entropy_loss"
                    else oracles.binary_cross_entropy(Y, P).sum(axis=0))
    candidates = []
    if m > 1:
        candidates.append((right * m, "the loss is a sum over the samples, not a mean: divide by m"))
    if K > 1 and m * K > 1:
        candidates.append((right / K, f"the loss is divided by every element (K*m = {K * m}), not by the samples m"))
    candidates += [
        (-right, "the loss has the wrong sign: cross-entropy is -sum(y log p)"),
        (right / np.log(10), "log10 was used: cross-entropy uses the natural log"),
    ]
    if name == "cross_entropy_loss":
        both = np.mean(-(Y * np.log(P) + (1 - Y) * np.log(1 - P)).sum(axis=0))
        candidates.append((both, "the binary cross-entropy formula was used for a softmax output: "
                                 "categorical cross-entropy is -sum over classes of y log p"))

    def hint(got, want):
        for value, text in candidates:
            if abs(float(got) - value) <= LOSS_ATOL + 1e-6 * abs(value):
                return text
        return None

    return [hint]


def _loss_checks(name, batches, per_sample):
    def check_matches_the_spec(impl):
        @given(batches())
        def run(batch):
            Y, P = batch
            got, where = _loss(impl, name, Y, P)
            want = float(np.mean(per_sample(Y, P)))
            assert_close(got, want, call=name, what=f"{name}(y_true, y_pred)", atol=LOSS_ATOL, where=where,
                         hints=[*_known_loss_mistakes(name, Y, P), lambda g, w: _swapped_hint(impl, name, Y, P)])

        run()

    def check_is_a_mean_over_samples(impl):
        @given(batches())
        def run(batch):
            Y, P = batch
            once, where = _loss(impl, name, Y, P)
            twice, _ = _loss(impl, name, np.hstack([Y, Y]), np.hstack([P, P]))
            factor = twice / once if once else np.nan
            assert_close(twice, once, call=name, what=f"{name} of the batch duplicated against the batch once",
                         atol=1e-12, rtol=1e-12, where=where,
                         hints=[lambda g, w: "the loss doubled when the batch was duplicated: it is a sum over "
                                "samples, not a mean" if np.isclose(factor, 2) else None])

        run()

    def check_is_finite_for_probabilities_near_0_and_1(impl):
        # The probability of the true class at 1e-300 and at 1 - 1e-15: -log p is finite for both, and so must be
        # the loss (clipping or an epsilon inside the log are both fine: only finiteness is asked here).
        # A stabiliser inside the log may take the loss just below 0 when p is near 1: -log(p + eps) >=
        # -log(1 + eps) >= -eps per sample, so with the eps <= 1e-7 accepted above (seed 000's 1e-8 gives -1e-8
        # at p = 1 - 1e-15) the mean is >= -1e-7; a missing minus sign gives -log(1e-300) ~ -690.
        for tiny in (1e-300, 1e-16, 1 - 1e-15):
            Y, P = _extreme_batch(name, tiny)
            got, where = _loss(impl, name, Y, P)
            if got < -EPS_MAX:
                fail(name, f"{name} was {got:.6g} for probabilities in (0, 1), must be >= 0", where)

    check_matches_the_spec.__name__ = f"check_{name}_matches_the_spec"
    check_is_a_mean_over_samples.__name__ = f"check_{name}_is_a_mean_over_samples"
    check_is_finite_for_probabilities_near_0_and_1.__name__ = f"check_{name}_is_finite_for_probabilities_near_0_and_1"
    for function in (check_matches_the_spec, check_is_a_mean_over_samples,
                     check_is_finite_for_probabilities_near_0_and_1):
        check(name)(function)


def _extreme_batch(name, p):
    if name == "binary_cross_entropy":
        return np.array([[1.0, 0.0]]), np.array([[p, p]])
    rest = (1 - p) / 2
    return np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]), np.array([[p, rest], [rest, p], [rest, rest]])


_loss_checks("cross_entropy_loss", softmax_batches, lambda Y, P: oracles.categorical_cross_entropy(Y, P, axis=0))
_loss_checks("binary_cross_entropy", sigmoid_batches, lambda Y, P: oracles.binary_cross_entropy(Y, P).sum(axis=0))


@check("cross_entropy_derivative")
def check_cross_entropy_derivative_is_a_minus_y(impl):
    # A - Y is a single subtraction, exact in float64 whatever the order of operations.
    @given(softmax_batches())
    def run(batch):
        Y, P = batch
        Yi, Pi = impl.data(Y), impl.data(P)
        where = f"[y_true.shape={Yi.shape}, layout={impl.layout}]"
        got = as_array(impl.call("cross_entropy_derivative", Yi, Pi), "cross_entropy_derivative",
                       "cross_entropy_derivative(y_true, y_pred)", shape=Yi.shape, where=where)
        m = Y.shape[1]

        def per_sample(got, want):
            if m > 1 and np.allclose(got * m, want, atol=1e-12):
                return ("it is (A - Y) / m: cross_entropy_derivative is dZ per sample; the 1/m belongs in dW and "
                        "db, once")
            if np.allclose(got, -want, atol=1e-12):
                return "it is Y - A: the sign is flipped (training would climb the loss)"
            return None

        assert_close(impl.from_data(got), P - Y, call="cross_entropy_derivative", what="dZ", atol=1e-15,
                     where=where, hints=[per_sample])

    run()
