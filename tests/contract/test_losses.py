"""The contract's losses checks (nnspec/checks/losses.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("losses"))
