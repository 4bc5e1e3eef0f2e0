"""Forward and backward propagation against the spec's forward pass and finite differences of its loss."""

from __future__ import annotations

import numpy as np

from nnspec import numerics, precision
from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.calls import ImplementationError
from nnspec.compare import as_array, assert_close, fail, scale_hints, transposed_hint
from nnspec.contract import HIDDEN_ACTIVATIONS
from nnspec.replay import assume, given
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
        if numerics.depth(net.params) < 2:
            return None  # no hidden layer: every hidden activation gives the same AL, so none can be blamed
        for hidden in HIDDEN_ACTIVATIONS:
            other = numerics.forward(net.X, net.params, hidden, impl.output)
            if hidden != impl.hidden and _matches(got, other) and not _matches(want, other):
                return (f"AL is what hidden layers with {hidden} give, but HIDDEN_ACTIVATION is "
                        f"{impl.hidden!r}: declare the activation the network uses")
        return None

    return [hint]


def _matches(got, variant) -> bool:
    """got equals a recomputed variant to the agreement of two correct float64 computations (a hint's proof)."""
    return variant is not None and np.shape(got) == np.shape(variant) and np.allclose(got, variant, rtol=1e-6,
                                                                                      atol=1e-9)


def _variant(net, impl, mistake):
    """The suite's gradients with `mistake` made on purpose, or None where its shapes do not fit the network."""
    try:
        return numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output, mistake)
    except ValueError:
        return None


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

def gradients(impl, net, cache=None, probe=True, params=None, X=None):
    """The implementation's gradients for `net` (from its own forward's cache, or `cache`), in columns, form checked.

    `params` and `X` (columns) replace the network's own in the call, for the checks that vary one argument.
    """
    if cache is None:
        _, cache = forward(impl, net)
    where = net.where(layout=impl.layout)
    params = net.params if params is None else params
    X = net.X if X is None else X
    try:
        grads = impl.call("backward_propagation", impl.parameters(params), cache, impl.data(X), impl.data(net.Y))
    except ImplementationError as exc:
        raise ImplementationError(str(exc) + (_shape_error_hint(impl, net, str(exc)) if probe else "")) from None
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
    """Name the mistake behind a shape error in backward, proven on square layers where the mistake's shapes fit.

    With every layer as wide as the output (K, K, ..., K), W @ dZ and g'(Z of the layer above) no longer raise;
    the gradients then come out equal to the suite's recomputation of exactly one mistake, or no hint is given.
    """
    if "ValueError" not in text or not any(word in text for word in ("mismatch", "not aligned", "broadcast")):
        return ""
    K = net.layer_dims[-1]
    square = numerics.make_network((K,) * len(net.layer_dims), max(net.m, 2), impl.output, seed=net.seed)
    try:
        got = gradients(impl, square, probe=False)
    except (AssertionError, ImplementationError):
        return ""
    exact = _variant(square, impl, None)
    product = "dZ @ W.T" if impl.rows else "W.T @ dZ"
    texts = {
        "W_not_transposed": f"dA_prev = {product} (W transposed): with layer_dims={square.layer_dims} the "
        f"gradients are exactly those of dA_prev computed with W itself, which fits only square layers",
        "derivative_at_next_Z": f"with layer_dims={square.layer_dims} the gradients are exactly those of "
        + numerics.MISTAKES["derivative_at_next_Z"],
    }
    for mistake, hint in texts.items():
        variant = _variant(square, impl, mistake)
        if variant is not None and all(_matches(got[k], variant[k]) for k in got) and not all(
                _matches(exact[k], variant[k]) for k in got):
            return f"\n  hint: {hint}"
    return ""


def _bias_shape_hint(impl, net, key):
    """db with one entry per sample (summed over the units, or not summed), or one number (summed over both)."""
    if not key.startswith("b"):
        return lambda array: None
    n = net.params[key].shape[0]

    def hint(array):
        axis = 0 if impl.rows else 1
        columns = array.T if impl.rows and array.ndim == 2 else array
        for mistake, how in (("db_over_units", "not over the units"), ("db_not_summed", "it was not summed")):
            variant = _variant(net, impl, mistake)
            if variant is not None and _matches(columns, variant["d" + key]):
                return (f"d{key} must have one entry per unit of layer {key[1:]}: sum dZ over the samples "
                        f"(axis={axis}, keepdims=True); {how}")
        if array.size == 1 and n > 1:  # np.sum(dZ): a 0-d result (with m=1, axis=0 looks the same: said above)
            total = float(numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output)["d" + key].sum())
            if any(np.isclose(float(array.reshape(())), total * c, rtol=1e-6, atol=1e-12) for c in (1, net.m)):
                return (f"d{key} is one number, dZ summed over the units and the samples (np.sum(dZ) without an "
                        f"axis): sum over the samples only, np.sum(dZ, axis={axis}, keepdims=True)")
            return None
        return None

    return hint


