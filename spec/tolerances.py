"""The tolerances of the checks: central differences, rounding, a loss's stabiliser, Hoeffding's bound.

Each bound the checks use is derived here with sympy and proven like the calculus; spec/bounds.py holds the same
numbers and formulas as plain floats and `math` (the checks import no sympy), and
tests/spec/test_spec_tolerances.py proves the two agree (`derived_numbers()` against spec.bounds).
"""

import sympy as sp

from .activations import SIGMOID, TANH, a, z
from .derivation import Derivation, Step, eq, is_zero

h = sp.Symbol("h", positive=True)
eps = sp.Symbol("epsilon", positive=True)
q = sp.Symbol("q", positive=True)
K_ulps = sp.Symbol("K", positive=True)
M0, M3 = sp.Symbol("M_0", positive=True), sp.Symbol("M_3", positive=True)
delta = sp.Symbol("delta", positive=True)
n = sp.Symbol("n", positive=True, integer=True)
N = sp.Symbol("N", positive=True, integer=True)
R = sp.Symbol("R", positive=True)
t = sp.Symbol("t", positive=True)
u = sp.Symbol("u", positive=True)

# -- central differences ---------------------------------------------------------------------------------------------
# f around z as its Taylor polynomial: c_k = f^(k)(z) / k!. Degree 6 carries the first two error terms.
_c = sp.symbols("c0:7", real=True)
_f = lambda x: sum(c * x**k for k, c in enumerate(_c))  # noqa: E731 - f(z + x) as a polynomial in x
FD_QUOTIENT = sp.expand((_f(h) - _f(-h)) / (2 * h))
F1, F3 = sp.Symbol("f'", real=True), sp.Symbol("f'''", real=True)
FD_TRUNCATION = sp.expand(FD_QUOTIENT - _c[1])  # c3 h^2 + c5 h^4
TRUNCATION_CLOSED = h**2 * F3 / 6


def _prove_truncation(candidate):
    leading = sp.expand(FD_TRUNCATION - _c[5] * h**4)  # the O(h^4) term dropped
    return is_zero(leading - candidate.subs(F3, 6 * _c[3]))


central_difference_error = Derivation(
    name="central-difference-error",
    statement=(
        "The central difference (f(z+h) - f(z-h)) / 2h differs from f'(z) by h^2 f'''(z) / 6 + O(h^4). "
        "Each evaluation of f carries a rounding error of at most K ulps of |f|, which the division by 2h "
        "turns into K eps |f| / h: the total error is at most h^2 M3 / 6 + K eps M0 / h."
    ),
    steps=(
        Step("f(z + x) as its Taylor polynomial, c_k = f^(k)(z) / k!", eq(sp.Function("f")(z + sp.Symbol("x")),
                                                                            _f(sp.Symbol("x")))),
        Step("the central difference quotient", eq(sp.Symbol("D_h"), FD_QUOTIENT)),
        Step("minus f'(z) = c1: the truncation error", eq(sp.Symbol("D_h") - F1, FD_TRUNCATION)),
    ),
    closed_form=TRUNCATION_CLOSED,
    prove=_prove_truncation,
    result_caption="leading truncation error, with f''' = 6 c3",
)

FD_ERROR = h**2 * M3 / 6 + K_ulps * eps * M0 / h
FD_STEP_CLOSED = (3 * K_ulps * eps * M0 / M3) ** sp.Rational(1, 3)
FD_ERROR_AT_STEP = sp.simplify(FD_ERROR.subs(h, FD_STEP_CLOSED))


def _prove_step(candidate):
    slope = sp.diff(FD_ERROR, h).subs(h, candidate)
    curvature = sp.diff(FD_ERROR, h, 2).subs(h, candidate)
    return is_zero(slope) and bool(sp.simplify(curvature).is_positive)


central_difference_step = Derivation(
    name="central-difference-step",
    statement=(
        "The step h* = (3 K eps M0 / M3)^(1/3) balances truncation against rounding: it is the only zero of "
        "dE/dh for E(h) = h^2 M3 / 6 + K eps M0 / h, and a minimum. The checks take central differences of "
        "activations at h* with eps of the implementation's precision (float64: 3.0e-05, float32: 2.4e-02) and "
        "accept SAFETY times E(h*)."
    ),
    steps=(
        Step("the error bound", eq(sp.Function("E")(h), FD_ERROR)),
        Step("its slope", eq(sp.Derivative(sp.Function("E")(h), h), sp.diff(FD_ERROR, h))),
        Step("the error at h*", eq(sp.Function("E")(sp.Symbol("h^*")), FD_ERROR_AT_STEP)),
    ),
    closed_form=FD_STEP_CLOSED,
    prove=_prove_step,
    result_caption="h* (dE/dh = 0, d²E/dh² > 0)",
)

