"""A hostile program in the sandbox reads and writes nothing outside, reaches no network, signals nothing."""

import os
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

from conftest import CHECKOUT, HOSTILE, alive, needs_sandbox, run, snapshot

from nnspec import sandbox

pytestmark = needs_sandbox


def test_this_machine_gives_a_sandbox_with_every_namespace():
    found = sandbox.probe()
    assert found.sandbox, f"no sandbox here: {found.reason}"
    assert found.tool.startswith("bubblewrap "), found


def test_it_cannot_read_a_neighbour_the_checkout_or_the_teachers_home(staging):
    home = Path.home() / f".nnspec-sandbox-test-{os.getpid()}"
    home.write_text("the teacher's secret\n")
    try:
        targets = [staging / "student_b" / "network.py", CHECKOUT / "reference" / "network.py",
                   CHECKOUT / "README.md", home]
        proc, output = run("read_outside.py", *targets, staging=staging)
    finally:
        home.unlink()
    for target in targets:
        assert f"denied {target}: No such file or directory" in output, output
    assert "read " not in output, output
    assert alive(proc) == [], alive(proc)


def test_it_reads_its_own_staged_file(staging):
    _, output = run("read_outside.py", staging / "student_a" / "network.py", staging=staging)
    assert "read " in output and "own file" in output, output


def test_it_cannot_write_its_own_file_a_neighbour_the_report_or_the_home_only_its_tmp(staging):
    home = Path.home() / f".nnspec-sandbox-test-{os.getpid()}"
    targets = [staging / "student_a" / "network.py", staging / "student_a" / "planted.py",
               staging / "student_b" / "network.py", staging.parent / "report.json", home]
    before = snapshot(staging.parent)
    proc, output = run("write_outside.py", *targets, staging=staging)
    after = snapshot(staging.parent)
    after.pop(str(staging / "student_a" / "write_outside.py"))
    before.pop(str(staging / "student_a" / "write_outside.py"), None)
    assert after == before, f"files changed outside the sandbox: {sorted(set(after.items()) ^ set(before.items()))}"
    assert not home.exists(), f"{home} was created"
    assert "wrote /tmp/mine.txt" in output, output
    # The report's path is under the test's /tmp, so inside it names the sandbox's own /tmp: a write may land
    # there, and outside nothing changed (above). Every other target is denied.
    for target in targets[:3] + targets[4:]:
        assert f"denied {target}" in output, output
    assert alive(proc) == [], alive(proc)


def test_it_cannot_connect_to_a_port_the_test_listens_on(staging):
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        proc, output = run("connect.py", server.getsockname()[1], staging=staging)
        try:
            connection = server.accept()
        except BlockingIOError:
            connection = None
    assert connection is None, f"the sandbox connected to the test's port: {connection}"
    assert "no connection" in output and "refused" in output, output


def test_it_cannot_signal_its_parent_or_see_any_process_outside(staging):
    sentinel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"], start_new_session=True)
    try:
        proc, output = run("signal_others.py", staging=staging)
        assert sentinel.poll() is None, "the sandbox killed a process outside it"
    finally:
        sentinel.kill()
        sentinel.wait()
    visible = next(line for line in output.splitlines() if line.startswith("visible pids"))
    assert visible == "visible pids [1, 2]", output  # its namespace's reaper and itself, nothing else
    assert os.getpid() and proc.returncode == 0, output


def test_it_cannot_import_nnspec_spec_or_reference_even_with_the_checkout_on_its_path(staging):
    _, output = run("import_nnspec.py", staging=staging, env={"PYTHONPATH": str(CHECKOUT)})
    # Installed from a wheel, the packages' folders are masked by empty ones: they import as empty namespaces.
    for name in ("nnspec", "spec", "reference"):
        assert f"cannot import {name}: ModuleNotFoundError" in output or f"imported {name} from None" in output, output
    assert "cannot import reference.network: ModuleNotFoundError" in output, output


