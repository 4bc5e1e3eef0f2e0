"""Verifying many implementations: warm checking processes, one implementation process per submission.

Every submission is first copied into a private staging folder (with its helper files, names starting with "_")
and hashed there, before any of them runs; each is then verified from its own copy. `--workers` checking
processes (`python -m nnspec worker`, nnspec's own code, started once) take the submissions one after another;
each starts the submission's own process (nnspec/process.py), which never learns where the report or the events
go. Only this process writes the report: after every submission, atomically, so that a re-run skips what is
already verified (unless the file changed). Whatever one submission does, the batch goes on.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import secrets
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from nnspec import report
from nnspec.calls import DEFAULT_TIMEOUT, visible
from nnspec.contract import TRAINING_LOOP
from nnspec.process import Limits as ProcessLimits
from nnspec.process import sandbox_line, sandbox_policy

REPORT_VERSION = 2
SUFFIXES = (".py", ".ipynb")


INTERNAL_FAILURE = "nnspec itself failed verifying it"  # the start of the message of an entry that is not its doing


@dataclass
class Limits:
    """Per-implementation limits; `call` is the limit of one call into it."""

    wall: float = 300.0
    cpu: int = 300
    memory_mb: int = 2048
    call: float = DEFAULT_TIMEOUT
    sandbox: str = "auto"  # off | auto (bubblewrap where this machine can) | required
    profile: str | None = None  # --profile: None recognises it from the names each file defines
    definitions_only: bool = False


@dataclass
class Staged:
    """A submission as found (`path`) and as verified (`copy`, in the staging folder), with the copy's sha256."""

    path: Path
    copy: Path | None
    sha256: str
    error: str = ""


def discover(paths) -> list[Path]:
    """The implementation files named, and those found (recursively, sorted) in the folders named.

    In a folder, files whose names start with "_" are helpers of the implementations, not implementations.
    """
    found = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()
                            and not p.name.startswith("_") and "__pycache__" not in p.parts)
        elif path.is_file():
            found.append(path)
        else:
            raise ValueError(f"{raw}: no such file or folder")
    unique, seen = [], set()
    for path in found:
        if path.resolve() not in seen:
            seen.add(path.resolve())
            unique.append(path)
    return unique


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def stage(files: list[Path], root: Path, readable: bool = False) -> list[Staged]:
    """Copy each submission, with the helper files of its folder, into a folder of its own under `root`.

    readable: for submissions that run as other users (root, without a sandbox): each folder and its files may be
    read by all, under a name no one can guess, in a `root` that can be entered but not listed (mode 711).
    """
    staged = []
    if readable:
        root.chmod(0o711)
    for index, path in enumerate(files):
        folder = root / (f"{index:04d}-{secrets.token_hex(16)}" if readable else f"{index:04d}")
        folder.mkdir(mode=0o700)
        try:
            data = path.read_bytes()
            copy = folder / path.name
            copy.write_bytes(data)
            for helper in sorted(path.parent.glob("_*.py")):
                if helper.is_file():
                    shutil.copyfile(helper, folder / helper.name)
            if readable:
                for file in folder.iterdir():
                    file.chmod(0o644)
                folder.chmod(0o755)
            staged.append(Staged(path, copy, hashlib.sha256(data).hexdigest()))
        except OSError as exc:
            staged.append(Staged(path, None, "", f"could not be read when the batch started: {exc.strerror or exc}"))
    return staged


def entry_of(staged: Staged, result: dict, seconds: float) -> dict:
    """The report's entry for one submission, from its verification result."""
    entry = {"path": str(staged.path), "sha256": staged.sha256, "seconds": round(seconds, 2),
             "verdict": result["verdict"], "contract": result.get("contract", {})}
    if "load_error" in result:
        entry["message"] = result["load_error"]
    else:
        first = next((v for v in entry["contract"].values() if v["status"] == "failed"), None)
        entry["message"] = report.first_line(first["message"]) if first else ""
        if result.get("missing_required"):
            missing = f"not provided: {', '.join(result['missing_required'])}"
            entry["message"] = f"{entry['message']}; {missing}" if entry["message"] else missing
        entry["missing_required"] = result.get("missing_required", [])
    if result.get("output"):
        entry["output"] = result["output"][:500]
    if result.get("boundary"):
        entry["boundary"] = result["boundary"]
    return entry


def _report_key(report: Path) -> bytes:
    """The report's signing key, made on first use, readable by its owner only."""
    path = report.with_name(report.name + ".key")
    try:
        return bytes.fromhex(path.read_text().strip())
    except (OSError, ValueError):
        key = os.urandom(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key.hex())
        return key


