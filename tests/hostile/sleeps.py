"""relu never returns, and uses no CPU while it waits (a blocked read, a lock never released)."""
import time

from _base import *  # noqa: F401,F403


def relu(Z):
    while True:
        time.sleep(1)
