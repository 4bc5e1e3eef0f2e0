"""Loading an implementation and speaking its layout: the suite thinks in columns and transposes at the border."""

from __future__ import annotations

import copy
import importlib
import importlib.util
import os
import sys
import traceback
from dataclasses import dataclass, field

import numpy as np

from nnspec.calls import DEFAULT_TIMEOUT, BoundedText, Caller, CheckFailure, NotProvided
from nnspec.contract import CONTRACT, DEFAULT_DEPTHS, HIDDEN_ACTIVATIONS, LAYOUTS, OUTPUT_ACTIVATIONS

DEFAULT_TARGET = "reference"


class LoadError(Exception):
    """The implementation could not be loaded; the message says why in one paragraph."""


def _import_file(path: str):
    name = "nnspec_impl_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    # Its own folder first, so that it can import the modules it ships beside it.
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def import_target(target: str):
    """Import a .py file or a dotted module name, turning every way that can fail into a LoadError."""
    is_file = target.endswith(".py") or os.sep in target or os.path.isfile(target)
    if is_file and not os.path.isfile(target):
        raise LoadError(f"{target}: no such file")
    shown = os.path.basename(target) if is_file else target
    sink = BoundedText(2000)
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = sink
    try:
        return _import_file(target) if is_file else importlib.import_module(target)
    except SyntaxError as exc:
        raise LoadError(
            f"{shown} does not import: SyntaxError: {exc.msg} ({os.path.basename(exc.filename or target)}, "
            f"line {exc.lineno})"
        ) from None
    except ModuleNotFoundError as exc:
        if not is_file and exc.name == target.split(".")[0]:
            raise LoadError(f"{target}: no module of that name (pass a path to a .py file or an importable module)") from None
        raise LoadError(
            f"{shown} does not import: it needs the module '{exc.name}', which is not installed "
            f"(pip install {exc.name.split('.')[0]}, or remove the import)"
        ) from None
    except SystemExit as exc:
        raise LoadError(f"{shown} called sys.exit({exc.code!r}) while being imported") from None
    except BaseException as exc:  # noqa: BLE001 - any failure at import time ends the run with one message
        if isinstance(exc, KeyboardInterrupt):
            raise
        frames = traceback.extract_tb(exc.__traceback__)
        last = frames[-1] if frames else None
        where = f" ({os.path.basename(last.filename)}, line {last.lineno})" if last else ""
        raise LoadError(f"{shown} does not import: {type(exc).__name__}: {exc}{where}") from None
    finally:
        sys.stdout, sys.stderr = saved


def _declared(module, attr, default, choices, where):
    value = getattr(module, attr, None)
    if value is None:
        return default, False
    if value not in choices:
        raise LoadError(f"{where}: {attr} was {value!r}, must be one of {', '.join(map(repr, choices))}")
    return value, True


def _depths(module, where):
    value = getattr(module, "DEPTHS", None)
    if value is None:
        return DEFAULT_DEPTHS, False
    try:
        depths = tuple(sorted({int(d) for d in (value if np.iterable(value) else [value])}))
    except (TypeError, ValueError):
        depths = ()
    if not depths or depths[0] < 1:
        raise LoadError(f"{where}: DEPTHS was {value!r}, must be numbers of weight layers, e.g. (2,) or range(1, 4)")
    return depths, True


