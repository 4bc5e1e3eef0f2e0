"""Without bubblewrap: the same API, process limits only, and a description that says what is missing."""

import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import background
import pytest
from conftest import alive, needs_sandbox, run, without_bubblewrap

from nnspec import sandbox
from nnspec.__main__ import main


def test_without_bubblewrap_the_description_says_what_protection_is_missing():
    text = sandbox.describe(sandbox.Policy(), without_bubblewrap())
    assert text.startswith("no sandbox: bubblewrap not found (apt-get install bubblewrap); "), text
    assert "runs as this user with access to its files and the network; process limits only" in text, text


@needs_sandbox
def test_with_sandbox_the_description_says_what_it_enforces():
    text = sandbox.describe(sandbox.Policy(cpu_seconds=20, memory_mb=512), sandbox.probe())
    assert text.startswith(f"sandbox: {sandbox.probe().tool}; no network, read-only system, private /tmp (64 MB), "
                           "own pid namespace, at most 64 processes, CPU 20 s, memory 512 MB across all"), text


def test_a_bubblewrap_that_cannot_make_namespaces_is_reported_as_no_sandbox(tmp_path):
    fake = tmp_path / "bwrap"  # what bwrap says where user namespaces are disabled
    background.write_executable(fake, b"#!/bin/sh\n[ \"$1\" = --version ] && echo 'bubblewrap 9.9' && exit 0\n"
                                      b"echo 'bwrap: No permissions to creating new namespace' >&2; exit 1\n")
    found = sandbox.probe(str(fake))
    assert not found.sandbox, found
    assert found.reason.startswith("bubblewrap 9.9 cannot start a sandbox here: bwrap: No permissions"), found.reason


def test_required_sandbox_on_a_machine_without_one_raises_with_the_reason(staging):
    with pytest.raises(sandbox.SandboxUnavailable, match="no sandbox: bubblewrap not found"):
        sandbox.start(["true"], workdir=staging, sandbox="required", availability=without_bubblewrap())


def test_the_fallback_runs_with_the_same_api_and_only_the_given_environment(staging, monkeypatch):
    monkeypatch.setenv("TEACHER_TOKEN", "secret")
    proc, output = run("environment.py", staging=staging, availability=without_bubblewrap())
    assert not proc.sandboxed and proc.returncode == 0, (proc.returncode, output)
    assert "TEACHER_TOKEN" not in output and "numpy " in output, output


def test_the_fallback_carries_the_pipe_fds(staging):
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    os.write(from_parent, b"plain popen")
    os.close(from_parent)
    run("echo_fds.py", to_child, from_child, staging=staging, pass_fds=(to_child, from_child),
        availability=without_bubblewrap())
    os.close(from_child)
    answer = os.read(to_parent, 1024)
    os.close(to_child), os.close(to_parent)
    assert answer == b"PLAIN POPEN", answer


@pytest.mark.parametrize("limits", [None, "/proc monitor"])
def test_the_fallback_stops_cpu_burnt_in_children_and_leaves_no_process(staging, limits):
    proc, output = run("cpu_children.py", staging=staging, availability=without_bubblewrap(limits),
                       policy=sandbox.Policy(cpu_seconds=0.3))
    assert proc.why_killed == "CPU time over 0.3 s across its processes", (proc.why_killed, output)
    assert alive(proc) == [], alive(proc)


@pytest.mark.parametrize("limits", [None, "/proc monitor"])
def test_the_fallback_stops_hundreds_of_forks(staging, limits):
    proc, output = run("fork_many.py", staging=staging, availability=without_bubblewrap(limits),
                       policy=sandbox.Policy(max_processes=16))
    assert proc.why_killed == "more than 16 processes", (proc.why_killed, output)
    assert alive(proc) == [], alive(proc)


def test_a_policy_with_a_bad_value_names_it():
    with pytest.raises(ValueError, match=r"Policy tmp_mb was -1, must be a number > 0"):
        sandbox.Policy(tmp_mb=-1)


def test_the_sandbox_command_says_what_is_here(capsys):
    status = main(["sandbox"])
    out = capsys.readouterr().out
    assert status == (0 if sandbox.probe().sandbox else 1), (status, out)
    assert out.startswith(("sandbox: bubblewrap ", "no sandbox: ")) and "header of a batch: " in out, out


