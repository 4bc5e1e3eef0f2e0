"""Issue 11 A: float32 judged at float32, hints that speak only when verified, the numerics catalogue."""

import numpy as np
import pytest

import catalogue
import catalogue_numerics
from nnspec import precision
from nnspec.calls import CheckFailure
from nnspec.checks import all_checks, by_name
from nnspec.compare import HINTS, as_array, assert_close, overflow_hint, scale_hints, spoken
from nnspec.report import failure_text


def failure(function, *args, **kwargs) -> CheckFailure:
    with pytest.raises(CheckFailure) as caught:
        function(*args, **kwargs)
    return caught.value


# -- precision ------------------------------------------------------------------------------------------------------

def test_a_float32_network_is_detected_and_announced_in_the_header():
    impl = catalogue.base_implementation(catalogue_numerics.FLOAT32)
    assert precision.of(impl) == "float32", f"probed {precision.of(impl)}"
    assert precision.precision_line(impl) == "computes in float32: compared at float32 precision"


@pytest.mark.parametrize("base", [catalogue.COLUMNS, catalogue.ROWS])
def test_a_float64_network_is_compared_at_float64_and_gets_no_header_line(base):
    impl = catalogue.base_implementation(base)
    assert precision.of(impl) == "float64" and precision.precision_line(impl) is None


def test_a_float32_failure_says_the_bound_is_for_float32():
    mistake = next(m for m in catalogue_numerics.ENTRIES if m.name == "float32_tanh_derivative_forgets_the_square")
    with pytest.raises(AssertionError) as caught:
        by_name(mistake.check)(mistake.implementation())
    assert "at float32 precision" in failure_text(caught.value), failure_text(caught.value)


# -- the numerics catalogue -------------------------------------------------------------------------------------

def test_the_numerics_catalogue_holds_at_least_15_mistakes_appended_to_the_catalogue():
    assert len(catalogue_numerics.ENTRIES) >= 15, len(catalogue_numerics.ENTRIES)
    assert all(m in catalogue.CATALOGUE for m in catalogue_numerics.ENTRIES), "entries missing from CATALOGUE"


@pytest.mark.parametrize("mistake", catalogue_numerics.ENTRIES, ids=[m.name for m in catalogue_numerics.ENTRIES])
def test_a_numerics_mistake_is_reported_with_the_function_named_first(mistake):
    check = by_name(mistake.check)
    with pytest.raises(AssertionError) as caught:
        check(mistake.implementation())
    text = failure_text(caught.value)
    assert text.startswith(f"{check.contract}:"), f"{mistake.name}: the message does not start with " \
                                                  f"{check.contract!r}:\n{text}"


# -- hints: registered, named, silent unless verified -------------------------------------------------------------

def test_every_hint_is_registered_with_a_name_and_a_diagnosis():
    all_checks()  # importing the chapters registers their hints
    assert len(HINTS) >= 30, f"only {len(HINTS)} hints registered"
    assert all(name == name.lower() and " " not in name and text for name, text in HINTS.items()), HINTS


def test_a_result_of_zeros_is_not_called_a_constant_factor():
    exc = failure(assert_close, np.zeros((2, 2)), np.ones((2, 2)), call="f", what="dW1", atol=1e-7,
                  hints=[scale_hints("dW1", m=4)])
    assert "constant factor" not in str(exc) and spoken(exc) == ("all-zero",), str(exc)


def test_a_constant_factor_hint_names_the_factor_it_verified():
    exc = failure(assert_close, 3 * np.ones((2, 2)), np.ones((2, 2)), call="f", what="dW1", atol=1e-7,
                  hints=[scale_hints("dW1", m=4)])
    assert spoken(exc) == ("scale-constant",) and "is 3 times the expected value" in str(exc), str(exc)


def test_the_overflow_hint_speaks_only_where_exp_overflows():
    Z = np.array([[1.0, 800.0]])
    at_800 = failure(as_array, np.array([[0.5, np.nan]]), "tanh", "tanh(Z)", nonfinite_hints=[overflow_hint(Z)])
    at_1 = failure(as_array, np.array([[np.nan, 1.0]]), "tanh", "tanh(Z)", nonfinite_hints=[overflow_hint(Z)])
    assert spoken(at_800) == ("exp-overflow",), str(at_800)
    assert spoken(at_1) == () and "hint" not in str(at_1), f"a nan at z = 1 is no overflow, yet:\n{at_1}"


