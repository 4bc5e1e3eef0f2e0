"""Parameters: initialisation (shapes, symmetry, scale) and the gradient-descent update."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from nnspec import numerics, precision
from nnspec import strategies as nst
from nnspec.checks import check
from nnspec.compare import as_array, assert_close, fail
from nnspec.replay import given
from spec import bounds


def _dims_for(impl, widths=(3, 5, 4, 6)):
    """layer_dims with the deepest supported depth (up to 4), ending in the output layer's size."""
    L = nst.depth_at_most(impl.depths, 4)
    out = 1 if impl.output == "sigmoid" else 3
    return [*widths[:L], out]


def initialized(impl, layer_dims):
    """The implementation's parameters for `layer_dims`, checked for keys and shapes, in columns."""
    where = f"[layer_dims={tuple(layer_dims)}, layout={impl.layout}]"
    params = impl.call("initialize_parameters", list(layer_dims))
    if not isinstance(params, dict):
        fail("initialize_parameters", f"returned {type(params).__name__}, must be a dict {{'W1', 'b1', ...}}", where)
    L = len(layer_dims) - 1
    expected = [f"{p}{layer}" for layer in range(1, L + 1) for p in "Wb"]
    missing = [k for k in expected if k not in params]
    if missing:
        fail("initialize_parameters", f"has no {', '.join(map(repr, missing))}; keys were {sorted(params)}", where,
             [f"layer_dims={tuple(layer_dims)} has {L} weight layers: W1..W{L} and b1..b{L}"])
    other = "columns" if impl.rows else "rows"
    columns = {}
    for layer in range(1, L + 1):
        n_in, n_out = layer_dims[layer - 1], layer_dims[layer]
        for key, shape in ((f"W{layer}", impl.weight_shape(n_out, n_in)), (f"b{layer}", impl.bias_shape(n_out))):
            hint = f"shape {shape[::-1]} but should be {shape}: is this implementation's LAYOUT '{other}'?"
            columns[key] = impl.from_parameters({key: as_array(params[key], "initialize_parameters", key, shape=shape,
                                                               where=where, transposed_hint=hint)})[key]
    return columns, where


@check("initialize_parameters")
def check_initialize_parameters_gives_every_layer_its_shape(impl):
    @given(st.sampled_from(sorted(d for d in impl.depths if d <= 4) or [min(impl.depths)]), st.data())
    def run(L, data):
        initialized(impl, data.draw(st.lists(st.integers(1, 6), min_size=L + 1, max_size=L + 1), label="layer_dims"))

    run()


@check("initialize_parameters")
def check_initialize_parameters_breaks_symmetry(impl):
    dims = _dims_for(impl)
    params, where = initialized(impl, dims)
    for layer in range(1, len(dims)):
        W = params[f"W{layer}"]  # columns: row i holds unit i's incoming weights
        for i in range(W.shape[0]):
            for j in range(i):
                if np.array_equal(W[i], W[j]):
                    fail("initialize_parameters", f"units {j} and {i} of layer {layer} have identical incoming "
                         f"weights {W[i].round(4).tolist()}", where,
                         ["identical units get identical gradients and stay identical forever: draw the weights "
                          "at random (biases may be zero)"])


@check("initialize_parameters")
def check_initialize_parameters_has_a_sane_scale(impl):
    # A wide first layer makes scale mistakes visible. He initialisation has std sqrt(2 / n_in), Xavier
    # sqrt(1 / n_in), seed 001's 0.01 * randn is small but trains; we accept std in [1e-3, 4 * sqrt(2 / n_in)].
    widths = (256, 32, 16, 8)
    dims = _dims_for(impl, widths)
    params, where = initialized(impl, dims)
    for layer in range(1, len(dims)):
        W = params[f"W{layer}"]
        n_in = dims[layer - 1]
        std, high = float(W.std()), 4 * np.sqrt(2 / n_in)
        if W.size > 1 and not 1e-3 <= std <= high:
            fail("initialize_parameters", f"W{layer} has std {std:.3g} for n_in={n_in}, must be in "
                 f"[1e-3, {high:.3g}] (4 times He's sqrt(2/n_in))", where,
                 ["scale randn by sqrt(2 / n_in) (He, for ReLU/ELU) or sqrt(1 / n_in) (Xavier, for tanh/sigmoid)"
                  if std > high else "the weights are (nearly) zero: units cannot learn different features"])


