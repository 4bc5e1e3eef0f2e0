"""Verifying many implementations, each in its own process with wall-time, CPU-time and memory limits.

A worker is `python -m nnspec verify FILE --events EVENTS.jsonl`: it writes one JSON line per check as it goes,
so when it dies (sys.exit at import, os._exit, a segfault, the memory limit) the batch still knows which check
it died in. Results go to one JSON report, rewritten atomically after every implementation, so that an
interrupted batch loses nothing and a re-run skips what is already verified (unless the file changed).
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

from nnspec import report
from nnspec.calls import DEFAULT_TIMEOUT
from nnspec.contract import TRAINING_LOOP

REPORT_VERSION = 1
STDERR_LIMIT = 64 * 1024 * 1024  # bytes a worker may write to files (its stderr, its events)


@dataclass
class Limits:
    """Per-implementation limits; `call` is the per-call limit inside the worker."""

    wall: float = 300.0
    cpu: int = 300
    memory_mb: int = 2048
    call: float = DEFAULT_TIMEOUT


def discover(paths) -> list[Path]:
    """The .py files named, and those found (recursively, sorted) in the folders named.

    In a folder, files whose names start with "_" are helpers of the implementations, not implementations.
    """
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.py") if not p.name.startswith("_") and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise ValueError(f"{raw}: no such file or folder")
    unique = []
    for path in found:
        if path.resolve() not in {p.resolve() for p in unique}:
            unique.append(path)
    return unique


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _limit(limits: Limits):
    def apply():
        memory = limits.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu, limits.cpu + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (STDERR_LIMIT, STDERR_LIMIT))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def _read_events(path: Path) -> list[dict]:
    events = []
    try:
        with open(path) as handle:
            for line in handle:
                try:
                    events.append(json.loads(line))
                except json.JSONDecodeError:
                    break  # a line cut short by the worker's death
    except FileNotFoundError:
        pass
    return events


def _tail(path: Path, size=4000) -> str:
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - size))
            return handle.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def _death(returncode: int, timed_out: bool, stderr: str, limits: Limits) -> tuple[str, str]:
    """(verdict, explanation) for a worker that did not finish."""
    if timed_out:
        return "timed out", f"exceeded the wall-time limit of {limits.wall:g} s"
    if "MemoryError" in stderr or "Cannot allocate memory" in stderr or "bad_alloc" in stderr:
        return "out of memory", f"ran out of memory (limit {limits.memory_mb} MB)"
    if returncode < 0:
        number = -returncode
        name = signal.Signals(number).name if number in signal.Signals.__members__.values() else str(number)
        if number == signal.SIGXCPU or (number == signal.SIGKILL and "Cputime" in stderr):
            return "timed out", f"exceeded the CPU-time limit of {limits.cpu} s"
        if number == signal.SIGSEGV:
            return "crashed", "crashed with a segmentation fault (signal SIGSEGV)"
        if number == signal.SIGXFSZ:
            return "crashed", f"wrote more than {STDERR_LIMIT // 2**20} MB of output"
        if number == signal.SIGKILL:
            return "out of memory", "was killed (SIGKILL): most likely out of memory"
        return "crashed", f"was killed by signal {name}"
    return "crashed", f"ended the process with exit code {returncode} before the checks were done (os._exit?)"


_RUNNING: set = set()
_RUNNING_LOCK = threading.Lock()


def kill_running():
    """Kill every worker still running (an interrupted batch must not wait for them)."""
    with _RUNNING_LOCK:
        for child in list(_RUNNING):
            _kill(child)


def verify_in_process(path: Path, limits: Limits, select=None, python=sys.executable) -> dict:
    """Verify one implementation in a child process under `limits`; never raises for what the child does."""
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="nnspec-") as work:
        events_path, stderr_path = Path(work) / "events.jsonl", Path(work) / "stderr.txt"
        command = [python, "-X", "faulthandler", "-m", "nnspec", "verify", str(path.resolve()), "--quiet",
                   "--events", str(events_path), "--impl-timeout", str(limits.call)]
        for pattern in select or ():
            command += ["-k", pattern]
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONHASHSEED="0", PYTHONPATH=os.pathsep.join(filter(None, [_project_root(),
                                                                                os.environ.get("PYTHONPATH")])))
        timed_out = False
        with open(stderr_path, "wb") as stderr:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr,
                                     cwd=work, env=env, preexec_fn=_limit(limits), start_new_session=True)
            with _RUNNING_LOCK:
                _RUNNING.add(child)
            try:
                returncode = child.wait(timeout=limits.wall)
            except subprocess.TimeoutExpired:
                timed_out = True
                _kill(child)
                returncode = child.wait()
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.discard(child)
        events = _read_events(events_path)
        stderr_text = _tail(stderr_path)
    return _entry(path, events, returncode, timed_out, stderr_text, limits, time.monotonic() - started)


def _kill(child):
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _project_root() -> str:
    return str(Path(__file__).resolve().parent.parent)


def _entry(path, events, returncode, timed_out, stderr, limits, seconds) -> dict:
    done = next((e for e in events if e["event"] == "done"), None)
    outcomes = [report.Outcome(e["check"], e["contract"], e["implementation"], e["status"], e["message"])
                for e in events if e["event"] == "outcome"]
    entry = {"path": str(path), "sha256": file_hash(path), "seconds": round(seconds, 2)}
    if done is not None and "load_error" in done:
        entry.update(verdict="does not import", message=done["load_error"], contract={})
        return entry
    if done is not None and not timed_out:
        summary = report.summarize(outcomes)
        entry.update(verdict="failed" if report.failed(summary) else "passed", contract=summary)
        first = next((v for v in summary.values() if v["status"] == "failed"), None)
        entry["message"] = report.first_line(first["message"]) if first else ""
        return entry
    verdict, why = _death(returncode, timed_out, stderr, limits)
    started = [e for e in events if e["event"] == "start"]
    finished = {(e["check"], e["implementation"]) for e in events if e["event"] == "outcome"}
    running = next((e for e in reversed(started) if (e["check"], e["implementation"]) not in finished), None)
    if running is not None:
        why += f" during check {running['check']} [{running['implementation']}]"
        from nnspec.checks import by_name

        contract = by_name(running["check"]).contract
        outcomes.append(report.Outcome(running["check"], contract, running["implementation"], "failed",
                                       f"the implementation {why}"))
    elif not any(e["event"] == "loaded" for e in events):
        why += " while being imported"
    entry.update(verdict=verdict, message=f"the implementation {why}", contract=report.summarize(outcomes))
    return entry


class Report:
    """The batch's JSON report: {version, limits, results: {path: entry}}, saved atomically after each change."""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.lock = threading.Lock()
        self.data = {"version": REPORT_VERSION, "limits": asdict(limits), "results": {}}
        if path.exists():
            try:
                old = json.loads(path.read_text())
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path} is not a JSON report ({exc}): name another --report file") from None
            if old.get("version") == REPORT_VERSION:
                self.data["results"] = old.get("results", {})

    def done(self, path: Path) -> bool:
        entry = self.data["results"].get(str(path))
        return entry is not None and entry.get("sha256") == file_hash(path)

    def add(self, entry: dict):
        with self.lock:
            self.data["results"][entry["path"]] = entry
            temporary = self.path.with_name(self.path.name + ".tmp")
            temporary.write_text(json.dumps(self.data, indent=2))
            os.replace(temporary, self.path)


