"""Each platform's results file: valid against its documented schema, written even when grading fails."""

import json
from pathlib import Path

import background
import pytest

import schemas
from nnspec.__main__ import main
from nnspec.grading.formats import FORMATS, failure, write
from samples import entry, result

ROOT = Path(__file__).resolve().parents[2]
CHECK = {"gradescope": schemas.gradescope, "prairielearn": schemas.prairielearn,
         "github-classroom": schemas.github_classroom}
CASES = {
    "passed": result(),
    "failed": result({"backward_propagation": "failed"}),
    "does not import": {"implementation": "net.py", "load_error": "SyntaxError: invalid syntax", "failed": True},
    "crashed": entry("crashed", keep=3, message="the implementation was killed by signal SIGSEGV"),
}


def problems(fmt, path: Path):
    text = path.read_text()
    return schemas.junit(text) if fmt == "junit" else CHECK[fmt](json.loads(text)) if fmt in CHECK else []


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_is_valid_against_its_documented_schema(tmp_path, fmt, case):
    (path,) = write(CASES[case], fmt, tmp_path / "out")
    assert problems(fmt, path) == [], path.read_text()[:2000]


@pytest.mark.parametrize("fmt", ["gradescope", "prairielearn", "github-classroom", "junit"])
def test_the_schema_checks_catch_a_wrong_file(fmt):
    wrong = ('<testsuites><testsuite name="x" tests="2" failures="0" errors="0"><testcase name="a" classname="b"/>'
             '</testsuite></testsuites>') if fmt == "junit" else json.dumps(
        {"gradable": True, "score": 3, "version": 2, "status": "ok", "max_score": 1,
         "tests": [{"name": "a", "status": "maybe", "visibility": "secret"}]})
    found = schemas.junit(wrong) if fmt == "junit" else CHECK[fmt](json.loads(wrong))
    assert found, f"the {fmt} schema check accepted a wrong file"


def test_gradescope_gets_the_score_each_item_and_the_hint_as_markdown(tmp_path):
    (path,) = write(CASES["failed"], "gradescope", tmp_path / "results.json")
    data = json.loads(path.read_text())
    test = next(t for t in data["tests"] if t["name"] == "backward_propagation")
    assert data["score"] == pytest.approx(100 * 13 / 14, abs=1e-3), data["score"]
    assert test["status"] == "failed" and test["score"] == 0, test
    assert "**Hint:** dW1 is m=2 times too large" in test["output"], test["output"]
    assert data["execution_time"] == 2 or data["execution_time"] == 3, data


def test_prairielearn_is_gradable_with_a_score_between_0_and_1(tmp_path):
    (path,) = write(CASES["failed"], "prairielearn", tmp_path / "results.json")
    data = json.loads(path.read_text())
    assert data["gradable"] is True and data["score"] == pytest.approx(13 / 14, abs=1e-6), data


def test_a_hidden_item_is_shown_after_the_deadline(tmp_path):
    rubric = tmp_path / "rubric.toml"
    rubric.write_text('[items]\nrelu = 1\n[items.backward_propagation]\npoints = 4\nhidden = true\n')
    (gs,) = write(CASES["failed"], "gradescope", tmp_path / "gs.json", rubric)
    (pl,) = write(CASES["failed"], "prairielearn", tmp_path / "pl.json", rubric)
    hidden = next(t for t in json.loads(gs.read_text())["tests"] if t["name"] == "backward_propagation")
    pl_hidden = next(t for t in json.loads(pl.read_text())["tests"] if t["name"] == "backward_propagation")
    assert hidden["visibility"] == "after_due_date", hidden
    assert "dW1" not in pl_hidden["message"] + pl_hidden["output"], pl_hidden


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_file_is_written_even_when_grading_fails(tmp_path, fmt):
    (path,) = write(CASES["passed"], fmt, tmp_path / "out", rubric=tmp_path / "no-such-rubric.toml")
    text = path.read_text()
    assert "no-such-rubric.toml does not exist" in text, text
    assert problems(fmt, path) == [], text
    if fmt == "prairielearn":
        assert json.loads(text)["gradable"] is False, "nnspec failed: not the student's fault"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_failure_document_is_valid_too(tmp_path, fmt):
    path = tmp_path / "out"
    path.write_text(failure(fmt, "nnspec itself failed"))
    assert problems(fmt, path) == [], path.read_text()


