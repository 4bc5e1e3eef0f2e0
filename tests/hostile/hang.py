"""relu never returns."""
from _base import *  # noqa: F401,F403


def relu(Z):
    while True:
        pass