# -- third derivatives of the activations, exactly, as polynomials in a = g(z) -------------------------------------


def _third_in_a(activation, derivative_in_a, lo, hi):
    """(f''' as a polynomial in a, its sup |.| over a in [lo, hi]) using g' = derivative_in_a(a)."""
    first = derivative_in_a
    second = sp.expand(sp.diff(first, a) * first)
    third = sp.expand(sp.diff(second, a) * first)
    points = [lo, hi] + [r for r in sp.solve(sp.diff(third, a), a) if r.is_real and lo <= r <= hi]
    return third, max(abs(third.subs(a, p)) for p in points)


TANH_THIRD, TANH_THIRD_SUP = _third_in_a(TANH, 1 - a**2, -1, 1)
SIGMOID_THIRD, SIGMOID_THIRD_SUP = _third_in_a(SIGMOID, a * (1 - a), 0, 1)
THIRD_SUP_CLOSED = sp.Tuple(2, sp.Rational(1, 8))


def _prove_third(candidate):
    by_z = (sp.diff(TANH, z, 3) - TANH_THIRD.subs(a, TANH), sp.diff(SIGMOID, z, 3) - SIGMOID_THIRD.subs(a, SIGMOID))
    return (isinstance(candidate, sp.Tuple) and len(candidate) == 2 and is_zero(by_z)
            and is_zero(sp.Tuple(TANH_THIRD_SUP - candidate[0], SIGMOID_THIRD_SUP - candidate[1])))


activation_third_derivatives = Derivation(
    name="activation-third-derivatives",
    statement=(
        "sup |tanh'''| = 2 and sup |sigmoid'''| = 1/8, both at z = 0: written in a = g(z) the third derivatives "
        "are polynomials, maximised over a in [-1, 1] (tanh) and [0, 1] (sigmoid) at their critical points. ELU's "
        "is alpha e^z <= alpha for z < 0 and ReLU's 0 away from 0: M3 <= 2 for every activation checked."
    ),
    steps=(
        Step("tanh''' in a = tanh(z) (chain rule with tanh' = 1 - a^2)", eq(sp.Symbol("tanh'''"), TANH_THIRD)),
        Step("sigmoid''' in a = σ(z) (σ' = a(1 - a))", eq(sp.Symbol("σ'''"), SIGMOID_THIRD)),
        Step("their sups over a", sp.Tuple(TANH_THIRD_SUP, SIGMOID_THIRD_SUP)),
    ),
    closed_form=THIRD_SUP_CLOSED,
    prove=_prove_third,
    result_caption="(sup |tanh'''|, sup |sigmoid'''|)",
)

# -- rounding the argument --------------------------------------------------------------------------------------------
_g = sp.Function("g")
ARGUMENT_SERIES = sp.series(_g(z * (1 + delta)), delta, 0, 2).removeO().doit()
ARGUMENT_CLOSED = z * sp.Derivative(_g(z), z) * delta

#: The gains z f'(z), z f''(z) on the saturating branches, whose sups bound what rounding z does.
GAINS = {
    "z sigmoid'": z * sp.diff(SIGMOID, z),
    "z sigmoid''": z * sp.diff(SIGMOID, z, 2),
    "z tanh'": z * sp.diff(TANH, z),
    "z tanh''": z * sp.diff(TANH, z, 2),
    "z alpha e^z (elu, z < 0)": z * sp.Symbol("alpha_max") * sp.exp(z),
}


def _prove_argument(candidate):
    return is_zero(sp.expand(ARGUMENT_SERIES - _g(z) - candidate.doit()))


