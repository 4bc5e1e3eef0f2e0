"""Untrusted code in a sandbox: bubblewrap namespaces, limits over all its processes together, an honest fallback.

    proc = start([sys.executable, "-I", "-c", BOOT, str(r), str(w)], workdir=staged, readable=[staged],
                 policy=Policy(cpu_seconds=20, memory_mb=512), pass_fds=(r, w), stdout=PIPE, stderr=STDOUT)
    ...  # proc.popen is the subprocess.Popen of the sandbox; proc.wait(), proc.kill(), proc.why_killed
    proc.cleanup()

Inside: the system read-only (only what Python and its packages need), the `readable` folders read-only, a private
/tmp of `tmp_mb`, no network but its own loopback, its own pid namespace (every process dies with it), no variable of
the caller's environment but those given. Limits (processes, CPU seconds, memory) count all its processes together:
a cgroup where one can be made (v2 delegated, or v1 as root), else a monitor that sums /proc a few times a second.
Where no sandbox can be had and this process is root, a Policy's `user` (an unprivileged account, or a uid that no
account and no process uses, given to it alone: `spare_uids`) is who runs it.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import functools
import importlib.util
import os
import pwd
import resource
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
INSTALL_HINT = "apt-get install bubblewrap"
MASKED_PACKAGES = ("nnspec", "spec", "reference")
# What Python, numpy, torch and matplotlib read under /etc; the rest of /etc (passwords, keys, configs) stays out.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "alternatives", "fonts", "mime.types",
             "nsswitch.conf", "hosts", "ssl/certs")
SYSTEM_DIRS = ("/usr", "/lib", "/lib32", "/lib64", "/libx32", "/bin", "/sbin")
KILL_WAIT = 30.0  # seconds a killed process may take to be gone (freeing its memory) before we stop waiting
INTERVAL = 0.1  # seconds between two measurements of the monitor: a runaway gains at most this much CPU per core


class SandboxUnavailable(RuntimeError):
    """A sandbox was required (`sandbox="required"`) and this machine cannot give one."""


@dataclass(frozen=True)
class Policy:
    """What a sandboxed process may use; None means no limit of that kind (the wall clock is the caller's)."""

    tmp_mb: int = 64
    max_processes: int = 64
    cpu_seconds: float | None = None
    memory_mb: int | None = None
    network: bool = False
    # Without a sandbox, when this process is root: the unprivileged user it runs as instead (if that user can
    # start this Python), so that it cannot write root's files (a grader's results) nor read this process's memory.
    # A name is an account; a number is a uid of its own (spare_uids), whose every process is this one's.
    user: str | int | None = None

    def __post_init__(self):
        for name in ("tmp_mb", "max_processes", "cpu_seconds", "memory_mb"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
                raise ValueError(f"Policy {name} was {value!r}, must be a number > 0"
                                 + ("" if name in ("tmp_mb", "max_processes") else " or None"))


@dataclass(frozen=True)
class Availability:
    """What this machine offers: `sandbox` True when bubblewrap starts a command in every namespace we need."""

    sandbox: bool
    tool: str  # "bubblewrap 0.8.0", or "" when there is none
    reason: str  # why there is no sandbox; "" when there is one
    limits: str  # how limits count all processes: "cgroup v1", "cgroup v2" or "/proc monitor"
    limits_reason: str = ""  # why no cgroup, when limits is the monitor
    bwrap: str | None = None

    def lines(self) -> list[str]:
        """The text of `python -m nnspec sandbox`."""
        if self.sandbox:
            head = f"sandbox: {self.tool} ({self.bwrap}) works here: user, pid, network, ipc and uts namespaces"
        else:
            head = f"no sandbox: {self.reason}"
        why = f" ({self.limits_reason})" if self.limits_reason else ""
        return [head, f"limits over all of a submission's processes: {self.limits}{why}"]


# ------------------------------------------------------------------------------------------------------------ probe

def _run(argv, timeout=20.0) -> subprocess.CompletedProcess:
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)


@functools.lru_cache(maxsize=None)
def probe(bwrap: str | None = "") -> Availability:
    """Whether a sandbox can be had here and why not (cached); `bwrap=None` probes as if bubblewrap were absent."""
    cgroup_kind, cgroup_reason = _probe_cgroup()
    limits = cgroup_kind or "/proc monitor"
    path = shutil.which("bwrap") if bwrap == "" else bwrap
    if not path or not os.access(path, os.X_OK):
        return Availability(False, "", f"bubblewrap not found ({INSTALL_HINT})", limits, cgroup_reason)
    try:
        version = _run([path, "--version"]).stdout.strip() or "bubblewrap (unknown version)"
        with tempfile.TemporaryDirectory(prefix="nnspec-probe-") as empty:
            trial = _run(wrap([sys.executable, "-I", "-S", "-c", "import os; print(os.getpid())"], workdir=empty,
                              policy=Policy(), bwrap=path))
    except (OSError, subprocess.SubprocessError) as exc:
        return Availability(False, "", f"bubblewrap ({path}) does not start: {exc}", limits, cgroup_reason, path)
    if trial.returncode != 0 or trial.stdout.strip() != "2":
        why = (trial.stderr or trial.stdout).strip().splitlines()[-1:] or [f"exit status {trial.returncode}"]
        hint = " (are unprivileged user namespaces disabled? sysctl kernel.unprivileged_userns_clone)" \
            if "namespace" in why[0] or "ermission" in why[0] else ""
        return Availability(False, version, f"{version} cannot start a sandbox here: {why[0]}{hint}", limits,
                            cgroup_reason, path)
    return Availability(True, version, "", limits, cgroup_reason, path)


def _probe_cgroup() -> tuple[str | None, str]:
    """("cgroup v2" | "cgroup v1" | None, why none): can this process make a cgroup with the three controllers?"""
    try:
        group = Cgroup.create(Policy(cpu_seconds=1, memory_mb=64), name=f"nnspec-probe-{os.getpid()}")
    except OSError as exc:
        return None, f"no cgroup can be made here: {exc.strerror or exc}"
    kind = group.kind
    group.remove()
    return kind, ""


# ------------------------------------------------------------------------------------------------------------ wrap

@functools.lru_cache(maxsize=None)
def _masks(bound: tuple[str, ...]) -> list[str]:
    """bwrap arguments hiding nnspec's own files inside the bound folders: its packages, checkout, editable hooks.

    Cached: what is installed does not change during a batch, and listing site-packages costs milliseconds."""
    inside = [Path(b) for b in bound]

    def within(path: Path) -> bool:
        return any(path == b or b in path.parents for b in inside)

    args, homes = [], set()
    here = Path(__file__).resolve().parent.parent  # where nnspec is imported from: a checkout or site-packages
    for name in MASKED_PACKAGES:
        spec = importlib.util.find_spec(name) if name != "nnspec" else None
        folder = here / name if name == "nnspec" else (
            Path(spec.origin).parent if spec and spec.origin else None)
        if folder is not None and folder.exists() and folder.parent == here:
            homes.add(folder.parent)
            if within(folder):
                args += ["--tmpfs", str(folder)]
    for home in homes:
        if (home / "pyproject.toml").exists() and within(home):
            args += ["--tmpfs", str(home)]
    for directory in dict.fromkeys(_site_dirs()):
        for entry in sorted(Path(directory).glob("*")) if Path(directory).is_dir() else ():
            hook = entry.name.startswith("__editable__") and "nnspec" in entry.name
            pth = entry.suffix == ".pth" and entry.is_file() and any(
                str(h) in _head(entry) for h in homes)
            if (hook or pth) and within(entry):
                args += ["--ro-bind", "/dev/null", str(entry)]
    return args


def _head(path: Path) -> str:
    try:
        return path.read_text(errors="replace")[:4096]
    except OSError:
        return ""


def _site_dirs() -> list[str]:
    dirs = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
    return dirs + [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]


def _environment(env: dict | None) -> dict:
    """Only what Python needs, plus `env`: no variable of the caller's session comes in."""
    base = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "TMPDIR": "/tmp",
            "USER": "sandbox", "LOGNAME": "sandbox", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1",
            # One thread per BLAS/OpenMP pool: threads count as processes against the cap.
            "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    base.update(env or {})
    return base


def wrap(argv, *, workdir, readable=(), env=None, policy: Policy = Policy(), bwrap: str | None = None) -> list[str]:
    """The bubblewrap command line that runs argv sandboxed by `policy`, in `workdir`, seeing `readable` read-only."""
    if not argv:
        raise ValueError("wrap: argv was empty, must name a program")
    bwrap = bwrap or probe().bwrap or shutil.which("bwrap") or "bwrap"
    workdir = os.path.abspath(workdir)
    args = [bwrap, "--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session", "--hostname", "sandbox"]
    if not policy.network:
        args.append("--unshare-net")
    args.append("--clearenv")
    for key, value in _environment(env).items():
        args += ["--setenv", key, str(value)]
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    args += ["--proc", "/proc", "--dev", "/dev", "--size", str(policy.tmp_mb * 2 ** 20), "--tmpfs", "/tmp"]
    python = [sys.base_prefix, sys.prefix, *_site_dirs(), os.path.dirname(os.path.realpath(sys.executable))]
    bound = list(SYSTEM_DIRS)
    for path in dict.fromkeys(os.path.realpath(p) for p in python):
        if os.path.isdir(path) and not any(path == b or path.startswith(b + "/") for b in bound):
            args += ["--ro-bind", path, path]
            bound.append(path)
    args += _masks(tuple(bound))
    readable = [os.path.abspath(p) for p in readable]
    for name, path in [("workdir", workdir)] + [("readable", p) for p in readable]:
        if not os.path.isdir(path):
            raise ValueError(f"wrap: {name} was {path!r}, must be an existing folder")
    for name, path in [("workdir", workdir)] + [("readable", p) for p in readable]:
        if path == "/" or path in SYSTEM_DIRS:
            raise ValueError(f"wrap: {name} was {path!r}, must be a folder of the submission's own")
    if not any(workdir == r or workdir.startswith(r + "/") for r in readable):  # /tmp is its own: bind it
        readable.append(workdir)
    for path in readable:
        args += ["--ro-bind", path, path]
    # The root bubblewrap builds is a tmpfs of no size limit: read-only, so only /tmp (capped) takes writes.
    return args + ["--remount-ro", "/", "--chdir", workdir, "--", *map(str, argv)]


# ------------------------------------------------------------------------------------------------------------ cgroup

def _own_cgroups() -> dict:
    """controller -> this process's cgroup path ("" for the v2 unified one)."""
    own = {}
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        for controller in controllers.split(",") if controllers else [""]:
            own[controller] = path
    return own


V2_CONTROLLERS = ("pids", "memory", "cpu")
V2_SELF = "nnspec-self"  # the leaf this process moves into, so that its own cgroup may hold the sandboxes'


def _delegated_v2(own: Path) -> Path:
    """The v2 cgroup under which sandboxes' cgroups go, with pids, memory and cpu enabled (OSError if it cannot).

    A v2 cgroup with controllers enabled for its children may hold no process itself: where they are not enabled
    yet (e.g. `systemd-run --user --scope -p Delegate=yes`), this process first moves into a leaf of its own."""
    parent = own.parent if own.name == V2_SELF else own
    if set(V2_CONTROLLERS) <= set((parent / "cgroup.subtree_control").read_text().split()):
        return parent
    if not set(V2_CONTROLLERS) <= set((parent / "cgroup.controllers").read_text().split()):
        raise OSError(0, f"cgroup v2 controllers {list(V2_CONTROLLERS)} not delegated to {parent}")
    leaf = parent / V2_SELF
    leaf.mkdir(exist_ok=True)
    for pid in (parent / "cgroup.procs").read_text().split():
        (leaf / "cgroup.procs").write_text(pid)
    (parent / "cgroup.subtree_control").write_text(" ".join("+" + c for c in V2_CONTROLLERS))
    return parent


class Cgroup:
    """One cgroup (v2) or three (v1: pids, cpuacct, memory) holding every process of one sandbox."""

    def __init__(self, kind: str, dirs: dict):
        self.kind, self.dirs = kind, dirs  # controller -> Path

    @classmethod
    def create(cls, policy: Policy, name: str, extra: int = 0) -> "Cgroup":
        """A fresh cgroup beside this process's own, with the policy's caps (OSError if none can be made).

        extra: processes beyond policy.max_processes that are not the implementation's (bubblewrap's two)."""
        own = _own_cgroups()
        unified = CGROUP_ROOT / "cgroup.controllers"
        if unified.exists():  # a pure v2 machine: needs pids, memory and cpu delegated to our subtree
            parent = _delegated_v2(CGROUP_ROOT / own.get("", "/").lstrip("/"))
            group = cls("cgroup v2", {c: parent / name for c in ("pids", "memory", "cpu")})
        else:
            dirs = {}
            for controller in ("pids", "cpuacct", "memory"):
                mount = CGROUP_ROOT / controller
                if not (mount / "cgroup.procs").exists():
                    raise OSError(0, f"no cgroup v1 {controller} hierarchy at {mount}")
                parent = mount / own.get(controller, "/").lstrip("/")
                dirs[controller] = (parent if parent.is_dir() else mount) / name
            group = cls("cgroup v1", dirs)
        made = []
        try:
            for path in dict.fromkeys(group.dirs.values()):
                path.mkdir()
                made.append(path)
            group._limit(policy, extra)
        except OSError:
            for path in reversed(made):
                path.rmdir()
            raise
        return group

    def _write(self, controller, name, value):
        (self.dirs[controller] / name).write_text(str(value))

    def _read(self, controller, name) -> str:
        try:
            return (self.dirs[controller] / name).read_text()
        except OSError:
            return ""

    def _limit(self, policy, extra):
        self._write("pids", "pids.max", policy.max_processes + extra)
        if policy.memory_mb is not None:
            limit = int(policy.memory_mb * 2 ** 20)
            if self.kind == "cgroup v2":
                self._write("memory", "memory.max", limit)
                if (self.dirs["memory"] / "memory.swap.max").exists():
                    self._write("memory", "memory.swap.max", 0)
            else:
                self._write("memory", "memory.limit_in_bytes", limit)
                if (self.dirs["memory"] / "memory.memsw.limit_in_bytes").exists():
                    self._write("memory", "memory.memsw.limit_in_bytes", limit)

    def procs_files(self) -> list[str]:
        """The cgroup.procs files a new process writes "0" into to join (in preexec_fn, before exec)."""
        return [str(p / "cgroup.procs") for p in dict.fromkeys(self.dirs.values())]

    def pids(self) -> list[int]:
        return [int(p) for p in self._read("pids", "cgroup.procs").split()]

    def usage(self) -> tuple[float, int, float]:
        """(CPU seconds, processes, memory MB) of all its processes, living and gone."""
        if self.kind == "cgroup v2":
            stat = dict(line.split() for line in self._read("cpu", "cpu.stat").splitlines() if line)
            cpu = int(stat.get("usage_usec", 0)) / 1e6
            memory = int(self._read("memory", "memory.current") or 0)
        else:
            cpu = int(self._read("cpuacct", "cpuacct.usage") or 0) / 1e9
            memory = int(self._read("memory", "memory.usage_in_bytes") or 0)
        return cpu, int(self._read("pids", "pids.current") or 0), memory / 2 ** 20

    def hit(self) -> tuple[bool, bool]:
        """(a fork was refused at the process cap, the memory cap made the kernel kill)."""
        forks = dict(line.split() for line in self._read("pids", "pids.events").splitlines() if line)
        events = "memory.events" if self.kind == "cgroup v2" else "memory.oom_control"
        memory = dict(line.split() for line in self._read("memory", events).splitlines() if line)
        return int(forks.get("max", 0)) > 0, int(memory.get("oom_kill", 0)) > 0

    def kill(self):
        """SIGKILL every process in it, again until none is left (a fork may race the first pass)."""
        if self.kind == "cgroup v2" and (self.dirs["pids"] / "cgroup.kill").exists():
            self._write("pids", "cgroup.kill", 1)
        _kill_until_gone(self.pids)

    def remove(self):
        for path in dict.fromkeys(self.dirs.values()):
            for _ in range(200):  # the kernel empties a cgroup a moment after its last process is reaped
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.01)


