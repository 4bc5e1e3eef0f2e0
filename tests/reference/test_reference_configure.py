"""The package and configure(): modules that look like a user's implementation."""

import types

import numpy as np
import pytest

import reference
from reference import CONFIGURATIONS, configure

CONTRACT = [
    "relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "elu", "elu_derivative", "softmax", "cross_entropy_loss", "binary_cross_entropy",
    "cross_entropy_derivative", "initialize_parameters", "forward_propagation",
    "backward_propagation", "update_parameters", "dropout_forward", "dropout_backward",
    "train", "predict",
]


def test_the_package_is_the_default_relu_softmax_columns_configuration():
    assert (reference.LAYOUT, reference.HIDDEN_ACTIVATION, reference.OUTPUT_ACTIVATION) == \
        ("columns", "relu", "softmax"), "default configuration attributes are wrong"
    assert not hasattr(reference, "DEPTHS"), "the reference supports any depth: no DEPTHS"
    missing = [name for name in CONTRACT if not callable(getattr(reference, name, None))]
    assert not missing, f"the package lacks {missing}"


def test_configurations_are_all_four_hidden_by_two_output_pairs():
    assert len(CONFIGURATIONS) == 8 and len(set(CONFIGURATIONS)) == 8, f"got {CONFIGURATIONS}"
    assert {h for h, _ in CONFIGURATIONS} == {"relu", "tanh", "sigmoid", "elu"}, "hidden set wrong"
    assert {o for _, o in CONFIGURATIONS} == {"softmax", "sigmoid"}, "output set wrong"


@pytest.mark.parametrize("hidden, output", CONFIGURATIONS)
def test_configure_returns_a_module_with_the_whole_contract(hidden, output):
    module = configure(hidden, output)
    assert isinstance(module, types.ModuleType), f"configure returned {type(module)}"
    assert (module.LAYOUT, module.HIDDEN_ACTIVATION, module.OUTPUT_ACTIVATION) == \
        ("columns", hidden, output), "configured attributes are wrong"
    for name in CONTRACT:
        function = getattr(module, name, None)
        assert callable(function), f"{hidden}/{output} lacks {name}"
        assert function.__name__ == name, f"{name} is called {function.__name__}"


@pytest.mark.parametrize("hidden, output", CONFIGURATIONS)
def test_each_configuration_uses_its_own_activations(hidden, output):
    module = configure(hidden, output)
    n_out = 3 if output == "softmax" else 1
    p = module.initialize_parameters([2, 4, n_out], seed=0)
    X = np.array([[0.3, -1.2], [2.0, 0.7]])
    AL, _ = module.forward_propagation(X, p)
    g = getattr(reference, hidden)
    out = reference.softmax if output == "softmax" else reference.sigmoid
    expected = out(p["W2"] @ g(p["W1"] @ X + p["b1"]) + p["b2"])
    assert np.allclose(AL, expected, rtol=1e-15), f"{hidden}/{output} forward is not its network"


def test_losses_are_the_same_functions_in_every_configuration():
    for hidden, output in CONFIGURATIONS:
        module = configure(hidden, output)
        for name in ("cross_entropy_loss", "binary_cross_entropy", "cross_entropy_derivative"):
            assert getattr(module, name) is getattr(reference, name), \
                f"{hidden}/{output}: {name} is not the shared loss (the suite checks each on its own)"
