"""The contract's parameters checks (nnspec/checks/parameters.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("parameters"))