# ------------------------------------------------------------------------------------------------------------ /proc

def _signal(pid: int, sig=signal.SIGKILL):
    try:
        os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _running(pids) -> list[int]:
    """Those of pids not yet exited (a zombie holds nothing and cannot be killed, only reaped)."""
    return [p for p in pids if (f := _stat(p)) is not None and f[0] not in "ZX"]


def _kill_until_gone(members, patience=KILL_WAIT):
    """SIGKILL members() again and again until none is running: a fork may race a pass, and dying takes a moment."""
    deadline = time.monotonic() + patience
    while (pids := _running(members())) and time.monotonic() < deadline:
        for pid in pids:
            _signal(pid)
        time.sleep(0.005)


def _stat(pid) -> list[str] | None:
    """/proc/PID/stat from field 3 (state) on; field n is at index n - 3."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _now_ticks() -> float:
    """Now, in the clock ticks since boot that /proc/PID/stat gives a process's start time in."""
    return float(Path("/proc/uptime").read_text().split()[0]) * TICK


def _started(fields) -> int:
    return int(fields[19])  # field 22: starttime


def _pid_namespace(pid) -> str | None:
    try:
        return os.readlink(f"/proc/{pid}/ns/pid")
    except OSError:
        return None


def _all_pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _proc_usage(pids) -> tuple[float, int, float]:
    """(CPU seconds including reaped children, processes, resident MB) summed over pids from /proc."""
    cpu = rss = count = 0
    for pid in pids:
        fields = _stat(pid)
        if fields is None:
            continue
        count += 1
        cpu += sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
        rss += int(fields[21])
    return cpu / TICK, count, rss * PAGE / 2 ** 20


