"""Every tolerance the checks use, as plain floats and `math`: no sympy at run time.

The formulas and the constants marked "derived" are derived and proven in spec/tolerances.py (`python -m spec`
lists them, `--check` proves them); tests/spec/test_spec_tolerances.py proves that the numbers and functions
here equal the derived ones. The constants marked "policy" are choices, stated once, here.
Every bound is a function of the machine epsilon `eps` of the precision an implementation computes in.
"""

from __future__ import annotations

import math

# -- precisions -----------------------------------------------------------------------------------------------------
#: The machine epsilon (spacing of floats at 1) of each precision an implementation may compute in.
EPSILON = {"float64": 2.0**-52, "float32": 2.0**-23, "float16": 2.0**-10}
FLOAT64 = EPSILON["float64"]

# -- policy ---------------------------------------------------------------------------------------------------------
#: policy: roundings (in units of eps) one elementary evaluation may accumulate: exp or log or tanh, then a
#: division and a subtraction; libm's exp/log/tanh are within 1 ulp, each arithmetic operation within 1/2.
ULPS = 4
#: policy: the factor every worst case is multiplied by, so that no correct implementation is near a bound.
SAFETY = 16
#: policy: central differences of activations are taken on [-FD_RANGE, FD_RANGE].
FD_RANGE = 20.0
#: policy: activations must be finite and correct for |z| up to SATURATION (exp overflows at 709.8 in float64).
SATURATION = 800.0
#: policy: the largest alpha the ELU checks pass (1.0 and 1.7).
ELU_ALPHA_MAX = 1.7
#: policy: the largest stabiliser inside the log (or clipping distance) a loss may use: Keras' 1e-7 and below.
LOSS_EPS_MAX = 1e-7
#: policy: the step of the central differences of the spec's mean loss J over the parameters (float64).
GRAD_STEP = 1e-6
#: policy: bounds on |J| and |J'''| along one parameter for the small networks drawn (moderate weights).
LOSS_MAX, LOSS_THIRD_MAX = 10.0, 1e3
#: policy: the longest chain of roundings in a pass of the networks drawn: 3 layers of dot products of length
#: <= 16, each followed by an activation (ULPS), times 2 for the backward pass.
PASS_OPS = 2 * 3 * (16 + ULPS)
#: policy: the largest |Z|, |A|, |W| sum of products in the passes drawn (weights ~ N(0, 1/n), X ~ N(0, 1)).
PASS_MAGNITUDE = 10.0
#: policy: the false-alarm probability of one statistical comparison of the dropout checks.
DROPOUT_DELTA = 1e-10

# -- derived constants (spec/tolerances.py) ------------------------------------------------------------------------
#: derived: sup over z of |f'''(z)|: tanh 2 (at 0), sigmoid 1/8 (at 0), relu 0 away from 0, elu alpha (z -> 0-).
THIRD_DERIVATIVE_SUP = {"relu": 0.0, "sigmoid": 0.125, "tanh": 2.0, "elu": ELU_ALPHA_MAX}
#: derived: sup over z of |z f'(z)| and |z f''(z)| on the saturating branches (sigmoid, tanh, elu for z < 0):
#: what rounding z to the implementation's precision (relative error eps/2) can do to f and f' (|z tanh''|).
ARGUMENT_GAIN_SUP = 0.6397861058261609


# -- central differences (spec: central-difference-error, central-difference-step) --------------------------------

def fd_error(h: float, eps: float, m0: float, m3: float) -> float:
    """Worst error of (f(z+h) - f(z-h)) / 2h: truncation h^2 m3 / 6 plus rounding ULPS eps m0 / h."""
    return h * h * m3 / 6 + ULPS * eps * m0 / h


def fd_step(eps: float, m0: float, m3: float) -> float:
    """The step h* = (3 ULPS eps m0 / m3)^(1/3) that minimises fd_error."""
    return (3 * ULPS * eps * m0 / m3) ** (1 / 3)


def activation_fd_step(eps: float) -> float:
    """h* for activations on [-FD_RANGE, FD_RANGE]: |f| <= FD_RANGE, |f'''| <= max THIRD_DERIVATIVE_SUP."""
    return fd_step(eps, FD_RANGE, max(THIRD_DERIVATIVE_SUP.values()))


