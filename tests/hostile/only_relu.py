"""Provides relu and nothing else."""
import numpy as np


def relu(Z):
    return np.maximum(Z, 0)