# ------------------------------------------------------------------------------------------------------------ process

class SandboxedProcess:
    """A started process and all its descendants: `popen`, `kill()`, `why_killed`, `usage`, `cleanup()`."""

    def __init__(self, popen, policy, availability, sandboxed, cgroup, begun, own_uid: int | None = None):
        self.popen, self.policy, self.availability = popen, policy, availability
        self.sandboxed, self.cgroup = sandboxed, cgroup
        self.own_uid = own_uid  # a uid of its own (spare_uids): every process of it is one of ours
        self.why_killed: str | None = None
        self.usage = {"cpu_seconds": 0.0, "processes": 0, "memory_mb": 0.0}  # peaks seen by the monitor
        self._namespace, self._init = None, None  # its pid namespace, and its pid 1 as (pid, start time)
        self._begun, self._reaped = begun, None  # clock ticks: its processes start between the two
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._monitor = threading.Thread(target=self._watch, name=f"sandbox-monitor-{popen.pid}", daemon=True)
        self._monitor.start()

    # The parts of Popen a caller uses, so that this can stand where a Popen stood.
    pid = property(lambda self: self.popen.pid)
    returncode = property(lambda self: self.popen.returncode)
    stdin = property(lambda self: self.popen.stdin)
    stdout = property(lambda self: self.popen.stdout)
    stderr = property(lambda self: self.popen.stderr)

    def poll(self):
        return self.popen.poll()

    def wait(self, timeout=None):
        return self.popen.wait(timeout)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.cleanup()

    def members(self) -> list[int]:
        """The pids of its processes still running, seen from outside (a zombie holds nothing and cannot be killed).

        A pid or a namespace's inode can be reused once freed: without a cgroup, a namespace counts only while its
        pid 1 (the same process) runs, and a session only the processes started after this one and before its end.
        With a uid of its own and no cgroup, every process of that uid counts too, a daemon that left its session as
        well (a cgroup holds them all already: that uid cannot write root's cgroup.procs to leave)."""
        if self.own_uid is not None and self.cgroup is None:
            return sorted(set(self._members()) | set(_running(_pids_of(self.own_uid))))
        return self._members()

    def _members(self) -> list[int]:
        if self.cgroup is not None:
            return _running(self.cgroup.pids())
        if self.sandboxed:
            namespace = self._find_namespace()
            if namespace is None or not self._init_running():
                return []  # its pid 1 returns only once the kernel has emptied its namespace
            return _running(p for p in _all_pids() if _pid_namespace(p) == namespace)
        if self.popen.poll() is not None and self._reaped is None:
            self._reaped = _now_ticks()
        return _running(p for p in _all_pids() if (f := _stat(p)) is not None and int(f[3]) == self.popen.pid
                        and _started(f) >= self._begun and (self._reaped is None or _started(f) <= self._reaped))

    def _find_namespace(self):
        """Its pid namespace, from bubblewrap's child (found while bubblewrap runs, remembered with that child)."""
        if self._namespace is None and self.popen.poll() is None:
            ours = _pid_namespace(os.getpid())
            for pid in _all_pids():
                fields = _stat(pid)
                if fields and int(fields[1]) == self.popen.pid and _pid_namespace(pid) not in (None, ours):
                    self._init = (pid, _started(fields))
                    self._namespace = _pid_namespace(pid)
        return self._namespace

    def _init_running(self) -> bool:
        fields = _stat(self._init[0])
        return fields is not None and _started(fields) == self._init[1] and fields[0] not in "ZX"

    def measure(self) -> tuple[float, int, float]:
        """(CPU seconds, processes, memory MB) across all its processes now."""
        if self.cgroup is not None:
            return self.cgroup.usage()
        return _proc_usage(self.members())

    def _watch(self):
        try:
            self._measure_until_done()
        except (OSError, ValueError) as exc:  # never silently unlimited: a monitor that cannot measure kills
            self.kill(f"its limits could not be measured: {exc}")

    def _measure_until_done(self):
        policy = self.policy
        while not self._stop.is_set():
            cpu, count, memory = self.measure()
            for key, value in zip(self.usage, (cpu, count, memory)):
                self.usage[key] = max(self.usage[key], value)
            forks, oom = self.cgroup.hit() if self.cgroup is not None else (False, False)
            # A cgroup counts bubblewrap's two processes; the namespace only its pid 1; a session none.
            extra = 0 if not self.sandboxed else 2 if self.cgroup is not None else 1
            if forks or count - extra > policy.max_processes:
                self.kill(f"more than {policy.max_processes} processes")
            elif policy.cpu_seconds is not None and cpu > policy.cpu_seconds:
                self.kill(f"CPU time over {policy.cpu_seconds:g} s across its processes")
            # A cgroup's usage counts page cache the kernel can reclaim: there only its OOM kill counts.
            elif oom or (self.cgroup is None and policy.memory_mb is not None and memory > policy.memory_mb):
                self.kill(f"memory over {policy.memory_mb} MB across its processes")
            if self.popen.poll() is not None and not self.members():
                if self.cgroup is not None:  # removed also when the caller forgets cleanup()
                    self.cgroup.remove()
                return
            self._stop.wait(INTERVAL)

    def kill(self, reason: str = "stopped by the caller"):
        """Kill every process of it, a double-forked daemon too; `why_killed` keeps the first reason."""
        with self._lock:
            if self.why_killed is None and self.popen.returncode is None:
                self.why_killed = reason
        if self.sandboxed and self._find_namespace() and self._init_running():
            _signal(self._init[0])  # pid 1 of its namespace: when it dies the kernel kills every process in it
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cgroup is not None:
            self.cgroup.kill()
        _kill_until_gone(self.members)
        try:
            self.popen.kill()
        except ProcessLookupError:
            pass

    def cleanup(self):
        """Kill whatever is left, reap, stop the monitor and remove the cgroup; safe to call twice."""
        if self.popen.poll() is None or self.members():
            self.kill()
        self.popen.wait()
        self._stop.set()
        if self._monitor is not threading.current_thread():
            self._monitor.join()
        if self.cgroup is not None:
            self.cgroup.kill()
            self.cgroup.remove()


