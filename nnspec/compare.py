"""Assertion helpers: one failure format everywhere, built from the very values compared.

    backward_propagation: dW1 max |error| 3.1e-02 at [1, 0], must be <= 1e-07 [layer_dims=(2, 3, 1), m=4]
      got 0.3512, expected 0.3202
      hint: dW1 is 4 times too large: did you forget to divide by m?
"""

from __future__ import annotations

import numbers

import numpy as np

from nnspec.calls import CheckFailure
from nnspec.wire import Handle


def context(**values) -> str:
    """`[layer_dims=(2, 3, 1), m=4]` from keyword values, in the order given."""
    return "[" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]" if values else ""


def fail(call: str, message: str, where: str = "", hints=()) -> None:
    text = f"{call}: {message}" + (f" {where}" if where else "")
    for hint in hints:
        if hint:
            text += f"\n  hint: {hint}"
    raise CheckFailure(text)


def _kind(value) -> str:
    if isinstance(value, Handle):
        return f"an object of type {value.kind} (not plain data: it stayed in the implementation's process)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}"[:120]


def as_array(value, call: str, what: str, shape=None, where: str = "", transposed_hint: str | None = None,
             shape_hints=()):
    """`value` as a float64 array of `shape`, or a failure that says what came and what was due.

    `shape_hints` are callables (array) -> str | None, asked only when the shape is wrong.
    """
    if value is None:
        fail(call, f"{what} was None, must be an array: did the function forget to `return` it?", where)
    if isinstance(value, np.matrix) or not isinstance(value, (np.ndarray, numbers.Number, np.generic)):
        fail(call, f"{what} was {_kind(value)}, must be a numpy array", where)
    array = np.asarray(value)
    if array.dtype == object or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        fail(call, f"{what} has dtype {array.dtype}, must be numeric", where)
    if shape is not None and array.shape != tuple(shape):
        hints = []
        if array.shape == tuple(shape)[::-1]:
            hints.append(transposed_hint or f"{array.shape} is the transpose of {tuple(shape)}: a .T too many or "
                         f"too few?")
        elif array.size == int(np.prod(shape)):
            hints.append(f"same number of elements: reshape or keepdims=True? {what} must be {tuple(shape)}")
        hints.extend(hint(array) for hint in shape_hints)
        fail(call, f"{what} has shape {array.shape} but should be {tuple(shape)}", where, hints)
    array = array.astype(np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        at = [int(i) for i in np.unravel_index(int(np.argmax(bad)), array.shape)] if array.ndim else []
        fail(call, f"{what} contains {array[bad][0]} at {at}, must be finite", where,
             ["overflow in exp or log(0)? subtract the max before exp, keep probabilities away from 0"])
    return array


def as_scalar(value, call: str, what: str, where: str = "") -> float:
    """A Python float, a numpy scalar, a 0-d or a one-element array all count as a scalar."""
    if value is None:
        fail(call, f"{what} was None, must be a number: did the function forget to `return` it?", where)
    if not isinstance(value, (numbers.Number, np.generic, np.ndarray)) or isinstance(value, (bool, np.bool_)):
        fail(call, f"{what} was {_kind(value)}, must be a number", where)
    array = np.asarray(value, dtype=np.float64) if np.asarray(value).dtype != object else None
    if array is None or array.size != 1:
        shape = None if array is None else array.shape
        fail(call, f"{what} has shape {shape}, must be a single number (the mean over samples)", where,
             ["summing over the class axis only leaves one loss per sample: also average over the samples"])
    result = float(array.reshape(()))
    if not np.isfinite(result):
        fail(call, f"{what} was {result}, must be finite", where,
             ["log(0)? clip probabilities or add a small epsilon inside the log"])
    return result


def assert_close(got, want, *, call: str, what: str, atol: float, rtol: float = 0.0, where: str = "", hints=()):
    """Fail with the worst element when |got - want| > atol + rtol * |want| anywhere.

    `hints` are callables (got, want) -> str | None, asked only when the comparison fails.
    """
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    error = np.abs(got - want)
    allowed = atol + rtol * np.abs(want)
    excess = error - allowed
    if not (excess > 0).any() and not np.isnan(error).any():
        return
    worst = int(np.nanargmax(np.where(np.isnan(error), np.inf, excess)))
    at = list(map(int, np.unravel_index(worst, got.shape))) if got.ndim else []
    bound = f"{atol:.0e}" + (f" + {rtol:.0e}*|expected|" if rtol else "")
    message = (
        f"{what} max |error| {float(error.flat[worst]):.1e}" + (f" at {at}" if at else "") + f", must be <= {bound}"
        + (f" {where}" if where else "")
        + f"\n  got {float(got.flat[worst]):.6g}, expected {float(want.flat[worst]):.6g}"
    )
    texts = []
    for hint in hints:
        try:
            text = hint(got, want)
        except Exception:  # a hint is a guess; a guess that cannot be evaluated says nothing
            text = None
        if text:
            texts.append(text)
    fail(call, message, "", texts)


def ratio(got, want, tol=1e-6):
    """The constant c with got == c * want everywhere (to `tol`), or None."""
    got = np.asarray(got, dtype=np.float64).ravel()
    want = np.asarray(want, dtype=np.float64).ravel()
    big = np.abs(want) > 1e-8 * max(np.abs(want).max(initial=0.0), 1e-300)
    if not big.any():
        return None
    c = float(np.median(got[big] / want[big]))
    if np.allclose(got, c * want, rtol=tol, atol=tol * max(np.abs(want).max(), 1e-12)):
        return c
    return None


def scale_hints(name: str, m: int, per_sample: bool = False):
    """Hints for gradients off by a constant factor: m, 1/m, -1."""

    def hint(got, want):
        c = ratio(got, want)
        if c is None:
            return None
        if m > 1 and np.isclose(c, m, rtol=1e-4):
            if per_sample:
                return f"{name} is m={m} times too large: it must be the mean over the samples, not the sum"
            return f"{name} is m={m} times too large: did you forget to divide by m?"
        if m > 1 and np.isclose(c, 1 / m, rtol=1e-4):
            return f"{name} is m={m} times too small: is 1/m applied twice (once in dZ, once in dW)?"
        if np.isclose(c, -1, rtol=1e-4):
            return f"{name} has the wrong sign: is it Y - A instead of A - Y (gradient ascent)?"
        if not np.isclose(c, 1, rtol=1e-4):
            return f"{name} is {c:.4g} times the expected value everywhere: a constant factor is off"
        return None

    return hint


def transposed_hint(name: str):
    def hint(got, want):
        if got.ndim == 2 and got.shape[0] == got.shape[1] and np.allclose(got.T, want, rtol=1e-6, atol=1e-9):
            return f"{name} equals the transpose of the expected value: the layers are square, which hides a transposition"
        return None

    return hint
