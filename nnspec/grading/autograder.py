"""A ready Gradescope autograder: `build` makes the zip, `run` is what its run_autograder does per submission.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once per image, then run_autograder once per
submission (in /autograder/submission) and reads /autograder/results/results.json. The root is a setting
($NNSPEC_AUTOGRADER_ROOT, default /autograder) so that the tests can run the same script in a temporary folder.
"""

from __future__ import annotations

import argparse
import ast
import base64
import hashlib
import io
import os
import pwd
import stat
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from nnspec.grading import formats
from nnspec.grading.rubric import load as load_rubric

ROOT_ENV = "NNSPEC_AUTOGRADER_ROOT"
DEFAULT_ROOT = "/autograder"
VENV = "/opt/nnspec"  # outside /autograder, which the sandbox hides from the submission
# Who runs the submission where bubblewrap cannot start (a container that forbids namespaces): never root, which
# could rewrite results.json after nnspec wrote it. Made by setup.sh; where it does not exist (the tests), the
# session takes a uid of its own, as any run as root without a sandbox does (nnspec/sandbox.py, own_uid).
RUNNER_USER = "nnspec-runner"
PROJECT = Path(__file__).resolve().parent.parent.parent

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends python3 python3-venv python3-pip bubblewrap util-linux
python3 -m venv {VENV}
{VENV}/bin/python -m pip install --upgrade pip
wheel="$(ls nnspec-*.whl)"
# The hypothesis the zip was built with: its examples, and so a borderline verdict, are those the teacher saw.
{VENV}/bin/python -m pip install "$wheel[test]" "hypothesis=={{hypothesis}}"
# The unprivileged user the submission's code runs as when bubblewrap cannot start here: it owns nothing.
id -u {RUNNER_USER} >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin {RUNNER_USER}
{VENV}/bin/python -c "import nnspec.grading.autograder"
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this once per submission. nnspec writes results/results.json whatever the submission does.
root="${{{ROOT_ENV}:-{DEFAULT_ROOT}}}"
python="${{NNSPEC_PYTHON:-{VENV}/bin/python}}"
"$python" -m nnspec.grading.autograder run --root "$root"
code=$?
if [ ! -s "$root/results/results.json" ]; then
  # nnspec itself could not start: still one failed test saying so.
  mkdir -p "$root/results"
  message="nnspec could not run (exit code $code): see the autograder log"
  printf '{{"score": 0, "output": "%s", "tests": [{{"name": "nnspec", "score": 0, "max_score": 0, "status": "failed",'\\
' "output": "%s"}}]}}\\n' "$message" "$message" > "$root/results/results.json"
fi
exit 0
"""


def hypothesis_version() -> str:
    """The hypothesis installed here, which setup.sh pins."""
    from importlib.metadata import version

    return version("hypothesis")


def build(output, rubric=None) -> Path:
    """Write the Gradescope autograder zip: setup.sh, run_autograder, nnspec's wheel, the rubric if any."""
    output = Path(output)
    if rubric is not None:
        load_rubric(rubric)  # a bad rubric fails now, at the teacher's desk, not in every submission's results
    wheel_name, wheel_bytes = wheel()
    output.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        setup = SETUP_SH.replace("{hypothesis}", hypothesis_version())
        for name, text in (("setup.sh", setup), ("run_autograder", RUN_AUTOGRADER)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.external_attr = (stat.S_IFREG | 0o755) << 16
            archive.writestr(info, text)
        archive.writestr(zipfile.ZipInfo(wheel_name, date_time=(2020, 1, 1, 0, 0, 0)), wheel_bytes)
        if rubric is not None:
            archive.writestr(zipfile.ZipInfo("rubric.toml", date_time=(2020, 1, 1, 0, 0, 0)),
                             Path(rubric).read_bytes())
    return output


def wheel() -> tuple:
    """(file name, bytes) of a pure-Python wheel of this checkout, built with the standard library (offline)."""
    try:
        import tomllib
    except ImportError:
        import tomli as tomllib
    pyproject = PROJECT / "pyproject.toml"
    if not pyproject.is_file():
        raise FileNotFoundError(f"{pyproject} does not exist: build the autograder from a clone of nnspec")
    project = tomllib.loads(pyproject.read_text())["project"]
    name, version = project["name"], project["version"]
    dist = f"{name}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
                f"Summary: {project.get('description', '')}", f"Requires-Python: {project.get('requires-python', '')}"]
    metadata += [f"Requires-Dist: {d}" for d in project.get("dependencies", ())]
    for extra, requirements in project.get("optional-dependencies", {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f"Requires-Dist: {r}; extra == \"{extra}\"" for r in requirements]
    entry_points = "".join(f"[{group}]\n" + "".join(f"{k} = {v}\n" for k, v in points.items()) + "\n"
                           for group, points in project.get("entry-points", {}).items())
    files = {}
    for package in ("nnspec", "spec", "reference"):
        for path in sorted((PROJECT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                files[path.relative_to(PROJECT).as_posix()] = path.read_bytes()
    files[f"{dist}/METADATA"] = ("\n".join(metadata) + "\n").encode()
    files[f"{dist}/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: nnspec.grading.autograder\nRoot-Is-Purelib: true\n"
                              b"Tag: py3-none-any\n")
    files[f"{dist}/entry_points.txt"] = entry_points.encode()
    record = [f"{path},sha256={_digest(data)},{len(data)}" for path, data in files.items()] + [f"{dist}/RECORD,,"]
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0)), data)
    return f"{name}-{version}-py3-none-any.whl", buffer.getvalue()


