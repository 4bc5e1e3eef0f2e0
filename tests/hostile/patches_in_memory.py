"""A wrong relu that tries to neutralise the checker without importing it: it rewrites, in every function object
it can find in memory, the code of anything called fail, __call__ or a pytest hook. In a process of its own it
finds only its own functions."""
import gc

import numpy as np

from _base import *  # noqa: F401,F403


def _nothing(*args, **kwargs):
    return None


for _obj in gc.get_objects():
    if callable(_obj) and getattr(_obj, "__name__", "") in ("fail", "assert_close", "pytest_runtest_makereport"):
        try:
            _obj.__code__ = _nothing.__code__
        except (AttributeError, TypeError, ValueError):
            pass


def relu(Z):
    return np.abs(Z)
