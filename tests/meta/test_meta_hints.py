"""The hints of the passes are proven on the values at hand: they name the mistake made, and stay silent where the
values cannot tell it from another."""

import numpy as np
import pytest

import catalogue
from nnspec import numerics
from nnspec.checks import by_name
from nnspec.checks.propagation import _gradient_hints, gradients
from nnspec.report import failure_text


def entry(name):
    return next(m for m in catalogue.CATALOGUE if m.name == name)


def hints_for(impl, net, name="dW1"):
    got = gradients(impl, net)[name]
    want = numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output)[name]
    return [text for hint in _gradient_hints(impl, net, name) if (text := hint(got, want))]


@pytest.mark.parametrize("mistake, said, unsaid", [
    ("m_taken_from_the_feature_axis", "divided by the number of features", "forget to divide by m"),
    ("dW_not_divided_by_m", "forget to divide by m", "number of features"),
])
def test_a_factor_of_m_with_one_feature_is_told_apart_by_asking_again(mistake, said, unsaid):
    # With n_features = 1, no 1/m and 1/X.shape[0] give the same numbers: the hint must ask on 3 features first.
    impl = entry(mistake).implementation()
    net = numerics.make_network((1, 3, 2), 4, "softmax", seed=3)
    texts = hints_for(impl, net)
    assert any(said in t for t in texts), f"{mistake}: no hint says {said!r}: {texts}"
    assert not any(unsaid in t for t in texts), f"{mistake}: a hint says {unsaid!r}: {texts}"


def test_no_hidden_activation_is_blamed_on_a_network_without_a_hidden_layer():
    # Off by 1e-8 relative: every hidden activation gives the same AL here, so none of them may be named.
    module = catalogue.base_source(catalogue.ROWS, """
        DEPTHS = (1,)

        def forward_propagation(X, parameters):
            Z1 = X @ parameters["W1"] + parameters["b1"]
            return sigmoid(Z1) * (1 + 1e-8), {"Z1": Z1}
        """)
    impl = catalogue.implementations_of(module, "one_layer")[0]
    with pytest.raises(AssertionError) as caught:
        by_name("forward_propagation_matches_the_spec")(impl)
    text = failure_text(caught.value)
    assert "forward_propagation: AL max |error|" in text, text
    assert "hidden layers with" not in text, text


def test_a_shape_error_that_is_not_w_for_w_transposed_gets_no_transpose_hint():
    # dA_prev from the W of the layer below: numpy raises on most shapes, and on square layers the gradients match
    # no mistake the suite can recompute, so the W.T hint (which used to follow any shape error) must not speak.
    module = catalogue.base_source(catalogue.COLUMNS, """
        def backward_propagation(parameters, cache, X, Y):
            L = len(cache)
            m = X.shape[1]
            grads = {}
            dZ = cross_entropy_derivative(Y, softmax(cache[-1][1]))
            for l in range(L, 0, -1):
                A_prev, _ = cache[l - 1]
                grads["dW" + str(l)] = dZ @ A_prev.T / m
                grads["db" + str(l)] = np.sum(dZ, axis=1, keepdims=True) / m
                if l > 1:
                    dZ = (parameters["W" + str(l - 1)].T @ dZ) * relu_derivative(cache[l - 2][1])
            return grads
        """)
    impl = catalogue.implementations_of(module, "W_of_the_layer_below")[0]
    with pytest.raises(AssertionError) as caught:
        by_name("backward_propagation_matches_finite_differences")(impl)
    text = failure_text(caught.value)
    assert text.startswith("backward_propagation"), text
    assert "W.T @ dZ" not in text, text


def test_w_for_w_transposed_is_named_after_the_shape_error_it_causes():
    with pytest.raises(AssertionError) as caught:
        by_name("backward_propagation_matches_finite_differences")(
            entry("backward_uses_W_instead_of_its_transpose").implementation())
    text = failure_text(caught.value)
    assert "dA_prev = W.T @ dZ" in text, text
