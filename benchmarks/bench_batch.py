"""Time `python -m nnspec batch` on 20 implementations (correct, broken, hostile) and check every verdict.

    python benchmarks/bench_batch.py [--workers 2]

It copies the shipped examples, the hostile files of tests/hostile and six broken variants written below into
a temporary folder, runs the whole contract against each (every check, default limits), and fails if any
verdict is not the expected one. README.md quotes its output.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from nnspec.batch import Limits, run_batch  # noqa: E402

BASE = "import numpy as np\nfrom _base import *  # noqa\nimport _base as network\n\n"
BROKEN = {
    "tanh_one_minus_tanh.py": ("tanh_derivative", "def tanh_derivative(Z):\n    return 1 - np.tanh(Z)\n"),
    "gradients_not_averaged.py": ("backward_propagation",
                                  "def backward_propagation(parameters, cache, X, Y):\n"
                                  "    grads = network.backward_propagation(parameters, cache, X, Y)\n"
                                  "    return {k: v * X.shape[1] for k, v in grads.items()}\n"),
    "softmax_wrong_axis.py": ("softmax", "def softmax(Z):\n    E = np.exp(Z - Z.max(axis=1, keepdims=True))\n"
                                         "    return E / E.sum(axis=1, keepdims=True)\n"),
    "dropout_not_rescaled.py": ("dropout_forward",
                                "def dropout_forward(A, keep_prob, rng=None):\n"
                                "    rng = rng or np.random.default_rng()\n"
                                "    mask = rng.random(A.shape) < keep_prob\n    return A * mask, mask\n"),
    "gradient_ascent.py": ("update_parameters",
                           "def update_parameters(parameters, grads, learning_rate):\n"
                           "    return {k: v + learning_rate * grads['d' + k] for k, v in parameters.items()}\n"),
    "loss_summed.py": ("cross_entropy_loss",
                       "def cross_entropy_loss(y_true, y_pred):\n    return -np.sum(y_true * np.log(y_pred))\n"),
}
HOSTILE = ["hang", "raises", "syntax_error", "missing_import", "exits", "os_exit", "segfault", "memory",
           "returns_none", "returns_nan"]
CORRECT = ["rows_network", "epsilon_network", "torch_network"]


def expected_verdicts(folder: Path) -> dict:
    expected = {name: ("failed", contract) for name, (contract, _) in BROKEN.items()}
    expected.update({
        "hang.py": ("failed", "relu"), "raises.py": ("failed", "relu"), "exits.py": ("failed", "relu"),
        "memory.py": ("failed", "relu"), "returns_none.py": ("failed", "relu"), "returns_nan.py": ("failed", "relu"),
        "syntax_error.py": ("does not import", None), "missing_import.py": ("does not import", None),
        "os_exit.py": ("crashed", "relu"), "segfault.py": ("crashed", "relu"),
        "correct.py": ("passed", None),
    })
    for name in CORRECT:
        if (folder / f"{name}.py").exists():
            expected[f"{name}.py"] = ("passed", None)
    return expected


def build(folder: Path):
    shutil.copy(ROOT / "tests" / "hostile" / "_base.py", folder)
    for name in HOSTILE:
        shutil.copy(ROOT / "tests" / "hostile" / f"{name}.py", folder)
    for name, (_, source) in BROKEN.items():
        (folder / name).write_text(BASE + source)
    (folder / "correct.py").write_text(BASE)
    for name in CORRECT:
        source = ROOT / "examples" / f"{name}.py"
        if source.exists() and (name != "torch_network" or _has_torch()):
            shutil.copy(source, folder)


def _has_torch() -> bool:
    try:
        import torch  # noqa: F401
    except ImportError:
        return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "submissions"
        folder.mkdir()
        build(folder)
        started = time.monotonic()
        entries = run_batch([folder], Path(work) / "report.json", Limits(), workers=args.workers)
        elapsed = time.monotonic() - started
        expected = expected_verdicts(folder)
        wrong = []
        for entry in entries:
            name = Path(entry["path"]).name
            verdict, contract = expected[name]
            status = entry["contract"].get(contract, {}).get("status") if contract else None
            if entry["verdict"] != verdict or (contract and verdict == "failed" and status != "failed"):
                wrong.append(f"{name}: {entry['verdict']} ({entry.get('message', '')}), expected {verdict} "
                             f"in {contract}")
        print(f"\n{len(entries)} implementations, {len(entries) - len(wrong)} verdicts right, in {elapsed:.1f} s "
              f"({len(entries) / elapsed:.2f} implementations per second, {args.workers} workers)")
        if wrong:
            print("wrong verdicts:\n  " + "\n  ".join(wrong))
            sys.exit(1)


if __name__ == "__main__":
    main()
