"""Limits given on the command line: a value that cannot be a limit is a usage error that names it, never a run."""

import subprocess
import sys
from pathlib import Path

import pytest

from nnspec.__main__ import build_parser, main

ROOT = Path(__file__).resolve().parent.parent.parent


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
    done = subprocess.run([sys.executable, "-m", "pytest", "--impl", "examples/rows_network.py", "--impl-timeout",
                           "-2", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, timeout=300)
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


def test_a_package_named_as_a_module_is_still_verified(capsys):
    assert main(["verify", "reference", "--quiet", "-k", "relu"]) == 0, capsys.readouterr()


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
    done = subprocess.run([sys.executable, "-m", "pytest", "--impl", "examples/rows_network.py",
                           "--hypothesis-profile", "bogus", "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 4 and "INTERNALERROR" not in done.stdout + done.stderr, done
    assert "nnspec: --hypothesis-profile was 'bogus', must be one of default, ci, thorough" in done.stderr, done
