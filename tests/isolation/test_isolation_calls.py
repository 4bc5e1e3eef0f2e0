"""Within one run: hostile functions fail their check with a clear message, and the run goes on."""

import os

import numpy as np
import pytest

from nnspec.calls import BoundedText, Caller, ImplementationError
from nnspec.checks import by_name
from nnspec.implementation import load
from nnspec.report import failure_text

HOSTILE = os.path.join(os.path.dirname(__file__), "..", "hostile")


def relu_failure(name, timeout=0.5):
    """The failure text of the relu check against tests/hostile/NAME.py."""
    impl = load(os.path.join(HOSTILE, f"{name}.py"), timeout=timeout)[0]
    with pytest.raises(AssertionError) as caught:
        by_name("relu_matches_the_spec")(impl)
    return failure_text(caught.value), impl


def test_a_function_that_never_returns_times_out_and_later_calls_fail_at_once():
    text, impl = relu_failure("hang", timeout=0.3)
    assert "relu: timed out after 0.3 s" in text, text
    with pytest.raises(ImplementationError, match="timed out"):
        impl.call("relu", np.zeros((1, 1)))  # remembered: no second wait


def test_an_exception_shows_the_implementations_own_frames_and_not_the_suites():
    text, _ = relu_failure("raises")
    assert text.startswith("relu raised KeyError: 'missing'"), text
    assert "raises.py\", line 6, in _clip" in text and "raises.py\", line 10, in relu" in text, text
    assert "nnspec" not in text.split("Falsifying example")[0], text


def test_sys_exit_fails_the_check_instead_of_ending_the_run():
    text, _ = relu_failure("exits")
    assert "relu called sys.exit(3): an implementation must return or raise, never exit" in text, text


@pytest.mark.parametrize("name, expected", [
    ("returns_list", "relu(Z) was list"),
    ("returns_none", "relu(Z) was None, must be an array: did the function forget to `return` it?"),
    ("returns_transposed", "is the transpose of"),
    ("returns_nan", "contains nan at [0, 0], must be finite"),
])
def test_a_wrong_return_says_what_came_and_what_was_due(name, expected):
    text, _ = relu_failure(name)
    assert expected in text, text


def test_printing_is_kept_to_a_bounded_excerpt():
    impl = load(os.path.join(HOSTILE, "prints.py"))[0]
    by_name("relu_matches_the_spec")(impl)  # correct apart from the printing, so it passes
    kept = impl.caller.output.text()
    assert len(kept) < 3000 and "more characters of output not shown" in kept, kept[-200:]


def test_bounded_text_counts_what_it_drops():
    sink = BoundedText(limit=5)
    sink.write("abc")
    sink.write("defgh")
    assert sink.text() == "abcde\n[... 3 more characters of output not shown]"


def test_memory_exhaustion_fails_the_call_with_its_name():
    caller = Caller(timeout=5)

    def hoard():
        raise MemoryError()

    with pytest.raises(ImplementationError, match="hoard ran out of memory"):
        caller("hoard", hoard)
