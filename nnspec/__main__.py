"""`python -m nnspec verify FILE` (one implementation), `batch FOLDER` (many, isolated), `sandbox` (what is here)."""

from __future__ import annotations

import argparse
import math
import sys

from nnspec.calls import DEFAULT_TIMEOUT, call_limit
from nnspec.grading import cli as grading


def add_reading_options(parser):
    parser.add_argument("--profile", metavar="NAME", default=None,
                        help="the API the file is written in: dls, cs231n, nnfs, nielsen, names; none to turn "
                             "recognition off (default: recognised from the names the file defines)")
    parser.add_argument("--definitions-only", action="store_true",
                        help="read a .py like a notebook: only its def, class, import and ALL_CAPS constants run")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m nnspec", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    verify = commands.add_parser("verify", help="verify one implementation (run in a process of its own)")
    verify.add_argument("target", help="a .py or .ipynb file, or a dotted module name (e.g. reference)")
    verify.add_argument("--json", metavar="FILE", help="write the result as JSON")
    verify.add_argument("--events", metavar="FILE", help="append one JSON line per check as it runs")
    verify.add_argument("-k", dest="select", action="append", metavar="TEXT",
                        help="only the checks whose names contain TEXT (repeatable)")
    verify.add_argument("--impl-timeout", type=call_limit, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                        help=f"time limit for one call into the implementation (default {DEFAULT_TIMEOUT:g}; 0: none)")
    verify.add_argument("--require", metavar="all|applicable|NAME,...", default=None,
                        help="contract names that must be provided, else the verdict is incomplete (default: what "
                             "the file provides; 'applicable': the names its declared configuration needs)")
    verify.add_argument("--quiet", action="store_true", help="print nothing; use with --json or --events")
    add_reading_options(verify)
    verify.add_argument("--sandbox", choices=("off", "auto", "required"), default="off",
                        help="run the implementation in a sandbox (bubblewrap): auto where this machine can, "
                             "required or exit 2 (default off: a process of its own, as this user)")
    grading.add_verify_options(verify)

    commands.add_parser("sandbox", help="what sandbox this machine gives implementations, and why not")

    from nnspec.batch import Limits

    limits = Limits()
    batch = commands.add_parser("batch", help="verify many implementations, each in its own limited process")
    batch.add_argument("paths", nargs="+", help=".py files, or folders searched recursively for them")
    batch.add_argument("--report", default="nnspec-report.json", metavar="FILE.json",
                       help="the JSON report; implementations already in it (unchanged) are skipped "
                            "(default nnspec-report.json)")
    batch.add_argument("--workers", type=int, default=2, help="implementations verified at once (default 2)")
    batch.add_argument("--timeout", type=float, default=limits.wall, metavar="SECONDS",
                       help=f"wall time per implementation (default {limits.wall:g})")
    batch.add_argument("--cpu", type=int, default=limits.cpu, metavar="SECONDS",
                       help=f"CPU time per implementation (default {limits.cpu})")
    batch.add_argument("--memory", type=int, default=limits.memory_mb, metavar="MB",
                       help=f"address-space limit per implementation (default {limits.memory_mb})")
    batch.add_argument("--impl-timeout", type=float, default=limits.call, metavar="SECONDS",
                       help=f"time limit for one call into an implementation (default {limits.call:g})")
    batch.add_argument("-k", dest="select", action="append", metavar="TEXT",
                       help="only the checks whose names contain TEXT (repeatable)")
    add_reading_options(batch)
    batch.add_argument("--sandbox", choices=("off", "auto", "required"), default="auto",
                       help="each implementation in a sandbox (bubblewrap): auto where this machine can (default), "
                            "required or exit 2, off")
    batch.add_argument("--require", metavar="all|applicable|NAME,...", default=None,
                       help="contract names each implementation must provide, else its verdict is incomplete "
                            "(default: applicable, the names its declared configuration needs)")
    grading.add_batch_options(batch)
    grading.add_autograder_command(commands)
    commands.add_parser("worker", help=argparse.SUPPRESS)
    return parser


def _positive(parser, name, value):
    if not (value > 0 and math.isfinite(value)):
        parser.error(f"{name} was {value:g}, must be " + ("> 0" if isinstance(value, int) else "a finite number > 0"))


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "autograder":
        return grading.main_autograder(args)
    from nnspec.report import folder_problem

    files = {"verify": ("json", "events"), "batch": ("csv", "html")}.get(args.command, ())
    problem = next(filter(None, (folder_problem(f"--{name}", getattr(args, name)) for name in files
                                 if getattr(args, name))), "")
    if problem:
        print(f"nnspec {args.command}: {problem}", file=sys.stderr)
        return 2
    if args.command == "verify" and (args.format or args.output or args.rubric):
        return grading.main_verify_graded(args)
    if args.command == "verify":
        from nnspec.runner import main_verify

        return main_verify(args)
    if args.command == "worker":
        from nnspec.batch import worker_main

        return worker_main()
    if args.command == "sandbox":
        from nnspec.sandbox import describe, probe

        found = probe()
        print("\n".join(found.lines() + ["header of a batch: " + describe(availability=found)]))
        return 0 if found.sandbox else 1
    from nnspec.batch import Limits, run_batch

    for name in ("workers", "timeout", "cpu", "memory", "impl_timeout"):
        _positive(parser, "--" + name.replace("_", "-"), getattr(args, name))
    from nnspec.runner import sandbox_problem

    problem = sandbox_problem(args.sandbox) or grading.rubric_problem(args)
    if problem:
        print(f"nnspec batch: {problem}", file=sys.stderr)
        return 2
    limits = Limits(wall=args.timeout, cpu=args.cpu, memory_mb=args.memory, call=args.impl_timeout,
                    sandbox=args.sandbox, profile=args.profile, definitions_only=args.definitions_only)
    try:
        entries = run_batch(args.paths, args.report, limits, workers=args.workers, select=args.select,
                            require=args.require)
    except (ValueError, OSError) as exc:  # OSError: the report (ReportNotWritten) or its key cannot be written
        print(f"nnspec batch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    grading.after_batch(args, entries)
    return 0 if all(e["verdict"] == "passed" for e in entries) else 1


if __name__ == "__main__":
    sys.exit(main())
