"""The assertion helpers (nnspec/compare.py): one failure format, built from the very values compared."""

import numpy as np
import pytest

from nnspec.calls import CheckFailure
from nnspec.compare import as_array, as_scalar, assert_close, context, ratio, scale_hints, transposed_hint


def message(function, *args, **kwargs) -> str:
    with pytest.raises(CheckFailure) as caught:
        function(*args, **kwargs)
    return str(caught.value)


# -- assert_close ---------------------------------------------------------------------------------------------------

def test_the_failure_names_the_call_the_worst_element_its_position_and_the_tolerance():
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    got = want.copy()
    got[1, 0] = 3.5  # off by 0.5, the only element off
    got[0, 1] = 2.0 + 1e-9  # within tolerance: must not be the one reported
    text = message(assert_close, got, want, call="backward_propagation", what="dW1", atol=1e-7,
                   where=context(layer_dims=(2, 3, 1), m=4))
    assert text.splitlines() == [
        "backward_propagation: dW1 max |error| 5.0e-01 at [1, 0], must be <= 1e-07 [layer_dims=(2, 3, 1), m=4]",
        "  got 3.5, expected 3",
    ]


def test_the_worst_element_is_the_one_furthest_beyond_its_own_tolerance():
    # With rtol, 100.5 against 100 (allowed 1.0) passes, 1.4 against 1 (allowed 0.01) is the failure to report.
    text = message(assert_close, [100.5, 1.4], [100.0, 1.0], call="f", what="x", atol=0.0, rtol=1e-2)
    assert text.startswith("f: x max |error| 4.0e-01 at [1], must be <= 0e+00 + 1e-02*|expected|")
    assert "got 1.4, expected 1" in text


def test_a_nan_is_reported_as_the_worst_element():
    text = message(assert_close, [1.0, np.nan, 3.0], [1.0, 2.0, 5.0], call="f", what="x", atol=1e-3)
    assert "at [1]" in text and "got nan, expected 2" in text


def test_values_within_tolerance_pass_silently():
    assert assert_close([1.0, 2.0 + 5e-8], [1.0, 2.0], call="f", what="x", atol=1e-7) is None


def test_hints_follow_the_message_one_per_line_and_a_hint_that_raises_says_nothing():
    def broken(got, want):
        raise ZeroDivisionError

    want = np.array([[1.0, -2.0], [0.5, 3.0]])
    text = message(assert_close, 4 * want, want, call="backward_propagation", what="dW2", atol=1e-7,
                   hints=[broken, scale_hints("dW2", m=4), lambda g, w: None])
    lines = text.splitlines()
    assert lines[0].startswith("backward_propagation: dW2 max |error| 9.0e+00 at [1, 1]")
    assert lines[1] == "  got 12, expected 3"
    assert lines[2:] == ["  hint: dW2 is m=4 times too large: did you forget to divide by m?"]


# -- the hints built from the values ----------------------------------------------------------------------------------

@pytest.mark.parametrize("factor, fragment", [
    (5.0, "m=5 times too large: did you forget to divide by m?"),
    (1 / 5, "m=5 times too small: is 1/m applied twice"),
    (-1.0, "wrong sign"),
    (2.5, "2.5 times the expected value everywhere"),
])
def test_scale_hints_name_the_constant_factor_between_got_and_expected(factor, fragment):
    want = np.array([[0.3, -1.2], [2.0, 0.7]])
    assert fragment in scale_hints("dW1", m=5)(factor * want, want)


def test_scale_hints_say_nothing_when_the_difference_is_not_a_constant_factor():
    want = np.array([[0.3, -1.2], [2.0, 0.7]])
    assert scale_hints("dW1", m=5)(want + 1.0, want) is None
    assert ratio(want + 1.0, want) is None
    assert ratio(3 * want, want) == pytest.approx(3.0)


def test_the_transposed_hint_speaks_only_when_got_is_the_transpose():
    want = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert "transpose of the expected value" in transposed_hint("dW1")(want.T, want)
    assert transposed_hint("dW1")(want + 1, want) is None


# -- as_array ---------------------------------------------------------------------------------------------------------

def test_as_array_says_when_the_function_returned_none():
    text = message(as_array, None, "softmax", "softmax(Z)", shape=(2, 3))
    assert text == "softmax: softmax(Z) was None, must be an array: did the function forget to `return` it?"


