"""Forward and backward propagation against the spec's forward pass and finite differences of its loss."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given

from nnspec import numerics, precision
from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.calls import ImplementationError
from nnspec.compare import as_array, assert_close, fail, scale_hints, transposed_hint
from nnspec.contract import HIDDEN_ACTIVATIONS
from spec import bounds

# Tolerances are spec.bounds' at the implementation's precision (spec: rounding-chain, central-difference-error):
# the forward pass within SAFETY gamma(PASS_OPS) PASS_MAGNITUDE (float64: 2.1e-12, float32: 1.1e-3); gradients
# within SAFETY E(h) of central differences of the spec's loss at h = 1e-6 (1.4e-7) plus the same rounding.
H = bounds.GRAD_STEP
# Finite differences straddling the kink of ReLU at 0 (or ELU's kink in the second derivative) are wrong, not
# the implementation: a change of h in one parameter moves each Z by less than h * 20 here, so a margin of
# 1e-3 keeps every hidden Z on its side.
KINK_MARGIN = 1e-3


def forward(impl, net):
    """The implementation's AL (in columns) and its cache, with the result's form checked."""
    where = net.where(layout=impl.layout)
    # The cache stays in the implementation's process: the checks only hand it back to backward_propagation.
    result = impl.call("forward_propagation", impl.data(net.X), impl.parameters(net.params), keep=[1])
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        kind = type(result).__name__ + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else "")
        fail("forward_propagation", f"returned {kind}, must return (AL, cache)", where,
             ["return AL, cache: backward_propagation receives the cache"])
    AL, cache = result
    shape = impl.data_shape(net.layer_dims[-1], net.m)
    other = "columns" if impl.rows else "rows"
    AL = as_array(AL, "forward_propagation", "AL", shape=shape, where=where,
                  transposed_hint=f"shape {shape[::-1]} but should be {shape}: is this implementation's LAYOUT "
                  f"'{other}'?")
    return impl.from_data(AL), cache


def _forward_hints(impl, net):
    def hint(got, want):
        for hidden in HIDDEN_ACTIVATIONS:
            if hidden != impl.hidden and np.allclose(got, numerics.forward(net.X, net.params, hidden, impl.output)):
                return (f"AL is what hidden layers with {hidden} give, but HIDDEN_ACTIVATION is "
                        f"{impl.hidden!r}: declare the activation the network uses")
        return None

    return [hint]


@check("forward_propagation", per_configuration=True)
def check_forward_propagation_matches_the_spec(impl):
    @given(nst.networks(impl.depths, impl.output))
    def run(net):
        got, _ = forward(impl, net)
        want = numerics.forward(net.X, net.params, impl.hidden, impl.output)
        assert_close(got, want, call="forward_propagation", what="AL", atol=bounds.pass_tolerance(precision.eps(impl)),
                     where=net.where(hidden=impl.hidden, output=impl.output), hints=_forward_hints(impl, net),
                     precision=precision.describe(impl))

    run()


@check("forward_propagation", per_configuration=True)
def check_forward_propagation_outputs_probabilities(impl):
    @given(nst.networks(impl.depths, impl.output, max_width=6, max_m=8))
    def run(net):
        AL, _ = forward(impl, net)
        where = net.where(output=impl.output)
        if AL.min() < 0 or AL.max() > 1:
            fail("forward_propagation", f"AL has values in [{AL.min():.4g}, {AL.max():.4g}], must be "
                 f"probabilities in [0, 1]", where, [f"is the output layer's {impl.output} applied?"])
        if impl.output == "softmax":
            assert_close(AL.sum(axis=0), np.ones(net.m), call="forward_propagation",
                         what="AL summed over the class axis", where=where, precision=precision.describe(impl),
                         atol=bounds.sum_tolerance(precision.eps(impl), net.layer_dims[-1]))

    run()


@check("forward_propagation", per_configuration=True)
def check_forward_propagation_is_deterministic(impl):
    # The contract's forward pass has no keep_prob: dropout, if any, is off, so two calls agree to the bit.
    L = nst.depth_at_most(impl.depths, 3)
    net = numerics.make_network((3, 5, 4, 6)[:L] + (1 if impl.output == "sigmoid" else 2,), 16, impl.output, seed=7)
    first, _ = forward(impl, net)
    second, _ = forward(impl, net)
    assert_close(second, first, call="forward_propagation", what="AL of a second identical call", atol=0.0,
                 where=net.where(), hints=[lambda g, w: "is dropout applied in forward_propagation? it must be off "
                                           "there (it is for training only)"])


# -- backward -------------------------------------------------------------------------------------------------------

def gradients(impl, net):
    """The implementation's gradients for `net` (from its own forward's cache), in columns, form checked."""
    AL, cache = forward(impl, net)
    where = net.where(layout=impl.layout)
    try:
        grads = impl.call("backward_propagation", impl.parameters(net.params), cache, impl.data(net.X),
                          impl.data(net.Y))
    except ImplementationError as exc:
        raise ImplementationError(str(exc) + _shape_error_hint(impl, net, str(exc))) from None
    if not isinstance(grads, dict):
        fail("backward_propagation", f"returned {type(grads).__name__}, must return a dict {{'dW1', 'db1', ...}}",
             where)
    other = "columns" if impl.rows else "rows"
    result = {}
    for key, value in net.params.items():
        name = "d" + key
        if name not in grads:
            fail("backward_propagation", f"the result has no {name!r}; keys were {sorted(grads)}", where)
        shape = impl.parameters({key: value})[key].shape
        array = as_array(grads[name], "backward_propagation", name, shape=shape, where=where,
                         transposed_hint=f"shape {shape[::-1]} but should be {shape}: is this implementation's "
                         f"LAYOUT '{other}'?", shape_hints=[_bias_shape_hint(impl, net, key)])
        result[name] = impl.from_parameters({key: array})[key]
    return result


def _shape_error_hint(impl, net, text):
    """numpy's shape errors in backward usually come from a product written with W where W.T belongs."""
    if "ValueError" not in text or not any(word in text for word in ("mismatch", "not aligned", "broadcast")):
        return ""
    product = "dZ @ W.T" if impl.rows else "W.T @ dZ"
    return (f"\n  hint: a shape mismatch with layer_dims={net.layer_dims}: dA_prev = {product} (W transposed; "
            f"W alone fits only square layers), and each dW has the shape of its W")


