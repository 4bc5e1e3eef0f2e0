"""Needs a package that is not installed."""
import tensorflow_that_is_not_installed  # noqa: F401
from _base import *  # noqa: F401,F403
