"""Running the hostile programs of tests/hostile/sandbox through nnspec.sandbox.start, and what must hold after."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nnspec import sandbox

HOSTILE = Path(__file__).resolve().parent.parent / "hostile" / "sandbox"
CHECKOUT = Path(__file__).resolve().parent.parent.parent
WAIT = 120  # seconds: only a bound on a hang, never a measurement; every outcome ends long before


# Where bubblewrap cannot run, the sandboxed tests are skipped with the reason; nnspec's CI installs it, and there
# a skip is reported as a failure (see the root conftest.py).
needs_sandbox = pytest.mark.skipif(not sandbox.probe().sandbox, reason=f"no sandbox here: {sandbox.probe().reason}")


def without_bubblewrap(limits=None) -> sandbox.Availability:
    """What probe() says on a machine without bubblewrap (optionally also without cgroups)."""
    found = sandbox.probe(None)
    return found if limits is None else sandbox.Availability(False, "", found.reason, limits)


def proc_monitor_only() -> sandbox.Availability:
    """This machine's bubblewrap with the /proc monitor instead of a cgroup (an unprivileged user's case)."""
    found = sandbox.probe()
    return sandbox.Availability(found.sandbox, found.tool, found.reason, "/proc monitor", "simulated", found.bwrap)


@pytest.fixture
def staging(tmp_path):
    """A staging area: the submission under test in student_a/, a neighbour in student_b/, the batch's report."""
    root = tmp_path / "staging"
    (root / "student_a").mkdir(parents=True)
    (root / "student_b").mkdir()
    (root / "student_a" / "network.py").write_text("SECRET_A = 'own file'\n")
    (root / "student_b" / "network.py").write_text("SECRET_B = 'the neighbour's answer'\n")
    (tmp_path / "report.json").write_text('{"student_b": "passed"}\n')
    return root


def snapshot(*folders) -> dict:
    """path -> (size, mtime_ns, content) of every file under the folders: what must not change."""
    files = {}
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                files[str(path)] = (stat.st_size, stat.st_mtime_ns, path.read_bytes())
    return files


def run(name, *args, staging, policy=sandbox.Policy(), availability=None, env=None, pass_fds=(), stdin=None):
    """Run HOSTILE/name staged as student_a/; return (the SandboxedProcess, its output), everything reaped."""
    own = staging / "student_a"
    shutil.copy(HOSTILE / name, own / name)
    proc = sandbox.start([sys.executable, "-I", str(own / name), *map(str, args)], workdir=own, readable=[own],
                         env=env, policy=policy, availability=availability, pass_fds=pass_fds,
                         stdin=stdin or subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        output, _ = proc.popen.communicate(timeout=WAIT)
    finally:
        namespace = proc._find_namespace() if proc.sandboxed else None
        proc.cleanup()
    proc.namespace, proc.ended = namespace, sandbox._now_ticks() + 1
    return proc, output.decode(errors="replace")


def alive(proc) -> list[str]:
    """Its processes still running after it ended (pid and command line): in its namespace, cgroup or session."""
    pids = set(proc.members())
    if proc.namespace:
        pids |= {p for p in sandbox._all_pids() if sandbox._pid_namespace(p) == proc.namespace}
    pids |= {p for p in sandbox._all_pids() if (f := sandbox._stat(p)) and int(f[3]) == proc.pid}
    # A pid or namespace inode freed by the sandbox may be reused at once (other jobs run on this machine): only a
    # process started while the sandbox existed can be one of its.
    ours = [p for p in pids if (f := sandbox._stat(p)) and proc._begun <= sandbox._started(f) <= proc.ended]
    return [f"{pid} {describe(pid)}" for pid in sorted(sandbox._running(ours))]


def describe(pid) -> str:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")[:200]
        return f"{command!r} ns {sandbox._pid_namespace(pid)} stat {sandbox._stat(pid)[:4]}"
    except OSError as exc:
        return f"gone ({exc.strerror})"