def changed_since_staged(staged: Staged) -> str:
    """A note when the file on disk is no longer what was verified, else ""."""
    try:
        if file_hash(staged.path) == staged.sha256:
            return ""
        return "the file changed on disk during the batch: this verdict is for the version staged at the start"
    except OSError:
        return "the file vanished during the batch: this verdict is for the version staged at the start"


class ReportNotWritten(OSError):
    """Every submission was verified, but the report could not be written (the message says why)."""


class Report:
    """The batch's JSON report: {version, limits, results: {path: entry}}, saved atomically after each change.

    Each entry carries an HMAC-SHA256 of its content under a key kept beside the report (REPORT.key, readable by
    its owner only, never by a sandboxed submission): an entry edited by anyone else no longer matches, and a
    re-run verifies that submission again instead of keeping the edit.
    """

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.lock = threading.RLock()  # add() saves under it too
        self.key = _report_key(path)
        self.edited: list[str] = []
        self.data = {"version": REPORT_VERSION, "limits": asdict(limits), "results": {}}
        if path.exists():
            try:
                old = json.loads(path.read_text())
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise ValueError(f"{path} is not a JSON report ({exc}): name another --report file") from None
            if isinstance(old, dict) and old.get("version") == REPORT_VERSION:
                for name, entry in (old.get("results") or {}).items():
                    if isinstance(entry, dict) and entry.get("digest") == self.digest(entry):
                        self.data["results"][name] = entry
                    else:
                        self.edited.append(name)

    def digest(self, entry: dict) -> str:
        body = json.dumps({k: v for k, v in entry.items() if k != "digest"}, sort_keys=True).encode()
        return hmac.new(self.key, body, hashlib.sha256).hexdigest()

    def done(self, staged: Staged) -> bool:
        entry = self.data["results"].get(str(staged.path))
        return (staged.copy is not None and entry is not None and entry.get("sha256") == staged.sha256
                and not entry.get("message", "").startswith(INTERNAL_FAILURE))  # nnspec's fault: try it again

    def add(self, entry: dict) -> str:
        """Add (or replace) the entry and save; "" when saved, else why not (kept here, saved with the next)."""
        with self.lock:
            entry = {**entry, "digest": self.digest(entry)}
            self.data["results"][entry["path"]] = entry
            return self.save()

    def save(self) -> str:
        """Write the report atomically; "" when written, else why not (a full disk, a folder gone)."""
        try:
            self._write()
        except OSError as exc:
            return f"{exc.strerror or exc}"
        return ""

    def _write(self):
        with self.lock:
            # A fresh name, created exclusively: a fixed one in a folder others may write (/tmp) could be a link
            # planted there by a submission running as another user, and root would write through it.
            fd, temporary = tempfile.mkstemp(prefix=self.path.name + ".", suffix=".tmp", dir=self.path.parent)
            try:
                os.fchmod(fd, 0o644)
                with os.fdopen(fd, "w") as handle:
                    handle.write(json.dumps(self.data, indent=2))
                os.replace(temporary, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise


class Worker:
    """One warm checking process (`python -m nnspec worker`): it verifies one submission at a time."""

    def __init__(self, scratch: str | None = None):
        self.popen = None
        self.scratch = scratch  # its TMPDIR: removed with the batch's staging folder even if the worker is killed

    def start(self):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [_project_root(),
                                                                        os.environ.get("PYTHONPATH")])))
        if self.scratch:
            env["TMPDIR"] = self.scratch
        from nnspec.sandbox import dying_with_parent

        # Dies with the batch however the batch ends (SIGTERM, SIGKILL), and its implementation's process with it.
        self.popen = subprocess.Popen([sys.executable, "-m", "nnspec", "worker"], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                      start_new_session=True, preexec_fn=dying_with_parent())

    def verify(self, staged: Staged, limits: Limits, select_, require) -> dict:
        """The result of verifying `staged` (a verdict even when the checking process itself dies)."""
        if self.popen is None or self.popen.poll() is not None:
            self.start()
        task = {"target": str(staged.copy), "label": staged.path.name, "select": select_, "require": require,
                "limits": asdict(limits)}
        try:
            self.popen.stdin.write((json.dumps(task) + "\n").encode())
            self.popen.stdin.flush()
        except OSError:
            return self._died(staged)
        # The checking process enforces the limits itself; this is only a safety net for it hanging.
        deadline = time.monotonic() + limits.wall + 120
        out = self.popen.stdout
        buffer = b""
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([out], [], [], max(left, 0))
            if not ready:
                return self._died(staged, "stopped answering")
            chunk = os.read(out.fileno(), 1 << 16)
            if not chunk:
                return self._died(staged)
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                event = json.loads(line)
                if event.get("event") == "result":
                    return event["result"]

    def _died(self, staged: Staged, how: str = "died") -> dict:
        self.stop()
        return {"implementation": staged.path.name, "verdict": "crashed", "failed": True,
                "load_error": f"the checking process {how} while verifying it (did the implementation kill it?)",
                "contract": {}}

    def stop(self):
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, 9)
            except (ProcessLookupError, PermissionError):
                pass
            self.popen.wait()
            self.popen = None