def activation_fd_tolerance(eps: float) -> float:
    """SAFETY times fd_error at h*: the bound on derivative against central differences of the activation."""
    h = activation_fd_step(eps)
    return SAFETY * fd_error(h, eps, FD_RANGE, max(THIRD_DERIVATIVE_SUP.values()))


def kink_margin(eps: float) -> float:
    """Points nearer than this to the kink of ReLU/ELU at 0 are moved out: z ± h* must not straddle it."""
    return 2 * activation_fd_step(eps)


def gradient_fd_tolerance() -> float:
    """SAFETY times fd_error of the spec's loss (float64) at GRAD_STEP: the absolute part of the gradient bound."""
    return SAFETY * fd_error(GRAD_STEP, FLOAT64, LOSS_MAX, LOSS_THIRD_MAX)


# -- rounding of values (spec: rounding-propagation, softmax-rounding, float-chain) ---------------------------------

def gamma(n: float, eps: float) -> float:
    """n u / (1 - n u) with u = eps / 2: the relative error of a chain of n roundings."""
    u = eps / 2
    return n * u / (1 - n * u)


def activation_tolerance(eps: float) -> float:
    """atol and rtol of an activation or derivative against the spec: SAFETY (ULPS eps + gain u), u = eps / 2."""
    return SAFETY * (ULPS * eps + ARGUMENT_GAIN_SUP * eps / 2)


def softmax_tolerance(eps: float, zmax: float) -> float:
    """atol of softmax for logits |z| <= zmax: |dp_i| <= p_i |dz_i - sum_j p_j dz_j| <= 2 max |dz|, dz <= 2 eps zmax."""
    return SAFETY * eps * (ULPS + 4 * zmax)


def sum_tolerance(eps: float, n: int) -> float:
    """atol of a sum of n probabilities against 1: gamma(n + ULPS)."""
    return SAFETY * gamma(n + ULPS, eps)


def subtraction_tolerance(eps: float) -> float:
    """atol of A - Y (|A|, |Y| <= 1) and of a rescaling a / p: two roundings, and one of the argument."""
    return SAFETY * eps


def update_tolerance(eps: float) -> float:
    """atol and rtol of theta - lr * grad: a product and a difference."""
    return SAFETY * ULPS * eps


def pass_tolerance(eps: float) -> float:
    """atol (and rtol) of a forward or backward pass: gamma(PASS_OPS) on magnitudes up to PASS_MAGNITUDE."""
    return SAFETY * gamma(PASS_OPS, eps) * PASS_MAGNITUDE


def gradient_tolerance(eps: float) -> tuple[float, float]:
    """(atol, rtol) of backward_propagation against central differences of the spec's loss."""
    return gradient_fd_tolerance() + pass_tolerance(eps), SAFETY * gamma(PASS_OPS, eps)


# -- losses (spec: loss-stabiliser-allowance) ----------------------------------------------------------------------

def loss_eps_max(eps: float) -> float:
    """The largest stabiliser accepted at a precision: LOSS_EPS_MAX, plus eps since 1 - 1e-7 rounds to 1 - 2 ulps."""
    return LOSS_EPS_MAX + eps


def loss_allowance(q: float, eps_max: float = LOSS_EPS_MAX) -> float:
    """How far a stabiliser eps <= eps_max may move the term -log q: log(1 + eps/q) (or -log(1 - eps) at q ~ 1)."""
    if q <= 0:
        return math.inf
    return max(math.log1p(eps_max / q), -math.log1p(-eps_max))


def loss_rounding(eps: float, value: float, n: int) -> float:
    """Rounding of a mean of n cross-entropy terms: u per term from rounding p, gamma(n + ULPS) relative."""
    return SAFETY * (eps + gamma(n + ULPS, eps) * abs(value))


def loss_floor(eps_max: float = LOSS_EPS_MAX) -> float:
    """The least a stabilised -log may give at q = 0: -log(eps_max) (log(0 + eps) or clipping at eps)."""
    return -math.log(eps_max)


# -- dropout (spec: hoeffding-deviation) ---------------------------------------------------------------------------

def hoeffding(range_width: float, n: int, delta: float = DROPOUT_DELTA) -> float:
    """The deviation t with P(|mean - E| >= t) <= delta for n independent draws in [0, range_width]."""
    return range_width * math.sqrt(math.log(2 / delta) / (2 * n))
