"""Many at once: each submission staged, verified from its own copy in its own process; every verdict stands
whatever the others do. Nothing here depends on the machine's speed: the limits are 10x above what they need."""

import io
import json
import os
import shutil

import background
import pytest

from nnspec.batch import SHORT, Limits, discover, run_batch, table

HOSTILE = os.path.join(os.path.dirname(__file__), "..", "hostile")
ONLY_RELU = ["relu_matches_the_spec"]  # the hostile files misbehave in relu: one check shows it, quickly

CORRECT = "from _base import *  # noqa\n"
BROKEN = "import numpy as np\nfrom _base import *  # noqa\n\n\ndef relu(Z):\n    return np.abs(Z)\n"
LIMITS = Limits(wall=120, cpu=120, memory_mb=1024, call=10)


def by_name(entries):
    return {os.path.basename(e["path"]): e for e in entries}


def copy_hostile(folder, *names):
    for name in ("_base", *names):
        shutil.copy(os.path.join(HOSTILE, f"{name}.py"), folder)


@pytest.fixture
def folder(tmp_path):
    copy_hostile(tmp_path, "segfault", "os_exit", "syntax_error", "exits_at_import", "memory")
    (tmp_path / "correct.py").write_text(CORRECT)
    (tmp_path / "broken.py").write_text(BROKEN)
    return tmp_path


def _batch_twice() -> tuple:
    """A batch of hostile, broken and correct files; then the same batch again after one file changed."""
    folder = background.scratch("nnspec-batch-")
    copy_hostile(folder, "segfault", "os_exit", "syntax_error", "exits_at_import", "memory", "raises")
    (folder / "correct.py").write_text(CORRECT)
    (folder / "broken.py").write_text(BROKEN)
    report, first, second = folder / "report.json", io.StringIO(), io.StringIO()
    entries = by_name(run_batch([folder], report, LIMITS, workers=2, select=ONLY_RELU, require="relu", out=first))
    saved = json.loads(report.read_text())["results"]
    (folder / "broken.py").write_text(CORRECT)
    again = by_name(run_batch([folder], report, LIMITS, workers=2, select=ONLY_RELU, require="relu", out=second))
    return entries, saved, first.getvalue(), again, second.getvalue()


def test_a_batch_reports_every_implementation_whatever_the_others_do():
    entries, saved, out, again, out_again = background.result("batch_twice", _batch_twice)
    verdicts = {name: (e["verdict"], e["message"]) for name, e in entries.items()}
    assert verdicts["correct.py"] == ("passed", ""), verdicts
    assert verdicts["broken.py"][0] == "failed" and "relu(Z) max |error|" in verdicts["broken.py"][1], verdicts
    assert verdicts["segfault.py"] == ("crashed", "relu: the implementation crashed (segmentation fault) during "
                                                  "this call"), verdicts
    assert verdicts["os_exit.py"][0] == "crashed" and "exit code 0" in verdicts["os_exit.py"][1], verdicts
    assert verdicts["syntax_error.py"][0] == "does not import" and "SyntaxError" in verdicts["syntax_error.py"][1]
    assert verdicts["exits_at_import.py"][0] == "does not import", verdicts
    assert "sys.exit" in verdicts["exits_at_import.py"][1], verdicts
    # MemoryError under RLIMIT_AS, or the sandbox's memory limit over all its processes: either way its own verdict
    assert verdicts["memory.py"][0] == "failed", verdicts
    assert "ran out of memory" in verdicts["memory.py"][1] or "memory over 1024 MB" in verdicts["memory.py"][1]
    assert "_base.py" not in verdicts, "files starting with _ are helpers, not implementations"
    # Its traceback names the file as the student knows it, never the staging folder (a new random name each batch).
    traceback = entries["raises.py"]["contract"]["relu"]["message"]
    assert 'File "raises.py", line 10, in relu' in traceback and "nnspec-staging" not in traceback, traceback
    assert {os.path.basename(p) for p in saved} == set(verdicts), saved.keys()
    assert f"[{len(verdicts)}/{len(verdicts)}]" in out and "eta" in out, out
    assert "segfault.py" in out.split("implementation")[-1], "the table has a row per implementation"

    # Run again, as after an interruption: what the report holds is skipped, a file changed since is verified.
    out = out_again
    assert f"{len(verdicts) - 1} already in" in out and "1 to verify" in out, out
    assert again["broken.py"]["verdict"] == "passed", again["broken.py"]
    assert {k: v for k, v in again.items() if k != "broken.py"} == {k: v for k, v in entries.items()
                                                                     if k != "broken.py"}