def _digest(data: bytes) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


# -- one submission ----------------------------------------------------------------------------------------------

def run(root=None, out=None) -> dict:
    """Verify root/submission (sandboxed when possible) and write root/results/results.json; return the entry."""
    out = out or sys.stdout
    root = Path(root or os.environ.get(ROOT_ENV) or DEFAULT_ROOT)
    results = root / "results" / "results.json"
    try:
        return _run(root, results, out)
    except Exception as exc:  # noqa: BLE001 - Gradescope must get a results file whatever went wrong
        message = f"nnspec could not grade this submission: {type(exc).__name__}: {exc}"
        results.parent.mkdir(parents=True, exist_ok=True)
        results.write_text(formats.failure("gradescope", message))
        print(message, file=out)
        return {"path": "(nothing)", "verdict": "error", "message": message}


def _run(root: Path, results: Path, out) -> dict:
    from nnspec.batch import Limits, discover
    from nnspec.process import Limits as ProcessLimits

    rubric = root / "source" / "rubric.toml"
    rubric = rubric if rubric.is_file() else None
    submission = root / "submission"
    files = discover([submission]) if submission.is_dir() else []
    if not files:
        entry = {"path": "(nothing)", "load_error": "your submission has no .py file: upload your network as one "
                 ".py file (helpers may sit beside it, named with a leading _)", "failed": True}
        formats.write(entry, "gradescope", results, rubric)
        print("nnspec: no .py file in the submission", file=out)
        return entry
    chosen = max(files, key=_contract_names_defined)  # the file that defines the most contract names
    from nnspec import runner
    from nnspec.batch import entry_of, stage, unstaged

    limits = Limits(wall=float(os.environ.get("NNSPEC_AUTOGRADER_TIMEOUT", Limits.wall)))
    with tempfile.TemporaryDirectory(prefix="nnspec-submission-") as copy:
        # Readable by the unprivileged user (not writable), in a folder it may enter but not list.
        [staged] = stage([chosen], Path(copy), readable=True)
        started = time.monotonic()
        # The checks run here; the submission runs in a sandboxed process of its own, which sees its copy only
        # (without a sandbox: as the unprivileged user, which can read that copy and write nothing of ours).
        result = runner.verify(str(staged.copy), timeout=limits.call, select=_graded(rubric), quiet=True,
                               default_require="applicable", label=chosen.name, wall=limits.wall,
                               limits=ProcessLimits(memory_mb=limits.memory_mb, cpu=limits.cpu, user=_runner_user()),
                               sandbox="auto")
        result = unstaged(result, staged.copy)
        print(f"nnspec: verified {chosen.relative_to(submission)}; {result.get('sandbox', '')}", file=out, flush=True)
        entry = entry_of(staged, result, time.monotonic() - started)
    entry["path"] = str(chosen.relative_to(submission))
    formats.write(entry, "gradescope", results, rubric)
    print(f"nnspec: {entry['verdict']}; results in {results}", file=out, flush=True)
    return entry


def _runner_user() -> str | None:
    """setup.sh's unprivileged user, else None (a uid of its own: not `nobody`, whom daemons may run as)."""
    try:
        pwd.getpwnam(RUNNER_USER)
    except KeyError:
        return None
    return RUNNER_USER


def _graded(rubric) -> list | None:
    """The checks a rubric file's items need (None: all of them); the others would only cost time."""
    if rubric is None:
        return None
    from nnspec.checks import all_checks

    names = {item.name for item in load_rubric(rubric).items or ()}
    if not names:
        return None
    return [c.name for c in all_checks() if c.contract in names or c.name in names]


def _contract_names_defined(path: Path) -> int:
    from nnspec.contract import CONTRACT

    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (SyntaxError, ValueError):
        return 0
    return sum(isinstance(n, ast.FunctionDef) and n.name in CONTRACT for n in tree.body)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nnspec.grading.autograder")
    commands = parser.add_subparsers(dest="command", required=True)
    run_parser = commands.add_parser("run", help="grade root/submission into root/results/results.json")
    run_parser.add_argument("--root", default=None, help=f"the autograder root (default ${ROOT_ENV} or {DEFAULT_ROOT})")
    args = parser.parse_args(argv)
    run(args.root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