def unstaged(result: dict, copy) -> dict:
    """`result` with the staged copy's folder taken out of every message (tracebacks name the file, `net.py`).

    The student knows the file, not the staging folder, whose random name would also make the same submission's
    messages differ from one run to the next."""
    folder = json.dumps(os.path.dirname(os.path.abspath(copy)) + os.sep)[1:-1]
    return json.loads(json.dumps(result).replace(folder, ""))


def worker_main() -> int:
    """`python -m nnspec worker`: read tasks (JSON lines) on stdin, write each result as one JSON line."""
    from nnspec import replay, runner

    _not_dumpable()
    replay.enable()  # warm across submissions: each configuration's examples are generated once
    events = os.fdopen(os.dup(1), "w", buffering=1)
    # Nothing but results may reach the batch through our stdout: whatever else would print goes nowhere.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    for line in sys.stdin:
        task = json.loads(line)
        limits = Limits(**task["limits"])
        started = time.monotonic()
        try:
            result = runner.verify(task["target"], timeout=limits.call, select=task.get("select"), quiet=True,
                                   require=task.get("require"), default_require="applicable", label=task["label"],
                                   limits=ProcessLimits(memory_mb=limits.memory_mb, cpu=limits.cpu),
                                   wall=limits.wall, sandbox=limits.sandbox, profile=limits.profile,
                                   definitions_only=limits.definitions_only)
        except Exception as exc:  # noqa: BLE001 - the batch must get an answer for every task
            result = {"implementation": task["label"], "verdict": "crashed", "failed": True,
                      "load_error": f"{INTERNAL_FAILURE}: {type(exc).__name__}: {exc}"}
        result["seconds"] = round(time.monotonic() - started, 2)
        result.pop("outcomes", None)
        events.write(json.dumps({"event": "result", "result": unstaged(result, task["target"])}) + "\n")
    return 0


def _run_as_others(limits: Limits) -> bool:
    """As root, where --sandbox auto finds no sandbox: each submission's process runs as a uid of its own
    (sandbox.own_uid, taken by the session that verifies it), which must be able to read its staged copy."""
    from nnspec import sandbox

    return os.geteuid() == 0 and limits.sandbox == "auto" and not sandbox.probe().sandbox


def _protection(limits: Limits, others: bool, availability=None) -> str:
    """The batch's header: what protects the submissions (each result's own line names its uid)."""
    from nnspec import sandbox

    process_limits = ProcessLimits(memory_mb=limits.memory_mb, cpu=limits.cpu)
    if not others:
        return sandbox_line(limits.sandbox, process_limits)
    with sandbox.own_uid((), availability) as uid:  # can such a uid start this Python here?
        line = sandbox.describe(sandbox_policy(replace(process_limits, user=uid)), availability)
    if uid is None:
        return line
    return line.replace(sandbox.who(uid), f"a uid of its own per submission (the first spare from "
                                          f"{sandbox.FIRST_SPARE_UID} on), which no account and no other process has,")


