"""relu turns zeros into NaN (0/0)."""
import numpy as np

from _base import *  # noqa: F401,F403


def relu(Z):
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.maximum(Z, 0) * (Z / Z)