argument_rounding = Derivation(
    name="argument-rounding",
    statement=(
        "Rounding z to a precision with unit roundoff u = eps/2 changes g(z) by z g'(z) delta + O(delta^2), "
        "|delta| <= u. On the saturating branches |z g'| and |z g''| are bounded (the largest, |z tanh''(z)|, "
        "by 0.6399), so an activation computed at that precision is within SAFETY (K eps + 0.64 u) of the spec, "
        "relative to max(1, |g|)."
    ),
    steps=(
        Step("g(z(1 + delta)) to first order in delta", eq(_g(z * (1 + delta)), ARGUMENT_SERIES)),
        Step("the gains whose sups are taken (numerically, at the zeros of their derivative)",
             sp.Tuple(*GAINS.values())),
    ),
    closed_form=ARGUMENT_CLOSED,
    prove=_prove_argument,
    result_caption="first-order change",
)


def argument_gain_sup(alpha_max: float) -> float:
    """sup over z of the gains: each maximised at a zero of its derivative (nsolve), the largest returned."""
    best = 0.0
    for expr in GAINS.values():
        f = expr.subs(sp.Symbol("alpha_max"), alpha_max)
        slope = sp.diff(f, z)
        values = []
        for start in (-3.0, -2.0, -1.0, -0.5, 0.5, 1.0, 2.0, 3.0):  # the sups are at |z| in [0.5, 3]
            try:
                root = sp.nsolve(slope, z, start, prec=20)
            except (ValueError, ZeroDivisionError):
                continue
            if sp.im(root) == 0 and (expr is not GAINS["z alpha e^z (elu, z < 0)"] or root < 0):
                values.append(abs(float(f.subs(z, root).evalf(20))))
        best = max([best] + values)
    return best


# -- softmax rounding ------------------------------------------------------------------------------------------------
_zs = sp.symbols("z1:4", real=True)
_ds = sp.symbols("d1:4", real=True)
_P = [sp.exp(zi) / sum(sp.exp(zj) for zj in _zs) for zi in _zs]
SOFTMAX_PERTURBATION = sp.Matrix([sum(sp.diff(_P[i], _zs[j]) * _ds[j] for j in range(3)) for i in range(3)])
_p = sp.symbols("p1:4", positive=True)
SOFTMAX_PERTURBATION_CLOSED = sp.Matrix([_p[i] * (_ds[i] - sum(_p[j] * _ds[j] for j in range(3)))
                                         for i in range(3)])


def _prove_softmax(candidate):
    return is_zero(SOFTMAX_PERTURBATION - candidate.subs(dict(zip(_p, _P))))


softmax_rounding = Derivation(
    name="softmax-rounding",
    statement=(
        "Perturbing the logits by d changes softmax by dp_i = p_i (d_i - sum_j p_j d_j) to first order (K = 3 "
        "shown), so |dp_i| <= 2 p_i max|d|. Rounding z and z - max(z) makes |d| <= 2 eps |z|max, hence the "
        "softmax tolerance SAFETY eps (K + 4 |z|max)."
    ),
    steps=(
        Step("softmax of three logits", eq(sp.Symbol("p"), sp.Matrix(_P))),
        Step("first-order change sum_j dp_i/dz_j d_j, by sympy", eq(sp.Symbol("dp"), SOFTMAX_PERTURBATION)),
    ),
    closed_form=SOFTMAX_PERTURBATION_CLOSED,
    prove=_prove_softmax,
    result_caption="dp_i",
)

# -- a chain of roundings ----------------------------------------------------------------------------------------
CHAIN_SERIES = sp.series((1 + u) ** n, u, 0, 2).removeO()
CHAIN_CLOSED = n * u


def _prove_chain(candidate):
    return is_zero(sp.expand(CHAIN_SERIES - 1 - candidate))


rounding_chain = Derivation(
    name="rounding-chain",
    statement=(
        "n roundings of relative size at most u multiply a result by at most (1 + u)^n = 1 + n u + O(u^2): "
        "a pass or a sum of n terms is within gamma_n = n u / (1 - n u) relatively (Higham's bound), the first "
        "order of which sympy shows."
    ),
    steps=(
        Step("n roundings, each a factor (1 + delta_k) with |delta_k| <= u, at worst", sp.Symbol("(1 + u)^n")),
        Step("(1 + u)^n to first order", eq((1 + u) ** n, CHAIN_SERIES)),
    ),
    closed_form=CHAIN_CLOSED,
    prove=_prove_chain,
    result_caption="relative error, first order",
)

# -- a loss's stabiliser ---------------------------------------------------------------------------------------------
ADDITIVE_CHANGE = -sp.log(q) - (-sp.log(q + eps))
ALLOWANCE_CLOSED = sp.log(1 + eps / q)


