"""Output layers and their losses: sigmoid + binary cross-entropy, softmax + categorical cross-entropy.

The point of this module is dL/dz = a - y: the output activation's derivative
cancels against the loss's derivative, in both the binary and the K-class case.
"""

import functools

import sympy as sp

from .activations import SIGMOID, SIGMOID_DERIVATIVE_CLOSED, a, z
from .derivation import Derivation, Step, d, eq, is_zero

y = sp.Symbol("y", real=True)
L = sp.Symbol("L")

#: Per-sample binary cross-entropy of label y and prediction a.
BCE = -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
#: Its two terms, for the oracle: a term whose coefficient (y or 1 - y) is 0 contributes 0 (0 log 0 = 0).
BCE_TERMS = (-y * sp.log(a), -(1 - y) * sp.log(1 - a))

# Generic-index notation used by the closed forms: a[j], y[j] for class j of K.
K = sp.Symbol("K", integer=True, positive=True)
A = sp.IndexedBase("a")
Y = sp.IndexedBase("y")
Zi = sp.IndexedBase("z")
i, j, k = (sp.Idx(name, (1, K)) for name in "ijk")

#: The per-class term of categorical cross-entropy, -y_k log a_k (the loss is its sum over k).
CE_TERM = -y * sp.log(a)

SOFTMAX_GENERAL = sp.exp(Zi[j]) / sp.Sum(sp.exp(Zi[i]), (i, 1, K))
#: Closed forms as code writes them, for class j.
SOFTMAX_CE_GRADIENT_CLOSED = A[j] - Y[j]
SOFTMAX_JACOBIAN_CLOSED = A[i] * (sp.KroneckerDelta(i, j) - A[j])

#: The explicit class counts for which the softmax proofs are carried out entry by entry.
EXPLICIT_K = (2, 3, 4, 5, 6)


@functools.cache
def class_symbols(n):
    """Explicit symbols for n classes: logits z_1..z_n, labels y_1..y_n, activations a_1..a_n."""
    zs = sp.symbols(f"z_1:{n + 1}", real=True)
    ys = sp.symbols(f"y_1:{n + 1}", real=True)
    as_ = sp.symbols(f"a_1:{n + 1}", positive=True)
    return zs, ys, as_


@functools.cache
def softmax_exprs(n):
    """softmax over n explicit logits: a tuple of n expressions exp(z_k) / sum_i exp(z_i)."""
    zs, _, _ = class_symbols(n)
    total = sum(sp.exp(v) for v in zs)
    return tuple(sp.exp(v) / total for v in zs)


def _instance(candidate, n, values_of_a, values_of_y, index_values):
    """Replace generic a[i], y[i] (and the indices) by explicit expressions for n classes."""
    expr = candidate.subs(index_values)
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == A,
                        lambda e: values_of_a[int(e.indices[0]) - 1])
    expr = expr.replace(lambda e: isinstance(e, sp.Indexed) and e.base == Y,
                        lambda e: values_of_y[int(e.indices[0]) - 1])
    return expr.subs(K, n)


def _is_zero_in_exponentials(expr, zs):
    """Exact zero test for rational functions of exp(z_k): name each exp(z_k) E_k, then cancel."""
    es = sp.symbols(f"E_1:{len(zs) + 1}", positive=True)
    rational = expr.subs({sp.exp(v): e for v, e in zip(zs, es)})
    if rational.free_symbols & set(zs):
        return is_zero(expr)
    return sp.cancel(sp.together(rational)) == 0


# ------------------------------------------------------- sigmoid + BCE

_dL_da = sp.diff(BCE, a)
_da_dz = SIGMOID_DERIVATIVE_CLOSED  # proven in sigmoid-derivative
_chain = _dL_da * _da_dz
_chain_simplified = sp.cancel(_chain)
_direct = sp.diff(BCE.subs(a, SIGMOID), z)


def _prove_sigmoid_bce(candidate):
    in_terms_of_a = is_zero(sp.cancel(_chain - candidate))
    # Second, independent route: differentiate the composed loss L(sigma(z)) directly in z.
    direct = is_zero(_direct - candidate.subs(a, SIGMOID))
    return in_terms_of_a and direct


