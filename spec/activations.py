"""Activation functions and their derivatives: sigmoid, tanh, ReLU, ELU.

Each derivative is computed by `sp.diff` and proven equal to the closed form
that code uses, which is usually written in terms of the activation value a
(code keeps `A` from the forward pass, not Z).
"""

import sympy as sp

from .derivation import Derivation, Step, d, eq, is_zero

z = sp.Symbol("z", real=True)
#: The activation value a = g(z) as code stores it from the forward pass.
a = sp.Symbol("a", real=True)
alpha = sp.Symbol("alpha", positive=True)

# Branch symbols: a piecewise function is compared on each side of 0 separately.
z_pos = sp.Symbol("z", positive=True)
z_neg = sp.Symbol("z", negative=True)
h = sp.Symbol("h", positive=True)

SIGMOID = 1 / (1 + sp.exp(-z))
TANH = sp.tanh(z)
RELU = sp.Max(0, z)
ELU = sp.Piecewise((z, z > 0), (alpha * (sp.exp(z) - 1), True))

SIGMOID_DERIVATIVE = sp.diff(SIGMOID, z)
TANH_DERIVATIVE = sp.diff(TANH, z)
RELU_DERIVATIVE = sp.diff(RELU, z)
ELU_DERIVATIVE = sp.diff(ELU, z)

#: The value chosen for ReLU'(0); any value in [0, 1] is a valid subgradient.
RELU_AT_ZERO = 0

#: Closed forms as code writes them, in terms of a = g(z).
SIGMOID_DERIVATIVE_CLOSED = a * (1 - a)
TANH_DERIVATIVE_CLOSED = 1 - a**2
#: ReLU'(z) with the chosen value 0 at z = 0 (np.heaviside(z, 0)).
RELU_DERIVATIVE_CLOSED = sp.Heaviside(z, RELU_AT_ZERO)
#: ELU'(z): 1 above 0, alpha e^z for z <= 0 (so alpha at z = 0).
ELU_DERIVATIVE_CLOSED = sp.Piecewise((1, z > 0), (alpha * sp.exp(z), True))


def _prove_in_terms_of_activation(derived, activation):
    def prove(candidate):
        return is_zero(derived - candidate.subs(a, activation))
    return prove


def _on_each_branch(derived, candidate):
    """Equal for every z > 0 and every z < 0 (the point z = 0 is a stated convention)."""
    return all(is_zero(derived.subs(z, s) - candidate.subs(z, s)) for s in (z_pos, z_neg))


sigmoid_derivative = Derivation(
    name="sigmoid-derivative",
    statement=(
        "The derivative of the sigmoid is σ'(z) = σ(z)(1 - σ(z)) = a(1 - a). "
        "Code computes it from the stored activation a = σ(z), not from z: "
        "writing z(1 - z) is a classic bug."
    ),
    steps=(
        Step("sigmoid", eq(sp.Function("sigma")(z), SIGMOID)),
        Step("derivative by sympy", eq(d(sp.Function("sigma")(z), z), SIGMOID_DERIVATIVE)),
        Step("a(1 - a) with a = σ(z), expanded", eq(a * (1 - a), SIGMOID * (1 - SIGMOID))),
        Step("verify() proves their difference simplifies to exactly 0",
             eq(d(sp.Function("sigma")(z), z) - a * (1 - a), 0)),
    ),
    closed_form=SIGMOID_DERIVATIVE_CLOSED,
    prove=_prove_in_terms_of_activation(SIGMOID_DERIVATIVE, SIGMOID),
    result_caption="σ'(z) in terms of a = σ(z)",
)

tanh_derivative = Derivation(
    name="tanh-derivative",
    statement=(
        "The derivative of tanh is 1 - tanh(z)^2 = 1 - a^2. "
        "It is taken of the activation a = tanh(z): 1 - z^2 or 1 - a are wrong."
    ),
    steps=(
        Step("tanh", eq(sp.Function("g")(z), TANH)),
        Step("derivative by sympy", eq(d(sp.Function("g")(z), z), TANH_DERIVATIVE)),
        Step("1 - a^2 with a = tanh(z)", eq(1 - a**2, 1 - TANH**2)),
    ),
    closed_form=TANH_DERIVATIVE_CLOSED,
    prove=_prove_in_terms_of_activation(TANH_DERIVATIVE, TANH),
    result_caption="tanh'(z) in terms of a = tanh(z)",
)


