"""`python -m spec`: its commands, their output and exit codes."""

import contextlib
import io
import subprocess

import pytest

import background
import spec


COMMANDS = {
    "list": [],
    "show": ["sigmoid-bce-gradient"],
    "latex": ["softmax-ce-gradient", "--format", "latex"],
    "markdown": ["dense-layer-gradients", "--format", "markdown"],
    "all-markdown": ["--all", "--format", "markdown"],
    "check": ["--check"],
    "unknown": ["no-such-derivation"],
}


# Run as people run them, in subprocesses: these two (the exit codes and the whole proof run end to end).
IN_SUBPROCESS = ("check", "unknown")


def _run_as_people_do() -> dict:
    """The IN_SUBPROCESS commands, run together as real `python -m spec` processes: {key: CompletedProcess}."""
    env = dict(background.environment(), PYTHONIOENCODING="utf-8")
    return background.run_together({key: ["-m", "spec", *COMMANDS[key]] for key in IN_SUBPROCESS}, env)


# Each subprocess pays the sympy import and the whole proof run: they start when the tests are collected.
BACKGROUND = {"spec_cli": _run_as_people_do}
BACKGROUND_SECONDS = {"spec_cli": 3.5}


@pytest.fixture(scope="module")
def cli():
    """Every command's (returncode, stdout, stderr), keyed as in COMMANDS.

    Most run in this process through the same main() that `python -m spec` calls; the IN_SUBPROCESS ones are
    real `python -m spec` processes (BACKGROUND).
    """
    from spec.__main__ import main

    results = {}
    for key, args in COMMANDS.items():
        if key in IN_SUBPROCESS:
            continue
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        results[key] = subprocess.CompletedProcess(["python", "-m", "spec", *args], code, out.getvalue(),
                                                   err.getvalue())
    results.update(background.result("spec_cli", _run_as_people_do))
    return results


def test_listing_shows_every_derivation_on_one_line(cli):
    result = cli["list"]
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(spec.DERIVATIONS), f"expected one line per derivation, got {lines}"
    for line, (name, dv) in zip(lines, spec.DERIVATIONS.items()):
        assert line.startswith(name) and dv.summary in line, f"line {line!r} should show {name}: {dv.summary}"


def test_showing_a_derivation_prints_its_statement_and_captioned_steps(cli):
    result = cli["show"]
    assert result.returncode == 0, result.stderr
    dv = spec.get("sigmoid-bce-gradient")
    assert "sigmoid-bce-gradient" in result.stdout and dv.summary in result.stdout
    for step in dv.steps:
        assert f"{step.caption}:" in result.stdout, f"step caption {step.caption!r} missing"
    assert "a - y" in result.stdout, "the result a - y should be printed"


def test_latex_format_prints_display_math(cli):
    result = cli["latex"]
    assert result.returncode == 0, result.stderr
    assert "\\[" in result.stdout and "\\]" in result.stdout, "expected LaTeX display math"
    assert "\\log" in result.stdout, "the cross-entropy should be rendered with \\log"


def test_markdown_format_uses_double_dollar_math_blocks(cli):
    result = cli["markdown"]
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## `dense-layer-gradients`")
    assert result.stdout.count("$$") >= 2 * len(spec.get("dense-layer-gradients").steps), "one $$ block per step"


def test_all_in_markdown_contains_every_derivation(cli):
    result = cli["all-markdown"]
    assert result.returncode == 0, result.stderr
    for name in spec.DERIVATIONS:
        assert f"## `{name}`" in result.stdout, f"{name} missing from --all --format markdown"


def test_check_verifies_every_derivation_and_reports_the_count(cli):
    result = cli["check"]
    assert result.returncode == 0, f"--check failed:\n{result.stdout}\n{result.stderr}"
    lines = result.stdout.splitlines()
    assert lines[-1] == f"{len(spec.DERIVATIONS)} derivations verified", f"last line was {lines[-1]!r}"
    assert len(lines) == len(spec.DERIVATIONS) + 1, "one line per derivation plus the total"
    assert all(line.startswith("ok ") for line in lines[:-1]), f"not all ok:\n{result.stdout}"


def test_unknown_name_exits_2_and_lists_valid_names(cli):
    result = cli["unknown"]
    assert result.returncode == 2, f"exit code {result.returncode}, want 2"
    assert "no-such-derivation" in result.stderr, "the message should repeat the unknown name"
    for name in spec.DERIVATIONS:
        assert name in result.stderr, f"valid name {name} not listed"


def test_check_exits_nonzero_when_a_derivation_fails(monkeypatch, capsys):
    from spec import __main__ as cli_main

    broken = spec.get("tanh-derivative").with_closed_form(1 - spec.activations.a)
    # One broken derivation beside one sound one (the whole registry is proven by the `check` run above).
    monkeypatch.setattr(cli_main, "DERIVATIONS", {"relu-derivative": spec.get("relu-derivative"),
                                                  "tanh-derivative": broken})
    assert cli_main.main(["--check"]) == 1, "--check must fail when a derivation does not verify"
    out = capsys.readouterr().out
    assert "ok   relu-derivative" in out and "FAIL tanh-derivative" in out, out
    assert out.splitlines()[-1] == "1 of 2 derivations FAILED; 1 verified", out
