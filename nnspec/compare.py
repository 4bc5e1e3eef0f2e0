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


# -- hints: named, registered, spoken only once their diagnosis is verified on the values at hand ---------------------

#: Every hint the suite can give: name -> the mistake it names (README lists them; tests run each one).
HINTS: dict[str, str] = {}


class Said(str):
    """A hint's text, carrying the registered name of the hint that said it."""

    name: str = ""


def register(name: str, diagnosis: str) -> str:
    """Register a hint called `name` (once, at import) that names `diagnosis`; returns the name."""
    if HINTS.get(name, diagnosis) != diagnosis:
        raise ValueError(f"hint {name!r} registered twice with different diagnoses")
    HINTS[name] = diagnosis
    return name


def say(name: str, text: str) -> Said:
    """The text of the registered hint `name`, marked with it (fail() records which hints spoke)."""
    if name not in HINTS:
        raise KeyError(f"hint {name!r} is not registered")
    said = Said(text)
    said.name = name
    return said


def spoken(exc) -> tuple:
    """The names of the registered hints a CheckFailure carries (empty for unnamed or no hints)."""
    return tuple(getattr(exc, "hints", ()))


SHAPE_TRANSPOSED = register("shape-transposed", "a result whose shape is the transpose of the one due")
SHAPE_SAME_SIZE = register("shape-same-size", "a result with the right number of elements in another shape")
ONE_LOSS_PER_SAMPLE = register("one-loss-per-sample", "a loss with one value per sample: the mean is missing")


EXP_OVERFLOW = register("exp-overflow", "nan or inf where |z| is past exp's overflow: an overflowing closed form")
LOG_ZERO = register("log-zero", "nan or inf at a probability of exactly 0 or 1: log(0), or 0 * log(0)")


def overflow_hint(inputs, precision: str = "float64"):
    """A nonfinite hint that speaks only if exp overflows at every non-finite entry's own |z| in `precision`."""
    limit = float(np.log(np.finfo(precision).max))

    def hint(array, bad):
        z = np.abs(np.asarray(inputs, dtype=np.float64))
        if z.shape != array.shape or not bad.any():
            return None
        # Verified: every non-finite entry is where exp(|z|) (or exp(2|z|), as in tanh via e^2z) overflows.
        factor = next((c for c in (1, 2) if np.all(z[bad] > limit / c)), None)
        if factor is None:
            return None
        power = "|z|" if factor == 1 else "2|z|"
        return say(EXP_OVERFLOW, f"the non-finite entries are at |z| >= {z[bad].min():.4g}, past {limit / factor:.1f} "
                                 f"where exp({power}) overflows in {precision}: write the function in a form that "
                                 f"never evaluates exp of a large positive number (np.tanh; 1 / (1 + exp(-z)) for "
                                 f"z >= 0 and exp(z) / (1 + exp(z)) below; subtract the max before exp)")

    return hint


def log_zero_hint(probabilities):
    """A nonfinite hint that speaks only if the probabilities passed hold an exact 0 or 1."""

    def hint(*_):
        p = np.asarray(probabilities, dtype=np.float64)
        if not np.any((p == 0) | (p == 1)):
            return None
        return say(LOG_ZERO, "y_pred holds exactly 0 or 1 here (float64 reaches them: sigmoid(37.0) == 1.0), where "
                             "log(0) = -inf and 0 * log(0) = nan: clip y_pred to [eps, 1 - eps] or add an eps <= 1e-7 "
                             "inside the log")

    return hint


def context(**values) -> str:
    """`[layer_dims=(2, 3, 1), m=4]` from keyword values, in the order given."""
    return "[" + ", ".join(f"{k}={v}" for k, v in values.items()) + "]" if values else ""


def fail(call: str, message: str, where: str = "", hints=()) -> None:
    """Raise the one failure format; `hints` are texts (None for silence), Said ones recorded by name."""
    text = f"{call}: {message}" + (f" {where}" if where else "")
    names = []
    for hint in hints:
        if hint:
            text += f"\n  hint: {hint}"
            if getattr(hint, "name", ""):
                names.append(hint.name)
    failure = CheckFailure(text)
    failure.hints = tuple(names)
    raise failure


def _kind(value) -> str:
    if isinstance(value, Handle):
        return f"an object of type {value.kind} (not plain data: it stayed in the implementation's process)"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    text = f"{type(value).__name__} {value!r}"
    if len(text) <= 120:
        return text
    cut = text[:117]
    return (cut[:cut.rindex(", ")] if ", " in cut else cut) + ", ..."  # never half a number


def as_array(value, call: str, what: str, shape=None, where: str = "", transposed_hint: str | None = None,
             shape_hints=(), nonfinite_hints=()):
    """`value` as a float64 array of `shape`, or a failure that says what came and what was due.

    `shape_hints` are callables (array) -> str | None, asked only when the shape is wrong; `nonfinite_hints`
    callables (array, bad) -> str | None, asked only when an entry is nan or inf (`bad` marks them).
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
            hints.append(say(SHAPE_TRANSPOSED, transposed_hint or f"{array.shape} is the transpose of "
                             f"{tuple(shape)}: a .T too many or too few?"))
        elif array.size == int(np.prod(shape)):
            hints.append(say(SHAPE_SAME_SIZE, f"same number of elements: reshape or keepdims=True? {what} must be "
                                              f"{tuple(shape)}"))
        hints.extend(hint(array) for hint in shape_hints)
        fail(call, f"{what} has shape {array.shape} but should be {tuple(shape)}", where, hints)
    array = array.astype(np.float64)
    bad = ~np.isfinite(array)
    if bad.any():
        at = [int(i) for i in np.unravel_index(int(np.argmax(bad)), array.shape)] if array.ndim else []
        fail(call, f"{what} contains {array[bad][0]} at {at}, must be finite", where,
             [_quiet(hint, array, bad) for hint in nonfinite_hints])
    return array


def _quiet(hint, *args):
    """A hint's text, or None when it cannot be evaluated on these values (then it has nothing verified to say)."""
    try:
        return hint(*args)
    except Exception:
        return None


