"""relu prints ten megabytes at every call, and is otherwise correct."""
import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    print("x" * 10_000_000)
    return np.maximum(Z, 0)
