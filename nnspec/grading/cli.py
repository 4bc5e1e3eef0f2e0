"""The grading options of `python -m nnspec verify|batch` and the `autograder` command."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from nnspec.grading.formats import FORMATS, failure, save, write

DEFAULT_OUTPUT = {"gradescope": "results.json", "prairielearn": "results.json", "github-classroom": "results.json",
                  "junit": "junit.xml", "json": "grade.json"}


def add_verify_options(parser):
    parser.add_argument("--format", choices=FORMATS, help="write the grade in this platform's results format")
    parser.add_argument("--output", metavar="PATH", help="where --format writes (default results.json, junit.xml "
                                                         "or grade.json)")
    parser.add_argument("--rubric", metavar="RUBRIC.toml", help="points per item (default: equal points over the "
                                                                "names that apply to the declared configuration)")


def add_batch_options(parser):
    add_verify_options(parser)
    parser.add_argument("--csv", metavar="GRADES.csv", help="the gradebook: one row per submission")
    parser.add_argument("--html", metavar="REPORT.html", help="a self-contained page: matrix, scores, messages")


def add_autograder_command(commands):
    autograder = commands.add_parser("autograder", help="build a ready autograder for a grading platform")
    autograder.add_argument("platform", choices=["gradescope"])
    autograder.add_argument("--rubric", metavar="RUBRIC.toml", help="the rubric the zip grades with")
    autograder.add_argument("--output", default="autograder.zip", metavar="ZIP",
                            help="the zip to upload (default autograder.zip)")


def main_autograder(args) -> int:
    from nnspec.grading.autograder import build
    from nnspec.grading.rubric import RubricError

    try:
        path = build(args.output, args.rubric)
    except (RubricError, OSError) as exc:
        print(f"nnspec autograder: {exc}", file=sys.stderr)
        return 2
    print(f"{path}: upload it as the Gradescope autograder (Ubuntu base image)")
    return 0


def rubric_problem(args) -> str:
    """Why --rubric cannot be used (read before anything runs, not after a whole batch), or ""."""
    if not getattr(args, "rubric", None):
        return ""
    from nnspec.grading.rubric import RubricError, load

    try:
        load(args.rubric)
    except RubricError as exc:
        return f"--rubric: {exc}"
    return ""


def main_verify_graded(args) -> int:
    """`verify --format F`: verify, then write the grade; stderr stays empty unless nnspec itself failed."""
    from nnspec import report, runner

    output = args.output or DEFAULT_OUTPUT[args.format or "json"]
    fmt = args.format or "json"
    problem = rubric_problem(args)
    if problem:  # the platform still gets its results file, saying why there is no grade
        save(Path(output), failure(fmt, f"nnspec could not grade this submission: {problem}"))
        print(f"nnspec: {problem}", file=sys.stderr)
        return 2
    with _captured_stderr() as captured:
        try:
            result = runner.verify(args.target, timeout=args.impl_timeout or None, select=args.select,
                                   quiet=args.quiet, require=args.require)
        except Exception as exc:  # noqa: BLE001 - the platform still gets its results file
            message = f"nnspec itself failed: {type(exc).__name__}: {exc}"
            save(Path(output), failure(fmt, message))
            captured.failed = True
            print(message, file=sys.__stderr__)
            return 2
    if "load_error" in result:
        if not args.quiet:
            print(f"nnspec: {result['load_error']}")
    elif not args.quiet:
        print(report.table(result["contract"]))
    if args.json:
        import json

        with open(args.json, "w") as handle:
            json.dump(result, handle, indent=2)
    write(result, fmt, output, args.rubric)
    return 2 if "load_error" in result else (1 if result["failed"] else 0)


def after_batch(args, entries) -> None:
    """Write what `batch --csv/--html/--format` asked for from the batch's entries."""
    if args.csv:
        from nnspec.grading.gradebook import write_csv

        write_csv(entries, args.csv, args.rubric)
    if args.html:
        from nnspec.grading.html import write_html

        write_html(entries, args.html, args.rubric)
    if args.format:
        write(entries, args.format, args.output or DEFAULT_OUTPUT[args.format].replace(".json", ""), args.rubric)


class _captured_stderr:
    """Send file descriptor 2 (ours and our children's) to a temporary file; replay it if something failed."""

    def __enter__(self):
        self.failed = False
        sys.stderr.flush()
        self.saved = os.dup(2)
        self.file = tempfile.TemporaryFile()
        os.dup2(self.file.fileno(), 2)
        return self

    def __exit__(self, kind, value, traceback):
        sys.stderr.flush()
        os.dup2(self.saved, 2)
        os.close(self.saved)
        if kind is not None or self.failed:
            self.file.seek(0)
            os.write(2, self.file.read()[-65536:])
        self.file.close()
        return False
