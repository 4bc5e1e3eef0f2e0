"""Hostile: overwrite every path given, or create it (its own file, a neighbour, the report, the home); then /tmp."""
import os
import sys

for path in sys.argv[1:]:
    try:
        with open(path, "w") as f:
            f.write("forged by a submission\n")
        os.utime(path, (0, 0))
        print(f"wrote {path}")
    except OSError as exc:
        print(f"denied {path}: {exc.strerror}")
with open("/tmp/mine.txt", "w") as f:
    f.write("its own /tmp is writable\n")
print("wrote /tmp/mine.txt")
