"""The pytest side: `--impl PATH_OR_MODULE`, the report header, skips for missing names, the conformance summary."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest


def _import_without_assertion_rewriting():
    """Import hypothesis and nnspec's checks as plain Python.

    pytest rewrites the asserts of every module of a distribution that has a pytest plugin (hypothesis's, ours):
    well over a hundred modules, compiled anew on every run where bytecode is not cached. The checks raise their
    own messages, so the rewriting buys nothing here and cost a quarter of a run's CPU time.
    """
    hooks = [finder for finder in sys.meta_path if type(finder).__name__ == "AssertionRewritingHook"]
    for hook in hooks:
        sys.meta_path.remove(hook)
    try:
        import hypothesis  # noqa: F401

        from nnspec import checks, implementation, report  # noqa: F401

        checks.all_checks()
    finally:
        sys.meta_path[:0] = hooks


_import_without_assertion_rewriting()

import hypothesis  # noqa: E402

from nnspec import report, settings  # noqa: E402
from nnspec.calls import DEFAULT_TIMEOUT, NotProvided, call_limit  # noqa: E402
from nnspec.checks import all_checks  # noqa: E402
from nnspec.implementation import LoadError, NotIndependent, load  # noqa: E402

CHECK_ATTR = "_nnspec_check"
PROJECT = Path(__file__).resolve().parent.parent
CONTRACT_TESTS = PROJECT / "tests" / "contract"


class _ProfileCheck:
    """--hypothesis-profile names one of nnspec's profiles, said before hypothesis' own plugin fails on it."""

    @pytest.hookimpl(tryfirst=True)
    def pytest_configure(self, config):
        name = config.getoption("hypothesis_profile", None)
        if name and active(config) and name not in settings.PROFILES:
            pytest.exit(f"nnspec: --hypothesis-profile was {name!r}, must be one of {', '.join(settings.PROFILES)}",
                        returncode=pytest.ExitCode.USAGE_ERROR)


def pytest_addoption(parser, pluginmanager):
    pluginmanager.register(_ProfileCheck(), "nnspec-profile-check")
    group = parser.getgroup("nnspec")
    group.addoption("--impl", default=None, metavar="PATH_OR_MODULE",
                    help="the implementation to verify: a .py or .ipynb file, or a dotted module name "
                         "(default: $NNSPEC_IMPL, else the reference in each of its configurations)")
    group.addoption("--impl-timeout", type=call_limit, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                    help=f"time limit for one call into the implementation (default {DEFAULT_TIMEOUT:g} s; 0: none)")
    group.addoption("--nnspec-report", default=None, metavar="FILE.json",
                    help="also write the conformance summary as JSON")
    group.addoption("--require", default=None, metavar="all|applicable|NAME,...",
                    help="contract names that must be provided: a missing one fails (default: what the file "
                         "provides; 'applicable': what its declared configuration needs; 'all': every name)")
    group.addoption("--profile", default=None, metavar="NAME",
                    help="the API the file is written in: dls, cs231n, nnfs, nielsen, names; none to turn "
                         "recognition off (default: recognised from the names it defines)")
    group.addoption("--definitions-only", action="store_true", default=False,
                    help="read a .py like a notebook: only its def, class, import and ALL_CAPS constants run")
    group.addoption("--sandbox", default="off", choices=("off", "auto", "required"),
                    help="run the implementation in a sandbox (bubblewrap): auto where this machine can, required "
                         "or exit 2 (default off: a process of its own, as this user)")


def target(config):
    return config.getoption("impl") or os.environ.get("NNSPEC_IMPL") or None


def pytest_load_initial_conftests(early_config, parser, args):
    # `pytest --impl FILE` with no test path runs the contract suite, from whatever folder it is started in.
    known = early_config.known_args_namespace
    if (getattr(known, "impl", None) or os.environ.get("NNSPEC_IMPL")) and not known.file_or_dir:
        args.append(str(CONTRACT_TESTS))
        # pytest chose its rootdir before it knew --impl takes a value, from the folder of the file after it; the
        # suite's own folder gives test ids that name real files, and no .pytest_cache in the user's folder.
        if not known.rootdir and hasattr(early_config, "_rootpath"):
            early_config._rootpath = PROJECT


def active(config) -> bool:
    """The plugin acts when asked to verify (--impl) or when running nnspec's own tests, never elsewhere."""
    return bool(target(config)) or config.rootpath.resolve() == PROJECT


def pytest_configure(config):
    config.addinivalue_line("markers", "nnspec(contract): a contract check of an implementation")
    config._nnspec_outcomes = []
    config._nnspec_impls = None
    config._nnspec_required = ()
    if not active(config):
        return
    try:
        if not config.getoption("hypothesis_profile", None):
            settings.load()
        from nnspec.runner import sandbox_problem

        problem = sandbox_problem(config.getoption("sandbox"))
        if not problem and config.getoption("nnspec_report"):
            problem = report.folder_problem("--nnspec-report", config.getoption("nnspec_report"))
        if problem:
            raise ValueError(problem)
        config._nnspec_impls = load(target(config), timeout=config.getoption("impl_timeout") or None,
                                    sandbox=config.getoption("sandbox"), profile=config.getoption("profile"),
                                    definitions_only=config.getoption("definitions_only"),
                                    notice=lambda line: print(line, file=sys.__stderr__, flush=True))
        config._nnspec_required = report.parse_require(config.getoption("require"), config._nnspec_impls,
                                                       "provided")
    except NotIndependent as exc:
        pytest.exit(f"nnspec: {exc}", returncode=1)
    except (LoadError, ValueError) as exc:
        pytest.exit(f"nnspec: {exc}", returncode=2)


def pytest_unconfigure(config):
    impls = getattr(config, "_nnspec_impls", None)
    if impls:
        impls[0].session.close()


def pytest_report_header(config):
    impls = config._nnspec_impls
    if not impls:
        return None
    first = impls[0]
    lines = [f"nnspec: implementation {target(config) or 'reference (default)'}"
             + (f" -> {first.filename}" if first.filename else "")]
    lines += [f"  {line}" for line in first.session.header]
    for impl in impls:
        lines.append(f"  {impl.name}: {impl.describe()}")
    lines.append(f"  {first.session.sandbox_line}")
    from nnspec.precision import precision_line

    computes = precision_line(first)
    if computes:
        lines.append(f"  {computes}")
    current = hypothesis.settings.default
    lines.append(f"  hypothesis profile {hypothesis.settings.get_current_profile_name()!r}: {current.max_examples} "
                 f"examples per check, {'derandomized' if current.derandomize else 'random'}")
    not_applicable = [n for n in first.missing if n in first.info.get("not_applicable", {})]
    missing = [n for n in first.missing if n not in not_applicable]
    lines.append(f"  provides {len(first.provided)} of {len(first.provided) + len(first.missing)} contract names"
                 + (f"; not provided: {', '.join(missing)}" if missing else "")
                 + (f"; not applicable: {', '.join(not_applicable)}" if not_applicable else ""))
    return lines


def contract_tests(chapter: str) -> dict:
    """`test_<check>` functions for one chapter of checks, for a test module's globals()."""
    tests = {}
    for item in all_checks():
        if item.chapter != chapter:
            continue

        def test(impl, request, _check=item):
            try:
                _check(impl)
            except NotProvided as exc:
                if exc.name in request.config._nnspec_required:
                    pytest.fail(f"{exc}, which --require asks for", pytrace=False)
                pytest.skip(str(exc))

        test.__name__ = test.__qualname__ = f"test_{item.name}"
        test.__doc__ = f"{item.contract}: {item.name.replace('_', ' ')}"
        setattr(test, CHECK_ATTR, item)
        tests[test.__name__] = pytest.mark.nnspec(item.contract)(test)
    return tests


def pytest_generate_tests(metafunc):
    item = getattr(metafunc.function, CHECK_ATTR, None)
    impls = metafunc.config._nnspec_impls
    if item is None or "impl" not in metafunc.fixturenames or not impls:
        return
    chosen = impls if item.per_configuration else impls[:1]
    metafunc.parametrize("impl", chosen, ids=[i.name for i in chosen])


def pytest_collection_modifyitems(config, items):
    if not target(config):
        return
    # Verifying someone's implementation: only the contract checks concern it.
    keep = [i for i in items if i.get_closest_marker("nnspec")]
    dropped = [i for i in items if not i.get_closest_marker("nnspec")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    marker = item.get_closest_marker("nnspec")
    if marker is None:
        return
    check = getattr(getattr(item, "function", None), CHECK_ATTR, None)
    impl = item.callspec.params.get("impl") if hasattr(item, "callspec") else None
    if rep.when == "call" or (rep.when == "setup" and rep.outcome != "passed"):
        cause = ""
        if rep.failed and call.excinfo is not None:
            text = report.failure_text(call.excinfo.value)
            if impl is not None:
                text = impl.in_user_terms(text)
            cause = report.cause_of(call.excinfo.value)
            rep.longrepr = text  # the message explains itself; the suite's own traceback would only hide it
            status = "failed"
        elif rep.skipped:
            reason = rep.longrepr[2] if isinstance(rep.longrepr, tuple) else str(rep.longrepr)
            reason = reason.removeprefix("Skipped: ")
            status, text = report.skip_status(reason), reason
        else:
            status, text = "passed", ""
        item.config._nnspec_outcomes.append(
            report.Outcome(check.name if check else item.name, marker.args[0], impl.name if impl else "?", status,
                           text, cause))


def result_of(config) -> dict | None:
    """The run as `python -m nnspec verify --json` would give it: summary, verdict, what is missing."""
    outcomes = getattr(config, "_nnspec_outcomes", [])
    impls = config._nnspec_impls
    if not outcomes or not impls:
        return None
    provided = impls[0].provided
    missing, unprovided = report.missing_names(impls, config._nnspec_required)
    verdict = report.verdict(outcomes, missing + unprovided)
    summary = report.summarize(outcomes)
    return {"implementation": target(config) or "reference", "configurations": [i.name for i in impls],
            "contract": summary, "verdict": verdict,
            "failed": verdict not in ("passed", "incomplete") or bool(missing) or not provided,
            "missing_required": missing, "output": impls[0].session.output_text(),
            "outcomes": report.as_dict(outcomes)}


def pytest_sessionfinish(session, exitstatus):
    result = result_of(session.config)
    # Nothing provided is nothing verified: that run must not end as a success.
    if result and target(session.config) and result["failed"] and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    result = result_of(config)
    if result is None:
        return
    terminalreporter.write_sep("=", "nnspec conformance summary")
    terminalreporter.write_line(report.table(result["contract"]))
    output = result["output"].strip()
    if output:
        terminalreporter.write_line("the implementation printed (first lines):")
        terminalreporter.write_line("  " + "\n  ".join(output.splitlines()[:6]))
    terminalreporter.write_line(report.verdict_line(result))
    path = config.getoption("nnspec_report")
    if path:
        with open(path, "w") as handle:
            json.dump(result, handle, indent=2)
        terminalreporter.write_line(f"nnspec: report written to {path}")
