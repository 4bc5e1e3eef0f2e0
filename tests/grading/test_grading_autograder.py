"""The Gradescope zip, end to end in a temporary root that mimics /autograder (setup.sh is read, not run)."""

import json
import os
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import background

import pytest

import schemas
from nnspec.grading.autograder import build

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "epsilon_network.py"
BROKEN = EXAMPLE.read_text() + "\n\ndef dropout_backward(dA, mask, keep_prob):\n    return dA * mask * keep_prob\n"
# Tries to grade itself, and to leave a file in the autograder's root, then ends the process during import.
HOSTILE = """import os
root = "AUTOGRADER_ROOT"  # the real root, written in by the test: an attacker who found it
for attempt in ("results/results.json", "pwned"):
    try:
        os.makedirs(os.path.dirname(os.path.join(root, attempt)), exist_ok=True)
        with open(os.path.join(root, attempt), "w") as handle:
            handle.write('{"score": 1000, "tests": []}')
    except OSError:
        pass
os._exit(0)
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zip")
    rubric = folder / "rubric.toml"
    rubric.write_text("[items]\nrelu = 10\nbackward_propagation = 20\ndropout_backward = 20\n")
    return build(folder / "autograder.zip", rubric)


def _grade_four() -> dict:
    """The four submissions graded at once (each in its own root): {name: (results, process, root)}."""
    work = background.scratch("nnspec-autograder-")
    rubric = work / "rubric.toml"
    rubric.write_text("[items]\nrelu = 10\nbackward_propagation = 20\ndropout_backward = 20\n")
    archive = build(work / "autograder.zip", rubric)
    submissions = {"correct": {"network.py": EXAMPLE.read_text()}, "broken": {"network.py": BROKEN},
                   "empty": {}, "hostile": {"network.py": HOSTILE}}
    with ThreadPoolExecutor(max_workers=len(submissions) + 1) as pool:
        futures = {}
        for name, files in submissions.items():
            (work / name).mkdir()
            futures[name] = pool.submit(grade_submission, work / name, archive, files)
        (work / "wheel").mkdir()
        futures["wheel"] = pool.submit(_install_the_wheel, work / "wheel", archive)
        return {name: future.result() for name, future in futures.items()}


def _install_the_wheel(folder, archive) -> tuple:
    """The zip's wheel installed into a folder of its own and imported from there alone: (import's process, folder)."""
    zipfile.ZipFile(archive).extract("nnspec-0.1.0-py3-none-any.whl", folder)
    target = folder / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", "--target",
                    str(target), str(folder / "nnspec-0.1.0-py3-none-any.whl")], check=True, timeout=300)
    done = subprocess.run([sys.executable, "-c", "import nnspec.grading.autograder, spec, reference; "
                           "print(nnspec.__file__)"], cwd=folder, env=dict(os.environ, PYTHONPATH=str(target)),
                          capture_output=True, text=True, timeout=300)
    return done, target


# The four gradings run in the background from the start of the session (tests/background.py).
BACKGROUND = {"autograder": _grade_four}
BACKGROUND_SECONDS = {"autograder": 3.3}


@pytest.fixture(scope="module")
def graded():
    return background.result("autograder", _grade_four)


def grade_submission(tmp_path, archive, files: dict) -> tuple:
    """Unpack the zip into root/source, put `files` in root/submission, run run_autograder; its results."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as unpacked:
        unpacked.extractall(root / "source", members=[n for n in unpacked.namelist() if n != "run_autograder"])
        background.write_executable(root / "source" / "run_autograder", unpacked.read("run_autograder"))
    (root / "submission").mkdir()
    (root / "results").mkdir()
    for name, text in files.items():
        (root / "submission" / name).write_text(text.replace("AUTOGRADER_ROOT", str(root)))
    env = dict(os.environ, NNSPEC_AUTOGRADER_ROOT=str(root), NNSPEC_PYTHON=sys.executable,
               PYTHONPATH=str(ROOT), NNSPEC_AUTOGRADER_TIMEOUT="120")
    done = subprocess.run([str(root / "source" / "run_autograder")], cwd=root, env=env, capture_output=True,
                          text=True, timeout=600)
    results = json.loads((root / "results" / "results.json").read_text())
    assert schemas.gradescope(results) == [], results
    return results, done, root


