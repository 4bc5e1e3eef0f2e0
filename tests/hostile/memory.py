"""relu allocates without bound, a gigabyte at a time."""
from _base import *  # noqa: F401,F403


def relu(Z):
    hoard = []
    while True:
        hoard.append(bytearray(2**30))
