"""The contract's activations checks (nnspec/checks/activations.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("activations"))