def test_the_zip_holds_setup_run_autograder_a_wheel_and_the_rubric(archive):
    names = zipfile.ZipFile(archive).namelist()
    assert {"setup.sh", "run_autograder", "rubric.toml", "nnspec-0.1.0-py3-none-any.whl"} == set(names), names
    setup = zipfile.ZipFile(archive).read("setup.sh").decode()
    from importlib.metadata import version

    # The examples hypothesis draws can change with its version: the image gets the one the teacher built with.
    pinned = f'"hypothesis=={version("hypothesis")}"'
    for needed in ("apt-get install", "bubblewrap", 'pip install "$wheel[test]" ' + pinned, "useradd"):
        assert needed in setup, f"setup.sh lacks {needed!r}:\n{setup}"


def test_the_wheel_installs_and_imports_without_the_checkout(graded):
    done, target = graded["wheel"]
    assert done.returncode == 0 and str(target) in done.stdout, done.stderr


def test_a_correct_submission_gets_every_point(graded):
    results, done, _ = graded["correct"]
    assert results["score"] == 50 and all(t["status"] == "passed" for t in results["tests"]), results
    assert done.stderr == "", done.stderr


def test_a_broken_submission_loses_the_points_of_what_is_wrong(graded):
    results, _, _ = graded["broken"]
    dropout = next(t for t in results["tests"] if t["name"] == "dropout_backward")
    assert results["score"] == 30 and dropout["score"] == 0, results
    assert "dropout_backward" in dropout["output"], dropout


def test_an_empty_submission_scores_zero_and_says_what_to_upload(graded):
    results, _, _ = graded["empty"]
    assert results["score"] == 0 and "has no .py file" in results["output"], results
    assert sum(t["max_score"] for t in results["tests"]) == 50, results


def test_a_hostile_submission_cannot_grade_itself_nor_touch_the_root(graded):
    results, done, root = graded["hostile"]
    assert results["score"] == 0 and results["extra_data"]["verdict"] == "does not import", results
    assert "ended its process with exit code 0" in results["output"], results
    assert not (root / "pwned").exists(), "the submission wrote into the autograder's root"
    assert "sandbox: bubblewrap" in done.stdout, done.stdout


def test_when_nnspec_cannot_grade_the_results_file_still_says_so(tmp_path):
    from nnspec.grading.autograder import run

    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "rubric.toml").write_text("[items]\nreluu = 1\n")
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "network.py").write_text(EXAMPLE.read_text())
    run(tmp_path, out=open(os.devnull, "w"))
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert schemas.gradescope(results) == [] and results["tests"][0]["status"] == "failed", results
    assert "'reluu' is not a contract row" in results["output"], results["output"]


def test_when_python_itself_cannot_start_run_autograder_still_writes_a_failed_test(tmp_path, archive):
    script = tmp_path / "source" / "run_autograder"
    script.parent.mkdir()
    background.write_executable(script, zipfile.ZipFile(archive).read("run_autograder"))
    done = subprocess.run([str(script)], env=dict(os.environ, NNSPEC_AUTOGRADER_ROOT=str(tmp_path),
                                                  NNSPEC_PYTHON="/bin/false"), capture_output=True, timeout=60)
    results = json.loads((tmp_path / "results" / "results.json").read_text())
    assert done.returncode == 0 and schemas.gradescope(results) == [], results
    assert results["tests"][0]["status"] == "failed" and "exit code 1" in results["output"], results


def test_without_a_sandbox_the_submission_would_run_as_the_unprivileged_user_and_can_read_its_copy(tmp_path,
                                                                                                   monkeypatch):
    # Where bubblewrap cannot start (a container forbidding namespaces), root would run the submission, which could
    # then leave the cgroup and rewrite results.json after grading: the submission is given the unprivileged user.
    from nnspec import runner
    from nnspec.grading import autograder

    seen = {}

    def verify(target, **options):
        folder = Path(target).parent
        seen.update(user=options["limits"].user, modes={p.name: p.stat().st_mode & 0o777 for p in folder.iterdir()},
                    folder=folder.stat().st_mode & 0o777)
        return {"verdict": "passed", "contract": {}}

    monkeypatch.setattr(runner, "verify", verify)
    (tmp_path / "submission").mkdir()
    (tmp_path / "submission" / "network.py").write_text(EXAMPLE.read_text())
    (tmp_path / "submission" / "_helper.py").write_text("X = 1\n")
    autograder.run(tmp_path, out=open(os.devnull, "w"))
    # setup.sh's user, or None: then the session takes a uid of its own (never `nobody`, whom daemons may run as).
    assert seen["user"] == autograder._runner_user() and seen["user"] in ("nnspec-runner", None), seen
    assert seen["folder"] == 0o755 and seen["modes"] == {"network.py": 0o644, "_helper.py": 0o644}, seen
