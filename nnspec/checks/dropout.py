"""Inverted dropout: identity at keep_prob 1, the right kept fraction and expectation, the same mask backward.

The statistical checks use Hoeffding's inequality, which needs no assumption on the distribution beyond
independent draws in a bounded range [0, R]: P(|mean - E| >= t) <= 2 exp(-2 N t^2 / R^2). With N = 200,000
draws and t = R * sqrt(ln(2 / delta) / (2 N)), each comparison raises a false alarm with probability at most
delta = 1e-10; a check makes at most 2 * len(KEEP_PROBS) = 8 comparisons, so by the union bound a correct
implementation fails one with probability at most 8e-10 <= 1e-9. The draws come from fixed seeds, so the
verdict is the same on every run.
"""

from __future__ import annotations

import numpy as np

from nnspec import precision
from nnspec.checks import check
from nnspec.compare import as_array, assert_close, fail, register, say
from spec import bounds

KEEP_PROBS = (0.2, 0.5, 0.8, 0.95)
SHAPE = (400, 500)  # N = 200,000 draws
DELTA = bounds.DROPOUT_DELTA  # spec: hoeffding-deviation

DROPOUT_KEEPS_COMPLEMENT = register("dropout-keeps-complement", "dropout keeping 1 - keep_prob of the units")
DROPOUT_NOT_RESCALED = register("dropout-not-rescaled", "inverted dropout without the division by keep_prob")
DROPOUT_TIMES_KEEP_PROB = register("dropout-times-keep-prob", "inverted dropout multiplying by keep_prob")
DROPOUT_MASK_MISMATCH = register("dropout-mask-mismatch", "a mask returned that is not the one applied")
DROPOUT_RESEEDED = register("dropout-reseeded", "a generator re-seeded inside dropout_forward")
DROPOUT_IGNORES_RNG = register("dropout-ignores-rng", "dropout_forward not drawing from the rng passed in")
DROPOUT_BACKWARD_NOT_RESCALED = register("dropout-backward-not-rescaled", "dropout_backward without 1/keep_prob")
DROPOUT_BACKWARD_NO_MASK = register("dropout-backward-no-mask", "dropout_backward not applying the mask")
DROPOUT_DIVIDES_BY_MASK = register("dropout-divides-by-mask", "inf or nan exactly where units are dropped: a / mask")
SEED = 20261121


def hoeffding(range_width: float, n: int = SHAPE[0] * SHAPE[1], delta: float = DELTA) -> float:
    """The deviation t with P(|mean - E| >= t) <= delta for n independent draws in [0, range_width]."""
    return bounds.hoeffding(range_width, n, delta)


def _divided_by_mask(mask):
    """A nonfinite hint that speaks only when the non-finite entries are exactly the dropped units."""

    def hint(array, bad):
        dropped_units = np.asarray(mask, dtype=np.float64) == 0
        if dropped_units.shape == bad.shape and np.array_equal(bad, dropped_units):
            return say(DROPOUT_DIVIDES_BY_MASK, "the non-finite entries are exactly the dropped units: A was divided "
                                                "by the mask (0 there) instead of multiplied by it")
        return None

    return hint




def _takes_rng(impl) -> bool:
    """Whether dropout_forward accepts `rng=` (from its signature, as the implementation's process reported it)."""
    return impl.accepts("dropout_forward", "rng")


def activations(shape=SHAPE, seed=SEED):
    """Positive activations in [0.5, 2]: no zeros, so a zero in the output is a dropped unit."""
    return np.random.default_rng(seed).uniform(0.5, 2.0, shape)


def dropped(impl, A, keep_prob, rng="fresh", reseed=True):
    """(output, mask as floats, mask as returned, where) of dropout_forward, forms checked; `rng` passed if accepted.

    `reseed` seeds numpy's global generator first (for implementations that draw from it), so that the
    statistical checks see the same draws on every run.
    """
    where = f"[A.shape={A.shape}, keep_prob={keep_prob}]"
    takes_rng = _takes_rng(impl)
    if reseed:
        impl.reseed(SEED)
    if rng == "fresh":
        rng = impl.generator(SEED)
    kwargs = {"rng": rng} if takes_rng and rng is not None else {}
    result = impl.call("dropout_forward", A, keep_prob, **kwargs)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail("dropout_forward", f"returned {type(result).__name__}, must return (A_dropped, mask)", where)
    out = as_array(result[0], "dropout_forward", "A_dropped", shape=A.shape, where=where,
                   nonfinite_hints=[_divided_by_mask(result[1])])
    mask = as_array(result[1], "dropout_forward", "mask", shape=A.shape, where=where)
    return out, mask, result[1], where


@check("dropout_forward")
def check_dropout_forward_with_keep_prob_1_is_the_identity(impl):
    A = activations((30, 40))
    out, mask, _, where = dropped(impl, A, 1.0)
    assert_close(out, A, call="dropout_forward", what="A_dropped at keep_prob=1", atol=0.0, where=where,
                 rtol=bounds.subtraction_tolerance(precision.eps(impl)), precision=precision.describe(impl))
    if not np.all(mask != 0):
        fail("dropout_forward", f"the mask drops {int((mask == 0).sum())} units at keep_prob=1, must drop none", where)


def statistical_draw(impl, keep_prob):
    """(A, A_dropped, where) of the N-draw call at keep_prob, made once per implementation.

    Both statistical checks ask for the very same call (same A, same seeds); alone, either makes it itself.
    """
    key = ("dropout draw", keep_prob)
    if key not in impl.artifacts:
        A = activations()
        out, _, _, where = dropped(impl, A, keep_prob)
        impl.artifacts[key] = (A, out, where)
    return impl.artifacts[key]


