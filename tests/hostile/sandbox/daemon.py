"""Hostile: a double-forked daemon in a session of its own that would outlive the call, then exit at once."""
import os
import sys
import time

if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        sys.stdout.close()
        os.closerange(0, 1024)
        time.sleep(120)
        os._exit(0)
    os._exit(0)
os.wait()
print("daemon started", flush=True)
