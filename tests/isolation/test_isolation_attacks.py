"""Hostile submissions, tried as a student who wants a better grade would: each ends with its own honest verdict,
and every other submission's verdict and report entry stays as it was.

Twice: with the process boundary alone (--sandbox off), where an attack on the files may run but changes no verdict
but its own, and in the sandbox (bubblewrap), where it cannot even reach them."""

import io
import json
import os
import shutil
from pathlib import Path

import background

import numpy as np
import pytest

from nnspec import runner
from nnspec.batch import Limits, run_batch
from nnspec.implementation import load

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
ROOT = HOSTILE.parents[1]
CORRECT = "from _base import *  # noqa\n"
SELECT = ["relu_matches_the_spec", "softmax_matches_the_spec"]
EXPECTED = {
    "patches_nnspec.py": ("not independent", "imports nnspec: not an independent implementation"),
    "imports_reference.py": ("not independent", "imported reference: not an independent implementation"),
    "patches_in_memory.py": ("failed", "relu: relu(Z) max |error|"),
    "kills_parent.py": ("crashed", "the checking process died while verifying it"),
    "rewrites_neighbour.py": ("passed", ""),
    "changes_numpy_defaults.py": ("passed", ""),
    "prints.py": ("passed", ""),
    "empty.py": ("incomplete", "not provided: relu, softmax"),
    "only_relu.py": ("incomplete", "not provided: softmax"),
    "neighbour_victim.py": ("passed", ""),
    "neighbour_deleted.py": ("passed", ""),
    "correct.py": ("passed", ""),
}


SANDBOXED = {  # what changes in the sandbox: the attacks on the checker's process and on the files do not reach
    "kills_parent.py": ("crashed", "relu: the implementation ended its process with exit code 0"),
}


def _attacks(sandbox: str):
    """The batch of hostile and correct submissions, in a folder of its own: (folder, report, before, entries, mode)."""
    folder = background.scratch("nnspec-attacks-") / "submissions"
    folder.mkdir()
    for name in EXPECTED:
        if (HOSTILE / name).exists():
            shutil.copy(HOSTILE / name, folder)
    if sandbox != "off":
        shutil.copy(HOSTILE / "daemon_at_import.py", folder)
    shutil.copy(HOSTILE / "_base.py", folder)
    (folder / "_where.py").write_text(f"FOLDER = {str(folder)!r}\n")
    (folder / "correct.py").write_text(CORRECT)
    (folder / "neighbour_victim.py").write_text(CORRECT)
    (folder / "neighbour_deleted.py").write_text(CORRECT)
    # A sibling named like the suite's own package must change nothing for anyone else.
    (folder / "reference.py").write_text("def make_moons(*args, **kwargs):\n    raise SystemExit('shadowed')\n")
    before = {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith("neighbour_")}
    report = folder.parent / "report.json"
    limits = Limits(wall=120, cpu=120, memory_mb=1024, call=10, sandbox=sandbox)
    entries = run_batch([folder], report, limits, workers=2, out=io.StringIO(),
                        select=SELECT + ["train_and_predict_learn_the_patterns"], require="relu,softmax")
    return folder, report, before, {Path(e["path"]).name: e for e in entries}, sandbox


# Both batches run from the start of the session, in processes of their own (tests/background.py).
BACKGROUND = {"attacks_off": lambda: _attacks("off"), "attacks_sandboxed": lambda: _attacks("required")}
BACKGROUND_SECONDS = {"attacks_off": 2.8, "attacks_sandboxed": 1.7, "pytest_impl_empty": 2.0}


@pytest.fixture(scope="module", params=["attacks_off", "attacks_sandboxed"])
def batch(request):
    return background.result(request.param, BACKGROUND[request.param])


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_hostile_submission_gets_its_own_honest_verdict(batch, name):
    *_, entries, sandbox = batch
    verdict, fragment = (SANDBOXED if sandbox != "off" else {}).get(name, EXPECTED[name])
    entry = entries[name]
    assert entry["verdict"] == verdict and fragment in entry["message"], entry