def test_as_array_names_a_list_and_its_content():
    text = message(as_array, [1.0, 2.0], "relu", "relu(Z)")
    assert text == "relu: relu(Z) was list [1.0, 2.0], must be a numpy array"


def test_as_array_marks_where_a_long_content_was_cut():
    text = message(as_array, [0.5] * 100, "relu", "relu(Z)")
    assert text.startswith("relu: relu(Z) was list [0.5, 0.5, ") and text.endswith("0.5, ..., must be a numpy array")
    assert len(text) < 200, text


def test_as_array_gives_the_layout_hint_for_a_transposed_shape():
    text = message(as_array, np.zeros((3, 2)), "forward_propagation", "AL", shape=(2, 3), where="[m=3]",
                   transposed_hint="is this implementation's LAYOUT 'rows'?")
    assert text.splitlines() == [
        "forward_propagation: AL has shape (3, 2) but should be (2, 3) [m=3]",
        "  hint: is this implementation's LAYOUT 'rows'?",
    ]


def test_as_array_suggests_keepdims_when_only_the_number_of_dimensions_differs():
    text = message(as_array, np.zeros(3), "backward_propagation", "db1", shape=(3, 1))
    assert "db1 has shape (3,) but should be (3, 1)" in text
    assert "reshape or keepdims=True?" in text


def test_as_array_asks_its_shape_hints_only_for_a_wrong_shape():
    asked = []

    def hint(array):
        asked.append(array.shape)
        return f"got {array.shape}"

    assert as_array(np.ones((2, 1)), "f", "x", shape=(2, 1), shape_hints=[hint]).shape == (2, 1)
    assert asked == []
    assert "hint: got (1, 1)" in message(as_array, np.ones((1, 1)), "f", "x", shape=(2, 1), shape_hints=[hint])


def test_as_array_reports_the_first_non_finite_entry_and_where_it_is():
    value = np.array([[0.5, 0.5], [np.nan, 1.0]])
    text = message(as_array, value, "softmax", "softmax(Z)")
    assert text.splitlines()[0] == "softmax: softmax(Z) contains nan at [1, 0], must be finite"
    assert "hint" not in text, f"a non-finite value alone verifies no diagnosis, yet a hint spoke:\n{text}"


def test_as_array_accepts_booleans_as_zeros_and_ones():
    got = as_array(np.array([[True, False]]), "relu_derivative", "relu_derivative(Z)", shape=(1, 2))
    assert got.dtype == np.float64 and got.tolist() == [[1.0, 0.0]]


# -- as_scalar --------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0.25, np.float64(0.25), np.float32(0.25), np.array(0.25), np.array([[0.25]])],
                         ids=["float", "numpy float64", "numpy float32", "0-d array", "one-element array"])
def test_as_scalar_accepts_every_form_of_one_number(value):
    got = as_scalar(value, "cross_entropy_loss", "loss")
    assert type(got) is float and got == 0.25


def test_as_scalar_rejects_an_array_of_several_numbers_with_the_per_sample_hint():
    text = message(as_scalar, np.array([0.1, 0.2, 0.3]), "cross_entropy_loss", "loss", "[m=3]", samples=3)
    assert text.splitlines() == [
        "cross_entropy_loss: loss has shape (3,), must be a single number (the mean over samples) [m=3]",
        "  hint: 3 values, one per sample: summing over the class axis leaves one loss per sample; also average "
        "over the samples",
    ]


def test_as_scalar_gives_the_per_sample_hint_only_when_there_is_one_value_per_sample():
    text = message(as_scalar, np.array([0.1, 0.2]), "cross_entropy_loss", "loss", "[m=3]", samples=3)
    assert "hint" not in text, f"2 values for 3 samples are not one loss per sample, yet:\n{text}"


@pytest.mark.parametrize("value, fragment", [
    (None, "was None, must be a number: did the function forget to `return` it?"),
    (True, "was bool True, must be a number"),
    ("0.5", "was str '0.5', must be a number"),
    (float("inf"), "was inf, must be finite"),
])
def test_as_scalar_rejects_what_is_not_a_finite_number(value, fragment):
    assert fragment in message(as_scalar, value, "binary_cross_entropy", "loss")


def test_text_from_an_implementation_shows_its_control_characters_as_escapes_and_keeps_its_lines():
    from nnspec.calls import visible

    assert visible("a\r\nb\tc\x1b[31md\x9be\ud800f\ufffeg\x7fh é ✓") == \
        "a\nb\tc\\x1b[31md\\x9be\\ud800f\\ufffeg\\x7fh é ✓"
