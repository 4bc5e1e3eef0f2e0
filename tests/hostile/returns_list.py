"""relu returns a list of lists instead of an array."""
import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    return np.maximum(Z, 0).tolist()
