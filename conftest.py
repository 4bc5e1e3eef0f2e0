"""Registers nnspec's pytest plugin for every test run from this checkout (`--impl`, the summary, profiles)."""

pytest_plugins = ["nnspec.pytest_plugin"]
