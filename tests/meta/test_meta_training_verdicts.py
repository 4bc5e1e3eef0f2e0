"""What train's verdict says when the implementation's own training misses the target: slow is not wrong, a
stuck training is not called broken calculus, and broken calculus is not called slow."""

import os

import numpy as np
import pytest

import background
import catalogue
import test_meta_catalogue as catalogue_tests
import test_meta_correct_implementations as correct
from nnspec.checks import by_name, training
from nnspec.implementation import load
from nnspec.report import failure_text

EXAMPLES = catalogue.EXAMPLES


def verdict(impl, check="train_and_predict_learn_the_patterns"):
    with pytest.raises(AssertionError) as caught:
        by_name(check)(impl)
    return failure_text(caught.value)


def test_a_slow_correct_network_passes_on_the_longer_budget():
    # 0.01 * randn weights with tanh: the first budget is not enough on the patterns, the longer one is.
    (impl,) = load(os.path.join(EXAMPLES, "dls_network.py"))
    t = training.task(impl, "patterns")
    first, _ = training._train_and_score(impl, t, training.OWN_TRAIN_EPOCHS["patterns"][-1])
    assert first < t.target, f"dls_network.py reached {first} in the first budget: this test no longer shows anything"
    # Its verdict, from the correct examples' run in the background (test_meta_correct_implementations.py)
    [outcome] = [o for o in background.result("correct_examples", correct.BACKGROUND["correct_examples"])
                 ["dls_network.py"]["outcomes"] if o["check"] == "train_and_predict_learn_the_patterns"]
    assert outcome["status"] == "passed", outcome


def test_a_training_that_does_not_get_there_is_told_its_calculus_is_right():
    # The entry's failure text, from the catalogue's run in the background (test_meta_catalogue.py)
    text = background.result("catalogue", catalogue_tests.BACKGROUND["catalogue"])["entries"][
        "train_decays_the_learning_rate_every_epoch"]
    assert "the primitives learn" in text and "does not reach the target in the budget" in text, text
    assert "learning_rate, batch_size and seed each change what train returns" in text, text
    assert "initialize_parameters gives W1 a std of" in text, text
    assert "fail too, they locate the error" not in text, text


def test_a_training_with_wrong_gradients_is_not_called_slow():
    module = catalogue.base_source(catalogue.COLUMNS, """
        _correct_backward = backward_propagation

        def backward_propagation(parameters, cache, X, Y):
            return {k: -v for k, v in _correct_backward(parameters, cache, X, Y).items()}
        """)
    impl = catalogue.implementations_of(module, "ascent")[0]
    text = verdict(impl)
    assert "the primitives learn" not in text, text
    assert "the passes or the update do not learn" in text, text


def test_a_tiny_relu_start_is_measured_and_named():
    module = catalogue.base_source(catalogue.COLUMNS, """
        def initialize_parameters(layer_dims):
            return {key: value for l in range(1, len(layer_dims)) for key, value in
                    (("W" + str(l), np.random.randn(layer_dims[l], layer_dims[l - 1]) * 0.01),
                     ("b" + str(l), np.zeros((layer_dims[l], 1))))}
        """)
    impl = catalogue.implementations_of(module, "tiny")[0]
    t = training.task(impl, "moons")
    text = training._scale_measurement(impl, t)
    std = float(text.split("std of ")[1].split(" ")[0])
    assert np.isclose(std, 0.01, rtol=0.5), text
    assert "each layer scales its input by about" in text, text