@dataclass
class Implementation:
    """One implementation in one configuration, with adapters between the suite's columns and its layout."""

    name: str
    module: object
    filename: str | None
    layout: str
    hidden: str
    output: str
    depths: tuple
    declared: dict = field(default_factory=dict)
    timeout: float | None = DEFAULT_TIMEOUT

    def __post_init__(self):
        self.caller = Caller(self.timeout)

    # -- what it provides -------------------------------------------------------------------------------------
    @property
    def provided(self) -> tuple:
        return tuple(n for n in CONTRACT if callable(getattr(self.module, n, None)))

    @property
    def missing(self) -> tuple:
        return tuple(n for n in CONTRACT if n not in self.provided)

    def require(self, *names):
        """Raise NotProvided for the first of `names` the implementation lacks."""
        for name in names:
            if not callable(getattr(self.module, name, None)):
                raise NotProvided(name, self.name)

    def call(self, name, *args, mutable=(), **kwargs):
        """Call the implementation's `name`, failing the check if it mutates an argument not in `mutable`."""
        self.require(name)
        function = getattr(self.module, name)
        before = [copy.deepcopy(a) if i not in mutable else None for i, a in enumerate(args)]
        result = self.caller(name, function, *args, **kwargs)
        for i, (arg, saved) in enumerate(zip(args, before)):
            if i not in mutable and not _same(arg, saved):
                raise CheckFailure(
                    f"{name} modified its argument {i + 1} in place: the contract lets only update_parameters "
                    f"change what it is given (copy before writing, e.g. Z = Z.copy())"
                )
        return result

    def call_fast(self, name, *args, **kwargs):
        """Call without the mutation check (training loops), still under the time limit."""
        self.require(name)
        return self.caller(name, getattr(self.module, name), *args, **kwargs)

    # -- layout adapters: the suite's arrays are columns (features, m) ---------------------------------------------
    @property
    def rows(self) -> bool:
        return self.layout == "rows"

    @property
    def class_axis(self) -> int:
        return 1 if self.rows else 0

    def data(self, A):
        """A (features, m) array in the implementation's layout."""
        return np.ascontiguousarray(A.T) if self.rows else A.copy()

    def from_data(self, A):
        return A.T if self.rows else A

    def data_shape(self, n, m):
        return (m, n) if self.rows else (n, m)

    def weight_shape(self, n_out, n_in):
        return (n_in, n_out) if self.rows else (n_out, n_in)

    def bias_shape(self, n_out):
        return (1, n_out) if self.rows else (n_out, 1)

    def parameters(self, params):
        """Columns parameters {W1: (n1, n0), b1: (n1, 1), ...} in the implementation's layout."""
        return {k: (np.ascontiguousarray(v.T) if self.rows else v.copy()) for k, v in params.items()}

    def from_parameters(self, params):
        return {k: (v.T if self.rows else v) for k, v in params.items()}

    def gradients(self, grads):
        """Columns gradients {dW1: (n1, n0), db1: (n1, 1), ...} in the implementation's layout."""
        return {"d" + k: v for k, v in self.parameters({k[1:]: v for k, v in grads.items()}).items()}

    def describe(self) -> str:
        def mark(key, value):
            return f"{value}" + ("" if self.declared.get(key) else " (assumed)")

        depths = ", ".join(map(str, self.depths))
        return (
            f"layout {mark('LAYOUT', self.layout)}, hidden {mark('HIDDEN_ACTIVATION', self.hidden)}, "
            f"output {mark('OUTPUT_ACTIVATION', self.output)}, depths ({mark('DEPTHS', depths)})"
        )


def _same(a, b) -> bool:
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return True


def _wrap(name, module, filename, timeout) -> Implementation:
    layout, l_set = _declared(module, "LAYOUT", "columns", LAYOUTS, name)
    hidden, h_set = _declared(module, "HIDDEN_ACTIVATION", "relu", HIDDEN_ACTIVATIONS, name)
    output, o_set = _declared(module, "OUTPUT_ACTIVATION", "softmax", OUTPUT_ACTIVATIONS, name)
    depths, d_set = _depths(module, name)
    declared = {"LAYOUT": l_set, "HIDDEN_ACTIVATION": h_set, "OUTPUT_ACTIVATION": o_set, "DEPTHS": d_set}
    return Implementation(name, module, filename, layout, hidden, output, depths, declared, timeout)


def load(target: str | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> list[Implementation]:
    """The implementations to verify: one per configuration the target offers (CONFIGURATIONS + configure)."""
    target = target or DEFAULT_TARGET
    module = import_target(target)
    label = os.path.basename(target) if target.endswith(".py") else target
    return from_module(module, label, timeout)


def from_module(module, label: str, timeout: float | None = DEFAULT_TIMEOUT) -> list[Implementation]:
    """Implementations of an already imported module (or any object with the contract's attributes)."""
    filename = getattr(module, "__file__", None)
    configure = getattr(module, "configure", None)
    configurations = getattr(module, "CONFIGURATIONS", None) if callable(configure) else None
    if configurations:
        impls = []
        for hidden, output in configurations:
            configured = configure(hidden=hidden, output=output)
            impls.append(_wrap(f"{label}[{hidden}-{output}]", configured, filename, timeout))
        return impls
    return [_wrap(label, module, filename, timeout)]