def _bias_shape_hint(impl, net, key):
    """db with one entry per sample: dZ summed over the units (np.sum(dZ, axis=0) in columns) or not summed."""
    if not key.startswith("b"):
        return lambda array: None
    n = net.params[key].shape[0]

    def hint(array):
        if array.shape in (impl.data_shape(1, net.m), impl.data_shape(n, net.m)):
            axis = 0 if impl.rows else 1
            return (f"d{key} must have one entry per unit of layer {key[1:]}: sum dZ over the samples "
                    f"(axis={axis}, keepdims=True), not over the units")
        return None

    return hint


def _gradient_hints(impl, net, name):
    mistakes = {}

    def known(got, want):
        for mistake, text in numerics.MISTAKES.items():
            if mistake == "tanh_one_minus_a" and impl.hidden != "tanh":
                continue
            if mistake not in mistakes:
                mistakes[mistake] = numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output, mistake)
            if np.allclose(got, mistakes[mistake][name], rtol=1e-6, atol=1e-9) and not np.allclose(
                    want, mistakes[mistake][name], rtol=1e-6, atol=1e-9):
                return text
        return None

    return [scale_hints(name, net.m), transposed_hint(name), known]


@check("backward_propagation", needs=("forward_propagation",), per_configuration=True)
def check_backward_propagation_matches_finite_differences(impl):
    @given(nst.networks(impl.depths, impl.output))
    def run(net):
        assume(numerics.min_hidden_margin(net, impl.hidden, impl.output) > KINK_MARGIN)
        got = gradients(impl, net)
        want = numerics.finite_difference_gradients(net.params, net.X, net.Y, impl.hidden, impl.output, H)
        for name in sorted(want, key=lambda k: (k[1], -int(k[2:]))):  # dW before db, the output layer first
            atol, rtol = bounds.gradient_tolerance(precision.eps(impl))
            assert_close(got[name], want[name], call="backward_propagation", what=name, atol=atol,
                         rtol=rtol, where=net.where(hidden=impl.hidden, output=impl.output),
                         hints=_gradient_hints(impl, net, name))

    run()


@check("backward_propagation", needs=("forward_propagation",), per_configuration=True)
def check_backward_propagation_matches_directional_derivatives_on_larger_networks(impl):
    # One central difference along a random direction v checks <grad, v> for every parameter at once.
    @given(nst.networks(impl.depths, impl.output, max_width=16, max_m=32))
    def run(net):
        assume(numerics.min_hidden_margin(net, impl.hidden, impl.output) > KINK_MARGIN)
        got = gradients(impl, net)
        rng = np.random.default_rng(net.m)
        direction = {k: rng.normal(size=v.shape) / np.sqrt(v.size) for k, v in net.params.items()}
        slope = sum(float((got["d" + k] * v).sum()) for k, v in direction.items())
        want = numerics.directional_derivative(net.params, direction, net.X, net.Y, impl.hidden, impl.output, H)
        atol, rtol = bounds.gradient_tolerance(precision.eps(impl))
        assert_close(slope, want, call="backward_propagation", what="<grads, v> (directional derivative)",
                     atol=atol, rtol=rtol, where=net.where(hidden=impl.hidden, output=impl.output),
                     hints=[lambda g, w: _first_differing(impl, net, got)])

    run()


def _first_differing(impl, net, got):
    """Which gradient differs from the chain rule's, and the known mistake it matches, if any."""
    exact = numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output)
    for name in sorted(exact, key=lambda k: (k[1], -int(k[2:]))):
        if not np.allclose(got[name], exact[name], rtol=1e-6, atol=1e-9):
            texts = [hint(got[name], exact[name]) for hint in _gradient_hints(impl, net, name)]
            return f"{name} differs from the chain rule's" + next((f": {t}" for t in texts if t), "")
    return None
