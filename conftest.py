"""nnspec's own test runs: the plugin even without installing, and no skip counted as a pass in CI."""

import os
import sys
from importlib.metadata import entry_points

import pytest

# Installed (pip install -e .), the plugin comes in through its pytest11 entry point; this is for a bare checkout.
if not any(ep.value == "nnspec.pytest_plugin" for ep in entry_points(group="pytest11")):
    pytest_plugins = ["nnspec.pytest_plugin"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))  # tests/background.py


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # Heavy jobs of the selected test modules start now, in processes of their own (tests/background.py).
    if config.getoption("impl", None):
        return
    import background

    for module in dict.fromkeys(getattr(item, "module", None) for item in items):
        for name, function in getattr(module, "BACKGROUND", {}).items():
            background.start(name, function)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # In CI, nnspec's own run installs every optional dependency, so a skip there means a test that did not run:
    # it is reported as a failure, never counted as passing. (Verifying a user's --impl keeps its skips.)
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not item.config.getoption("impl"):
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.longrepr = f"skipped in CI, where every optional dependency is installed: {reason}"
