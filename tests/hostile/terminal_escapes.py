"""Prints terminal escapes (retitle the window, clear the screen) and raises with them, NUL and BEL in its message."""
from _base import *  # noqa: F401,F403

print("\x1b]0;graded: 100/100\x07\x1b[2J\x1b[H", flush=True)


def relu(Z):
    raise ValueError("\x1b[2J\x1b[32mall checks passed\x1b[0m\x00\x07")
