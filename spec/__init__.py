"""nnspec's specification: the calculus of small numpy networks, derived and proven with sympy.

`DERIVATIONS` maps each name to a `Derivation` (see `python -m spec`);
`spec.oracles` turns the same expressions into numpy functions for the tests;
`spec.bounds` holds the checks' tolerances as plain numbers (derived in `spec.tolerances`).
The derivations are imported on first use, so that `from spec import bounds` needs no sympy.
"""

from __future__ import annotations

_MODULES = ("activations", "losses", "layers", "dropout", "descent", "tolerances")
_LAZY = ("DERIVATIONS", "Derivation", "Step")


def _derivations():
    import importlib
    from collections import OrderedDict

    modules = [importlib.import_module(f".{name}", __name__) for name in _MODULES]
    return OrderedDict((dv.name, dv) for module in modules for dv in module.DERIVATIONS)


def __getattr__(name):
    if name == "DERIVATIONS":
        value = _derivations()
    elif name in ("Derivation", "Step"):
        from . import derivation

        value = getattr(derivation, name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def get(name: str):
    """The derivation called `name`; KeyError (listing the valid names) if there is none."""
    derivations = __getattr__("DERIVATIONS") if "DERIVATIONS" not in globals() else globals()["DERIVATIONS"]
    try:
        return derivations[name]
    except KeyError:
        raise KeyError(f"unknown derivation {name!r}; valid names: {', '.join(derivations)}") from None


__all__ = ["DERIVATIONS", "Derivation", "Step", "get"]
