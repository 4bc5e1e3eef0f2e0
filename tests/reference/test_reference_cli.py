"""python -m reference train ...: run as a user would, in a subprocess."""

import importlib.util
import re

import pytest

import background


BAD_OPTIONS = [
    (["train", "patterns", "--keep-prob", "1.5"], "error: keep_prob was 1.5, must be in (0, 1]"),
    (["train", "patterns", "--epochs", "0"], "error: --epochs was 0, must be a positive integer"),
    (["train", "patterns", "--activation", "swish"], "invalid choice: 'swish'"),
    (["train", "circles"], "invalid choice: 'circles'"),
    (["train", "patterns", "--hidden", "8,x"], "must be comma-separated positive layer sizes"),
    (["train", "patterns", "--output", "sigmoid"], "output was 'sigmoid', must be 'softmax' for patterns"),
]
PICTURES = background.scratch("nnspec-reference-cli-")
NO_MATPLOTLIB = ("import sys; sys.modules['matplotlib'] = None\n"
                 "from reference.cli import main\n"
                 f"sys.exit(main(['train', 'patterns', '--plot', {str(PICTURES / 'out.png')!r}]))")
COMMANDS = {
    "patterns": ["-m", "reference", "train", "patterns"],
    "moons": ["-m", "reference", "train", "moons"],
    "options": ["-m", "reference", "train", "patterns", "--hidden", "6,6", "--activation", "tanh", "--epochs", "20",
                "--learning-rate", "0.3", "--batch-size", "4", "--keep-prob", "0.9", "--seed", "3"],
    **{" ".join(args): ["-m", "reference", *args] for args, _ in BAD_OPTIONS},
    "no matplotlib": ["-c", NO_MATPLOTLIB],
    "plot": ["-m", "reference", "train", "patterns", "--epochs", "30", "--plot", str(PICTURES / "patterns.png")],
}


def _run_every_command() -> dict:
    """Every command of COMMANDS, run together, each a python process of its own: {key: CompletedProcess}."""
    return background.run_together(COMMANDS)


# Each process pays the interpreter's start and a training: they run while the other tests do.
BACKGROUND = {"reference_cli": _run_every_command}
BACKGROUND_SECONDS = {"reference_cli": 2.5}


def run(*args, code=None):
    """The finished command `python -m reference ARGS` (or `python -c CODE`), as COMMANDS keys it."""
    key = "no matplotlib" if code == NO_MATPLOTLIB else {tuple(v[2:]): k for k, v in COMMANDS.items()}[args]
    return background.result("reference_cli", _run_every_command)[key]


def test_train_patterns_prints_progress_and_reaches_full_accuracy():
    result = run("train", "patterns")
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    lines = result.stdout.strip().splitlines()
    progress = [line for line in lines if line.startswith("epoch")]
    assert len(progress) == 10, f"expected 10 progress lines, got {len(progress)}:\n{result.stdout}"
    assert re.fullmatch(r"epoch +\d+/\d+  loss \d+\.\d{4}  train accuracy [01]\.\d{3}", progress[0]), \
        f"progress line looks like {progress[0]!r}"
    assert lines[-1] == "test accuracy: 1.000", f"last line was {lines[-1]!r}"


def test_train_moons_with_defaults_reaches_97_percent():
    result = run("train", "moons")
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    last = result.stdout.strip().splitlines()[-1]
    match = re.fullmatch(r"test accuracy: (0\.\d{3}|1\.000)", last)
    assert match and float(match.group(1)) >= 0.97, f"last line was {last!r}"


def test_options_are_passed_through():
    result = run("train", "patterns", "--hidden", "6,6", "--activation", "tanh", "--epochs", "20",
                 "--learning-rate", "0.3", "--batch-size", "4", "--keep-prob", "0.9", "--seed", "3")
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    assert "network 4-6-6-4 tanh/softmax, lr 0.3, batch 4, keep_prob 0.9, seed 3" in result.stdout, \
        f"header did not reflect the options:\n{result.stdout}"
    assert "epoch   20/20" in result.stdout, f"epochs option ignored:\n{result.stdout}"


@pytest.mark.parametrize("args, message", BAD_OPTIONS)
def test_bad_options_exit_2_with_a_clear_error_and_no_traceback(args, message):
    result = run(*args)
    assert result.returncode == 2, f"{args}: exit {result.returncode}, expected 2"
    assert message in result.stderr, f"{args}: stderr was {result.stderr!r}"
    assert "Traceback" not in result.stderr, f"{args}: printed a traceback"


def test_plot_without_matplotlib_says_how_to_install_it():
    result = run(code=NO_MATPLOTLIB)
    assert result.returncode != 0, "missing matplotlib did not fail"
    assert "needs matplotlib" in result.stderr and "pip install" in result.stderr, \
        f"stderr was {result.stderr!r}"
    assert "Traceback" not in result.stderr, "printed a traceback"
    assert not (PICTURES / "out.png").exists(), "a picture was written without matplotlib"


def test_plot_saves_a_png_with_the_loss_curve():
    if importlib.util.find_spec("matplotlib") is None:  # not imported here: that takes a second of CPU
        pytest.skip("matplotlib is not installed")
    result = run("train", "patterns", "--epochs", "30", "--plot", str(PICTURES / "patterns.png"))
    assert result.returncode == 0, f"exit {result.returncode}: {result.stderr}"
    assert (PICTURES / "patterns.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", "the plot is not a PNG file"