def test_no_process_of_a_sandboxed_submission_outlives_the_batch():
    # Only in the sandbox: outside it a double-forked daemon in a session of its own escapes (README says so).
    *_, entries, _ = background.result("attacks_sandboxed", BACKGROUND["attacks_sandboxed"])
    assert entries["daemon_at_import.py"]["verdict"] == "passed", entries["daemon_at_import.py"]
    survivors = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmdline = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if b"nnspec-daemon-marker" in cmdline or b"nnspec-staging-" in cmdline:
            survivors.append((pid, cmdline[:120]))
    assert not survivors, survivors


def test_a_rewritten_neighbour_keeps_the_verdict_of_what_it_handed_in_and_says_the_file_changed(batch):
    folder, _, _, entries, sandbox = batch
    if sandbox != "off":
        assert (folder / "neighbour_victim.py").read_text() == CORRECT, "the sandbox shows no neighbour to rewrite"
        assert (folder / "neighbour_deleted.py").exists() and not (folder / "report.json").exists()
        assert "note" not in entries["neighbour_victim.py"] and "note" not in entries["neighbour_deleted.py"]
        return
    assert "return abs(Z)" in (folder / "neighbour_victim.py").read_text(), "the attack ran"
    victim = entries["neighbour_victim.py"]
    assert victim["verdict"] == "passed" and "changed on disk during the batch" in victim["note"], victim
    deleted = entries["neighbour_deleted.py"]
    assert not (folder / "neighbour_deleted.py").exists(), "the attack ran"
    assert deleted["verdict"] == "passed" and "vanished during the batch" in deleted["note"], deleted


def test_only_the_batch_writes_the_report(batch):
    folder, report, before, entries, sandbox = batch
    saved = json.loads(report.read_text())["results"]
    assert {Path(p).name for p in saved} == set(entries), "every submission has its entry in the real report"
    assert all(saved[e["path"]]["verdict"] == e["verdict"] for e in entries.values())
    if sandbox == "off":
        assert (folder / "report.json").exists(), "the forgery went where the attacker guessed, not into the report"


def test_a_sibling_named_reference_changes_nothing_for_the_others(batch):
    *_, entries, _ = batch
    assert entries["correct.py"]["contract"]["train"]["status"] == "passed", entries["correct.py"]


def test_other_submissions_files_are_left_as_they_were(batch):
    folder, _, before, _, _ = batch
    after = {p.name: p.read_bytes() for p in folder.iterdir() if p.name in before}
    assert after == before


def test_numpys_defaults_changed_by_an_implementation_do_not_reach_the_checker():
    dot, precision = np.dot, np.get_printoptions()["precision"]
    (impl,) = load(str(HOSTILE / "changes_numpy_defaults.py"))
    impl.call("relu", np.zeros((1, 1)))
    impl.session.close()
    assert np.dot is dot and np.get_printoptions()["precision"] == precision and np.geterr()["over"] != "raise"


def test_a_network_drawing_from_numpys_global_generator_gets_the_same_verdict_in_a_full_run_and_alone():
    path = str(HOSTILE / "global_rng_train.py")
    select = ["train_and_predict_learn_the_patterns"]
    alone = runner.verify(path, select=select, quiet=True)
    after_others = runner.verify(path, select=["dropout", "relu", "initialize"] + select, quiet=True)

    def train_outcomes(result):
        return [(o["status"], o["message"]) for o in result["outcomes"] if o["contract"] == "train"]

    assert train_outcomes(alone) == train_outcomes(after_others) != []


def _pytest_impl_on_the_empty_file():
    command = ["-m", "pytest", "--impl", HOSTILE / "empty.py", "-q", "-k", "relu"]
    return background.run_together({"empty": command}, background.environment(drop=("CI",)))["empty"]


BACKGROUND["pytest_impl_empty"] = _pytest_impl_on_the_empty_file


def test_pytest_impl_on_an_empty_file_does_not_pass():
    run = background.result("pytest_impl_empty", _pytest_impl_on_the_empty_file)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "nnspec verdict: incomplete" in run.stdout, run.stdout[-2000:]