# -- update ---------------------------------------------------------------------------------------------------------

@check("update_parameters")
def check_update_parameters_subtracts_the_scaled_gradient(impl):
    # theta - lr * grad is one multiply and one subtract per entry, whether in place or not: exact to 1 ulp.
    @given(st.integers(0, 2**32 - 1), nst.floats(1e-3, 2.0))
    def run(seed, lr):
        net = numerics.make_network(_dims_for(impl, (3, 4, 2, 3)), 4, impl.output, seed)
        grads = numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output)
        want = {k: v - lr * grads["d" + k] for k, v in net.params.items()}
        params_i = impl.parameters(net.params)
        grads_i = impl.gradients(grads)
        where = f"[layer_dims={net.layer_dims}, learning_rate={lr:.4g}]"
        result = impl.call("update_parameters", params_i, grads_i, lr, mutable=(0,))
        if not isinstance(result, dict):
            fail("update_parameters", f"returned {type(result).__name__}, must return the parameters dict", where,
                 ["even when it updates in place, update_parameters must `return parameters`"])
        for key, value in want.items():
            if key not in result:
                fail("update_parameters", f"the result has no {key!r}; keys were {sorted(result)}", where)
            got = impl.from_parameters({key: as_array(result[key], "update_parameters", key,
                                                      shape=params_i[key].shape, where=where)})[key]
            old, g = net.params[key], grads["d" + key]

            def known(got, want, old=old, g=g, key=key):
                # Each diagnosis is recomputed and must fit what came and not what was due (at learning_rate 1,
                # "not applied" and the right update are the same values, so nothing is said).
                for variant, text in ((old + lr * g, f"{key} + learning_rate * d{key}: that is gradient ascent, "
                                       f"the update must subtract"),
                                      (old, f"{key} was not updated"),
                                      (old - g, "the learning rate was not applied")):
                    if np.allclose(got, variant, rtol=1e-9, atol=1e-12) and not np.allclose(
                            want, variant, rtol=1e-9, atol=1e-12):
                        return text
                return None

            tol = bounds.update_tolerance(precision.eps(impl))
            assert_close(got, value, call="update_parameters", what=key, atol=tol, rtol=tol, where=where,
                         hints=[known])

    run()


@check("update_parameters", per_configuration=True)
def check_a_small_update_step_decreases_the_loss(impl):
    # J(θ - α g) = J(θ) - α |g|^2 + O(α^2) (spec: gradient-descent-step); with α = 1e-3 the first-order term wins.
    @given(nst.networks(impl.depths, impl.output))
    def run(net):
        grads = numerics.backward(net.params, net.X, net.Y, impl.hidden, impl.output)
        before = numerics.loss_of(net.params, net.X, net.Y, impl.hidden, impl.output)
        norm2 = sum(float((g**2).sum()) for g in grads.values())
        lr = 1e-3
        if norm2 < 1e-6:
            return  # a flat spot: no descent to see
        grads_i = impl.gradients(grads)
        result = impl.call("update_parameters", impl.parameters(net.params), grads_i, lr, mutable=(0,))
        if not isinstance(result, dict):
            fail("update_parameters", f"returned {type(result).__name__}, must return the parameters dict",
                 net.where())
        after = numerics.loss_of(impl.from_parameters(result), net.X, net.Y, impl.hidden, impl.output)
        if not after < before:
            fail("update_parameters", f"a step of learning_rate={lr} took the loss from {before:.10g} to "
                 f"{after:.10g}, must decrease it", net.where(), ["the update must be theta - learning_rate * grad"])

    run()
