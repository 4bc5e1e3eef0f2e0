"""The implementation's process, seen from the checker: start it, send it requests, bound it, replace it when it dies.

The checker never imports, unpickles or executes anything of the implementation's: it sends plain data
(nnspec/wire.py) to a child process that runs nnspec/server.py, and reads plain data back. A call that takes
longer than its limit, a crash, an exit: the child is killed (with every process of its session) and the next
request starts a fresh one, which imports the implementation again.
"""

from __future__ import annotations

import atexit
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from nnspec import wire

# Read the server over the channel, then serve: small enough to read in `ps`, and no file of nnspec's needed.
BOOT = """\
import os, sys
r, w = int(sys.argv[1]), int(sys.argv[2])
def _read(n):
    data = b""
    while len(data) < n:
        chunk = os.read(r, n - len(data))
        if not chunk:
            raise SystemExit(3)
        data += chunk
    return data
code = _read(int.from_bytes(_read(8), "big")).decode()
space = {"__name__": "__nnspec_child__", "__builtins__": __builtins__}
exec(compile(code, "<nnspec-child>", "exec"), space)
del code, _read
space["main"](r, w)
"""
BLOCKED = ("nnspec", "spec", "reference")
OUTPUT_LIMIT = 2000  # characters of the implementation's output kept for the report
START_TIMEOUT = 120.0  # seconds to import the implementation (torch alone takes a few)
THREADS = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


@dataclass
class Limits:
    """What one implementation may use: memory (address space, MB), CPU seconds in all, bytes written to files."""

    memory_mb: int = 2048
    cpu: float = 300.0
    fsize_mb: int = 64
    # As root, with --sandbox auto where no sandbox can be had: the unprivileged user (a name) or uid (a number) it
    # runs as instead (nnspec/sandbox.py); None lets the session take a uid of its own where it can. --sandbox off
    # starts it with _spawn, which does not change users.
    user: str | int | None = None


