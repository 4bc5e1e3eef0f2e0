"""As root where no sandbox can be had, a batch runs each worker's submissions as a uid of their own.

This machine's interpreter may sit where only root can enter (/root/.pyenv), so no Python runs as another uid here:
these tests run /bin/sh as that uid, through the very code that would start the implementation's process.
"""

import contextlib
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from conftest import WAIT, without_bubblewrap

from nnspec import batch, implementation, process, sandbox

AS_ROOT = os.geteuid() == 0


@pytest.fixture
def world(tmp_path):
    """A folder every uid may enter (pytest's tmp_path is under a folder only root may enter)."""
    base = Path(tempfile.mkdtemp(prefix="nnspec-uid-"))
    base.chmod(0o755)
    yield base
    shutil.rmtree(base)


def _processes_of(uid: int) -> list[int]:
    return [pid for pid in sandbox._all_pids() if sandbox._uid(pid) == uid and sandbox._running([pid])]


def test_spare_uids_skip_accounts_running_processes_and_those_another_batch_holds():
    if not AS_ROOT:
        # Only root can run a process as another uid; a batch of another user never asks for one.
        with batch._runner_uids(batch.Limits(), 2) as uids:
            assert uids == [None, None]
        return
    nobody = pwd.getpwnam("nobody").pw_uid
    with sandbox.spare_uids(1, first=nobody) as [uid]:
        assert uid != nobody, "an account's uid is never spare"
    with sandbox.spare_uids(1) as [busy]:
        pass
    sleeper = subprocess.Popen(["sleep", "600"], cwd="/", user=busy, group=busy, extra_groups=[])
    try:
        with sandbox.spare_uids(1, first=busy) as [uid]:
            assert uid != busy, f"uid {busy} has a running process, yet it was given as spare"
    finally:
        sleeper.kill()
        sleeper.wait()
    with sandbox.spare_uids(2) as first, sandbox.spare_uids(2) as second:
        assert len(set(first)) == 2 and not set(first) & set(second), (first, second)
    with sandbox.spare_uids(2) as again:
        assert again == first, "uids held by a batch that ended are spare again"


def test_spare_uids_name_a_bad_count():
    with pytest.raises(ValueError, match=r"spare_uids: count was -1, must be an int >= 0"):
        with sandbox.spare_uids(-1):
            pass