def _sandbox_commands() -> dict:
    """`python -m nnspec sandbox` as people run it, and with no bwrap on its PATH, together: {key: CompletedProcess}.

    In processes of their own: patching sandbox.probe here would also change what a batch running beside these
    tests (tests/background.py) finds."""
    env = background.environment()
    procs = {key: subprocess.Popen([sys.executable, "-m", "nnspec", "sandbox"], cwd=background.ROOT, env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for key, environment in {"here": env, "no bubblewrap": {**env, "PATH": "/nonexistent"}}.items()}
    outputs = {key: proc.communicate(timeout=300) for key, proc in procs.items()}
    return {key: subprocess.CompletedProcess(proc.args, proc.returncode, *outputs[key]) for key, proc in procs.items()}


BACKGROUND = {"sandbox_commands": _sandbox_commands}
BACKGROUND_SECONDS = {"sandbox_commands": 1.0}


def test_the_sandbox_command_runs_as_a_module():
    done = background.result("sandbox_commands", _sandbox_commands)["here"]
    assert done.returncode in (0, 1) and "limits over all of a submission's processes" in done.stdout, done


def test_a_sandbox_turned_off_is_described_as_missing_and_runs_unsandboxed(staging):
    text = sandbox.describe(sandbox.Policy(), sandbox.probe(), sandbox="off")
    assert text.startswith("no sandbox: turned off; the implementation runs as this user"), text
    with sandbox.start(["true"], workdir=staging, sandbox="off") as proc:
        proc.wait(timeout=120)
    assert not proc.sandboxed and proc.returncode == 0, (proc.sandboxed, proc.returncode)


def test_the_sandbox_command_exits_1_and_says_why_where_there_is_none():
    done = background.result("sandbox_commands", _sandbox_commands)["no bubblewrap"]
    assert done.returncode == 1, done
    assert done.stdout.startswith("no sandbox: bubblewrap not found (apt-get install bubblewrap)"), done


def test_as_root_without_a_sandbox_the_policys_user_runs_it_and_cannot_write_roots_files(monkeypatch):
    # A grader's container where bubblewrap cannot start: the submission must not run as root, which could rewrite
    # the results after the grader wrote them.
    if os.geteuid() != 0:
        assert sandbox.unprivileged("nobody") is None, "only root can run a process as another user"
        return
    nobody = pwd.getpwnam("nobody")
    monkeypatch.setattr(sandbox, "unprivileged", lambda user: (nobody.pw_uid, nobody.pw_gid) if user else None)
    base = Path(tempfile.mkdtemp(prefix="nnspec-user-"))  # not under pytest's tmp_path, which only root may enter
    try:
        base.chmod(0o755)
        (base / "results").mkdir(mode=0o755)
        (base / "work").mkdir(mode=0o700)
        script = ("id -u; echo mine > own.txt && echo wrote-own; "
                  f"echo '{{\"score\": 1000}}' > {base}/results/results.json || echo refused")
        proc = sandbox.start(["/bin/sh", "-c", script], workdir=str(base / "work"),
                             policy=sandbox.Policy(user="nobody"), availability=without_bubblewrap(),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            output = proc.popen.communicate(timeout=120)[0].decode()
        finally:
            proc.cleanup()
        assert output.split()[0] == str(nobody.pw_uid) and "wrote-own" in output and "refused" in output, output
        assert not (base / "results" / "results.json").exists()
        text = sandbox.describe(sandbox.Policy(user="nobody"), without_bubblewrap())
        assert "the implementation runs as the unprivileged user nobody, not as root" in text, text
    finally:
        shutil.rmtree(base)


def test_a_user_is_used_only_if_it_can_start_this_python():
    # Here the interpreter may sit where only root can enter (/root/.pyenv): then the user is not used at all.
    if os.geteuid() != 0:
        assert sandbox.unprivileged("nobody") is None
        return
    nobody = pwd.getpwnam("nobody")
    with tempfile.TemporaryDirectory() as empty:
        os.chown(empty, nobody.pw_uid, nobody.pw_gid)
        try:
            can = subprocess.run([sys.executable, "-I", "-c", "import numpy"], cwd=empty, user=nobody.pw_uid,
                                 group=nobody.pw_gid, extra_groups=[], capture_output=True).returncode == 0
        except PermissionError:  # the interpreter itself cannot be reached
            can = False
    assert sandbox.unprivileged("nobody") == ((nobody.pw_uid, nobody.pw_gid) if can else None)
    assert sandbox.unprivileged("no-such-user-here") is None