@check("dropout_forward")
def check_dropout_forward_keeps_the_fraction_keep_prob(impl):
    for keep_prob in KEEP_PROBS:
        _, out, where = statistical_draw(impl, keep_prob)
        kept = float(np.mean(out != 0))
        t = hoeffding(1.0)
        if abs(kept - keep_prob) > t:
            hint = (say(DROPOUT_KEEPS_COMPLEMENT, "it keeps 1 - keep_prob: keep a unit when rand < keep_prob")
                    if abs(kept - (1 - keep_prob)) <= t else None)
            fail("dropout_forward", f"kept a fraction {kept:.4f} of units, must be {keep_prob} ± {t:.4f} "
                 f"(false-alarm probability <= {DELTA:g})", where, [hint])


@check("dropout_forward")
def check_dropout_forward_preserves_the_expected_activation(impl):
    # E[d * a / p] = a (spec: inverted-dropout): the mean of output / A over N draws must be 1.
    for keep_prob in KEEP_PROBS:
        A, out, where = statistical_draw(impl, keep_prob)
        ratio = float(np.mean(out / A))
        t = hoeffding(1.0 / keep_prob)
        if abs(ratio - 1.0) > t:
            hints = []
            if abs(ratio - keep_prob) <= t:
                hints.append(say(DROPOUT_NOT_RESCALED, "the survivors are not rescaled: divide by keep_prob so that "
                                                       "E[output] = A"))
            elif abs(ratio - keep_prob**2) <= t * keep_prob**2:
                hints.append(say(DROPOUT_TIMES_KEEP_PROB, "the survivors were multiplied by keep_prob: divide by it "
                                                          "instead"))
            fail("dropout_forward", f"mean of A_dropped / A was {ratio:.4f}, must be 1 ± {t:.4f} "
                 f"(false-alarm probability <= {DELTA:g})", where, hints)


@check("dropout_forward")
def check_dropout_forward_scales_survivors_by_exactly_one_over_keep_prob(impl):
    # a / p against a * (1 / p) or a * mask / p: two roundings apart, and one of a below float64 (spec: bounds).
    A = activations((50, 60))
    for keep_prob in KEEP_PROBS:
        out, mask, _, where = dropped(impl, A, keep_prob)
        kept = out != 0
        if not np.array_equal(kept, mask != 0):
            fail("dropout_forward", "the mask does not match the units kept in A_dropped", where,
                 [say(DROPOUT_MASK_MISMATCH, "return the mask that was applied, so that dropout_backward can apply "
                                             "it again")])
        assert_close(out[kept], A[kept] / keep_prob, call="dropout_forward", what="kept units of A_dropped",
                     atol=0.0, rtol=bounds.subtraction_tolerance(precision.eps(impl)), where=where,
                     precision=precision.describe(impl),
                     hints=[lambda g, w, p=keep_prob: say(DROPOUT_NOT_RESCALED, "the survivors are not rescaled: "
                                                          "divide by keep_prob") if np.allclose(g, w * p) else None])


@check("dropout_forward")
def check_dropout_forward_draws_a_new_mask_each_call(impl):
    # Two independent masks of 10,000 units at keep_prob 0.5 coincide with probability 2**-10000.
    A = activations((100, 100))
    where = "[A.shape=(100, 100), keep_prob=0.5]"
    # The global generator is seeded once, before the first call only: re-seeding it between the two calls
    # would hand an implementation that draws from np.random (a correct one) the same mask twice.
    _, first, _, _ = dropped(impl, A, 0.5, rng=None)
    _, second, _, _ = dropped(impl, A, 0.5, rng=None, reseed=False)
    if np.array_equal(first != 0, second != 0):
        fail("dropout_forward", "two calls without an rng gave the same mask", where,
             [say(DROPOUT_RESEEDED, "is the generator re-seeded inside dropout_forward? draw from a generator "
                                    "created once")])
    if _takes_rng(impl):
        rng = impl.generator(SEED)
        _, first, _, _ = dropped(impl, A, 0.5, rng=rng)
        _, second, _, _ = dropped(impl, A, 0.5, rng=rng, reseed=False)
        if np.array_equal(first != 0, second != 0):
            fail("dropout_forward", "two calls with the same rng gave the same mask", where,
                 [say(DROPOUT_IGNORES_RNG, "draw the mask from the rng that is passed in")])


@check("dropout_backward", needs=("dropout_forward",))
def check_dropout_backward_applies_the_same_mask_and_scale(impl):
    A = activations((40, 50))
    dA = np.random.default_rng(SEED + 1).normal(size=A.shape)
    for keep_prob in KEEP_PROBS:
        out, _, mask, where = dropped(impl, A, keep_prob)
        factor = out / A  # what forward did to each unit: 0 or 1 / keep_prob
        got = as_array(impl.call("dropout_backward", dA, mask, keep_prob), "dropout_backward", "dA", shape=A.shape,
                       where=where)

        def known(g, w, p=keep_prob):
            if np.allclose(g, w * p) and not np.allclose(w, w * p):
                return say(DROPOUT_BACKWARD_NOT_RESCALED, "dA was not rescaled by 1/keep_prob: the backward pass "
                                                          "must scale like the forward pass")
            if np.allclose(g, dA) and not np.allclose(w, dA):
                return say(DROPOUT_BACKWARD_NO_MASK, "the mask was not applied: dropped units must get no gradient")
            return None

        tol = bounds.subtraction_tolerance(precision.eps(impl))
        assert_close(got, dA * factor, call="dropout_backward", what="dA", atol=tol, rtol=tol, where=where,
                     precision=precision.describe(impl),
                     hints=[known])
