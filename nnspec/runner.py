"""Running every contract check without pytest: the engine of `python -m nnspec verify` and of a batch's workers."""

from __future__ import annotations

import json
import sys
import time

from nnspec import report, settings
from nnspec.calls import DEFAULT_TIMEOUT, NotProvided
from nnspec.checks import all_checks
from nnspec.implementation import LoadError, load
from nnspec.process import Limits, sandbox_line


def selected(select=None):
    """The checks whose names contain one of the `select` substrings (all of them for None)."""
    return [c for c in all_checks() if not select or any(s in c.name for s in select)]


def run_check(check, impl) -> report.Outcome:
    cause = ""
    try:
        check(impl)
        status, message = "passed", ""
    except NotProvided as exc:
        message = str(exc)
        status = report.skip_status(message)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - a check that cannot finish is a failed check, and the run goes on
        status, message, cause = "failed", impl.in_user_terms(report.failure_text(exc)), report.cause_of(exc)
    return report.Outcome(check.name, check.contract, impl.name, status, message, cause)


def run_checks(impls, select=None, on_event=None) -> list[report.Outcome]:
    """Every selected check against `impls` (per-configuration checks against each, the others against the first).

    Once the implementation has used up its wall-time budget, the checks left are "not reached".
    """
    outcomes = []
    spent = False
    for check in selected(select):
        for impl in impls if check.per_configuration else impls[:1]:
            if spent:
                outcome = report.Outcome(check.name, check.contract, impl.name, "not reached",
                                         "not reached: the implementation's wall-time budget was spent", "")
            else:
                if on_event:
                    on_event({"event": "start", "check": check.name, "implementation": impl.name})
                outcome = run_check(check, impl)
                spent = outcome.cause == "wall"
            outcomes.append(outcome)
            if on_event:
                on_event({"event": "outcome", **report.as_dict([outcome])[0]})
    return outcomes


def verify(target, *, timeout=DEFAULT_TIMEOUT, select=None, on_event=None, quiet=False, require=None,
           default_require="provided", limits: Limits | None = None, wall=None, spawn=None, label=None,
           sandbox: str = "off", profile: str | None = None, definitions_only: bool = False) -> dict:
    """Load `target` in a process of its own, run the checks, return the result as plain data.

    {implementation, configurations, contract, verdict, failed, missing_required, outcomes, seconds, output};
    {implementation, load_error, verdict, failed} when it does not load.
    """
    settings.load()
    label = label or target

    def emit(event):
        if on_event:
            on_event(event)
        if not quiet and event["event"] == "outcome" and event["status"] == "failed":
            print(f"FAILED {event['check']} [{event['implementation']}]: {report.first_line(event['message'])}",
                  flush=True)

    started = time.monotonic()
    try:
        impls = load(target, timeout=timeout, limits=limits, wall=wall, spawn=spawn, sandbox=sandbox, profile=profile,
                     definitions_only=definitions_only, notice=None if quiet else _to_stderr)
    except LoadError as exc:
        result = {"implementation": label, "load_error": str(exc), "verdict": exc.verdict, "failed": True,
                  "sandbox": sandbox_line(sandbox, limits or Limits())}
        emit({"event": "done", **result})
        return result
    session = impls[0].session
    try:
        required = report.parse_require(require, impls, default_require)
        provided = impls[0].provided
        # The verdict word holds every implementation to what its configuration needs: a file that provides
        # only some of it is incomplete, never passed (whether that fails the run is --require's to say).
        missing, unprovided = report.missing_names(impls, required)
        emit({"event": "loaded", "configurations": [i.name for i in impls],
              "description": [i.describe() for i in impls], "missing": list(impls[0].missing)})
        outcomes = run_checks(impls, select, emit)
        summary = report.summarize(outcomes)
        verdict = report.verdict(outcomes, missing + unprovided)
        failed = verdict not in ("passed", "incomplete") or bool(missing) or not provided
        from nnspec.precision import precision_line

        header = session.header + [line for line in [precision_line(impls[0])] if line]
        result = {"implementation": label, "sandbox": session.sandbox_line, "header": header,
                  "configurations": [i.name for i in impls], "contract": summary,
                  "verdict": verdict, "failed": failed, "missing_required": missing,
                  "seconds": round(time.monotonic() - started, 2), "output": session.output_text(),
                  "outcomes": report.as_dict(outcomes)}
        if "boundary" in impls[0].artifacts:
            result["boundary"] = impls[0].artifacts["boundary"]
        emit({"event": "done", **{k: v for k, v in result.items() if k not in ("outcomes", "boundary")}})
        return result
    finally:
        session.close()


def _to_stderr(line: str):
    print(line, file=sys.stderr, flush=True)


def sandbox_problem(mode: str) -> str:
    """Why `--sandbox required` cannot be honoured here, or ""."""
    if mode != "required":
        return ""
    from nnspec import sandbox

    found = sandbox.probe()
    return "" if found.sandbox else f"--sandbox required, but {sandbox.describe(availability=found)}"


def main_verify(args) -> int:
    """`python -m nnspec verify TARGET`: the checks, a failure line each, the summary; exit 0, 1, or 2."""
    try:
        settings.load()
    except ValueError as exc:
        print(f"nnspec: {exc}", file=sys.stderr)
        return 2
    sink = open(args.events, "a", buffering=1) if args.events else None

    def on_event(event):
        if sink:
            sink.write(json.dumps(event) + "\n")

    problem = sandbox_problem(args.sandbox)
    if problem:
        print(f"nnspec: {problem}", file=sys.stderr)
        return 2
    try:
        result = verify(args.target, timeout=args.impl_timeout or None, select=args.select, on_event=on_event,
                        quiet=args.quiet, require=args.require, sandbox=args.sandbox, profile=args.profile,
                        definitions_only=args.definitions_only)
    except ValueError as exc:
        print(f"nnspec: {exc}", file=sys.stderr)
        return 2
    finally:
        if sink:
            sink.close()
    if "load_error" in result:
        print(f"nnspec: {result['load_error']}", file=sys.stderr)
        code = 2 if result["verdict"] == "does not import" else 1
    else:
        if not args.quiet:
            print("\n".join([*result["header"], result["sandbox"]]))
            print(report.table(result["contract"]))
            statuses = [o["status"] for o in result["outcomes"]]
            skipped = len(statuses) - statuses.count("passed") - statuses.count("failed")
            print(f"{statuses.count('passed')} passed, {statuses.count('failed')} failed, {skipped} skipped")
            print(report.verdict_line(result))
        code = 1 if result["failed"] else 0
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    return code