def as_scalar(value, call: str, what: str, where: str = "", nonfinite_hints=(), samples: int | None = None) -> float:
    """A Python float, a numpy scalar, a 0-d or a one-element array all count as a scalar.

    `nonfinite_hints`: callables (value) -> str | None, asked only when the value is nan or inf; `samples`: the
    number of samples, which an array of one loss per sample has as its size (the hint then says so).
    """
    if value is None:
        fail(call, f"{what} was None, must be a number: did the function forget to `return` it?", where)
    if not isinstance(value, (numbers.Number, np.generic, np.ndarray)) or isinstance(value, (bool, np.bool_)):
        fail(call, f"{what} was {_kind(value)}, must be a number", where)
    array = np.asarray(value, dtype=np.float64) if np.asarray(value).dtype != object else None
    if array is None or array.size != 1:
        shape = None if array is None else array.shape
        fail(call, f"{what} has shape {shape}, must be a single number (the mean over samples)", where,
             [say(ONE_LOSS_PER_SAMPLE, f"{array.size} values, one per sample: summing over the class axis leaves "
                                       f"one loss per sample; also average over the samples")
              if array is not None and samples is not None and array.size == samples else None])
    result = float(array.reshape(()))
    if not np.isfinite(result):
        fail(call, f"{what} was {result}, must be finite", where, [_quiet(hint, result) for hint in nonfinite_hints])
    return result


def assert_close(got, want, *, call: str, what: str, atol: float, rtol: float = 0.0, where: str = "", hints=(),
                 precision: str = ""):
    """Fail with the worst element when |got - want| > atol + rtol * |want| anywhere.

    `hints` are callables (got, want) -> str | None, asked only when the comparison fails; `precision`
    (nnspec.precision.describe) names the precision the bound is for, e.g. " at float32 precision".
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
    bound = f"{atol:.0e}" + (f" + {rtol:.0e}*|expected|" if rtol else "") + precision
    message = (
        f"{what} max |error| {float(error.flat[worst]):.1e}" + (f" at {at}" if at else "") + f", must be <= {bound}"
        + (f" {where}" if where else "")
        + f"\n  got {float(got.flat[worst]):.6g}, expected {float(want.flat[worst]):.6g}"
    )
    fail(call, message, "", [_quiet(hint, got, want) for hint in hints])


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


SCALE_M = register("scale-m", "a gradient m times too large: the sum over samples, not the mean")
SCALE_ONE_OVER_M = register("scale-one-over-m", "a gradient m times too small: 1/m applied twice")
SCALE_SIGN = register("scale-sign", "a gradient with the wrong sign: Y - A instead of A - Y")
SCALE_CONSTANT = register("scale-constant", "a gradient off by one constant factor, other than 0, m, 1/m, -1")
ALL_ZERO = register("all-zero", "a result that is exactly 0 everywhere where the expected one is not")
TRANSPOSED = register("transposed", "a square result equal to the transpose of the expected one")


def scale_hints(name: str, m: int, per_sample: bool = False):
    """Hints for gradients off by a constant factor: m, 1/m, -1, another; each verified by got == c * want."""

    def hint(got, want):
        if not np.any(got) and np.any(want):  # a factor of 0 is no factor: the result was never computed
            return say(ALL_ZERO, f"{name} is 0 everywhere, but the expected value is not: is it computed at all "
                                 f"(or overwritten with zeros)?")
        c = ratio(got, want)
        if c is None:
            return None
        if m > 1 and np.isclose(c, m, rtol=1e-4):
            if per_sample:
                return say(SCALE_M, f"{name} is m={m} times too large: it must be the mean over the samples, not "
                                    f"the sum")
            return say(SCALE_M, f"{name} is m={m} times too large: did you forget to divide by m?")
        if m > 1 and np.isclose(c, 1 / m, rtol=1e-4):
            return say(SCALE_ONE_OVER_M, f"{name} is m={m} times too small: is 1/m applied twice (once in dZ, once "
                                         f"in dW)?")
        if np.isclose(c, -1, rtol=1e-4):
            return say(SCALE_SIGN, f"{name} has the wrong sign: is it Y - A instead of A - Y (gradient ascent)?")
        if not np.isclose(c, 1, rtol=1e-4):
            return say(SCALE_CONSTANT, f"{name} is {c:.4g} times the expected value everywhere: a constant factor "
                                       f"is off")
        return None

    return hint


def transposed_hint(name: str):
    def hint(got, want):
        if (got.ndim == 2 and got.shape[0] == got.shape[1] and not np.allclose(got, want, rtol=1e-6, atol=1e-9)
                and np.allclose(got.T, want, rtol=1e-6, atol=1e-9)):
            return say(TRANSPOSED, f"{name} equals the transpose of the expected value: the layers are square, "
                                   f"which hides a transposition")
        return None

    return hint
