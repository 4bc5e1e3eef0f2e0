"""The dense layer over a batch (where the 1/m goes) and why stacked linear layers collapse.

Layout: samples are columns. A_prev is (n_prev, m), W is (n, n_prev), b is (n, 1),
Z = W A_prev + b (b broadcast over the m columns).
"""

import sympy as sp

from .derivation import Derivation, Step, d, eq, is_zero, same_shape

N_OUT, N_IN, M = 2, 3, 2


def _matrix(name, rows, cols):
    return sp.ImmutableMatrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r + 1}{c + 1}"))


W = _matrix("W", N_OUT, N_IN)
A_prev = _matrix("A", N_IN, M)
b = sp.ImmutableMatrix(N_OUT, 1, lambda r, _: sp.Symbol(f"b_{r + 1}"))
Z = W * A_prev + b * sp.ones(1, M)

#: An arbitrary per-sample loss of the sample's column of Z (any output activation + loss).
ell = sp.Function("ell")
_u = sp.symbols(f"u_1:{N_OUT + 1}")
J = sp.Rational(1, M) * sum(ell(*Z[:, s]) for s in range(M))

#: dZ_ji = d ell / d z_j at sample i: the per-sample derivative, with no 1/m in it.
dZ = _matrix("dZ", N_OUT, M)
_dZ_as_derivatives = {
    sp.diff(ell(*_u), _u[r]).subs(dict(zip(_u, Z[:, s])), simultaneous=True): dZ[r, s]
    for r in range(N_OUT) for s in range(M)
}


def _gradient(matrix):
    """dJ/dX for every entry X of `matrix`, by sp.diff, with per-sample derivatives named dZ_ji."""
    grads = sp.ImmutableMatrix(matrix.shape[0], matrix.shape[1], lambda r, c: sp.diff(J, matrix[r, c]))
    return grads.xreplace(_dZ_as_derivatives)


dJ_dW = _gradient(W)
dJ_db = _gradient(b)
dJ_dA_prev = _gradient(A_prev)

#: What layer code computes: dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ_i dZ[:, i], dA_prev = Wᵀ dZ.
DENSE_CLOSED = sp.Tuple(
    sp.Rational(1, M) * dZ * A_prev.T,
    sp.Rational(1, M) * dZ * sp.ones(M, 1),
    W.T * dZ,
)

_DERIVED = sp.Tuple(dJ_dW, dJ_db, M * dJ_dA_prev)


def _prove_dense(candidate):
    leftover = [e for e in _DERIVED.atoms(sp.Subs, sp.Derivative)]
    if leftover:  # a chain-rule term that is not a per-sample derivative dZ_ji
        return False
    if not same_shape(_DERIVED, candidate):
        return False
    return is_zero(sp.Tuple(*(x - y for x, y in zip(_DERIVED, candidate))), simplifier=sp.expand)


dense_layer_gradients = Derivation(
    name="dense-layer-gradients",
    statement=(
        "For J = (1/m) Σ_i ℓ(Z[:, i]) with Z = W A_prev + b: dW = (1/m) dZ A_prevᵀ, db = (1/m) Σ_i dZ[:, i], "
        "dA_prev = Wᵀ dZ. Here dZ[:, i] is the per-sample derivative dℓ/dz of sample i (no 1/m; at a "
        "sigmoid+BCE or softmax+CE output it is A - Y), so the 1/m appears exactly once, in dW and db. "
        "dA_prev = Wᵀ dZ is m · dJ/dA_prev, i.e. again per-sample, so the next layer down applies the 1/m once "
        "more in its own dW, db and never twice. Derived by sympy for a 2x3 layer on a batch of m = 2."
    ),
    steps=(
        Step("pre-activations, one column per sample", eq(sp.Symbol("Z"), Z)),
        Step("cost: mean over the batch of an arbitrary per-sample loss ℓ", eq(sp.Symbol("J"), J)),
        Step("per-sample derivatives, dZ_ji = ∂ℓ/∂z_j at sample i",
             eq(sp.Symbol("dZ"), sp.Matrix(N_OUT, M, lambda r, s: sp.Symbol(f"dZ_{r + 1}{s + 1}")))),
        Step("∂J/∂W_jk by sympy, for every entry", eq(d(sp.Symbol("J"), sp.Symbol("W")), dJ_dW)),
        Step("(1/m) dZ A_prevᵀ, multiplied out", eq(sp.Symbol("dW"), DENSE_CLOSED[0])),
        Step("∂J/∂b_j by sympy", eq(d(sp.Symbol("J"), sp.Symbol("b")), dJ_db)),
        Step("(1/m) dZ summed over samples", eq(sp.Symbol("db"), DENSE_CLOSED[1])),
        Step("m · ∂J/∂A_prev by sympy (per-sample, like dZ)", eq(sp.Mul(sp.Symbol("m"), d(sp.Symbol("J"), sp.Symbol("A_prev")), evaluate=False),
                                                              M * dJ_dA_prev)),
        Step("Wᵀ dZ, multiplied out", eq(sp.Symbol("dA_prev"), DENSE_CLOSED[2])),
    ),
    closed_form=DENSE_CLOSED,
    prove=_prove_dense,
    result_caption="(dW, db, dA_prev) as code computes them",
)


# ------------------------------------------------------- linear layers collapse

x = sp.ImmutableMatrix(2, 1, lambda r, _: sp.Symbol(f"x_{r + 1}"))
W1, W2 = _matrix("V", 3, 2), _matrix("U", 2, 3)
b1 = sp.ImmutableMatrix(3, 1, lambda r, _: sp.Symbol(f"c_{r + 1}"))
b2 = sp.ImmutableMatrix(2, 1, lambda r, _: sp.Symbol(f"d_{r + 1}"))
STACKED = W2 * (W1 * x + b1) + b2
COLLAPSED = (W2 * W1) * x + (W2 * b1 + b2)


def _prove_collapse(candidate):
    if not same_shape(STACKED, candidate):
        return False
    return is_zero(STACKED - candidate, simplifier=sp.expand)


linear_layers_collapse = Derivation(
    name="linear-layers-collapse",
    statement=(
        "Two dense layers with identity (linear) activation are one dense layer: "
        "U (V x + c) + d = (U V) x + (U c + d). By induction any depth collapses the same way, "
        "so without a nonlinearity a deep network can only represent affine maps."
    ),
    steps=(
        Step("first layer, 3 units on 2 inputs (identity activation)", eq(sp.Symbol("h"), W1 * x + b1)),
        Step("second layer, 2 units", eq(sp.Symbol("y"), STACKED)),
        Step("one layer with W' = U V", eq(sp.Symbol("W'"), W2 * W1)),
        Step("and b' = U c + d", eq(sp.Symbol("b'"), W2 * b1 + b2)),
    ),
    closed_form=COLLAPSED,
    prove=_prove_collapse,
    result_caption="W' x + b'",
)

DERIVATIONS = (dense_layer_gradients, linear_layers_collapse)