SHORT = {
    "relu": "relu", "relu_derivative": "relu'", "sigmoid": "sig", "sigmoid_derivative": "sig'", "tanh": "tanh",
    "tanh_derivative": "tanh'", "elu": "elu", "elu_derivative": "elu'", "softmax": "smax",
    "cross_entropy_loss": "ce", "binary_cross_entropy": "bce", "cross_entropy_derivative": "dZ",
    "initialize_parameters": "init", "forward_propagation": "fwd", "backward_propagation": "bwd",
    "update_parameters": "upd", "dropout_forward": "drop", "dropout_backward": "drop'", "train": "train",
    TRAINING_LOOP: "loop",
}
MARK = {"passed": "ok", "failed": "X", "not provided": "-", "not applicable": "n/a"}


def table(entries: list[dict]) -> str:
    """Implementation by contract name: ok, X (failed), - (not provided), n/a, ? (not reached)."""
    names = [Path(e["path"]).name for e in entries]
    width = max([len(n) for n in names] + [14])
    verdict_width = max([len(e["verdict"]) for e in entries] + [7])
    columns = list(SHORT)
    header = f"{'implementation':<{width}}  {'verdict':<{verdict_width}}  " + " ".join(
        f"{SHORT[c]:>{max(len(SHORT[c]), 2)}}" for c in columns)
    lines = [header]
    for name, entry in zip(names, entries):
        marks = []
        for c in columns:
            status = entry.get("contract", {}).get(c, {}).get("status")
            marks.append(f"{MARK.get(status, '?'):>{max(len(SHORT[c]), 2)}}")
        lines.append(f"{name:<{width}}  {entry['verdict']:<{verdict_width}}  " + " ".join(marks))
    lines.append("ok passed, X failed, - not provided, n/a not applicable, ? not reached")
    return "\n".join(lines)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def run_batch(paths, report_path, limits: Limits, workers: int = 2, select=None, out=None) -> list[dict]:
    """Verify every implementation in `paths`, `workers` at a time, skipping those the report already holds."""
    out = out or sys.stdout
    files = discover(paths)
    if not files:
        raise ValueError(f"no .py files in {', '.join(map(str, paths))}")
    book = Report(Path(report_path), limits)
    todo = [f for f in files if not book.done(f)]
    skipped = len(files) - len(todo)
    print(f"nnspec batch: {len(files)} implementations, {skipped} already in {report_path}, {len(todo)} to verify "
          f"with {workers} workers; limits per implementation: {limits.wall:g} s wall, {limits.cpu} s CPU, "
          f"{limits.memory_mb} MB memory, {limits.call:g} s per call", file=out, flush=True)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(verify_in_process, f, limits, select): f for f in todo}
        try:
            for count, future in enumerate(as_completed(futures), start=1):
                entry = future.result()
                book.add(entry)
                elapsed = time.monotonic() - started
                eta = elapsed / count * (len(todo) - count)
                detail = f": {entry['message']}" if entry["verdict"] != "passed" and entry.get("message") else ""
                print(f"[{count:>{len(str(len(todo)))}}/{len(todo)}] {_clock(elapsed)} elapsed, eta {_clock(eta)}  "
                      f"{futures[future]}: {entry['verdict']}{detail}"[:300], file=out, flush=True)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            kill_running()
            print(f"interrupted: the report {report_path} keeps every finished result; run again to go on",
                  file=out, flush=True)
            raise
    elapsed = time.monotonic() - started
    entries = [book.data["results"][str(f)] for f in files]
    print(table(entries), file=out)
    rate = len(todo) / elapsed if elapsed > 0 else float("inf")
    print(f"{len(todo)} verified in {elapsed:.1f} s ({rate:.2f} per second, {workers} workers); report: {report_path}",
          file=out, flush=True)
    return entries