def _prove_allowance(candidate):
    grows = sp.simplify(sp.diff(candidate, eps)).is_positive  # the worst eps is the largest accepted
    return is_zero(sp.expand_log(ADDITIVE_CHANGE - candidate, force=True)) and bool(grows)


loss_stabiliser_allowance = Derivation(
    name="loss-stabiliser-allowance",
    statement=(
        "An epsilon inside the log, -log(q + eps), moves the term -log q of the true outcome's probability q by "
        "log(1 + eps/q) <= eps/q, increasing in eps; clipping to [eps, 1 - eps] moves it by 0 for q in "
        "[eps, 1 - eps], by log(eps/q) < log(1 + eps/q) below and by at most -log(1 - eps) above. With eps <= "
        "1e-7 the loss is accepted within the mean of max(log(1 + 1e-7/q), -log(1 - 1e-7)) over the samples: "
        "1e-7 at q = 0.999, while clipping at 1e-2 moves it by 9e-3 there (tenfold) and caps -log(1e-3) = 6.9 "
        "at 4.6."
    ),
    steps=(
        Step("the change made by eps inside the log", eq(sp.Symbol("Delta"), ADDITIVE_CHANGE)),
        Step("its slope in eps (positive: the largest eps is the worst)",
             eq(sp.Derivative(sp.Symbol("Delta"), eps), sp.simplify(sp.diff(ALLOWANCE_CLOSED, eps)))),
    ),
    closed_form=ALLOWANCE_CLOSED,
    prove=_prove_allowance,
    result_caption="allowance at q",
)

# -- Hoeffding ---------------------------------------------------------------------------------------------------
HOEFFDING_TAIL = 2 * sp.exp(-2 * N * t**2 / R**2)
HOEFFDING_CLOSED = R * sp.sqrt(sp.log(2 / delta) / (2 * N))


def _prove_hoeffding(candidate):
    # t > 0 for delta < 2 (any useful false-alarm probability): checked at delta = 1e-10.
    positive = bool(candidate.subs(delta, sp.Rational(1, 10**10)).is_positive)
    return is_zero(sp.simplify(HOEFFDING_TAIL.subs(t, candidate) - delta)) and positive


hoeffding_deviation = Derivation(
    name="hoeffding-deviation",
    statement=(
        "For N independent draws in [0, R], P(|mean - E| >= t) <= 2 exp(-2 N t^2 / R^2) (Hoeffding); the "
        "deviation with tail probability delta is t = R sqrt(log(2/delta) / (2N)). The dropout checks use "
        "delta = 1e-10 per comparison and at most 8 comparisons: a false alarm with probability <= 8e-10."
    ),
    steps=(
        Step("Hoeffding's tail bound", eq(sp.Function("P")(t), HOEFFDING_TAIL)),
        Step("set equal to delta and solved for t > 0", eq(t, sp.solve(sp.Eq(HOEFFDING_TAIL, delta), t)[0])),
    ),
    closed_form=HOEFFDING_CLOSED,
    prove=_prove_hoeffding,
    result_caption="t(delta)",
)

DERIVATIONS = (central_difference_error, central_difference_step, activation_third_derivatives, argument_rounding,
               softmax_rounding, rounding_chain, loss_stabiliser_allowance, hoeffding_deviation)


def derived_numbers(alpha_max: float) -> dict:
    """The constants spec.bounds holds, computed from the derivations above."""
    return {
        "THIRD_DERIVATIVE_SUP": {"relu": 0.0, "sigmoid": float(SIGMOID_THIRD_SUP), "tanh": float(TANH_THIRD_SUP),
                                 "elu": float(alpha_max)},
        "ARGUMENT_GAIN_SUP": argument_gain_sup(alpha_max),
    }


def derived_functions() -> dict:
    """The closed forms spec.bounds implements, as numpy functions of plain floats (for the agreement test)."""
    return {
        "fd_error": sp.lambdify((h, eps, M0, M3, K_ulps), FD_ERROR, "math"),
        "fd_step": sp.lambdify((eps, M0, M3, K_ulps), FD_STEP_CLOSED, "math"),
        "loss_allowance": sp.lambdify((q, eps), ALLOWANCE_CLOSED, "math"),
        "hoeffding": sp.lambdify((R, N, delta), HOEFFDING_CLOSED, "math"),
        "chain": sp.lambdify((n, u), CHAIN_CLOSED, "math"),
    }
