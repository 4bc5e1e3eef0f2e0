"""The contract's dropout checks (nnspec/checks/dropout.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("dropout"))