def _hang_under(name, limits):
    """The entry of `name` (its relu never returns) verified under `limits`, in a folder of its own."""
    folder = background.scratch("nnspec-hang-")
    try:
        copy_hostile(folder, name)
        [entry] = run_batch([folder], folder / "report.json", limits, select=ONLY_RELU, require="relu",
                            out=io.StringIO())
        return entry
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# A 3 s budget is spent in relu whatever the machine's speed (the import takes well under a second: a margin of
# 10), and the per-call limit (60 s) never fires first. The wall-time budget is spent waiting (sleeps.py), so that
# this test costs no CPU; the CPU-time budget in a busy loop (hang.py). Both run in the background from the start.
BACKGROUND = {
    "batch_twice": _batch_twice,
    "hang_over_wall_time": lambda: _hang_under("sleeps", Limits(wall=3, cpu=120, memory_mb=1024, call=60)),
    "hang_over_cpu_time": lambda: _hang_under("hang", Limits(wall=120, cpu=3, memory_mb=1024, call=60)),
}
BACKGROUND_SECONDS = {"batch_twice": 1.4, "hang_over_wall_time": 3.5, "hang_over_cpu_time": 3.6}
BACKGROUND_WAITING = {"hang_over_wall_time"}  # 3 s of its 3.5 are a sleep


def test_an_implementation_over_its_wall_time_limit_is_stopped_and_named():
    entry = background.result("hang_over_wall_time", BACKGROUND["hang_over_wall_time"])
    assert entry["verdict"] == "timed out", entry
    assert "exceeded its wall-time limit of 3 s" in entry["message"], entry


def test_an_implementation_over_its_cpu_limit_is_stopped_and_named():
    entry = background.result("hang_over_cpu_time", BACKGROUND["hang_over_cpu_time"])
    assert entry["verdict"] == "timed out", entry
    assert "CPU-time limit" in entry["message"] or "CPU time over 3 s" in entry["message"], entry


def test_discover_rejects_a_path_that_does_not_exist(tmp_path):
    with pytest.raises(ValueError, match="no such file or folder"):
        discover([tmp_path / "nope"])


def _verified_twice() -> list:
    """One almost-correct file verified twice in one process of its own (its results without their seconds)."""
    folder = background.scratch("nnspec-twice-")
    copy_hostile(folder)
    path = folder / "broken.py"
    path.write_text(BROKEN.replace("np.abs(Z)", "np.maximum(Z, 0) + 1e-9 * Z**2"))
    reports = background.verify_in_a_process([path, path],
                                             select=["relu", "softmax", "backward_propagation_matches_finite"])
    for result in reports:
        result.pop("seconds")
    return reports


BACKGROUND.update(verified_twice=_verified_twice)
BACKGROUND_SECONDS.update(verified_twice=1.5)


def test_the_same_implementation_gets_the_same_report_twice():
    reports = background.result("verified_twice", _verified_twice)
    assert reports[0] == reports[1]
    assert reports[0]["contract"]["relu"]["status"] == "failed", reports[0]["contract"]["relu"]


def _edited_entry() -> tuple:
    """A batch, its entry edited in the report to say passed, and the batch again: (first, second, second's output)."""
    folder = background.scratch("nnspec-edited-")
    copy_hostile(folder)
    (folder / "only").mkdir()
    shutil.copy(folder / "_base.py", folder / "only")
    (folder / "only" / "broken.py").write_text(BROKEN)
    report, select = folder / "report.json", ["relu_matches_the_spec"]
    [entry] = run_batch([folder / "only"], report, LIMITS, select=select, require="relu", out=io.StringIO())
    data = json.loads(report.read_text())
    data["results"][entry["path"]].update(verdict="passed", message="")  # same sha256: only the digest can tell
    report.write_text(json.dumps(data))
    out = io.StringIO()
    [again] = run_batch([folder / "only"], report, LIMITS, select=select, require="relu", out=out)
    return entry, again, out.getvalue()


BACKGROUND.update(edited_entry=_edited_entry)
BACKGROUND_SECONDS.update(edited_entry=1.5)


def test_an_entry_edited_in_the_report_is_noticed_and_verified_again():
    entry, again, out = background.result("edited_entry", _edited_entry)
    assert entry["verdict"] == "failed", entry
    assert "1 entries of" in out, out
    assert again["verdict"] == "failed", again


def _unwritable(monkeypatch, report, failures: int):
    """`report`'s folder full for its first `failures` writes (-1: for ever), as a submission that filled the disk
    outside a sandbox would leave it. Only that report: the background batches run in this process too."""
    from nnspec import batch

    write, left = batch.Report._write, [failures]

    def full(self):
        if self.path == report and left[0]:
            left[0] -= 1
            raise OSError(28, "No space left on device")
        write(self)

    monkeypatch.setattr(batch.Report, "_write", full)


