"""relu reads address 0 through ctypes: a segmentation fault."""
import ctypes

from _base import *  # noqa: F401,F403


def relu(Z):
    return ctypes.string_at(0)
