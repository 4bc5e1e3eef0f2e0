"""Hostile: three child processes burning CPU forever (RLIMIT_CPU counts each alone, not their total)."""
import os

for _ in range(3):
    if os.fork() == 0:
        while True:
            pass
print("burning", flush=True)
while True:
    os.wait()
