"""relu raises from a helper of its own: the report must show these frames, not the suite's."""
from _base import *  # noqa: F401,F403


def _clip(Z, cache):
    return cache["missing"]


def relu(Z):
    return _clip(Z, {})
