"""The contract's training checks (nnspec/checks/training.py), run against the implementation under test."""

from nnspec.pytest_plugin import contract_tests

globals().update(contract_tests("training"))
