"""nnspec's specification: the calculus of small numpy networks, derived and proven with sympy.

`DERIVATIONS` maps each name to a `Derivation` (see `python -m spec`);
`spec.oracles` turns the same expressions into numpy functions for the tests.
"""

from collections import OrderedDict
from functools import cache


@cache
def _derivations():
    # Imported on first use only: `spec.oracles` (numpy alone) must not pay for sympy.
    from . import activations, descent, dropout, layers, losses

    return OrderedDict((dv.name, dv) for module in (activations, losses, layers, dropout, descent)
                       for dv in module.DERIVATIONS)


def __getattr__(name):
    if name == "DERIVATIONS":
        return _derivations()
    if name in ("Derivation", "Step"):
        from . import derivation

        return getattr(derivation, name)
    raise AttributeError(f"module 'spec' has no attribute {name!r}")


def get(name: str):
    """The derivation called `name`; KeyError (listing the valid names) if there is none."""
    try:
        return _derivations()[name]
    except KeyError:
        raise KeyError(f"unknown derivation {name!r}; valid names: {', '.join(_derivations())}") from None


__all__ = ["DERIVATIONS", "Derivation", "Step", "get"]