def test_with_a_uid_of_its_own_a_daemon_that_left_its_session_is_counted_and_killed(world, monkeypatch):
    # Without a cgroup (a container whose /sys/fs/cgroup is read-only), a process that starts a session of its own
    # and leaves its parent escapes the session's count; every process of its uid is still its.
    if not AS_ROOT:
        assert sandbox.unprivileged(sandbox.FIRST_SPARE_UID) is None, "only root can run a process as another uid"
        return
    with sandbox.spare_uids(1) as [uid]:
        monkeypatch.setattr(sandbox, "unprivileged", lambda user: (user, user) if isinstance(user, int) else None)
        (world / "work").mkdir(mode=0o700)
        script = "setsid sleep 600 </dev/null >/dev/null 2>&1 & sleep 0.3; id -u"
        proc = sandbox.start(["/bin/sh", "-c", script], workdir=str(world / "work"),
                             policy=sandbox.Policy(user=uid), availability=without_bubblewrap("/proc monitor"),
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            output = proc.popen.communicate(timeout=WAIT)[0].decode()
            assert output.split() == [str(uid)], output
            daemons = _processes_of(uid)
            assert daemons and set(daemons) <= set(proc.members()), (daemons, proc.members())
        finally:
            proc.cleanup()
        assert _processes_of(uid) == [], f"uid {uid} still runs {_processes_of(uid)} after cleanup"


def test_what_that_uid_left_in_the_shared_folders_goes_when_it_is_given_back_and_nothing_else(world, monkeypatch):
    if not AS_ROOT:
        assert sandbox.unprivileged(sandbox.FIRST_SPARE_UID) is None, "only root can run a process as another uid"
        return
    shared = world / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # as /tmp
    (world / "roots.txt").write_text("root's\n")
    monkeypatch.setattr(sandbox, "SHARED_FOLDERS", (str(shared),))
    monkeypatch.setattr(sandbox, "unprivileged", lambda user: (user, user) if isinstance(user, int) else None)
    missing = without_bubblewrap()

    def run_as(uid, script):
        work = Path(tempfile.mkdtemp(dir=world))
        proc = sandbox.start(["/bin/sh", "-c", script], workdir=str(work), policy=sandbox.Policy(user=uid),
                             availability=missing, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            return proc.popen.communicate(timeout=WAIT)[0].decode().split()
        finally:
            proc.cleanup()

    with sandbox.own_uid((), missing) as uid:
        pass
    before = shared / "made-before"  # by that uid, before it was taken (by an earlier holder)
    before.write_text("older than the lease\n")
    os.chown(before, uid, uid)
    time.sleep(0.1)  # older than the lease below by more than a tick of the clock files are stamped with
    with sandbox.own_uid((), missing) as again:
        assert again == uid
        script = (f"cd {shared} && mkdir -p junk/deep && head -c 100000 /dev/zero > junk/deep/fill && "
                  f"echo x > file && ln -s {world / 'roots.txt'} link && echo made")
        assert run_as(uid, script) == ["made"]
        # A process of the same implementation started after that one ended (a crash, a restart) still finds them.
        assert run_as(uid, f"cat {shared}/file") == ["x"]
        neighbours = shared / "neighbours"  # another user's, made meanwhile
        neighbours.write_text("theirs\n")
        os.chown(neighbours, pwd.getpwnam("nobody").pw_uid, pwd.getpwnam("nobody").pw_gid)
    assert sorted(p.name for p in shared.iterdir()) == ["made-before", "neighbours"]
    assert (world / "roots.txt").read_text() == "root's\n", "a link is removed, never followed"


def test_a_batch_stage_that_others_read_is_entered_but_not_listed_and_not_written(world):
    (world / "in").mkdir()
    for name in ("a.py", "b.py", "_helper.py"):
        (world / "in" / name).write_text(f"NAME = {name!r}\n")
    root = world / "staging"
    root.mkdir(mode=0o700)
    staged = batch.stage(sorted((world / "in").glob("[ab].py")), root, readable=True)
    assert root.stat().st_mode & 0o777 == 0o711
    for item in staged:
        folder = item.copy.parent
        assert folder.stat().st_mode & 0o777 == 0o755 and len(folder.name.split("-")[1]) == 32, folder
        assert sorted(p.name for p in folder.iterdir()) == ["_helper.py", item.path.name]
        assert all(p.stat().st_mode & 0o777 == 0o644 for p in folder.iterdir())
    (world / "private").mkdir()
    private = batch.stage([world / "in" / "a.py"], world / "private")
    assert private[0].copy.parent.stat().st_mode & 0o777 == 0o700
    if not AS_ROOT:
        return
    # a.py's process, as a uid of its own: its copy, yes; the list of the others, or writing anything, no.
    own, other = staged[0].copy, staged[1].copy
    script = (f"cat {own} && echo read-own; ls {root} >/dev/null 2>&1 || echo cannot-list; "
              f"echo x >> {own} 2>/dev/null || echo cannot-write-own; "
              f"echo x > {other.parent}/planted.py 2>/dev/null || echo cannot-plant")
    with sandbox.spare_uids(1) as [uid]:
        output = subprocess.run(["/bin/sh", "-c", script], cwd="/", user=uid, group=uid, extra_groups=[],
                                capture_output=True, text=True, timeout=WAIT).stdout
    assert output.split() == ["NAME", "=", "'a.py'", "read-own", "cannot-list", "cannot-write-own", "cannot-plant"], \
        output
    assert own.read_text() == "NAME = 'a.py'\n"


def test_as_root_without_a_sandbox_a_file_that_uid_can_read_runs_as_a_uid_of_its_own(world, monkeypatch):
    # Patched for this process, where the background batches run too: only what they never reach (a uid's Python).
    monkeypatch.setattr(sandbox, "unprivileged", lambda user: (user, user) if isinstance(user, int) else None)
    missing = without_bubblewrap()
    (world / "open").mkdir(mode=0o755)
    (world / "open" / "net.py").write_text("X = 1\n")
    (world / "closed").mkdir(mode=0o700)
    (world / "closed" / "net.py").write_text("X = 1\n")

    def uid_for(target):
        request, _ = implementation.load_request(str(target))
        with implementation._own_uid([request], missing) as uid:
            return uid

    if not AS_ROOT:
        assert uid_for(world / "open" / "net.py") is None, "only root runs a process as another uid"
        return
    assert isinstance(uid_for(world / "open" / "net.py"), int)
    assert uid_for(world / "closed" / "net.py") is None, "a uid that cannot read the file would fail to import it"
    assert uid_for("reference") is None, "a module on the path stays with the user whose files those are"
    # Two sessions at once never share one: each holds its uid until it closes.
    request, _ = implementation.load_request(str(world / "open" / "net.py"))
    with implementation._own_uid([request], missing) as first, implementation._own_uid([request], missing) as second:
        assert first != second, (first, second)


def test_a_session_holds_its_uid_and_gives_it_back_when_it_closes_and_the_headers_name_it(monkeypatch):
    # This machine's Python may not start as another uid: the process is started as this user, the rest is real.
    # Patched for this process, where the background batches run too: only what they never reach in it (a Session
    # of sandbox "auto", a uid's Python).
    monkeypatch.setattr(sandbox, "unprivileged", lambda user: (user, user) if isinstance(user, int) else None)
    monkeypatch.setattr(process, "_spawn_sandboxed", lambda argv, **kw: process._spawn(
        argv, pass_fds=kw["pass_fds"], stdout=kw["stdout"], cwd=kw["cwd"], env=kw["env"], limits=kw["limits"]))
    held = []

    @contextlib.contextmanager
    def lease(requests):
        held.append(61123)
        yield 61123
        held.remove(61123)

    monkeypatch.setattr(implementation, "_own_uid", lease)
    session = implementation.Session([implementation.load_request("reference")[0]], "reference", sandbox="auto")
    try:
        assert session.limits.user == 61123 and held == [61123]
        assert session.infos[0].get("ok"), session.infos
    finally:
        session.close()
    assert held == [], "the uid is given back when the session closes"
    missing = without_bubblewrap()
    text = sandbox.describe(process.sandbox_policy(session.limits), missing)
    assert "the implementation runs as uid 61123, which no account and no other process has, not as root" in text
    header = batch._protection(batch.Limits(sandbox="auto"), others=True, availability=missing)
    if AS_ROOT:
        assert (f"runs as a uid of its own per submission (the first spare from {sandbox.FIRST_SPARE_UID} on), which "
                f"no account and no other process has, not as root") in header, header
    else:
        assert "runs as this user" in header, header


def test_the_report_is_never_written_through_a_link_planted_beside_it(tmp_path):
    # The report's folder may be one a submission can write (/tmp): a link at a predictable name would have root
    # write the report wherever it points.
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched\n")
    report = tmp_path / "report.json"
    (tmp_path / "report.json.tmp").symlink_to(victim)
    book = batch.Report(report, batch.Limits())
    book.add({"path": "a.py", "verdict": "passed", "contract": {}})
    assert victim.read_text() == "untouched\n"
    assert json.loads(report.read_text())["results"]["a.py"]["verdict"] == "passed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json", "report.json.key", "report.json.tmp",
                                                          "victim.txt"]