sigmoid_bce_gradient = Derivation(
    name="sigmoid-bce-gradient",
    statement=(
        "For a sigmoid output a = σ(z) with binary cross-entropy loss, dL/dz = a - y. "
        "The 1/a and 1/(1 - a) of dL/da cancel against da/dz = a(1 - a), "
        "which is why code never needs to compute dL/da at the output layer."
    ),
    steps=(
        Step("binary cross-entropy of one sample", eq(L, BCE)),
        Step("dL/da by sympy", eq(d(L, a), _dL_da)),
        Step("da/dz for a = σ(z) (see sigmoid-derivative)", eq(d(a, z), _da_dz)),
        Step("chain rule: dL/dz = dL/da · da/dz", eq(d(L, z), _chain)),
        Step("simplified", eq(d(L, z), _chain_simplified)),
        Step("check: differentiating L(σ(z)) directly in z gives the same (in z)", eq(d(L, z), _direct)),
    ),
    closed_form=a - y,
    prove=_prove_sigmoid_bce,
    result_caption="dL/dz (dZ = A - Y in code)",
)


# ------------------------------------------------------- softmax Jacobian

def _prove_softmax_jacobian(candidate):
    for n in EXPLICIT_K:
        zs, ys, _ = class_symbols(n)
        soft = softmax_exprs(n)
        for r in range(1, n + 1):
            for c in range(1, n + 1):
                derived = sp.diff(soft[r - 1], zs[c - 1])
                claimed = _instance(candidate, n, soft, ys, {i: r, j: c})
                if not _is_zero_in_exponentials(derived - claimed, zs):
                    return False
    return True


def _jacobian_steps():
    n = 3
    zs, _, as_ = class_symbols(n)
    soft = softmax_exprs(n)
    jac = sp.Matrix(n, n, lambda r, c: sp.diff(soft[r], zs[c]))
    in_a = sp.Matrix(n, n, lambda r, c: as_[r] * (sp.KroneckerDelta(r, c) - as_[c]))
    return (
        Step("softmax of class i", eq(A[i], SOFTMAX_GENERAL.subs(j, i))),
        Step("for K = 3, the Jacobian da_i/dz_j by sympy (row i, column j)",
             eq(sp.Symbol("J"), jac)),
        Step("the same matrix written in a_i: diag(a) - a aᵀ", eq(sp.Symbol("J"), in_a)),
    )


softmax_jacobian = Derivation(
    name="softmax-jacobian",
    statement=(
        "The Jacobian of softmax is da_i/dz_j = a_i (δ_ij - a_j), the matrix diag(a) - a aᵀ. "
        "Unlike an elementwise activation, every output depends on every logit, "
        "so a_i(1 - a_i) alone is only the diagonal. Proven entry by entry for K = 2..6 classes."
    ),
    steps=_jacobian_steps(),
    closed_form=SOFTMAX_JACOBIAN_CLOSED,
    prove=_prove_softmax_jacobian,
    result_caption="da_i/dz_j",
)


# ------------------------------------------------------- softmax + cross-entropy, explicit K

def _one_hot_labels(n):
    """Labels y_1..y_n constrained to sum to 1 (true for one-hot y): y_n = 1 - (y_1 + ... + y_{n-1})."""
    _, ys, _ = class_symbols(n)
    return ys[:-1] + (1 - sum(ys[:-1]),)


def _prove_softmax_ce_explicit(candidate):
    for n in EXPLICIT_K:
        zs, _, as_ = class_symbols(n)
        soft = softmax_exprs(n)
        labels = _one_hot_labels(n)
        loss = -sum(t * sp.log(s) for t, s in zip(labels, soft))
        # Route 1: differentiate the composed loss directly in each logit.
        for c in range(1, n + 1):
            derived = sp.diff(loss, zs[c - 1])
            claimed = _instance(candidate, n, soft, labels, {j: c})
            if not _is_zero_in_exponentials(derived - claimed, zs):
                return False
        # Route 2: the chain rule in terms of a, dL/dz = Jᵀ dL/da with J = diag(a) - a aᵀ.
        grad_a = [sp.diff(-sum(t * sp.log(s) for t, s in zip(labels, as_)), s) for s in as_]
        for c in range(n):
            chained = sum(as_[r] * (sp.KroneckerDelta(r, c) - as_[c]) * grad_a[r] for r in range(n))
            claimed = _instance(candidate, n, as_, labels, {j: c + 1})
            if sp.cancel(chained - claimed) != 0:
                return False
    return True


