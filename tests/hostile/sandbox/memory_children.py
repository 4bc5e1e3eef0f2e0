"""Hostile: four child processes holding 40 MB each (RLIMIT_AS counts each alone, not their total)."""
import os
import time

for _ in range(4):
    if os.fork() == 0:
        block = bytearray(40 * 2 ** 20)
        block[::4096] = b"x" * len(block[::4096])  # touch every page: resident, not only reserved
        time.sleep(120)
        os._exit(0)
print("holding", flush=True)
while True:
    os.wait()
