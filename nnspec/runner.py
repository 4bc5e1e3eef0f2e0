"""Running every contract check without pytest: the engine of `python -m nnspec verify` and of each batch worker."""

from __future__ import annotations

import json
import sys
import time

from nnspec import report, settings
from nnspec.calls import DEFAULT_TIMEOUT, NotProvided
from nnspec.checks import all_checks
from nnspec.implementation import LoadError, load


def selected(select=None):
    """The checks whose names contain one of the `select` substrings (all of them for None)."""
    return [c for c in all_checks() if not select or any(s in c.name for s in select)]


def run_check(check, impl) -> report.Outcome:
    try:
        check(impl)
        status, message = "passed", ""
    except NotProvided as exc:
        message = str(exc)
        status = report.skip_status(message)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - a check that cannot finish is a failed check, and the run goes on
        status, message = "failed", report.failure_text(exc)
    return report.Outcome(check.name, check.contract, impl.name, status, message)


def run_checks(impls, select=None, on_event=None) -> list[report.Outcome]:
    """Every selected check against `impls` (per-configuration checks against each, the others against the first)."""
    outcomes = []
    for check in selected(select):
        for impl in impls if check.per_configuration else impls[:1]:
            if on_event:
                on_event({"event": "start", "check": check.name, "implementation": impl.name})
            outcome = run_check(check, impl)
            outcomes.append(outcome)
            if on_event:
                on_event({"event": "outcome", **report.as_dict([outcome])[0]})
    return outcomes


def verify(target, *, timeout=DEFAULT_TIMEOUT, select=None, events=None, quiet=False) -> dict:
    """Load `target`, run the checks, return {implementation, configurations, contract, failed, outcomes}.

    `events` (a path) receives one JSON line per event as it happens, flushed, so that a process that dies
    mid-check still leaves behind which check it was in.
    """
    settings.load()
    sink = open(events, "a", buffering=1) if events else None

    def emit(event):
        if sink:
            sink.write(json.dumps(event) + "\n")
            sink.flush()
        if not quiet and event["event"] == "outcome" and event["status"] == "failed":
            print(f"FAILED {event['check']} [{event['implementation']}]: {report.first_line(event['message'])}",
                  flush=True)

    started = time.monotonic()
    try:
        try:
            impls = load(target, timeout=timeout)
        except LoadError as exc:
            result = {"implementation": target, "load_error": str(exc), "failed": True}
            emit({"event": "done", **result})
            return result
        emit({"event": "loaded", "configurations": [i.name for i in impls],
              "description": [i.describe() for i in impls], "missing": list(impls[0].missing)})
        outcomes = run_checks(impls, select, emit)
        summary = report.summarize(outcomes)
        result = {"implementation": target, "configurations": [i.name for i in impls], "contract": summary,
                  "failed": report.failed(summary), "seconds": round(time.monotonic() - started, 2),
                  "outcomes": report.as_dict(outcomes)}
        emit({"event": "done", **{k: v for k, v in result.items() if k != "outcomes"}})
        return result
    finally:
        if sink:
            sink.close()


def main_verify(args) -> int:
    """`python -m nnspec verify TARGET`: the checks, a failure line each, the summary; exit 0, 1, or 2."""
    try:
        settings.load()
    except ValueError as exc:
        print(f"nnspec: {exc}", file=sys.stderr)
        return 2
    result = verify(args.target, timeout=args.impl_timeout or None, select=args.select, events=args.events,
                    quiet=args.quiet)
    if "load_error" in result:
        print(f"nnspec: {result['load_error']}", file=sys.stderr)
        code = 2
    else:
        if not args.quiet:
            print(report.table(result["contract"]))
            statuses = [o["status"] for o in result["outcomes"]]
            skipped = len(statuses) - statuses.count("passed") - statuses.count("failed")
            print(f"{statuses.count('passed')} passed, {statuses.count('failed')} failed, {skipped} skipped")
        code = 1 if result["failed"] else 0
    if args.json:
        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    return code