def _softmax_ce_steps():
    n = 3
    _, ys, as_ = class_symbols(n)
    loss = -sum(t * sp.log(s) for t, s in zip(ys, as_))
    grad_a = sp.Matrix([sp.diff(loss, s) for s in as_])
    jac = sp.Matrix(n, n, lambda r, c: as_[r] * (sp.KroneckerDelta(r, c) - as_[c]))
    chained = (jac.T * grad_a).applyfunc(sp.expand)
    one_hot = {ys[-1]: 1 - sum(ys[:-1])}
    result = chained.subs(one_hot).applyfunc(sp.expand).subs({1 - sum(ys[:-1]): ys[-1]})
    return (
        Step("categorical cross-entropy of one sample", eq(L, -sp.Sum(Y[k] * sp.log(A[k]), (k, 1, K)))),
        Step("for K = 3, dL/da by sympy", eq(d(L, sp.Symbol("a")), grad_a)),
        Step("da/dz = diag(a) - a aᵀ (see softmax-jacobian)", eq(sp.Symbol("J"), jac)),
        Step("chain rule: dL/dz = Jᵀ dL/da, expanded", eq(d(L, sp.Symbol("z")), chained)),
        Step("one-hot y sums to 1 (y_3 = 1 - y_1 - y_2), so a_j(y_1 + y_2 + y_3) = a_j",
             eq(d(L, sp.Symbol("z")), result)),
    )


softmax_ce_gradient = Derivation(
    name="softmax-ce-gradient",
    statement=(
        "For a softmax output with categorical cross-entropy and one-hot y, dL/dz_j = a_j - y_j. "
        "Proven for K = 2..6 classes with explicit symbols, both by differentiating the composed "
        "loss directly and by the chain rule through the softmax Jacobian. It holds for any "
        "labels that sum to 1 (label smoothing included)."
    ),
    steps=_softmax_ce_steps(),
    closed_form=SOFTMAX_CE_GRADIENT_CLOSED,
    prove=_prove_softmax_ce_explicit,
    result_caption="dL/dz_j (dZ = A - Y in code)",
)


# ------------------------------------------------------- softmax + cross-entropy, general K

_LOSS_GENERAL = -sp.Sum(Y[k] * sp.log(SOFTMAX_GENERAL.subs(j, k)), (k, 1, K))
_D_GENERAL = sp.diff(_LOSS_GENERAL, Zi[j])
_D_GENERAL_DONE = _D_GENERAL.doit()
_D_GENERAL_COLLECTED = sp.factor_terms(sp.expand(_D_GENERAL_DONE))
_D_GENERAL_ONE_HOT = _D_GENERAL_COLLECTED.subs(sp.Sum(Y[k], (k, 1, K)), 1)
# sympy guards the Kronecker delta with "j <= K"; j is a class index, so that holds.
_D_GENERAL_FINAL = sp.refine(_D_GENERAL_ONE_HOT, sp.Q.le(j, K))


def _prove_softmax_ce_general(candidate):
    claimed = candidate.replace(lambda e: isinstance(e, sp.Indexed) and e.base == A,
                                lambda e: SOFTMAX_GENERAL.subs(j, e.indices[0]))
    return is_zero(_D_GENERAL_FINAL - claimed)


