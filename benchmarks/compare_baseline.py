"""Speed against an earlier commit, measured in the same run: one `pytest --impl` and the 20-implementation batch.

    python benchmarks/compare_baseline.py [--rev 33f9fec] [--runs 5]

It checks the earlier commit out with `git worktree add` into a temporary folder and installs each tree, as
README.md says (`pip install -e ".[test]"`), into a fresh virtual environment of its own; then it times, alternating between the two so that both see the same machine:
`python -m pytest --impl examples/rows_network.py` (median of --runs) and `python benchmarks/bench_batch.py
--workers 2` (once each; it prints its own verdict count). Then `python -m nnspec batch --workers 2` on the same
folder without the three submissions whose cost the limits set (the hang, the memory blow-up, the gradients m times
too large, which runs the suite's whole loop budget): the throughput on the other 16.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def venv(tree: Path, folder: Path) -> str:
    """A virtual environment with `tree` installed editable; its python."""
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = str(folder / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "--quiet", "-e", f"{tree}[test]"], check=True, capture_output=True)
    return python


LIMIT_BOUND = ("hang.py", "memory.py", "gradients_not_averaged.py")


def timed(command, cwd, codes=(0,)) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTHONPATH")}
    started = time.monotonic()
    run = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if run.returncode not in codes:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{run.stdout[-3000:]}{run.stderr[-3000:]}")
    return elapsed, run.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rev", default="33f9fec")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        base = Path(work) / "baseline"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.rev], cwd=ROOT, check=True,
                       capture_output=True)
        try:
            trees = {"baseline": (base, venv(base, Path(work) / "venv-baseline")),
                     "now": (ROOT, venv(ROOT, Path(work) / "venv-now"))}
            times = {"baseline": [], "now": []}
            for _ in range(args.runs):
                for name, (tree, python) in trees.items():
                    single = [python, "-m", "pytest", "--impl", "examples/rows_network.py", "-q", "-p",
                              "no:cacheprovider"]
                    times[name].append(timed(single, tree)[0])
            b, n = statistics.median(times["baseline"]), statistics.median(times["now"])
            print(f"pytest --impl examples/rows_network.py, median of {args.runs}: {args.rev} {b:.2f} s, now "
                  f"{n:.2f} s: {n / b:.2f} of the baseline's wall time")
            rates = {}
            for name, (tree, python) in trees.items():
                _, out = timed([python, "benchmarks/bench_batch.py", "--workers", "2"], tree)
                line = [x for x in out.splitlines() if "implementations per second" in x][-1]
                rates[name] = float(re.search(r"\(([\d.]+) implementations per second", line).group(1))
                print(f"bench_batch.py {name}: {line.strip()}")
            print(f"batch throughput: {rates['now'] / rates['baseline']:.2f}x the baseline's")
            folder = Path(work) / "typical"
            folder.mkdir()
            sys.path.insert(0, str(ROOT / "benchmarks"))
            import bench_batch

            bench_batch.build(folder)
            for name in LIMIT_BOUND:
                (folder / name).unlink()
            count = sum(1 for p in folder.glob("*.py") if not p.name.startswith("_"))
            seconds = {}
            for name, (tree, python) in trees.items():
                report = Path(work) / f"typical-{name}.json"
                seconds[name] = timed([python, "-m", "nnspec", "batch", str(folder), "--workers", "2", "--report",
                                       str(report)], tree, codes=(0, 1))[0]
                print(f"batch of the {count} others, {name}: {seconds[name]:.1f} s")
            print(f"batch throughput on the {count} others: {seconds['baseline'] / seconds['now']:.2f}x the "
                  f"baseline's")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, capture_output=True)


if __name__ == "__main__":
    main()
