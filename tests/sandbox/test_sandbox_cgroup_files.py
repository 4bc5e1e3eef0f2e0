"""The cgroup v2 files, on a fake hierarchy (this machine has cgroup v1): caps written, totals and events read."""

import pytest

from nnspec import sandbox


@pytest.fixture
def fake_v2(tmp_path, monkeypatch):
    """A delegated v2 subtree like `systemd-run --user --scope -p Delegate=yes` gives: controllers not yet enabled."""
    scope = tmp_path / "user.slice" / "run-1.scope"
    scope.mkdir(parents=True)
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (scope / "cgroup.controllers").write_text("cpu memory pids\n")
    (scope / "cgroup.subtree_control").write_text("")
    (scope / "cgroup.procs").write_text("4242\n")
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", tmp_path)
    monkeypatch.setattr(sandbox, "_own_cgroups", lambda: {"": "/user.slice/run-1.scope"})
    return scope


def test_a_v2_scope_is_made_a_parent_this_process_leaves_for_a_leaf_and_caps_are_written(fake_v2):
    group = sandbox.Cgroup.create(sandbox.Policy(max_processes=64, memory_mb=512), "box", extra=2)
    assert group.kind == "cgroup v2", group.kind
    assert (fake_v2 / "cgroup.subtree_control").read_text() == "+pids +memory +cpu", "controllers not enabled"
    assert (fake_v2 / sandbox.V2_SELF / "cgroup.procs").read_text() == "4242", "this process did not move to a leaf"
    assert (fake_v2 / "box" / "pids.max").read_text() == "66", "bubblewrap's two processes not added to the cap"
    assert (fake_v2 / "box" / "memory.max").read_text() == str(512 * 2 ** 20), "memory cap not written"


def test_v2_totals_and_events_are_read_from_cpu_stat_memory_current_and_the_events_files(fake_v2):
    group = sandbox.Cgroup.create(sandbox.Policy(), "box")
    box = fake_v2 / "box"
    (box / "cpu.stat").write_text("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
    (box / "memory.current").write_text(str(300 * 2 ** 20))
    (box / "pids.current").write_text("7")
    (box / "pids.events").write_text("max 0\n")
    (box / "memory.events").write_text("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n")
    assert group.usage() == (2.5, 7, 300.0), group.usage()
    assert group.hit() == (False, True), group.hit()


def test_v2_controllers_not_delegated_mean_no_cgroup(fake_v2):
    (fake_v2 / "cgroup.controllers").write_text("cpu\n")
    with pytest.raises(OSError, match=r"cgroup v2 controllers \['pids', 'memory', 'cpu'\] not delegated"):
        sandbox.Cgroup.create(sandbox.Policy(), "box")
