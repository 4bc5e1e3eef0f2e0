"""relu returns its result transposed (a layout mix-up)."""
import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    return np.maximum(Z, 0).T.copy()