def test_an_inf_made_by_dropout_is_not_blamed_on_exp_or_log():
    impl = catalogue.Mistake("dropout_divides_by_the_mask", "A / mask", catalogue.COLUMNS, """
        def dropout_forward(A, keep_prob):
            mask = np.random.rand(*A.shape) < keep_prob
            return A / mask * keep_prob, mask
        """, "dropout_forward_keeps_the_fraction_keep_prob", "").implementation()
    with pytest.raises(CheckFailure) as caught:
        by_name("dropout_forward_keeps_the_fraction_keep_prob")(impl)
    text = str(caught.value)
    assert "exp" not in text and "log(0)" not in text, text
    assert spoken(caught.value) == ("dropout-divides-by-mask",), text


# The hint each numerics mistake must get, and no other: None where no diagnosis can be verified on the values.
EXPECTED_HINTS = {
    "tanh_built_from_exponentials": ("exp-overflow",),
    "sigmoid_written_as_exp_over_one_plus_exp": ("exp-overflow",),
    "sigmoid_derivative_in_an_overflowing_closed_form": ("exp-overflow",),
    "sigmoid_derivative_in_the_other_overflowing_closed_form": ("exp-overflow",),
    "elu_masked_by_multiplying": ("exp-overflow",),
    "elu_derivative_masked_by_multiplying": ("exp-overflow",),
    "tanh_from_a_sigmoid_that_overflows": ("exp-overflow",),
    "cross_entropy_clipped_at_1e_2": ("loss-clipped-too-coarsely",),
    "binary_cross_entropy_clipped_at_1e_3": ("loss-clipped-too-coarsely",),
    "cross_entropy_with_an_epsilon_of_1e_3": ("loss-clipped-too-coarsely",),
    "binary_cross_entropy_floored_at_1e_4": ("loss-clipped-too-coarsely",),
    "binary_cross_entropy_nan_at_saturation": ("log-zero",),
    "cross_entropy_nan_at_saturation": ("log-zero",),
    "cross_entropy_with_swapped_arguments": ("loss-swapped-arguments",),
    "binary_cross_entropy_with_swapped_arguments": ("loss-swapped-arguments",),
    "sigmoid_in_float16": ("lower-precision-result",),
    "softmax_in_float16": ("lower-precision-result",),
    "float32_tanh_derivative_forgets_the_square": ("tanh-derivative-no-square",),
    "float32_softmax_over_the_samples": ("softmax-axis",),
    "float32_cross_entropy_summed": ("loss-doubles",),
    "float32_elu_ignores_alpha": ("elu-ignores-alpha",),
    "float32_update_climbs": None,  # part B's hints (update_parameters): not asserted here
    "float32_backward_without_1_over_m": None,  # part B's hints (propagation)
    "float32_dropout_not_rescaled": ("dropout-not-rescaled",),
}


@pytest.mark.parametrize("mistake", catalogue_numerics.ENTRIES, ids=[m.name for m in catalogue_numerics.ENTRIES])
def test_a_numerics_mistake_gets_its_own_hint_and_no_other(mistake):
    assert mistake.name in EXPECTED_HINTS, f"{mistake.name}: add the hint it must get to EXPECTED_HINTS"
    expected = EXPECTED_HINTS[mistake.name]
    with pytest.raises(CheckFailure) as caught:
        by_name(mistake.check)(mistake.implementation())
    if expected is not None:
        assert spoken(caught.value) == expected, f"{mistake.name}: hints {spoken(caught.value)}, want {expected}" \
                                                 f"\n{caught.value}"


def test_a_counterexample_drawn_in_columns_is_shown_in_the_rows_layout():
    from nnspec.strategies import InLayout

    columns = np.arange(6.0).reshape(2, 3)  # 2 classes, 3 samples
    assert repr(InLayout(columns, rows=True)) == repr(columns.T), "rows: shown as (m, K), as the implementation gets it"
    assert repr(InLayout(columns, rows=False)) == repr(columns)
