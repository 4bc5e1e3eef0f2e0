"""Limits given on the command line: a value that cannot be a limit is a usage error that names it, never a run."""

import threading
import time
from pathlib import Path

import background
import pytest

from nnspec.__main__ import build_parser, main

ROOT = Path(__file__).resolve().parent.parent.parent
PYTEST_ARGS = {"negative timeout": ["--impl-timeout", "-2"], "unknown profile": ["--hypothesis-profile", "bogus"],
               "report nowhere": ["--nnspec-report", "/nonexistent-nnspec-folder/report.json"]}


def _pytest_as_people_run_it() -> dict:
    """`python -m pytest --impl ...` with each of PYTEST_ARGS, run together in processes of their own."""
    return background.run_together({key: ["-m", "pytest", "--impl", "examples/rows_network.py", *args, "-p",
                                          "no:cacheprovider"] for key, args in PYTEST_ARGS.items()})


# Each is a whole pytest start-up (about 1.5 s): they start when the tests are collected.
BACKGROUND = {"pytest_usage_errors": _pytest_as_people_run_it}
BACKGROUND_SECONDS = {"pytest_usage_errors": 1.0}


@pytest.mark.parametrize("value", ["-1", "nan", "inf", "five"])
def test_verify_refuses_an_impl_timeout_that_is_not_a_number_of_seconds(value, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["verify", "examples/rows_network.py", "--impl-timeout", value])
    err = capsys.readouterr().err
    assert exited.value.code == 2, err
    assert f"argument --impl-timeout: was {value}, must be a number of seconds >= 0 (0: no limit)" in err, err


def test_verify_takes_an_impl_timeout_of_0_as_no_limit():
    assert build_parser().parse_args(["verify", "x.py", "--impl-timeout", "0"]).impl_timeout == 0


@pytest.mark.parametrize("option, value, message", [
    ("--timeout", "nan", "--timeout was nan, must be a finite number > 0"),
    ("--impl-timeout", "inf", "--impl-timeout was inf, must be a finite number > 0"),
    ("--impl-timeout", "0", "--impl-timeout was 0, must be a finite number > 0"),
    ("--workers", "0", "--workers was 0, must be > 0"),
    ("--memory", "-5", "--memory was -5, must be > 0"),
])
def test_batch_refuses_a_limit_that_is_not_positive_and_finite(option, value, message, tmp_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["batch", str(tmp_path), "--report", str(tmp_path / "report.json"), option, value])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and message in err, err
    assert not (tmp_path / "report.json").exists()


def test_pytest_impl_refuses_a_negative_impl_timeout_before_running_anything():
    done = background.result("pytest_usage_errors", _pytest_as_people_run_it)["negative timeout"]
    assert done.returncode == 4, done  # pytest's exit status for a usage error
    assert "argument --impl-timeout: was -2, must be a number of seconds >= 0 (0: no limit)" in done.stderr, done


