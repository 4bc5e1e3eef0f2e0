"""Grading: a rubric, scores per verdict, each platform's results format, the Gradescope zip, gradebook and page."""

from nnspec.grading.boundary import boundary, moons_grid
from nnspec.grading.formats import FORMATS, write
from nnspec.grading.scoring import grade, verdict_of

__all__ = ["FORMATS", "boundary", "grade", "moons_grid", "verdict_of", "write"]
