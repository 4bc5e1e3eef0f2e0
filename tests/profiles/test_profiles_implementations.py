"""Faithful implementations of each profile's API pass with zero glue; broken ones fail in the user's own names.

The implementations in impls/ were written for these tests from each API's public documentation. Correct ones
must pass every applicable check. To keep the default run fast, the week-4 notebook runs every chapter, the
other .py files every chapter but training, the other notebooks (the same code as their .py) the propagation
chapter; NNSPEC_PROFILE=thorough runs every chapter on all of them. Each broken one must fail its expected check with a message that names its own function.
"""

import os

import background
import numpy as np
import pytest

from harness import load_adapted, outcomes, run_check

IMPLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "impls")
THOROUGH = os.environ.get("NNSPEC_PROFILE") == "thorough"
FAST_CHAPTERS = ("activations", "losses", "parameters", "propagation", "dropout")

# The course's compute_cost takes log(AL) unclipped: at AL exactly 0 or 1, which float64 reaches (sigmoid(37.0) ==
# 1.0), it gives nan. A real finding in a faithful copy, named as it should be.
DLS_COST_AT_SATURATION = {"binary_cross_entropy_is_exact_at_confident_and_saturated_probabilities":
                          "compute_cost: binary_cross_entropy(y_true, y_pred) was nan, must be finite"}

# file, profile expected, {check: verdict} beyond "passed" that are right for it, what it must provide
CORRECT = [
    ("dls_week4.py", "dls", DLS_COST_AT_SATURATION),
    ("dls_week4.ipynb", "dls", DLS_COST_AT_SATURATION),
    ("dls_week3.py", "dls", DLS_COST_AT_SATURATION),
    ("dls_week3.ipynb", "dls", {}),
    ("dls_week4_old_numbering.py", "dls", {}),
    ("cs231n_layers.py", "cs231n", {}),
    ("nnfs_classes.py", "nnfs", {}),
    ("nnfs_classes.ipynb", "nnfs", {}),
    ("nnfs_without_combined.py", "nnfs", {}),
    ("nnfs_later_chapters.py", "nnfs", {}),
    ("nielsen_network2.py", "nielsen", {}),
    # network.py draws randn weights of std 1 whatever the width: the scale check names it (network2 fixed it)
    ("nielsen_network.py", "nielsen", {"initialize_parameters_has_a_sane_scale": "Network(sizes): W1 has std"}),
    (os.path.join(os.pardir, os.pardir, os.pardir, "examples", "dls_week4.ipynb"), "dls", {}),
]

# Variants of a file above: by default, only the chapters where they differ from it.
VARIANT_CHAPTERS = {"dls_week4_old_numbering.py": ("propagation",), "nnfs_without_combined.py": ("losses", "propagation")}

BROKEN = [
    ("dls_week4_dW_not_averaged.py", "backward_propagation_matches_finite_differences",
     "L_model_backward: dW1 max |error|", "did you forget to divide by m?"),
    ("dls_week4_dW_not_averaged.ipynb", "backward_propagation_matches_finite_differences",
     "L_model_backward: dW1 max |error|", "did you forget to divide by m?"),
    ("dls_week4_relu_backward_times_Z.py", "relu_derivative_matches_the_spec_and_finite_differences",
     "relu_backward(dA, cache): relu_derivative(Z) max |error|", ""),
    ("dls_week4_cost_not_averaged.py", "binary_cross_entropy_matches_the_spec", "compute_cost: ",
     "the loss is a sum over the samples, not a mean"),
    ("dls_week3_tanh_derivative_of_Z.py", "backward_propagation_matches_finite_differences",
     "backward_propagation: dW1 max |error|", ""),
    ("cs231n_db_over_features.py", "backward_propagation_matches_finite_differences",
     "affine_backward, relu_backward, softmax_loss: db1 has shape", "not over the units"),
    ("cs231n_dropout_not_rescaled.py", "dropout_forward_preserves_the_expected_activation",
     "dropout_forward(x, dropout_param): mean of A_dropped / A", "the survivors are not rescaled"),
    ("nnfs_relu_backward_not_masked.py", "relu_derivative_matches_the_spec_and_finite_differences",
     "Activation_ReLU.backward: relu_derivative(Z)", ""),
    ("nnfs_relu_backward_not_masked.ipynb", "backward_propagation_matches_finite_differences",
     "Layer_Dense.backward, Activation_*.backward: dW1", "missing the activation's derivative"),
    ("nnfs_softmax_not_shifted.py", "softmax_has_no_overflow_for_logits_up_to_1e4", "Activation_Softmax.forward: ",
     ""),
    ("nielsen_network2_quadratic_delta.py", "backward_propagation_matches_finite_differences",
     "Network.backprop(x, y): dW1 max |error|", ""),
    ("nielsen_network2_quadratic_delta.py", "cross_entropy_derivative_is_a_minus_y",
     "CrossEntropyCost.delta(z, a, y): dZ max |error|", ""),
    ("names_table_loss_swapped.py", "cross_entropy_loss_matches_the_spec", "ce_loss: ",
     "the arguments are read in the wrong order"),
]


def verdicts(loaded, chapters):
    return {name: verdict for name, verdict in outcomes(loaded, chapters).items() if verdict != "not applicable"}