def test_it_gets_only_the_variables_it_is_given_and_numpy_imports(staging, monkeypatch):
    monkeypatch.setenv("TEACHER_TOKEN", "secret")
    _, output = run("environment.py", staging=staging, env={"NNSPEC_CHILD": "1"})
    names = next(line for line in output.splitlines() if line.startswith("env ")).split()[1:]
    assert "TEACHER_TOKEN" not in names and "NNSPEC_CHILD" in names, names
    assert "numpy " in output and " 3.0" in output, output
    assert f"cwd {staging / 'student_a'}" in output, output


def test_the_inherited_pipe_fds_carry_data_both_ways(staging):
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    try:
        os.write(from_parent, b"hello through the sandbox")
        os.close(from_parent)
        proc, output = run("echo_fds.py", to_child, from_child, staging=staging, pass_fds=(to_child, from_child))
        os.close(from_child)
        answer = os.read(to_parent, 1024)
    finally:
        for fd in (to_child, to_parent):
            os.close(fd)
    assert answer == b"HELLO THROUGH THE SANDBOX", (answer, output)


def test_a_program_killing_itself_is_reported_by_its_status_not_as_a_limit(staging):
    proc, _ = run("signal_others.py", staging=staging)
    assert proc.why_killed is None, proc.why_killed
    assert signal.SIGKILL not in (proc.returncode, -proc.returncode) or proc.returncode == 0, proc.returncode


BOOT = ("import os, sys\n"
        "r, w = int(sys.argv[1]), int(sys.argv[2])\n"
        "code = b''\n"
        "while chunk := os.read(r, 65536):\n"
        "    code += chunk\n"
        "exec(compile(code, '<boot>', 'exec'), {'reply': lambda text: os.write(w, text.encode())})\n")


def test_the_checkers_boot_program_loads_a_staged_implementation_beside_its_helpers(staging):
    own = staging / "student_a"
    (own / "_helpers.py").write_text("import numpy as np\ndef relu(Z):\n    return np.maximum(Z, 0)\n")
    (own / "network.py").write_text("from _helpers import relu\n")
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    os.write(from_parent, f"import sys; sys.path.insert(0, {str(own)!r}); import network\n"
                          "reply(repr(network.relu(__import__('numpy').array([-1.0, 2.0])).tolist()))".encode())
    os.close(from_parent)
    proc = sandbox.start([sys.executable, "-I", "-c", BOOT, str(to_child), str(from_child)], workdir=own,
                         readable=[own], pass_fds=(to_child, from_child), stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.popen.communicate(timeout=120)[0]
    proc.cleanup()
    os.close(from_child)
    answer = os.read(to_parent, 1024)
    os.close(to_child), os.close(to_parent)
    assert answer == b"[0.0, 2.0]", (answer, output)


def test_a_hostile_sandbox_cannot_touch_another_running_beside_it(staging):
    honest_dir = staging / "student_b"
    shutil.copy(HOSTILE / "echo_fds.py", honest_dir)
    to_child, from_parent = os.pipe()
    to_parent, from_child = os.pipe()
    honest = sandbox.start([sys.executable, "-I", "echo_fds.py", str(to_child), str(from_child)],
                           workdir=honest_dir, readable=[honest_dir], pass_fds=(to_child, from_child))
    os.close(to_child), os.close(from_child)
    try:
        os.write(from_parent, b"first ")
        assert os.read(to_parent, 1024) == b"FIRST ", "the honest sandbox did not answer before the hostile ran"
        hostile, output = run("signal_others.py", staging=staging)  # kills every pid it can see
        killer, _ = run("fork_many.py", staging=staging, policy=sandbox.Policy(max_processes=16))
        os.write(from_parent, b"still here")
        answer = os.read(to_parent, 1024)
    finally:
        os.close(from_parent)
        honest.wait(timeout=120)
        honest.cleanup()
        os.close(to_parent)
    assert answer == b"STILL HERE", (answer, output)
    assert honest.returncode == 0 and honest.why_killed is None, (honest.returncode, honest.why_killed)
    assert killer.why_killed == "more than 16 processes", killer.why_killed