@pytest.mark.parametrize("target", ["examples", "examples/"])
def test_verify_says_a_folder_is_a_folder_and_points_to_batch(target, capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    # "examples" alone would otherwise import as a namespace package that provides nothing: "incomplete".
    status = main(["verify", target, "--quiet"])
    err = capsys.readouterr().err
    assert status == 2, err
    assert f"{target} is a folder: name one .py or .ipynb file in it (python -m nnspec batch {target} verifies " \
           f"each of them)" in err, err


def test_verify_says_a_file_that_is_not_python_is_not_python(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("def relu(Z):\n    return Z\n")
    assert main(["verify", str(notes), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{notes} is not a .py or .ipynb file: nnspec verifies a Python file, a notebook or an importable " \
           f"module" in err, err


def test_batch_says_the_reports_folder_does_not_exist_before_verifying_anything(tmp_path, capsys):
    report = tmp_path / "missing" / "report.json"
    assert main(["batch", str(ROOT / "examples" / "rows_network.py"), "--report", str(report)]) == 2
    err = capsys.readouterr().err
    assert f"nnspec batch: --report {report}: its folder {report.parent} does not exist" in err, err


def test_pytest_impl_refuses_a_hypothesis_profile_nnspec_does_not_have():
    done = background.result("pytest_usage_errors", _pytest_as_people_run_it)["unknown profile"]
    assert done.returncode == 4 and "INTERNALERROR" not in done.stdout + done.stderr, done
    assert "nnspec: --hypothesis-profile was 'bogus', must be one of default, ci, thorough" in done.stderr, done


def test_a_slow_import_is_announced_once_with_why_and_the_way_around_it(tmp_path, monkeypatch):
    from nnspec import implementation

    monkeypatch.setattr(implementation, "SLOW_IMPORT", 0.05)
    flag = tmp_path / "go"
    slow = tmp_path / "trains_at_import.py"  # its import goes on until the test says so: no race with the clock
    slow.write_text(f"import os, time\n\nwhile not os.path.exists({str(flag)!r}):\n    time.sleep(0.02)\n")
    lines, loaded = [], []
    importing = threading.Thread(target=lambda: loaded.append(implementation.load(str(slow), notice=lines.append)))
    importing.start()
    deadline = time.monotonic() + 60
    while not lines and time.monotonic() < deadline:
        time.sleep(0.05)
    flag.write_text("")
    importing.join(timeout=120)
    loaded[0][0].session.close()
    assert lines == ["nnspec: still importing trains_at_import.py after 0.05 s: all of its top-level code runs at "
                     "import (a training loop, a large library?); it has 120 s; --definitions-only runs only its def, "
                     "class, import and ALL_CAPS lines"], lines


def test_an_import_that_ends_in_time_is_not_announced_and_leaves_no_timer(tmp_path, monkeypatch):
    from nnspec import implementation

    monkeypatch.setattr(implementation, "SLOW_IMPORT", 60.0)  # 400 times what this import takes
    fast = tmp_path / "fast.py"
    fast.write_text("def relu(Z):\n    return Z * (Z > 0)\n")
    lines = []
    started = time.monotonic()
    implementation.load(str(fast), notice=lines.append)[0].session.close()
    assert lines == [] and time.monotonic() - started < 30
    assert not [t for t in threading.enumerate() if isinstance(t, threading.Timer) and t.is_alive()]


@pytest.mark.parametrize("command, option", [("verify", "--json"), ("verify", "--events"), ("batch", "--csv"),
                                             ("batch", "--html")])
def test_a_file_to_write_in_a_folder_that_does_not_exist_is_refused_before_anything_runs(command, option, tmp_path,
                                                                                           capsys):
    target = tmp_path / "missing" / "out"
    extra = ["--report", str(tmp_path / "report.json")] if command == "batch" else []
    assert main([command, str(ROOT / "examples" / "rows_network.py"), option, str(target), *extra]) == 2
    err = capsys.readouterr().err
    assert f"nnspec {command}: {option} {target}: its folder {target.parent} does not exist" in err, err
    assert not (tmp_path / "report.json").exists()


def test_pytest_impl_refuses_a_report_in_a_folder_that_does_not_exist_before_running_anything():
    done = background.result("pytest_usage_errors", _pytest_as_people_run_it)["report nowhere"]
    assert done.returncode == 2, done
    assert "--nnspec-report /nonexistent-nnspec-folder/report.json: its folder /nonexistent-nnspec-folder does not " \
           "exist" in done.stdout + done.stderr, done


def test_batch_refuses_a_required_name_that_is_not_in_the_contract_before_verifying_anything(tmp_path, capsys):
    # Each submission would otherwise be "crashed", and kept as such in the report for every later run.
    report = tmp_path / "report.json"
    assert main(["batch", str(ROOT / "examples" / "rows_network.py"), "--report", str(report), "--require",
                 "relu,bogus"]) == 2
    err = capsys.readouterr().err
    assert "nnspec batch: --require was 'relu,bogus', must be all, applicable, provided or contract names" in err, err
    assert not report.exists()


def test_verify_takes_the_files_own_names_in_require(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["verify", "examples/dls_week4.ipynb", "--require", "L_model_forward,initialize_parameters_deep",
                 "-k", "initialize_parameters_gives", "--quiet"]) == 0, capsys.readouterr()
    assert main(["verify", "examples/dls_week4.ipynb", "--require", "L_model_fwd", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "unknown: L_model_fwd" in err and "this file's own names: " in err and "L_model_forward" in err, err
