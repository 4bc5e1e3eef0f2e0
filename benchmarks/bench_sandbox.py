"""What the sandbox adds to starting a process: `python -c "import numpy"` and `/bin/true`, plain and sandboxed.

    python benchmarks/bench_sandbox.py [--runs 10]

Each way is started --runs times, in turns, through nnspec.sandbox.start (subprocess.run for the baseline) and
waited for; the median wall time of each and its difference to the baseline are printed. README quotes its output.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nnspec import sandbox  # noqa: E402

PROGRAMS = {"python -c 'import numpy'": [sys.executable, "-I", "-c", "import numpy"],
            "/bin/true (the fixed cost alone)": ["/bin/true"]}


def timed(ways: dict, runs: int) -> dict:
    """name -> median milliseconds of start() + wait; the ways take turns, so a busy moment hits all alike."""
    times = {name: [] for name in ways}
    for _ in range(runs):
        for name, start in ways.items():
            began = time.perf_counter()
            start()
            times[name].append((time.perf_counter() - began) * 1000)
    return {name: statistics.median(values) for name, values in times.items()}


def medians(argv, runs, work) -> dict:
    """name of the way -> median milliseconds of running argv that way."""
    found = sandbox.probe()
    policy = sandbox.Policy(cpu_seconds=20, memory_mb=1024)

    def plain():
        # The sandbox's environment (one BLAS thread) here too: only the sandbox itself differs.
        subprocess.run(argv, cwd=work, check=True, env=sandbox._environment(None))

    def through(availability):
        def run():
            with sandbox.start(argv, workdir=work, policy=policy, availability=availability) as proc:
                if proc.wait() != 0:
                    raise RuntimeError(f"{argv} failed: {proc.why_killed or proc.returncode}")
        return run

    plain()  # warm the page cache: every way then reads its files from memory
    ways = {"plain subprocess": plain}
    if found.sandbox:
        ways[f"sandboxed ({found.tool}, {found.limits})"] = through(found)
        monitor = sandbox.Availability(True, found.tool, "", "/proc monitor", "", found.bwrap)
        ways[f"sandboxed ({found.tool}, /proc monitor)"] = through(monitor)
    ways[f"no sandbox ({found.limits})"] = through(sandbox.probe(None))
    return timed(ways, runs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as work:
        for title, argv in PROGRAMS.items():
            result = medians(argv, runs, work)
            baseline = result["plain subprocess"]
            print(f"{title}, median of {runs} runs each:")
            for name, ms in result.items():
                print(f"  {name:<45} {ms:7.1f} ms   ({ms - baseline:+.1f} ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
