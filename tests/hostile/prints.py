"""relu prints ten megabytes at every call, through sys.stdout and straight to file descriptor 2, and is otherwise correct."""
import os

import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    print("x" * 5_000_000)
    os.write(2, b"y" * 5_000_000)
    return np.maximum(Z, 0)
