"""nnspec's specification: the calculus of small numpy networks, derived and proven with sympy.

`DERIVATIONS` maps each name to a `Derivation` (see `python -m spec`);
`spec.oracles` turns the same expressions into numpy functions for the tests.
"""

from collections import OrderedDict

from . import activations, descent, dropout, layers, losses, tolerances
from .derivation import Derivation, Step

DERIVATIONS: "OrderedDict[str, Derivation]" = OrderedDict(
    (dv.name, dv)
    for module in (activations, losses, layers, dropout, descent, tolerances)
    for dv in module.DERIVATIONS
)


def get(name: str) -> Derivation:
    """The derivation called `name`; KeyError (listing the valid names) if there is none."""
    try:
        return DERIVATIONS[name]
    except KeyError:
        raise KeyError(f"unknown derivation {name!r}; valid names: {', '.join(DERIVATIONS)}") from None


__all__ = ["DERIVATIONS", "Derivation", "Step", "get"]
