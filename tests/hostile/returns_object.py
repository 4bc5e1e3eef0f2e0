"""relu returns an object of its own class: it stays in the implementation's process, and the check says so."""
import numpy as np

from _base import *  # noqa: F401,F403


class Matrix:
    def __init__(self, values):
        self.values = values


def relu(Z):
    return Matrix(np.maximum(Z, 0))
