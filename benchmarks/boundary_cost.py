"""What the process boundary costs a warm checking process: the same checks with and without it.

    python benchmarks/boundary_cost.py [--rounds 3]

It verifies the twelve submissions of bench_batch.py that neither hang, crash nor exhaust memory, one after
another in one warm process (examples replayed, as a batch's worker does), three ways, alternating so that all see
the same machine:

- sandboxed: the implementation in its own process inside bubblewrap (what a batch does where bubblewrap works);
- own process: the same without the sandbox (`--sandbox off`);
- in-process: the implementation's functions called directly in the checking process, arguments and results
  copied but never encoded, no child process started. This is NOT a way to run nnspec (it is what issue 8 forbids:
  the checked code could then change any verdict); it measures what the checks themselves cost, so that the
  difference is what the boundary costs: starting the child and every round trip of the channel.

It also times starting and stopping one child (load and close) in each of the first two ways. Every verdict must be
the same in all three ways, or it exits 1. A benchmark, not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402

import bench_batch  # noqa: E402
from nnspec import implementation, process, replay, runner, wire  # noqa: E402
from nnspec import server as child_side  # noqa: E402

WELL_BEHAVED = ["correct", "epsilon_network", "rows_network", "tanh_one_minus_tanh", "gradients_not_averaged",
                "softmax_wrong_axis", "dropout_not_rescaled", "gradient_ascent", "loss_summed", "returns_none",
                "returns_nan", "raises"]


class _NoChild:
    """Stands where the child process would: the child's own Server object, in this process."""

    def __init__(self, limits, cwd, **_):
        self.server = child_side.Server(None, None)
        read, write = os.pipe()
        os.close(write)
        self.output = process.Output(read)

    def alive(self):
        return True

    def kill(self):
        pass

    close = kill

    def cpu_seconds(self):
        return 0.0


def _inward(value, server):
    if isinstance(value, wire.Handle):
        return server.handles[value.id]
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, (list, tuple)):
        return type(value)(_inward(v, server) for v in value)
    if isinstance(value, dict):
        return {k: _inward(v, server) for k, v in value.items()}
    return value


def _outward(value, server, generation):
    if value is None or isinstance(value, (bool, int, float, str, np.generic)):
        return value
    if type(value) is np.ndarray:
        return value.copy()
    if isinstance(value, wire.Handle):
        return wire.Handle(value.id, value.kind, generation)
    if isinstance(value, (list, tuple)):
        return type(value)(_outward(v, server, generation) for v in value)
    if isinstance(value, dict):
        return {k: _outward(v, server, generation) for k, v in value.items()}
    return wire.Handle(server.keep(value), type(value).__name__, generation)


def _exchange(session, child, message, timeout):
    server = child.server
    if message.get("op") == "load":
        message = {**message, "blocked": []}  # the blocker would refuse nnspec in this, nnspec's, process
    request = _inward(message, server)
    reply = getattr(server, "op_" + request["op"])(request)
    for handle in request.get("free", ()):
        server.handles.pop(handle, None)
    return _outward(reply, server, session.generation)


@contextlib.contextmanager
def in_process():
    saved = implementation.Child, implementation.Session._exchange, implementation.track, implementation.untrack
    implementation.Child, implementation.Session._exchange = _NoChild, _exchange
    implementation.track = implementation.untrack = lambda child: None
    try:
        yield
    finally:
        implementation.Child, implementation.Session._exchange, implementation.track, implementation.untrack = saved


WAYS = {"sandboxed": ("auto", contextlib.nullcontext), "own process": ("off", contextlib.nullcontext),
        "in-process": ("off", in_process)}


def verify(path, way):
    sandbox, context = WAYS[way]
    with context():
        started = time.perf_counter()
        result = runner.verify(str(path), quiet=True, default_require="applicable", sandbox=sandbox)
        return time.perf_counter() - started, result["verdict"]


def start_and_stop(path, sandbox):
    started = time.perf_counter()
    impls = implementation.load(str(path), sandbox=sandbox)
    impls[0].session.close()
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    replay.enable()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work) / "submissions"
        folder.mkdir()
        bench_batch.build(folder)
        paths = [folder / f"{name}.py" for name in WELL_BEHAVED]
        for way in WAYS:  # record each configuration's examples first: every way then replays them
            for path in paths[:3]:
                verify(path, way)
        seconds = {way: {p.name: [] for p in paths} for way in WAYS}
        verdicts = {way: {} for way in WAYS}
        starts = {"sandboxed": [], "own process": []}
        for _ in range(args.rounds):
            for way in WAYS:
                for path in paths:
                    elapsed, verdicts[way][path.name] = verify(path, way)
                    seconds[way][path.name].append(elapsed)
            for way in starts:
                starts[way].append(start_and_stop(paths[0], WAYS[way][0]))
    totals = {way: sum(statistics.median(t) for t in per.values()) for way, per in seconds.items()}
    print(f"{len(paths)} submissions, one after another in one warm process, median of {args.rounds} rounds:")
    for way, total in totals.items():
        print(f"  {way:12s} {total:6.2f} s ({total / len(paths):.3f} s per submission)")
    for way, times in starts.items():
        print(f"  starting and stopping one child, {way}: {statistics.median(times):.3f} s")
    boundary = totals["sandboxed"] - totals["in-process"]
    print(f"the boundary (sandboxed - in-process): {boundary:.2f} s, {boundary / totals['sandboxed']:.0%} of the "
          f"sandboxed time")
    if len({tuple(sorted(v.items())) for v in verdicts.values()}) != 1:
        print(f"verdicts differ between the ways: {verdicts}")
        sys.exit(1)


if __name__ == "__main__":
    main()