def _not_dumpable():
    """Other processes of this user (a submission's, outside a sandbox) cannot open our /proc/PID/fd or memory."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4
    except (OSError, AttributeError):
        pass


def _project_root() -> str:
    return str(Path(__file__).resolve().parent.parent)


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
    """Implementation by contract name: ok, X (failed), - (not provided), n/a, ? (not reached), . (not selected)."""
    names = [visible(Path(e["path"]).name) for e in entries]
    width = max([len(n) for n in names] + [14])
    verdict_width = max([len(e["verdict"]) for e in entries] + [7])
    columns = list(SHORT)
    header = f"{'implementation':<{width}}  {'verdict':<{verdict_width}}  " + " ".join(
        f"{SHORT[c]:>{max(len(SHORT[c]), 2)}}" for c in columns)
    lines = [header]
    unselected = False
    for name, entry in zip(names, entries):
        marks = []
        for c in columns:
            status = entry.get("contract", {}).get(c, {}).get("status")
            # No outcome at all for an implementation that was verified: -k left that contract name's checks out.
            mark = "." if status is None and entry.get("contract") else MARK.get(status, "?")
            unselected = unselected or mark == "."
            marks.append(f"{mark:>{max(len(SHORT[c]), 2)}}")
        lines.append(f"{name:<{width}}  {entry['verdict']:<{verdict_width}}  " + " ".join(marks))
    lines.append("ok passed, X failed, - not provided, n/a not applicable, ? not reached"
                 + (", . not selected (-k)" if unselected else ""))
    return "\n".join(lines)


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def run_batch(paths, report_path, limits: Limits, workers: int = 2, select=None, out=None, require=None) -> list[dict]:
    """Verify every implementation in `paths`, `workers` at a time, skipping those the report already holds."""
    out = out or sys.stdout
    report.parse_require(require, [], "applicable")  # a typo is one usage error now, not a crash per submission
    files = discover(paths)
    if not files:
        raise ValueError(f"no {' or '.join(SUFFIXES)} files in {', '.join(map(str, paths))}")
    problem = report.folder_problem("--report", report_path)
    if problem:
        raise ValueError(problem)
    book = Report(Path(report_path), limits)
    others = _run_as_others(limits)
    with tempfile.TemporaryDirectory(prefix="nnspec-staging-") as root:
        os.chmod(root, 0o700)
        staged = stage(files, Path(root), readable=others)
        todo = [s for s in staged if not book.done(s)]
        skipped = len(staged) - len(todo)
        if book.edited:
            print(f"nnspec batch: {len(book.edited)} entries of {report_path} do not match the digest nnspec wrote "
                  f"(edited since?): verified again", file=out, flush=True)
        print(f"nnspec batch: {len(files)} implementations, {skipped} already in {report_path}, {len(todo)} to "
              f"verify with {workers} workers; limits per implementation: {limits.wall:g} s wall, {limits.cpu} s "
              f"CPU, {limits.memory_mb} MB memory, {limits.call:g} s per call", file=out, flush=True)
        protection = _protection(limits, others)
        book.data["sandbox"] = protection  # the report says what protected the verdicts it holds
        print(protection, file=out, flush=True)
        started = time.monotonic()
        scratch = Path(root) / "work"
        scratch.mkdir(mode=0o711 if others else 0o700)  # each process's own folder in it is handed to its uid
        pool_workers = [Worker(str(scratch)) for _ in range(max(1, min(workers, len(todo) or 1)))]
        free = list(pool_workers)
        free_lock = threading.Lock()

        def verify_one(item: Staged) -> dict:
            began = time.monotonic()
            if item.copy is None:
                return {"path": str(item.path), "sha256": "", "seconds": 0.0, "verdict": "does not import",
                        "message": f"{item.path.name} {item.error}", "contract": {}}
            with free_lock:
                worker = free.pop()
            try:
                result = worker.verify(item, limits, select, require)
            finally:
                with free_lock:
                    free.append(worker)
            return entry_of(item, result, time.monotonic() - began)

        try:
            with ThreadPoolExecutor(max_workers=len(pool_workers)) as pool:
                futures = {pool.submit(verify_one, s): s for s in todo}
                try:
                    unsaved = ""
                    for count, future in enumerate(as_completed(futures), start=1):
                        entry = future.result()
                        problem = book.add(entry)
                        if problem and not unsaved:
                            print(f"nnspec batch: the report {report_path} cannot be written ({problem}); the batch "
                                  f"goes on and writes it after each next submission", file=out, flush=True)
                        unsaved = problem
                        elapsed = time.monotonic() - started
                        eta = elapsed / count * (len(todo) - count)
                        detail = f": {entry['message']}" if entry["verdict"] != "passed" and entry.get("message") else ""
                        print(visible(f"[{count:>{len(str(len(todo)))}}/{len(todo)}] {_clock(elapsed)} elapsed, "
                                      f"eta {_clock(eta)}  {futures[future].path}: {entry['verdict']}{detail}")[:300],
                              file=out, flush=True)
                except KeyboardInterrupt:
                    for future in futures:
                        future.cancel()
                    for worker in pool_workers:
                        worker.stop()
                    print(f"interrupted: the report {report_path} keeps every finished result; run again to go on",
                          file=out, flush=True)
                    raise
        finally:
            for worker in pool_workers:
                worker.stop()
        # Only now, when no submission of this batch runs any more, is what is on disk compared with what was verified.
        for item in todo:
            note = changed_since_staged(item) if item.copy is not None else ""
            if note:
                book.add({**book.data["results"][str(item.path)], "note": note})
    elapsed = time.monotonic() - started
    entries = [book.data["results"][str(s.path)] for s in staged]
    print(table(entries), file=out)
    rate = len(todo) / elapsed if elapsed > 0 else float("inf")
    print(f"{len(todo)} verified in {elapsed:.1f} s ({rate:.2f} per second, {workers} workers); report: {report_path}",
          file=out, flush=True)
    problem = book.save()
    if problem:
        raise ReportNotWritten(f"the report {report_path} could not be written ({problem}): the table above holds "
                               f"every verdict; free the space or name another --report, and run again")
    return entries