def test_a_report_that_cannot_be_written_for_a_while_does_not_stop_the_batch(tmp_path, monkeypatch):
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.py").write_text(CORRECT)
    copy_hostile(tmp_path)
    _unwritable(monkeypatch, tmp_path / "report.json", 1)
    out = io.StringIO()
    entries = run_batch([tmp_path], tmp_path / "report.json", LIMITS, workers=1, select=ONLY_RELU, out=out)
    assert [e["verdict"] for e in entries] == ["passed"] * 3, entries
    said = [line for line in out.getvalue().splitlines() if "cannot be written" in line]
    assert said == [f"nnspec batch: the report {tmp_path / 'report.json'} cannot be written (No space left on "
                    f"device); the batch goes on and writes it after each next submission"], out.getvalue()
    saved = json.loads((tmp_path / "report.json").read_text())["results"]
    assert sorted(os.path.basename(p) for p in saved) == ["a.py", "b.py", "c.py"]


def test_a_report_that_cannot_be_written_at_all_is_said_after_every_verdict(tmp_path, monkeypatch, capsys):
    from nnspec.__main__ import main

    (tmp_path / "a.py").write_text(CORRECT)
    copy_hostile(tmp_path)
    _unwritable(monkeypatch, tmp_path / "report.json", -1)
    status = main(["batch", str(tmp_path), "--report", str(tmp_path / "report.json"), "-k", ONLY_RELU[0]])
    out, err = capsys.readouterr()
    assert status == 2, (out, err)
    assert "a.py" in out.split("cannot be written")[-1], "the table of verdicts comes after the warning"
    assert err.strip() == (f"nnspec batch: the report {tmp_path / 'report.json'} could not be written (No space left "
                           f"on device): the table above holds every verdict; free the space or name another "
                           f"--report, and run again"), err
    assert not (tmp_path / "report.json").exists()


def test_the_table_tells_checks_left_out_by_k_from_checks_not_reached():
    entries = [{"path": "selected.py", "verdict": "passed", "contract": {"relu": {"status": "passed"}}},
               {"path": "crashed.py", "verdict": "crashed",
                "contract": {"relu": {"status": "failed"}, "sigmoid": {"status": "not reached"}}},
               {"path": "broken.py", "verdict": "does not import", "contract": {}}]
    lines = table(entries).splitlines()
    assert "\x1b" not in table([{**entries[0], "path": "evil\x1b[2J.py"}]), "a file name must not drive the terminal"
    marks = {line.split()[0]: dict(zip(SHORT, line.split()[-len(SHORT):])) for line in lines[1:4]}
    assert (marks["selected.py"]["relu"], marks["selected.py"]["sigmoid"]) == ("ok", "."), lines
    assert (marks["crashed.py"]["relu"], marks["crashed.py"]["sigmoid"]) == ("X", "?"), lines
    assert set(marks["broken.py"].values()) == {"?"}, lines
    assert lines[-1].endswith("? not reached, . not selected (-k)"), lines
    assert table(entries[2:]).endswith("? not reached")


def test_an_entry_nnspec_itself_failed_on_is_verified_again_and_the_submissions_own_verdicts_are_kept(tmp_path):
    from nnspec.batch import INTERNAL_FAILURE, Report, Staged

    book = Report(tmp_path / "report.json", LIMITS)
    ours, theirs = (Staged(tmp_path / name, tmp_path / name, "ab" * 32) for name in ("ours.py", "theirs.py"))
    book.add({"path": str(ours.path), "sha256": ours.sha256, "verdict": "crashed", "contract": {},
              "message": f"{INTERNAL_FAILURE}: ValueError: --require was 'bogus'"})
    book.add({"path": str(theirs.path), "sha256": theirs.sha256, "verdict": "crashed", "contract": {},
              "message": "relu: the implementation crashed (segmentation fault) during this call"})
    again = Report(tmp_path / "report.json", LIMITS)
    assert not again.done(ours) and again.done(theirs)


def test_a_result_names_the_submission_not_its_staged_copy_however_the_folder_is_spelled(tmp_path):
    from nnspec.batch import unstaged

    folder = tmp_path / "nnspec-staging-é\\x" / "0000"  # JSON writes é and the backslash as escapes
    copy = folder / "net.py"
    result = {"message": f'relu raised KeyError\n  File "{copy}", line 10, in relu', "nested": [{"m": str(copy)}]}
    assert unstaged(result, copy) == {"message": 'relu raised KeyError\n  File "net.py", line 10, in relu',
                                      "nested": [{"m": "net.py"}]}
