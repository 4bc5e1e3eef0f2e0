"""`pytest --impl` as users run it: one message for a file that does not import, skips for missing names.

(Hangs, exceptions, printing and wrong returns are tested in-process in test_isolation_calls.py: the same code.)
"""

import re
import tempfile
from pathlib import Path

import pytest

import background

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = ROOT / "tests" / "hostile"
MISSING = "from _base import *  # noqa\n\ndel relu_derivative, train  # noqa: F821\n"


def _run_pytest_impl_as_users_do() -> dict:
    """(returncode, output) of each run, started together (each pays the interpreter and hypothesis start-up)."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "_base.py").write_text((HOSTILE / "_base.py").read_text())
        (folder / "missing.py").write_text(MISSING)
        commands = {
            "syntax_error": [str(HOSTILE / "syntax_error.py"), "-k", "relu_matches"],
            "missing_import": [str(HOSTILE / "missing_import.py"), "-k", "relu_matches"],
            "missing": [str(folder / "missing.py"), "-k", "relu or train"],
        }
        env = background.environment(drop=("CI",))  # a user's run: their skips stay skips
        done = background.run_together({key: ["-m", "pytest", "--impl", *args, "-p", "no:cacheprovider"]
                                        for key, args in commands.items()}, env, merge_output=True)
        return {key: (run.returncode, run.stdout) for key, run in done.items()}


BACKGROUND = {"pytest_impl_runs": _run_pytest_impl_as_users_do}
BACKGROUND_SECONDS = {"pytest_impl_runs": 3.0}


@pytest.fixture(scope="module")
def runs():
    return background.result("pytest_impl_runs", _run_pytest_impl_as_users_do)


@pytest.mark.parametrize("name, message", [
    ("syntax_error", "nnspec: syntax_error.py does not import: SyntaxError: expected ':' (syntax_error.py, line 4)"),
    ("missing_import", "nnspec: missing_import.py does not import: it needs the module "
                       "'tensorflow_that_is_not_installed', which is not installed"),
])
def test_a_file_that_does_not_import_ends_the_run_with_one_message_and_exit_code_2(runs, name, message):
    code, output = runs[name]
    assert code == 2, output
    assert message in output, output
    assert "Traceback" not in output, output


def test_a_missing_name_skips_exactly_the_checks_that_need_it(runs):
    code, output = runs["missing"]
    assert code == 0, output
    assert "not provided: relu_derivative, train" in output, "the header lists what is missing"
    for row in (r"relu\s+passed", r"relu_derivative\s+not provided", r"train\s+not provided",
                r"training loop\s+passed"):
        assert re.search(row, output), f"no summary row {row!r} in:\n{output}"
    assert re.search(r"\d+ passed, \d+ skipped", output) and " failed" not in output, output
    assert "nnspec verdict: incomplete; not provided: relu_derivative, train" in output, output
