"""A warm worker's replayed examples (nnspec/replay.py): a check passes on them as it would under hypothesis, and
a failure found on one is the failure hypothesis finds, down to the random numbers the implementation drew."""

import pytest
from hypothesis import settings as hsettings

from nnspec import replay
from nnspec.checks import by_name
from nnspec.implementation import load_source
from nnspec.report import failure_text

CHECK = "relu_matches_the_spec"
CORRECT = "import numpy as np\n\ndef relu(Z):\n    return np.maximum(Z, 0)\n"
# Wrong by an amount drawn from numpy's global generator: every number in the failure (the examples hypothesis
# tries, the error it reports) depends on every draw made before it in the check.
NOISY = "import numpy as np\n\ndef relu(Z):\n    return np.maximum(Z, 0) + 1e-3 * np.random.rand(*Z.shape)\n"


@pytest.fixture
def replaying():
    replay.forget()
    replay.enable()
    before = dict(replay.stats)
    yield lambda: {k: replay.stats[k] - before[k] for k in before}
    replay.enable(False)
    replay.forget()


def failure(source: str, label: str = "relu.py") -> str:
    [impl] = load_source(source, label)
    try:
        by_name(CHECK)(impl)
    except AssertionError as exc:
        return failure_text(exc)
    finally:
        impl.session.close()
    return ""


def test_a_failure_on_a_replayed_example_is_the_one_hypothesis_finds_down_to_the_random_draws(replaying):
    replay.enable(False)
    direct = failure(NOISY)
    replay.enable()
    assert failure(CORRECT) == ""  # records the examples
    replayed = failure(NOISY)
    assert replaying() == {"recorded": 1, "replayed": 0, "fell back": 1}
    assert direct.startswith("relu: relu(Z) max |error|"), direct
    # Without the rewind to the global random state the check began with, the draws of the replayed examples
    # would shift every number hypothesis then sees.
    assert replayed == direct


def test_a_passing_check_is_replayed_for_the_same_configuration_and_recorded_anew_for_another(replaying):
    assert failure(CORRECT) == "" and failure(CORRECT, "again.py") == ""
    assert replaying() == {"recorded": 1, "replayed": 1, "fell back": 0}
    assert failure('LAYOUT = "rows"\n' + CORRECT) == ""
    assert replaying() == {"recorded": 2, "replayed": 1, "fell back": 0}


def test_a_profile_that_is_not_derandomized_is_never_replayed(replaying):
    hsettings.register_profile("nnspec-random-for-test", max_examples=3, derandomize=False, database=None,
                               deadline=None)
    previous = hsettings.get_current_profile_name()
    hsettings.load_profile("nnspec-random-for-test")
    try:
        assert failure(CORRECT) == "" and failure(CORRECT) == ""
    finally:
        hsettings.load_profile(previous)
    assert replaying() == {"recorded": 0, "replayed": 0, "fell back": 0}


def test_an_explicit_example_is_refused_rather_than_silently_skipped():
    from hypothesis import example
    from hypothesis import strategies as st

    @example(0)
    @replay.given(st.integers())
    def run(n):
        pass

    with pytest.raises(TypeError, match="@example is not carried through"):
        run()
