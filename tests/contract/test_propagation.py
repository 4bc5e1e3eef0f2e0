"""The contract's propagation checks (nnspec/checks/propagation.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("propagation"))
