"""relu calls sys.exit."""
import sys

from _base import *  # noqa: F401,F403


def relu(Z):
    sys.exit(3)