def test_a_batch_gets_one_file_per_submission_for_the_per_submission_platforms(tmp_path):
    entries = [entry("passed", name="a.py"), entry("failed", {"relu": "failed"}, name="b.py"),
               entry("passed", name="a.py")]
    paths = write(entries, "gradescope", tmp_path / "results")
    assert sorted(p.name for p in paths) == ["a-1.json", "a-2.json", "b.json"], paths
    (junit,) = write(entries, "junit", tmp_path / "junit.xml")
    assert schemas.junit(junit.read_text()) == [] and junit.read_text().count("<testsuite ") == 3


def _verify_with_a_format() -> tuple:
    """`python -m nnspec verify ... --format gradescope` as people run it: (its process, the results file)."""
    output = background.scratch("nnspec-format-") / "results.json"
    done = background.run_together({"verify": ["-m", "nnspec", "verify", ROOT / "examples" / "rows_network.py",
                                               "--format", "gradescope", "--output", output, "--quiet", "-k",
                                               "relu"]})["verify"]
    return done, output


BACKGROUND = {"verify_with_a_format": _verify_with_a_format}
BACKGROUND_SECONDS = {"verify_with_a_format": 1.2}


def test_verify_with_a_format_writes_the_file_and_nothing_to_stderr():
    done, output = background.result("verify_with_a_format", _verify_with_a_format)
    assert done.returncode == 0 and done.stderr == "", (done.returncode, done.stderr)
    data = json.loads(output.read_text())
    assert schemas.gradescope(data) == [] and data["tests"][0]["name"] == "tanh", data


@pytest.mark.parametrize("rubric, why", [("no-such-rubric.toml", "does not exist"), ("bad.toml", "is not valid TOML")])
def test_verify_with_a_rubric_it_cannot_read_exits_2_before_running_and_still_writes_the_file(tmp_path, capsys,
                                                                                             rubric, why):
    (tmp_path / "bad.toml").write_text("items = [\n")
    output = tmp_path / "results.json"
    status = main(["verify", str(ROOT / "examples" / "rows_network.py"), "--format", "gradescope", "--output",
                   str(output), "--rubric", str(tmp_path / rubric)])
    captured = capsys.readouterr()
    assert status == 2 and f"nnspec: --rubric: rubric {tmp_path / rubric} {why}" in captured.err, captured
    assert "relu" not in captured.out, "no check may run with a rubric that cannot grade it"
    data = json.loads(output.read_text())
    assert schemas.gradescope(data) == [] and why in data["output"], data


def test_batch_with_a_rubric_it_cannot_read_exits_2_before_verifying_anything(tmp_path, capsys):
    report = tmp_path / "report.json"
    status = main(["batch", str(ROOT / "examples" / "rows_network.py"), "--report", str(report), "--rubric",
                   str(tmp_path / "no-such-rubric.toml"), "--csv", str(tmp_path / "grades.csv")])
    err = capsys.readouterr().err
    assert status == 2 and "nnspec batch: --rubric: rubric" in err and "does not exist" in err, err
    assert not report.exists() and not (tmp_path / "grades.csv").exists()


def test_a_junit_file_stays_well_formed_whatever_characters_a_submission_chose(tmp_path):
    chosen = [{**entry("failed", {"relu": "failed"}, message="relu raised ValueError: \x1b[31m\x00\x07\ud800"),
               "path": "evil\x1b[2J\x0c.py"}]
    (path,) = write(chosen, "junit", tmp_path / "junit.xml")
    text = path.read_text(encoding="utf-8")
    assert schemas.junit(text) == [] and "evil\\x1b[2J\\x0c.py" in text, text
