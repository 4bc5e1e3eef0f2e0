"""spec/bounds.py (the numbers the checks use, no sympy) equals what spec/tolerances.py derives with sympy."""

import math
import subprocess
import sys

import pytest

from spec import bounds
from spec import tolerances as tol

EPSILONS = sorted(bounds.EPSILON.values())


def test_the_derived_constants_of_bounds_equal_the_ones_sympy_derives():
    derived = tol.derived_numbers(bounds.ELU_ALPHA_MAX)
    assert bounds.THIRD_DERIVATIVE_SUP == derived["THIRD_DERIVATIVE_SUP"], derived["THIRD_DERIVATIVE_SUP"]
    assert math.isclose(bounds.ARGUMENT_GAIN_SUP, derived["ARGUMENT_GAIN_SUP"], rel_tol=1e-12), (
        f"bounds says {bounds.ARGUMENT_GAIN_SUP!r}, sympy derives {derived['ARGUMENT_GAIN_SUP']!r}")


@pytest.mark.parametrize("eps", EPSILONS)
def test_the_central_difference_formulas_of_bounds_are_the_derived_closed_forms(eps):
    derived = tol.derived_functions()
    for m0, m3 in ((20.0, 2.0), (1.0, 0.125), (bounds.LOSS_MAX, bounds.LOSS_THIRD_MAX)):
        step = bounds.fd_step(eps, m0, m3)
        assert math.isclose(step, derived["fd_step"](eps, m0, m3, bounds.ULPS), rel_tol=1e-12), (eps, m0, m3)
        assert math.isclose(bounds.fd_error(step, eps, m0, m3), derived["fd_error"](step, eps, m0, m3, bounds.ULPS),
                            rel_tol=1e-12), (eps, m0, m3)


def test_the_step_of_bounds_minimises_the_error_bound():
    eps = bounds.FLOAT64
    best = bounds.activation_fd_step(eps)
    error = bounds.fd_error(best, eps, bounds.FD_RANGE, 2.0)
    for factor in (0.5, 0.9, 1.1, 2.0):
        assert bounds.fd_error(best * factor, eps, bounds.FD_RANGE, 2.0) > error, f"h* x {factor} is no worse"


def test_the_loss_allowance_and_hoeffding_bound_of_bounds_are_the_derived_closed_forms():
    derived = tol.derived_functions()
    for q in (1e-300, 1e-6, 0.01, 0.5, 0.999):
        # The closed form evaluated as written rounds 1 + eps/q (bounds uses log1p): agreement to 1e-8 relative.
        assert math.isclose(bounds.loss_allowance(q, 1e-7), derived["loss_allowance"](q, 1e-7), rel_tol=1e-8), q
    for width, n, delta in ((1.0, 200_000, 1e-10), (5.0, 1000, 1e-3)):
        assert math.isclose(bounds.hoeffding(width, n, delta), derived["hoeffding"](width, n, delta), rel_tol=1e-12)


def test_clipping_at_1e_2_is_outside_the_loss_allowance_at_a_confident_probability():
    # The case: at p = 0.999 the loss -log p is 1.0e-3; clipped at 0.99 it is 1.0e-2, tenfold.
    change = -math.log(0.99) + math.log(0.999)
    assert change > 100 * bounds.loss_allowance(0.999), f"clipping at 1e-2 moves the loss by {change:.2g} only"
    assert bounds.loss_allowance(0.999) < 2e-7, bounds.loss_allowance(0.999)


def test_bounds_imports_no_sympy():
    code = "import sys; from spec import bounds; import nnspec.precision; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False", "importing spec.bounds (what the checks read their tolerances from) imported sympy"
