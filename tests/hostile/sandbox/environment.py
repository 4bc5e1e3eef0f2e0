"""Hostile: print the names of the environment variables it was given, numpy's version and where it runs."""
import os

import numpy

print("numpy", numpy.__version__, numpy.ones(3).sum())
print("cwd", os.getcwd())
print("env", " ".join(sorted(os.environ)))