def _gradient_hints(impl, net, name):
    mistakes = {}

    def variant(mistake):
        if mistake not in mistakes:
            mistakes[mistake] = _variant(net, impl, mistake)
        return None if mistakes[mistake] is None else mistakes[mistake][name]

    def known(got, want):
        for mistake, text in numerics.MISTAKES.items():
            if mistake == "tanh_one_minus_a" and impl.hidden != "tanh":
                continue
            if _matches(got, variant(mistake)) and not _matches(want, variant(mistake)):
                return text
        return None

    def scale(got, want):
        # A factor of m is either no 1/m at all or m read from the feature axis when n_features is 1: recompute
        # both, and where the values at hand cannot tell them apart, ask the implementation on a network that can.
        by_m = _m_mistake(impl, net, name, got, want, variant)
        return by_m if by_m is not False else scale_hints(name, net.m)(got, want)

    return [scale, transposed_hint(name), known]


M_HINTS = {
    "not_averaged": "{name} is m={m} times too large: did you forget to divide by m?",
    "m_from_features": "{name} was divided by the number of features ({n0}) instead of the number of samples "
    "m={m}: m = {axis}, the samples' axis in LAYOUT {layout!r}",
}


def _m_mistake(impl, net, name, got, want, variant):
    """The hint for a gradient divided by the wrong m, proven by recomputation; False when neither mistake fits."""
    fits = [k for k in M_HINTS if _matches(got, variant(k)) and not _matches(want, variant(k))]
    if not fits:
        return False
    if len(fits) > 1:  # n_features == 1: no 1/m and 1/n_features agree here; a network with 3 features decides
        probe = numerics.make_network((3, *net.layer_dims[1:]), 5, impl.output, seed=net.seed)
        try:
            got_probe = gradients(impl, probe, probe=False)[name]
        except (AssertionError, ImplementationError):
            return None
        fits = [k for k in fits if _matches(got_probe, _variant(probe, impl, k)[name])]
        if len(fits) != 1:
            return None
    axis = "X.shape[0]" if impl.rows else "X.shape[1]"
    return M_HINTS[fits[0]].format(name=name, m=net.m, n0=net.layer_dims[0], axis=axis, layout=impl.layout)


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


# Two calls of the same function on the same arrays repeat the same operations: they agree to rounding of the
# summation order at most (a few ulps of each gradient), while a gradient of another network differs in every digit.
SAME_CALL_RTOL, SAME_CALL_ATOL = 1e-12, 1e-15


@check("backward_propagation", needs=("forward_propagation",), per_configuration=True)
def check_backward_propagation_uses_the_cache_and_parameters_it_is_given(impl):
    # forward(first), forward(second), backward(first's parameters and cache): a backward that reads state kept
    # by the last forward (a module-level cache or parameters) computes the second network's gradients.
    L = nst.depth_at_most(impl.depths, 3)
    dims = (3, 5, 4, 6)[:L] + (1 if impl.output == "sigmoid" else 2,)
    first, second = (numerics.make_network(dims, 6, impl.output, seed=seed) for seed in (21, 22))
    alone = gradients(impl, first)  # the ordinary order: backward right after its own forward
    _, cache = forward(impl, first)
    forward(impl, second)
    got = gradients(impl, first, cache=cache)
    where = first.where(hidden=impl.hidden, output=impl.output)

    def stale(g, w):
        latest = gradients(impl, second)
        if all(_matches(got[k], latest[k]) for k in got):
            return ("these are the gradients of the most recent forward_propagation (another network's): "
                    "backward_propagation must compute from the cache and parameters it is given, not from state "
                    "kept by forward_propagation")
        # Which argument was replaced by kept state cannot be proven in general (a correct backward may ignore its
        # parameters, reading W from the cache, or its cache, recomputing the forward pass): say what was measured.
        return ("the same call right after forward_propagation of the first network gave the expected value: the "
                "result depends on which forward_propagation ran last, not only on the arguments (state kept in a "
                "module-level variable?)")

    for name in sorted(alone, key=lambda k: (k[1], -int(k[2:]))):
        assert_close(got[name], alone[name], call="backward_propagation",
                     what=f"{name} after a forward_propagation of another network (cache and parameters of the first "
                     f"passed)", atol=SAME_CALL_ATOL, rtol=SAME_CALL_RTOL, where=where, hints=[stale])
