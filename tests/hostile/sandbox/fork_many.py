"""Hostile: fork 300 processes that sleep, then wait for them all."""
import os
import time

children = 0
for _ in range(300):
    try:
        if os.fork() == 0:
            time.sleep(120)
            os._exit(0)
        children += 1
    except OSError as exc:
        print(f"fork refused after {children} children: {exc.strerror}", flush=True)
        break
print(f"forked {children}", flush=True)
time.sleep(120)
