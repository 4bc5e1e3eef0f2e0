"""Hostile: read every path given (a neighbour's submission, the checkout, the teacher's home); print what came."""
import sys

for path in sys.argv[1:]:
    try:
        with open(path) as f:
            print(f"read {path}: {f.read(200)!r}")
    except OSError as exc:
        print(f"denied {path}: {exc.strerror}")
