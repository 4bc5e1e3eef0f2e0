"""nnspec's verifier: load an implementation, hold it to the contract, explain what is wrong."""

from nnspec.contract import CONTRACT

__all__ = ["CONTRACT"]
