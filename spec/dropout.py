"""Inverted dropout: why the kept activations are divided by the keep probability p."""

import sympy as sp
from sympy.stats import Bernoulli, E, variance

from .derivation import Derivation, Step, eq, is_zero, same_shape

a = sp.Symbol("a", real=True)
#: Keep probability, 0 < p <= 1.
p = sp.Symbol("p", positive=True)
#: The mask entry: 1 (kept) with probability p, 0 (dropped) otherwise.
mask = Bernoulli("d", p)

KEPT = mask * a / p
MEAN = sp.simplify(E(KEPT))
VARIANCE = sp.factor(variance(KEPT))
MEAN_WITHOUT_RESCALE = sp.simplify(E(mask * a))

DROPOUT_CLOSED = sp.Tuple(a, a**2 * (1 - p) / p)


def _prove_dropout(candidate):
    derived = sp.Tuple(MEAN, VARIANCE)
    if not same_shape(derived, candidate):
        return False
    return (is_zero(sp.Tuple(*(x - y for x, y in zip(derived, candidate))))
            and is_zero(MEAN_BY_CASES - candidate[0]))


_d, _x = sp.Symbol("d"), sp.Symbol("x")
_E, _Var = sp.Function("E"), sp.Function("Var")
# Enumerating the two outcomes by hand: a second route to the mean, independent of sympy.stats.
MEAN_BY_CASES = p * (_d * a / p).subs(_d, 1) + (1 - p) * (_d * a / p).subs(_d, 0)
inverted_dropout = Derivation(
    name="inverted-dropout",
    statement=(
        "Inverted dropout keeps the expected activation: for d ~ Bernoulli(p), E[d a / p] = a, "
        "with variance a^2 (1 - p) / p. Without the division by p the expectation is p a, so the next "
        "layer would see smaller inputs in training than at test time (when no units are dropped)."
    ),
    steps=(
        Step("the kept activation (mask d is 1 with probability p, else 0)", eq(sp.Symbol("x"), _d * a / p)),
        Step("E[f(d)] = p f(1) + (1 - p) f(0)",
             eq(_E(_x), sp.Add(sp.Mul(p, a / p, evaluate=False), sp.Mul(1 - p, 0, evaluate=False),
                               evaluate=False))),
        Step("expectation by sympy.stats", eq(_E(_x), MEAN)),
        Step("second moment E[x^2] = p (a/p)^2", eq(_E(_x**2), sp.simplify(E(KEPT**2)))),
        Step("Var[x] = E[x^2] - E[x]^2, by sympy.stats", eq(_Var(_x), VARIANCE)),
        Step("for contrast, forgetting to divide by p", eq(_E(_d * a), MEAN_WITHOUT_RESCALE)),
    ),
    closed_form=DROPOUT_CLOSED,
    prove=_prove_dropout,
    result_caption="(E[d a / p], Var[d a / p])",
)

DERIVATIONS = (inverted_dropout,)