softmax_ce_gradient_general_k = Derivation(
    name="softmax-ce-gradient-general-k",
    statement=(
        "For any number of classes K, softmax + cross-entropy with one-hot y gives dL/dz_j = a_j - y_j. "
        "Proven with symbolic sums over k = 1..K (sympy's Sum and Kronecker delta) and the one-hot "
        "condition sum_k y_k = 1, without fixing K."
    ),
    steps=(
        Step("loss with a_k = softmax(z)_k written out", eq(L, _LOSS_GENERAL)),
        Step("dL/dz_j by sympy (Kronecker deltas from dz_k/dz_j)", eq(d(L, Zi[j]), _D_GENERAL)),
        Step("deltas summed out (sympy guards the j <= K case)", eq(d(L, Zi[j]), _D_GENERAL_DONE)),
        Step("constants pulled out of the sums", eq(d(L, Zi[j]), _D_GENERAL_COLLECTED)),
        Step("one-hot: sum_k y_k = 1, and 1 <= j <= K", eq(d(L, Zi[j]), _D_GENERAL_FINAL)),
        Step("the first term is a_j", eq(A[j], SOFTMAX_GENERAL)),
    ),
    closed_form=SOFTMAX_CE_GRADIENT_CLOSED,
    prove=_prove_softmax_ce_general,
    result_caption="dL/dz_j for general K",
)


# ------------------------------------------------------- shift invariance

c = sp.Symbol("c", real=True)
_SHIFTED = sp.exp(Zi[j] - c) / sp.Sum(sp.exp(Zi[i] - c), (i, 1, K))
_SHIFTED_SPLIT = sp.expand(_SHIFTED, power_exp=True)
_SHIFTED_FACTORED = _SHIFTED_SPLIT.replace(lambda e: isinstance(e, sp.Sum), sp.factor_terms)


def _prove_shift_invariance(candidate):
    difference = sp.expand(_SHIFTED - candidate, power_exp=True)
    difference = difference.replace(lambda e: isinstance(e, sp.Sum), sp.factor_terms)
    return is_zero(sp.factor_terms(difference))


softmax_shift_invariance = Derivation(
    name="softmax-shift-invariance",
    statement=(
        "Softmax is unchanged when the same constant c is subtracted from every logit. "
        "So code may use c = max(z): then every exponent is <= 0 (no overflow in exp) and the "
        "largest term is e^0 = 1 (the denominator is >= 1, never 0)."
    ),
    steps=(
        Step("softmax of shifted logits", eq(sp.Function("a_j")(Zi[i] - c), _SHIFTED)),
        Step("split each exponential", eq(sp.Function("a_j")(Zi[i] - c), _SHIFTED_SPLIT)),
        Step("e^(-c) is a common factor of the sum, and cancels", eq(sp.Function("a_j")(Zi[i] - c), _SHIFTED_FACTORED)),
    ),
    closed_form=SOFTMAX_GENERAL,
    prove=_prove_shift_invariance,
    result_caption="softmax of the unshifted logits",
)


# ------------------------------------------------------- two-class softmax = sigmoid

_z1, _z2 = class_symbols(2)[0]
_SOFTMAX2_FIRST = softmax_exprs(2)[0]
_SIGMOID_OF_DIFFERENCE = SIGMOID.subs(z, _z1 - _z2)


def _prove_softmax2(candidate):
    return _is_zero_in_exponentials(_SOFTMAX2_FIRST - candidate, (_z1, _z2))


softmax2_is_sigmoid = Derivation(
    name="softmax2-is-sigmoid",
    statement=(
        "A two-class softmax equals the sigmoid of the logit difference: a_1 = σ(z_1 - z_2). "
        "So a 2-unit softmax output layer and a 1-unit sigmoid output layer (with z = z_1 - z_2) "
        "give the same predictions, and both gradients are a - y."
    ),
    steps=(
        Step("two-class softmax, first class", eq(sp.Symbol("a_1"), _SOFTMAX2_FIRST)),
        Step("divide numerator and denominator by exp(z_1)",
             eq(sp.Symbol("a_1"), 1 / (1 + sp.exp(_z2) / sp.exp(_z1)))),
        Step("which is the sigmoid of z_1 - z_2", eq(sp.Symbol("a_1"), _SIGMOID_OF_DIFFERENCE)),
    ),
    closed_form=_SIGMOID_OF_DIFFERENCE,
    prove=_prove_softmax2,
    result_caption="σ(z_1 - z_2)",
)

DERIVATIONS = (
    sigmoid_bce_gradient,
    softmax_jacobian,
    softmax_ce_gradient,
    softmax_ce_gradient_general_k,
    softmax_shift_invariance,
    softmax2_is_sigmoid,
)