_counter = iter(range(1, 1 << 62))


@functools.lru_cache(maxsize=None)
def _prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux
        return None


def dying_with_parent():
    """A preexec step: the new process is killed (SIGKILL) when the one that started it dies, however it dies.

    Without it, a checker killed by SIGTERM (a CI timeout, `timeout`, a closed terminal) would leave the
    implementation's process running on, in an endless loop say, with nobody left to enforce its limits. Build it in
    the parent: the child then only calls prctl (nothing loaded between fork and exec). Linux ties it to the thread
    that started the process: a session must not outlive the thread that made it.
    """
    prctl, parent = _prctl(), os.getpid()

    def run():
        if prctl is not None:
            prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before prctl: no signal will come
            os._exit(1)
    return run


def _preexec(policy: Policy, sandboxed: bool, procs_files: list[str], then, user: tuple[int, int] | None = None):
    """Run in the child before exec: join the cgroup, set the per-process limits, become `user` (uid, gid), die
    with the parent, then the caller's preexec_fn."""
    die_with_parent = dying_with_parent()

    def limit(name, value):
        resource.setrlimit(name, (value, value))

    def run():
        for path in procs_files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, b"0")
            finally:
                os.close(fd)
        limit(resource.RLIMIT_CORE, 0)
        if policy.cpu_seconds is not None:  # a backstop per process, late enough that the total fires first
            limit(resource.RLIMIT_CPU, int(policy.cpu_seconds) + 5)
        if not sandboxed:
            limit(resource.RLIMIT_FSIZE, policy.tmp_mb * 2 ** 20)
        if policy.memory_mb is not None:
            # Per process, a backstop beside the total: untouched memory (calloc'd gigabytes) never shows in a
            # cgroup's or the monitor's count, but its address space does, and Python then raises MemoryError.
            limit(resource.RLIMIT_AS, int(policy.memory_mb * 2 ** 20))
        if user is not None:  # last: joining a root-owned cgroup needs root
            _become(user)
        die_with_parent()  # after _become: changing credentials clears the death signal
        if then is not None:
            then()
    return run


