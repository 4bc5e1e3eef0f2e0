"""relu computes its result and forgets to return it."""
import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    A = np.maximum(Z, 0)  # noqa: F841
