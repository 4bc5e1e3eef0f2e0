"""The precision an implementation computes in, detected from what it returns, and its machine epsilon.

An implementation that casts to float32 is compared at float32 precision: every bound of spec.bounds is a
function of eps, evaluated at the eps of that precision. The probe calls the first contract function the
implementation provides, on a small float64 input, once per implementation, and looks at the dtype returned.
"""

from __future__ import annotations

import weakref

import numpy as np

from spec.bounds import EPSILON

# (name, arguments in columns): cheap calls whose results are arrays computed from the float64 input.
_Z = np.array([[0.5, -1.25, 2.0], [-0.75, 1.5, 0.25]])
_Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
_P = np.array([[0.7, 0.4, 0.6], [0.3, 0.6, 0.4]])
PROBES = (
    ("relu", lambda impl: (_Z,)),
    ("sigmoid", lambda impl: (_Z,)),
    ("tanh", lambda impl: (_Z,)),
    ("elu", lambda impl: (_Z,)),
    ("softmax", lambda impl: (impl.data(_Z),)),
    ("cross_entropy_derivative", lambda impl: (impl.data(_Y), impl.data(_P))),
    ("relu_derivative", lambda impl: (_Z,)),
    ("sigmoid_derivative", lambda impl: (_Z,)),
    ("tanh_derivative", lambda impl: (_Z,)),
)

_CACHE: dict = {}  # id(impl) -> (weakref to impl, precision name)


def _first_array(value):
    if isinstance(value, (tuple, list)):
        return next((a for a in map(_first_array, value) if a is not None), None)
    if isinstance(value, (np.ndarray, np.generic)):
        return value
    return None


def detect(impl) -> str:
    """'float64', 'float32' or 'float16': the dtype the first provided probe returns (float64 if none answers)."""
    for name, arguments in PROBES:
        if name not in impl.provided:
            continue
        try:
            result = _first_array(impl.call_fast(name, *arguments(impl)))
        except Exception:  # a probe that raises says nothing about precision; its own check reports it
            continue
        if result is not None and result.dtype in (np.float32, np.float16):
            return str(result.dtype)
        if result is not None and np.issubdtype(result.dtype, np.floating):
            return "float64"
    return "float64"


def of(impl) -> str:
    """The precision of `impl`, probed once (an `impl.precision` attribute, if the loader sets one, wins)."""
    declared = getattr(impl, "precision", None)
    if declared in EPSILON:
        return declared
    cached = _CACHE.get(id(impl))
    if cached is not None and cached[0]() is impl:
        return cached[1]
    name = detect(impl)
    try:
        _CACHE[id(impl)] = (weakref.ref(impl), name)
    except TypeError:  # an object that takes no weak reference is probed again next time
        pass
    return name


def eps(impl) -> float:
    """The machine epsilon of the precision `impl` computes in."""
    return EPSILON[of(impl)]


def describe(impl) -> str:
    """' at float32 precision' for a bound message, '' at float64."""
    name = of(impl)
    return "" if name == "float64" else f" at {name} precision"


def precision_line(impl) -> str | None:
    """The report header's line for an implementation that computes below float64, else None."""
    name = of(impl)
    if name == "float64":
        return None
    return f"computes in {name}: compared at {name} precision"


# -- a result below the implementation's precision ----------------------------------------------------------------
_RETURNED: dict = {}  # (id(impl), name) -> the dtype `name` last returned

LOWER_PRECISION = None  # registered below (compare imports nothing from here)


def returned(impl, name: str, value):
    """Remember the dtype `name` returned (a float array or scalar), for lower_precision_hint."""
    dtype = getattr(value, "dtype", None)
    if dtype is not None and np.issubdtype(dtype, np.floating):
        _RETURNED[(id(impl), name)] = dtype
    else:
        _RETURNED.pop((id(impl), name), None)
    return value


def lower_precision_hint(impl, name: str):
    """A hint that speaks when `name` returned a float of lower precision than the implementation computes in."""
    from nnspec.compare import say

    def hint(got, want):
        dtype = _RETURNED.get((id(impl), name))
        if dtype is None or np.finfo(dtype).eps <= eps(impl):
            return None
        return say(LOWER_PRECISION, f"{name} returned {dtype}, while the implementation computes in {of(impl)} (the "
                                    f"precision it is judged at, from what its first function returned): {dtype} "
                                    f"is off by up to {np.finfo(dtype).eps:.1e}; compute {name} in {of(impl)}")

    return hint


def _register():
    global LOWER_PRECISION
    from nnspec.compare import register

    LOWER_PRECISION = register("lower-precision-result", "a result in a lower precision than the rest of the "
                                                         "implementation (float16 in a float64 network)")


_register()