def _become(user: tuple[int, int]):
    os.setgroups([])
    os.setgid(user[1])
    os.setuid(user[0])


# Where spare_uids starts looking: between the uids systemd gives homed users and containers (60001-60513, and
# 61184-65519 to its DynamicUser=), past the isolate sandbox's boxes (60000-60999), below 65536 (what a container
# with a user namespace of its own may map).
FIRST_SPARE_UID = 61000
UID_LOCKS = Path("/run/nnspec-uids")  # root's alone: one lock file per uid held


@contextlib.contextmanager
def spare_uids(count: int, first: int = FIRST_SPARE_UID):
    """`count` uids from `first` on that no account names, no running process has and no other nnspec holds.

    One per implementation verified (as root, without a sandbox): two verified at once then cannot signal, trace or
    read each other, and every process of that uid is the one implementation's, to count and to kill. The uids are
    held (a lock file each) until the block ends, so that two workers or two batches at once never share one.
    """
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(f"spare_uids: count was {count!r}, must be an int >= 0")
    UID_LOCKS.mkdir(mode=0o700, exist_ok=True)
    owner = UID_LOCKS.lstat()
    if owner.st_uid != os.geteuid() or owner.st_mode & 0o077 or not UID_LOCKS.is_dir() or UID_LOCKS.is_symlink():
        raise PermissionError(f"{UID_LOCKS} must be a folder of this user's alone (mode 700) to hold uids")
    running = {uid for pid in _all_pids() if (uid := _uid(pid)) is not None}
    held, uid = {}, first
    try:
        while len(held) < count:
            if uid not in running and not _has_account(uid):
                fd = os.open(UID_LOCKS / str(uid), os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    held[uid] = fd
                except BlockingIOError:
                    os.close(fd)
            uid += 1
        yield list(held)
    finally:
        for fd in held.values():
            os.close(fd)


@contextlib.contextmanager
def own_uid(readable=(), availability: Availability | None = None):
    """As root where no sandbox can be had: a spare uid, held until the block ends, that can start this Python and
    read `readable` (folders to enter and list, files to read); else None (this process's user runs it)."""
    if os.geteuid() != 0 or (availability or probe()).sandbox:
        yield None
        return
    with contextlib.ExitStack() as stack:
        try:
            [uid] = stack.enter_context(spare_uids(1))
        except OSError:  # no /run to hold it in (a read-only one): this process's user, as the header then says
            uid = None
        if uid is None or unprivileged(uid) is None or not can_read(uid, readable):
            yield None
            return
        # A file's times come from a clock that ticks every few ms: 50 ms early is still after anything made before.
        since = time.time() - 0.05
        try:
            yield uid
        finally:
            # Before another may have it: no process of it left, and nothing it made where every user may write (a
            # disk it filled is free again, and nothing of it waits for the next implementation given that uid).
            _kill_until_gone(lambda: _pids_of(uid))
            remove_files_of(uid, since)


def can_read(uid: int, paths) -> bool:
    """Whether `uid` (its gid the same, no other group) may read each path, and enter and list each folder."""
    paths = [str(p) for p in paths]
    if not paths:
        return True
    test = 'for p; do if [ -d "$p" ]; then [ -r "$p" ] && [ -x "$p" ] || exit 1; else [ -r "$p" ] || exit 1; fi; done'
    try:
        return subprocess.run(["/bin/sh", "-c", test, "sh", *paths], cwd="/", user=uid, group=uid, extra_groups=[],
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


SHARED_FOLDERS = ("/tmp", "/var/tmp", "/dev/shm")  # where any user may create files


def remove_files_of(uid: int, since: float, folders=None):
    """Remove what `uid` made at the top of `folders` (default SHARED_FOLDERS) from `since` (time.time()) on, once
    none of its processes runs (links are not followed)."""
    for folder in folders or SHARED_FOLDERS:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                found = entry.stat(follow_symlinks=False)
                if found.st_uid != uid or found.st_ctime < since:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue


def _has_account(uid: int) -> bool:
    """Whether an account has this uid (asked one by one: a directory such as LDAP may not list all its users)."""
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def _uid(pid) -> int | None:
    """The real uid of a process (from its status: a process that made itself undumpable still shows it)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _pids_of(uid: int) -> list[int]:
    """Every process of `uid` (a uid of its own: all of them are one implementation's)."""
    return [p for p in _all_pids() if _uid(p) == uid]


def _ids(user: str | int) -> tuple[int, int] | None:
    """(uid, gid) of an account's name, or of a bare uid (its gid the same number)."""
    if isinstance(user, int) and not isinstance(user, bool):
        return (user, user) if user > 0 else None
    try:
        entry = pwd.getpwnam(user)
    except KeyError:
        return None
    return entry.pw_uid, entry.pw_gid


@functools.lru_cache(maxsize=None)
def unprivileged(user: str | int | None) -> tuple[int, int] | None:
    """(uid, gid) of `user` when this process is root and that user can start this Python with numpy; else None."""
    if user is None or user == "" or os.geteuid() != 0:
        return None
    ids = _ids(user)
    if ids is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="nnspec-probe-") as empty:
            os.chown(empty, *ids)
            # An interpreter under a folder only root may enter (/root/.pyenv, say) cannot run as that user.
            trial = subprocess.run([sys.executable, "-I", "-c", "import numpy"], cwd=empty, env=_environment(None),
                                   stdin=subprocess.DEVNULL, capture_output=True, timeout=60,
                                   preexec_fn=lambda: _become(ids))
    except (OSError, subprocess.SubprocessError):
        return None
    return ids if trial.returncode == 0 else None


def start(argv, *, workdir, readable=(), env=None, policy: Policy = Policy(), sandbox: str = "auto",
          preexec_fn=None, availability: Availability | None = None, **popen_kwargs) -> SandboxedProcess:
    """Start argv sandboxed (`sandbox` "auto": when this machine can; "required": or SandboxUnavailable; "off").

    popen_kwargs go to subprocess.Popen (pass_fds, stdin, stdout, stderr, ...); it always starts a new session.
    env: the only variables it gets besides PATH, HOME=/tmp, LANG and one BLAS thread (not a whole environment).
    Without a sandbox it is a plain Popen in `workdir` with `env` only, rlimits, and the same monitor and API.
    """
    if sandbox not in ("auto", "required", "off"):
        raise ValueError(f"start: sandbox was {sandbox!r}, must be 'auto', 'required' or 'off'")
    if popen_kwargs.pop("start_new_session", True) is not True:
        raise ValueError("start: start_new_session was False, must be True (its processes are killed by session)")
    if "cwd" in popen_kwargs:
        raise ValueError(f"start: cwd was {popen_kwargs['cwd']!r}, must not be given: workdir= is where it runs")
    availability = availability or probe()
    if sandbox == "required" and not availability.sandbox:
        raise SandboxUnavailable(describe(policy, availability))
    sandboxed = availability.sandbox and sandbox != "off"
    cgroup = None
    if availability.limits != "/proc monitor":
        try:
            # In a sandbox bubblewrap's own process and its pid 1 count too: two more than the cap.
            cgroup = Cgroup.create(policy, name=f"nnspec-{os.getpid()}-{next(_counter)}", extra=2 if sandboxed else 0)
        except OSError:
            cgroup = None  # e.g. a cgroup limit reached since the probe: the /proc monitor takes over
    if sandboxed:
        command = wrap(argv, workdir=workdir, readable=readable, env=env, policy=policy, bwrap=availability.bwrap)
        cwd, environment = "/", {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    else:
        command, cwd, environment = list(map(str, argv)), workdir, _environment(env)
    user = None if sandboxed else unprivileged(policy.user)
    if user is not None:
        os.chown(workdir, *user)  # the one folder it may write
    exclusive = user[0] if user is not None and isinstance(policy.user, int) else None  # a uid of its own
    preexec = _preexec(policy, sandboxed, cgroup.procs_files() if cgroup else [], preexec_fn, user)
    begun = _now_ticks() - 1  # a tick early: starttime is rounded down
    try:
        popen = subprocess.Popen(command, cwd=cwd, env=environment, start_new_session=True, preexec_fn=preexec,
                                 **popen_kwargs)
    except BaseException:
        if cgroup is not None:
            cgroup.remove()
        raise
    return SandboxedProcess(popen, policy, availability, sandboxed, cgroup, begun, exclusive)


def who(user: str | int) -> str:
    """The header's words for who runs the implementation instead of root."""
    if isinstance(user, int):
        return f"uid {user}, which no account and no other process has,"
    return f"the unprivileged user {user},"


def describe(policy: Policy = Policy(), availability: Availability | None = None, sandbox: str = "auto") -> str:
    """The one-line header: which sandbox is in use and what it enforces, or what protection is missing.

    sandbox: as given to start(); "off" describes the unsandboxed run even where a sandbox is available."""
    availability = availability or probe()
    if sandbox == "off":
        availability = Availability(False, availability.tool, "turned off", availability.limits)
    limits = f"at most {policy.max_processes} processes"
    if policy.cpu_seconds is not None:
        limits += f", CPU {policy.cpu_seconds:g} s"
    if policy.memory_mb is not None:
        limits += f", memory {policy.memory_mb} MB"
    counted = f"{limits} across all its processes (counted by {availability.limits})"
    if availability.sandbox:
        network = "network allowed" if policy.network else "no network"
        return (f"sandbox: {availability.tool}; {network}, read-only system, private /tmp ({policy.tmp_mb} MB), "
                f"own pid namespace, {counted}")
    if unprivileged(policy.user) is not None:
        return (f"no sandbox: {availability.reason}; the implementation runs as {who(policy.user)} not as root: it "
                f"cannot write this process's files nor read its memory, but it has the network and what that user may "
                f"read; process limits only: {counted}")
    return (f"no sandbox: {availability.reason}; the implementation runs as this user with access to its files "
            f"and the network; process limits only: {counted}")
