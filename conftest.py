"""nnspec's own test runs: the plugin even without installing, and no skip counted as a pass in CI."""

import os
import sys
import types
from importlib.metadata import entry_points

import pytest

# Installed (pip install -e .), the plugin comes in through its pytest11 entry point; this is for a bare checkout.
if not any(ep.value == "nnspec.pytest_plugin" for ep in entry_points(group="pytest11")):
    pytest_plugins = ["nnspec.pytest_plugin"]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "tests"))  # tests/background.py


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session, config, items):
    # Heavy jobs of the selected test modules start now, in processes of their own (tests/background.py).
    if config.getoption("impl", None) or config.getoption("collectonly", False):
        return  # nothing will run: --collect-only must not start the heavy jobs, nor wait for them at exit
    import background

    selected = dict.fromkeys(item.module for item in items if getattr(item, "module", None) is not None)
    # A module's jobs, and those of the test modules it imports to read their results (test_meta_catalogue's, say)
    modules = list(dict.fromkeys(m for module in selected for m in [module, *vars(module).values()]
                                 if isinstance(m, types.ModuleType) and getattr(m, "BACKGROUND", None)))
    jobs = [(getattr(m, "BACKGROUND_SECONDS", {}).get(name, 1.0), index, name, function, m)
            for index, m in enumerate(modules) for name, function in m.BACKGROUND.items()]
    jobs.sort(key=lambda job: (-job[0], job[1]))  # the heaviest first: the last to finish is then a short one
    for _, _, name, function, module in jobs:
        background.start(name, function, waiting=name in getattr(module, "BACKGROUND_WAITING", ()))
    # The tests that wait for a job's result run last, their modules in the order their jobs started: until then
    # this process does its own tests beside the jobs.
    first_job = {}
    for position, (*_, module) in enumerate(jobs):
        first_job.setdefault(module, position)
    waiting = [item for item in items if _waits(item)]
    waiting.sort(key=lambda item: first_job.get(item.module, len(jobs)))  # stable: a module's own order is kept
    ids = {id(item) for item in waiting}
    items[:] = [item for item in items if id(item) not in ids] + waiting


def _waits(item) -> bool:
    """Whether the test, or a fixture it uses, asks for a background job's result (`background.result(...)`), itself
    or through a helper function of its module."""
    functions = [getattr(item, "function", None)]
    for definitions in getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}).values():
        functions += [definition.func for definition in definitions]
    return any(_asks_for_a_result(f, depth=2) for f in functions)


def _asks_for_a_result(function, depth: int) -> bool:
    code = getattr(function, "__code__", None)
    if code is None:
        return False
    if {"background", "result"} <= set(code.co_names):
        return True
    helpers = [function.__globals__.get(name) for name in code.co_names] if depth else []
    return any(getattr(h, "__module__", None) == function.__module__ and _asks_for_a_result(h, depth - 1)
               for h in helpers if callable(h))


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