def chapters_of(filename):
    """The chapters a correct file is verified on (None: all of them)."""
    if THOROUGH or filename == "dls_week4.ipynb":
        return None
    return VARIANT_CHAPTERS.get(filename, ("propagation",) if filename.endswith(".ipynb") else FAST_CHAPTERS)


def _run_the_profiles() -> dict:
    """profiles_run.py's verdicts: every correct file, and every broken one's expected check, in a process of its own."""
    return background.json_of(os.path.join(os.path.dirname(__file__), "profiles_run.py"))


BACKGROUND = {"profiles": _run_the_profiles}
BACKGROUND_SECONDS = {"profiles": 8.0}


@pytest.mark.parametrize("filename, profile, expected", CORRECT, ids=[os.path.basename(c[0]) + ("-example" if "examples" in c[0] else "") for c in CORRECT])
def test_a_faithful_implementation_of_a_profile_passes_every_applicable_check(filename, profile, expected):
    found = background.result("profiles", _run_the_profiles)["correct"][filename]
    assert found["profile"] == profile, f"{filename} was recognised as {found['profile']} ({found['reason']})"
    wrong = {}
    for name, verdict in found["verdicts"].items():
        due = expected.get(name, "passed")
        if not verdict.startswith(due):
            wrong[name] = verdict
    assert not wrong, f"{filename}: " + "\n\n".join(f"{k}: {v}" for k, v in wrong.items())


@pytest.mark.parametrize("filename, check, starts, hint", BROKEN, ids=[f"{b[0]}-{b[1]}" for b in BROKEN])
def test_a_broken_implementation_fails_its_check_in_its_own_names(filename, check, starts, hint):
    verdict = background.result("profiles", _run_the_profiles)["broken"][f"{filename}|{check}"]
    assert verdict.startswith(starts), f"{filename}: {check} must fail with '{starts}...', gave:\n{verdict}"
    assert hint in verdict, f"{filename}: {check} must hint '{hint}', gave:\n{verdict}"


def test_a_week4_notebook_as_handed_in_reads_with_zero_glue():
    loaded = load_adapted(os.path.join(IMPLS, "dls_week4.ipynb"))
    header = "\n".join(loaded.header)
    assert "26 code cells read, 16 definitions" in header, header
    assert "not imported, as no definition uses them: h5py, matplotlib.pyplot" in header, header
    for module in ("testCases", "dnn_utils", "public_tests"):
        assert module in header.split("missing modules:")[1].split("\n")[0], f"{module} must be named: {header}"
    assert "cell 25: L_model_backward" in header, f"the header must say where each name came from: {header}"
    assert loaded.not_applicable["relu"].startswith("relu comes from the module dnn_utils, which is not installed")
    assert loaded.not_applicable["dropout_forward"] == "no dropout in course 1 (it is course 2 week 1)"


def test_course_2_dropout_is_checked_from_forward_and_backward_propagation_with_dropout():
    loaded = load_adapted(os.path.join(IMPLS, "dls_dropout.py"), definitions_only=True)
    got = verdicts(loaded, ("dropout",))
    assert got and all(v == "passed" for v in got.values()), got
    broken = load_adapted(os.path.join(IMPLS, "dls_dropout_not_rescaled.py"), definitions_only=True)
    verdict = run_check(broken, "dropout_forward_preserves_the_expected_activation")
    assert verdict.startswith("forward_propagation_with_dropout: mean of A_dropped / A"), verdict


def test_the_rename_table_maps_the_users_names_to_the_contract():
    loaded = load_adapted(os.path.join(IMPLS, "names_table.py"))
    assert loaded.names["relu"] == "rectify" and loaded.profile == "names", loaded.names
    got = verdicts(loaded, ("activations", "losses"))
    assert all(got[c].startswith("passed") for c in got if c.startswith(("relu", "softmax", "cross_entropy_loss"))), got


def test_profile_none_checks_the_contracts_own_names_only():
    loaded = load_adapted(os.path.join(IMPLS, "dls_week4.py"), profile="none")
    assert loaded.profile is None and "forward_propagation" in loaded.impls[0].missing, loaded.impls[0].missing
    assert run_check(loaded, "forward_propagation_matches_the_spec") == "not provided: forward_propagation"


def plain(value) -> bool:
    """Plain data, as crosses the pipe to the implementation's process: arrays, numbers, str, None, containers."""
    if isinstance(value, (list, tuple)):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v) for k, v in value.items())
    return value is None or isinstance(value, (np.ndarray, np.generic, int, float, str, bool))


@pytest.mark.parametrize("filename", ["dls_week4.py", "dls_week3.py", "cs231n_layers.py", "nnfs_classes.py",
                                      "nielsen_network2.py"])
def test_an_adapters_cache_is_plain_data_that_can_cross_a_pipe(filename):
    (impl, *_) = load_adapted(os.path.join(IMPLS, filename)).impls
    rng, K = np.random.default_rng(0), 1 if impl.output == "sigmoid" else 3
    params = impl.parameters({"W1": rng.normal(size=(4, 2)), "b1": np.zeros((4, 1)), "W2": rng.normal(size=(K, 4)),
                              "b2": np.zeros((K, 1))})
    X = impl.data(rng.normal(size=(2, 5)))
    AL, cache = impl.call("forward_propagation", X, params)
    assert plain(params) and plain(AL) and plain(cache), f"{filename}: forward_propagation's cache is {cache!r:.200}"
