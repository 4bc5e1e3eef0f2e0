"""A small enough gradient-descent step decreases the loss (first-order Taylor expansion)."""

import sympy as sp

from .derivation import Derivation, Step, d, eq, is_zero

theta1, theta2 = sp.symbols("theta_1 theta_2", real=True)
step_size = sp.Symbol("alpha", positive=True)
#: An arbitrary smooth loss of two parameters.
loss = sp.Function("L")
LOSS = loss(theta1, theta2)
GRADIENT = (sp.diff(LOSS, theta1), sp.diff(LOSS, theta2))
g1, g2 = sp.symbols("g_1 g_2", real=True)

AFTER_STEP = loss(theta1 - step_size * GRADIENT[0], theta2 - step_size * GRADIENT[1])
SLOPE = sp.diff(AFTER_STEP, step_size)
SLOPE_AT_ZERO = SLOPE.subs(step_size, 0).doit()

#: The first-order coefficient of L(theta - alpha g) in alpha: -|g|^2.
DESCENT_CLOSED = -(g1**2 + g2**2)


def _prove_descent(candidate):
    claimed = candidate.subs({g1: GRADIENT[0], g2: GRADIENT[1]})
    return is_zero(SLOPE_AT_ZERO - claimed)


_phi = sp.Function("phi")
gradient_descent_step = Derivation(
    name="gradient-descent-step",
    statement=(
        "A small enough gradient-descent step decreases the loss: L(θ - α g) = L(θ) - α |g|^2 + O(α^2) "
        "with g = ∇L(θ). The first-order change -α |g|^2 is negative whenever g ≠ 0, so for small α > 0 "
        "the step lowers L; a large α can overshoot, because the O(α^2) term then dominates."
    ),
    steps=(
        Step("the loss along the step direction, with g = ∇L(θ)", eq(_phi(step_size), AFTER_STEP)),
        Step("φ'(α) by sympy (chain rule)", eq(d(_phi(step_size), step_size), SLOPE)),
        Step("at α = 0 (Taylor: φ(α) = φ(0) + α φ'(0) + O(α^2))",
             eq(sp.Subs(d(_phi(step_size), step_size), step_size, 0), SLOPE_AT_ZERO)),
        Step("in terms of the gradient components", eq(sp.Symbol("φ'(0)"), DESCENT_CLOSED)),
    ),
    closed_form=DESCENT_CLOSED,
    prove=_prove_descent,
    result_caption="first-order coefficient of L(θ - α g) in α, i.e. -|g|^2",
)

DERIVATIONS = (gradient_descent_step,)
