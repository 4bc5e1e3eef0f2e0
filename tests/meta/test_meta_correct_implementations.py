"""Correct implementations written differently from the reference pass every check of the contract.

The examples in examples/ differ from the reference in layout, in numerical style (an epsilon in the log,
boolean masks, in-place updates, numpy's global generator), in where their gradients come from (PyTorch's
autograd), in their initial scale (0.01 * randn, which trains slowly), in structure (a class behind the module
functions, a functional rows network, caches holding W that backward reads instead of its parameters). A check that
failed one of them would be rejecting a correct network.
"""

import importlib.util
import os

import pytest

import background
from nnspec.checks import by_name
from nnspec.contract import CONTRACT
from nnspec.implementation import load
from nnspec.report import failure_text

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, os.pardir, "examples")
CORRECT = ("rows_network.py", "epsilon_network.py", "torch_network.py", "float32_network.py", "dls_network.py",
           "class_network.py", "rows_functional_network.py", "deep_cache_network.py")


def _verify_every_example():
    """Every example but PyTorch's, one after the other in one process of its own."""
    names = [name for name in CORRECT if name != "torch_network.py"]
    results = background.verify_in_a_process([os.path.join(EXAMPLES, name) for name in names], require="all")
    return dict(zip(names, results))


def _verify_the_torch_example():
    """PyTorch's example in a process of its own (importing torch alone takes seconds), or {} without torch."""
    if not _has_torch():
        return {}
    [result] = background.verify_in_a_process([os.path.join(EXAMPLES, "torch_network.py")], require="all")
    return {"torch_network.py": result}


def _has_torch() -> bool:
    return importlib.util.find_spec("torch") is not None  # not imported here: that takes seconds of CPU


# Every check of every example runs in processes of their own, started when the tests are collected.
BACKGROUND = {"correct_examples": _verify_every_example, "torch_example": _verify_the_torch_example}
BACKGROUND_SECONDS = {"correct_examples": 8.0, "torch_example": 5.0}


def failures_of(result):
    """Every check that did not pass, in every configuration it applies to ("not applicable" is a verdict, not a gap)."""
    if "load_error" in result:
        return [result["load_error"]]
    return [f"{o['check']} [{o['implementation']}]: {o['message']}" for o in result["outcomes"]
            if o["status"] not in ("passed", "not applicable")]


@pytest.mark.parametrize("example", CORRECT)
def test_a_correct_example_passes_every_check(example):
    if example == "torch_network.py":
        if not _has_torch():  # CI installs torch==2.13.0, so this runs there
            pytest.skip("torch is not installed")
    job = "torch_example" if example == "torch_network.py" else "correct_examples"
    result = background.result(job, BACKGROUND[job])[example]
    assert not result.get("missing_required"), f"{example} must provide every contract name, lacks " \
                                               f"{result.get('missing_required')}"
    failures = failures_of(result)
    assert not failures, f"{example} failed {len(failures)} checks:\n\n" + "\n\n".join(failures)
    assert result["verdict"] == "passed", result["verdict"]


def test_the_examples_declare_different_layouts_and_configurations():
    # The point of the examples is that they differ from the reference and from each other.
    impls = [load(os.path.join(EXAMPLES, name))[0] for name in ("rows_network.py", "epsilon_network.py")]
    assert {i.layout for i in impls} == {"rows", "columns"}
    assert impls[0].depths == (2,) and impls[0].declared["DEPTHS"]
    assert (impls[0].hidden, impls[0].output) == ("tanh", "sigmoid")


def test_the_template_names_every_contract_function_and_fails_until_filled_in():
    (impl,) = load(os.path.join(EXAMPLES, "template.py"))
    assert impl.missing == (), f"template.py lacks {impl.missing}"
    assert set(CONTRACT) <= set(impl.info["defined"])
    with pytest.raises(AssertionError) as caught:
        by_name("relu_matches_the_spec")(impl)
    assert "relu raised NotImplementedError: paste your code here" in failure_text(caught.value)
