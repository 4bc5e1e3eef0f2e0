"""Limits count all of a sandbox's processes together, and no process of it outlives it."""

import shutil
import subprocess
import sys

import pytest
from conftest import HOSTILE, alive, needs_sandbox, proc_monitor_only, run

from nnspec import sandbox

pytestmark = needs_sandbox

# The cgroup where this machine can make one, and the /proc monitor an unprivileged user gets.
COUNTING = {"cgroup": None, "monitor": proc_monitor_only()}


@pytest.mark.parametrize("counting", COUNTING)
def test_hundreds_of_forks_are_stopped_at_the_process_cap(staging, counting):
    proc, output = run("fork_many.py", staging=staging, availability=COUNTING[counting],
                       policy=sandbox.Policy(max_processes=16))
    assert proc.why_killed == "more than 16 processes", (proc.why_killed, output)
    if counting == "cgroup":  # the kernel refuses the fork; the monitor only kills at its next look
        assert "fork refused after" in output and "forked 300" not in output, output
    assert alive(proc) == [], alive(proc)


@pytest.mark.parametrize("counting", COUNTING)
def test_cpu_burnt_in_child_processes_counts_against_one_total(staging, counting):
    proc, output = run("cpu_children.py", staging=staging, availability=COUNTING[counting],
                       policy=sandbox.Policy(cpu_seconds=0.3))
    assert proc.why_killed == "CPU time over 0.3 s across its processes", (proc.why_killed, output)
    assert alive(proc) == [], alive(proc)


def test_a_double_forked_daemon_dies_when_the_program_returns(staging):
    proc, output = run("daemon.py", staging=staging)
    assert "daemon started" in output and proc.returncode == 0, (proc.returncode, output)
    assert alive(proc) == [], f"processes of the sandbox outlived it: {alive(proc)}"
    assert proc.why_killed is None, proc.why_killed


def test_filling_tmp_stops_at_its_cap_and_nothing_else_is_written(staging):
    proc, output = run("fill_tmp.py", staging=staging, policy=sandbox.Policy(tmp_mb=8))
    assert "stopped after" in output and "No space left on device" in output, output
    assert int(output.split("stopped after ")[1].split()[0]) <= 8, output


def test_kill_stops_every_process_and_says_why(staging):
    own = staging / "student_a"
    shutil.copy(HOSTILE / "cpu_children.py", own)
    proc = sandbox.start([sys.executable, "-I", "cpu_children.py"], workdir=own, readable=[own],
                         stdout=subprocess.PIPE)
    line = proc.stdout.readline()  # an event, not a delay: its three children are running
    proc.kill("stopped by the test")
    proc.cleanup()
    assert line == b"burning\n", line
    assert proc.why_killed == "stopped by the test", proc.why_killed
    assert proc.members() == [] and proc.returncode in (-9, 128 + 9), (proc.members(), proc.returncode)


@pytest.mark.parametrize("counting", COUNTING)
def test_memory_held_by_child_processes_counts_against_one_total(staging, counting):
    proc, output = run("memory_children.py", staging=staging, availability=COUNTING[counting],
                       policy=sandbox.Policy(memory_mb=100))
    assert proc.why_killed == "memory over 100 MB across its processes", (proc.why_killed, output)
    assert alive(proc) == [], alive(proc)