class ChildError(Exception):
    """The implementation's process failed a request; `kind` is crashed, timeout, cpu or protocol."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


def child_source() -> str:
    here = Path(__file__).resolve().parent
    return (here / "wire.py").read_text() + "\n\n" + (here / "server.py").read_text()


_SOURCE = None


def _source_frame() -> bytes:
    global _SOURCE
    if _SOURCE is None:
        data = child_source().encode()
        _SOURCE = len(data).to_bytes(8, "big") + data
    return _SOURCE


class Output:
    """The first `limit` characters the implementation wrote to its fds 1 and 2, and a count of the rest."""

    def __init__(self, fd: int, limit: int = OUTPUT_LIMIT):
        self.limit, self.kept, self.dropped = limit, bytearray(), 0
        self.thread = threading.Thread(target=self._drain, args=(fd,), daemon=True)
        self.thread.start()

    def _drain(self, fd):
        try:
            while True:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    return
                room = self.limit - len(self.kept)
                self.kept += chunk[:max(room, 0)]
                self.dropped += max(len(chunk) - max(room, 0), 0)
        except OSError:
            return
        finally:
            os.close(fd)

    def text(self) -> str:
        kept = self.kept.decode("utf-8", "replace")
        if self.dropped:
            kept += f"\n[... {self.dropped} more bytes of output not shown]"
        return kept


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


DEATHS = {
    signal.SIGSEGV: "crashed (segmentation fault)",
    signal.SIGBUS: "crashed (bus error)",
    signal.SIGFPE: "crashed (floating-point exception)",
    signal.SIGILL: "crashed (illegal instruction)",
    signal.SIGABRT: "crashed (aborted)",
    signal.SIGXCPU: "exceeded its CPU-time limit",
    signal.SIGXFSZ: "wrote more than its file-size limit",
    signal.SIGKILL: "was killed (SIGKILL: out of memory, or killed from outside)",
}


def describe_death(returncode: int | None) -> tuple[str, str]:
    """(kind, words) for a process that ended: kind is crashed, cpu or exit."""
    if returncode is None:
        return "crashed", "stopped answering"
    if returncode < 0:
        number = -returncode
        words = DEATHS.get(number, f"was killed by signal {_signal_name(number)}")
        return ("cpu" if number == signal.SIGXCPU else "crashed"), words
    return "exit", f"ended its process with exit code {returncode} (os._exit?)"


class Child:
    """One running implementation process and its channel."""

    def __init__(self, limits: Limits, cwd: str, extra_env=None, spawn=None, sandbox: str = "off", readable=()):
        self.limits = limits
        read_child, self.write_fd = os.pipe()
        self.read_fd, write_child = os.pipe()
        out_read, out_write = os.pipe()
        # -B: no __pycache__ written beside the user's file (-I ignores PYTHONDONTWRITEBYTECODE)
        argv = [sys.executable, "-I", "-B", "-c", BOOT, str(read_child), str(write_child)]
        try:
            if sandbox != "off":
                self.popen = _spawn_sandboxed(argv, pass_fds=(read_child, write_child), stdout=out_write, cwd=cwd,
                                              env={"MPLBACKEND": "Agg", **(extra_env or {})}, limits=limits,
                                              mode=sandbox, readable=readable)
            else:
                env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": cwd, "LANG": "C.UTF-8",
                       "MPLBACKEND": "Agg", **THREADS, **(extra_env or {})}
                self.popen = (spawn or _spawn)(argv, pass_fds=(read_child, write_child), stdout=out_write, cwd=cwd,
                                               env=env, limits=limits)
        finally:
            for fd in (read_child, write_child, out_write):
                os.close(fd)
        self.output = Output(out_read)
        self.started = time.monotonic()
        os.set_blocking(self.write_fd, False)
        os.set_blocking(self.read_fd, False)
        self._send(_source_frame(), START_TIMEOUT)

    # -- the channel ------------------------------------------------------------------------------------------------
    def _send(self, data: bytes, timeout: float):
        deadline = time.monotonic() + timeout
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.write_fd, view):]  # most requests fit in the pipe at once
                continue
            except BlockingIOError:
                pass
            except BrokenPipeError:
                raise ChildError("crashed", "closed its channel") from None
            left = deadline - time.monotonic()
            if left <= 0:
                raise ChildError("timeout", "did not read its request")
            select.select([], [self.write_fd], [], left)

    def _receive(self, n: int, deadline: float) -> bytes:
        chunks, left = [], n
        while left:
            chunk = self._receive_some(deadline, min(left, 1 << 20))
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)

    def request(self, payload: bytes, timeout: float) -> bytes:
        """Send one frame, wait at most `timeout` seconds for the answer's frame."""
        deadline = time.monotonic() + timeout
        self._send(len(payload).to_bytes(8, "big") + payload, timeout)
        # The child writes an answer in one piece: its length and, usually, all of it arrive in the first read.
        first = self._receive_some(deadline)
        if len(first) < 8:
            first += self._receive(8 - len(first), deadline)
        size = int.from_bytes(first[:8], "big")
        if size > wire.MAX_FRAME:
            raise ChildError("protocol", f"sent an answer of {size} bytes, more than the limit of "
                                         f"{wire.MAX_FRAME // 2**20} MB")
        body = first[8:]
        if len(body) > size:
            raise ChildError("protocol", "sent more than one answer")
        return body + self._receive(size - len(body), deadline)

    def _receive_some(self, deadline: float, limit: int = 1 << 16) -> bytes:
        """Whatever the child has written (at most `limit` bytes), waiting for it until `deadline`."""
        while True:
            try:
                chunk = os.read(self.read_fd, limit)
            except BlockingIOError:
                wait = deadline - time.monotonic()
                if wait <= 0:
                    raise ChildError("timeout", "did not answer in time") from None
                select.select([self.read_fd], [], [], wait)
                continue
            if not chunk:
                raise ChildError("crashed", "closed its channel")
            return chunk

    # -- life and death --------------------------------------------------------------------------------------------
    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self):
        """Kill the process and everything it started (in its session, or in its sandbox)."""
        if hasattr(self.popen, "cleanup"):  # a sandboxed process: every process of it, a daemon too
            self.popen.cleanup()
            self.close()
            return
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.popen.kill()
        except ProcessLookupError:
            pass
        self.popen.wait()
        self.close()

    def ended(self) -> tuple[str, str]:
        """After the channel closed: wait briefly for the exit status and say what happened."""
        try:
            code = self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            code = None
        self.kill()
        why = getattr(self.popen, "why_killed", None)
        if why and why != "stopped by the caller":
            kind = "cpu" if "CPU" in why else "memory" if "memory" in why else "crashed"
            return kind, f"was stopped by its sandbox: {why}"
        if hasattr(self.popen, "cleanup") and code is not None and code > 128:
            code = 128 - code  # bubblewrap passes its child's death by signal N on as exit status 128 + N
        return describe_death(code)

    def close(self):
        for fd in (self.read_fd, self.write_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.read_fd = self.write_fd = -1

    def cpu_seconds(self) -> float:
        """CPU time of the process so far (user + system), from /proc; 0 where there is none."""
        try:
            fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks = os.sysconf("SC_CLK_TCK")
            return sum(int(f) for f in fields[11:15]) / ticks
        except (OSError, ValueError, IndexError):
            return 0.0


def _spawn(argv, *, pass_fds, stdout, cwd, env, limits: Limits):
    """subprocess.Popen with rlimits, its own session, nothing inherited but the channel; it dies with this process."""
    from nnspec.sandbox import dying_with_parent

    die_with_parent = dying_with_parent()

    def apply():
        memory = int(limits.memory_mb) * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        cpu = max(1, int(limits.cpu + 0.999))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
        fsize = int(limits.fsize_mb) * 2**20
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        die_with_parent()

    return subprocess.Popen(argv, pass_fds=pass_fds, stdin=subprocess.DEVNULL, stdout=stdout,
                            stderr=subprocess.STDOUT, cwd=cwd, env=env, preexec_fn=apply, start_new_session=True,
                            close_fds=True)


def sandbox_policy(limits: Limits):
    from nnspec import sandbox

    return sandbox.Policy(tmp_mb=64, max_processes=64, cpu_seconds=float(limits.cpu), memory_mb=int(limits.memory_mb),
                          user=limits.user)


def _spawn_sandboxed(argv, *, pass_fds, stdout, cwd, env, limits: Limits, mode: str, readable):
    """The implementation's process in nnspec/sandbox.py's sandbox (bubblewrap where it can be had)."""
    from nnspec import sandbox

    return sandbox.start(argv, workdir=cwd, readable=[r for r in readable if os.path.isdir(r)], env=env,
                         policy=sandbox_policy(limits), sandbox=mode, pass_fds=pass_fds, stdin=subprocess.DEVNULL,
                         stdout=stdout, stderr=subprocess.STDOUT, close_fds=True)


def sandbox_line(mode: str, limits: Limits) -> str:
    """What protects the implementation's process: the sandbox's own description, or why there is none."""
    if mode == "off":
        return ("no sandbox (--sandbox off): the implementation runs in a process of its own, as this user, with "
                "access to its files and the network")
    from nnspec import sandbox

    return sandbox.describe(sandbox_policy(limits))


class Workdir:
    """A private temporary folder for the implementation's process: its cwd and HOME (removed at exit at the latest)."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="nnspec-impl-")
        _FOLDERS.add(self.path)

    def remove(self):
        shutil.rmtree(self.path, ignore_errors=True)
        _FOLDERS.discard(self.path)


_FOLDERS: set = set()


_LIVE: set = set()
_LIVE_LOCK = threading.Lock()
atexit.register(lambda: kill_all())


def track(child: Child):
    with _LIVE_LOCK:
        _LIVE.add(child)


def untrack(child: Child):
    with _LIVE_LOCK:
        _LIVE.discard(child)


def kill_all():
    """Kill every implementation process still running, and remove their folders (at exit, or when interrupted)."""
    with _LIVE_LOCK:
        children = list(_LIVE)
        _LIVE.clear()
    for child in children:
        child.kill()
    for folder in list(_FOLDERS):
        shutil.rmtree(folder, ignore_errors=True)
        _FOLDERS.discard(folder)