def _prove_relu(candidate):
    # Left and right derivatives at 0 bound the valid subgradients there.
    left, right = _RELU_ONE_SIDED
    at_zero = candidate.subs(z, 0)
    return (_on_each_branch(RELU_DERIVATIVE, candidate)
            and at_zero.is_number and bool(left <= at_zero) and bool(at_zero <= right))


_RELU_ONE_SIDED = (
    sp.limit((RELU.subs(z, -h) - RELU.subs(z, 0)) / (-h), h, 0),
    sp.limit((RELU.subs(z, h) - RELU.subs(z, 0)) / h, h, 0),
)

relu_derivative = Derivation(
    name="relu-derivative",
    statement=(
        "The derivative of ReLU(z) = max(0, z) is the Heaviside step: 0 for z < 0, 1 for z > 0. "
        "At z = 0 ReLU is not differentiable; its left derivative is 0 and its right derivative is 1, "
        "so any value in [0, 1] is a valid subgradient there. This spec chooses 0 at z = 0 "
        "(np.heaviside(z, 0), i.e. `Z > 0` as a mask)."
    ),
    steps=(
        Step("ReLU", eq(sp.Function("g")(z), RELU)),
        Step("derivative by sympy (Heaviside step; sympy leaves z = 0 open)",
             eq(d(sp.Function("g")(z), z), RELU_DERIVATIVE)),
        Step("for z > 0", eq(d(sp.Function("g")(z_pos), z_pos), sp.diff(RELU.subs(z, z_pos), z_pos))),
        Step("for z < 0", eq(d(sp.Function("g")(z_neg), z_neg), sp.diff(RELU.subs(z, z_neg), z_neg))),
        Step("left derivative at 0: lim h→0+ of (g(-h) - g(0)) / (-h)", sp.Integer(_RELU_ONE_SIDED[0])),
        Step("right derivative at 0: lim h→0+ of (g(h) - g(0)) / h", sp.Integer(_RELU_ONE_SIDED[1])),
        Step("chosen value at z = 0 (any value in [0, 1] is a subgradient)", sp.Integer(RELU_AT_ZERO)),
    ),
    closed_form=RELU_DERIVATIVE_CLOSED,
    prove=_prove_relu,
    result_caption="ReLU'(z), with value 0 at z = 0",
)


def _prove_elu(candidate):
    # Stated convention: at z = 0 use the left branch, alpha e^0 = alpha.
    reuses_output = is_zero(alpha * sp.exp(z_neg) - (ELU.subs(z, z_neg) + alpha))
    return (_on_each_branch(ELU_DERIVATIVE, candidate) and is_zero(candidate.subs(z, 0) - alpha)
            and reuses_output)


elu_derivative = Derivation(
    name="elu-derivative",
    statement=(
        "The derivative of ELU (z for z > 0, alpha(e^z - 1) otherwise) is 1 for z > 0 and alpha e^z for z <= 0. "
        "At z = 0 this spec uses the left value alpha (for alpha = 1 both sides agree). "
        "For z <= 0, alpha e^z = elu(z) + alpha, so code can reuse the stored output."
    ),
    steps=(
        Step("ELU", eq(sp.Function("g")(z), ELU)),
        Step("derivative by sympy", eq(d(sp.Function("g")(z), z), ELU_DERIVATIVE)),
        Step("for z > 0", eq(d(sp.Function("g")(z_pos), z_pos), sp.diff(ELU.subs(z, z_pos), z_pos))),
        Step("for z < 0", eq(d(sp.Function("g")(z_neg), z_neg), sp.diff(ELU.subs(z, z_neg), z_neg))),
        Step("for z <= 0 the derivative is the output plus alpha",
             eq(alpha * sp.exp(z_neg), ELU.subs(z, z_neg) + alpha)),
    ),
    closed_form=ELU_DERIVATIVE_CLOSED,
    prove=_prove_elu,
    result_caption="ELU'(z), with value alpha at z = 0",
)

DERIVATIONS = (sigmoid_derivative, tanh_derivative, relu_derivative, elu_derivative)
