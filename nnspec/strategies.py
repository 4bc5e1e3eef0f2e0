"""Hypothesis strategies for the contract checks: arrays, logits, probabilities, networks."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nnspec import numerics


def floats(lo: float, hi: float):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, width=64)


def matrices(lo=-20.0, hi=20.0, max_rows=5, max_cols=6, min_rows=1, min_cols=1):
    """2-d float64 arrays with entries in [lo, hi]."""
    shapes = st.tuples(st.integers(min_rows, max_rows), st.integers(min_cols, max_cols))
    return hnp.arrays(np.float64, shapes, elements=floats(lo, hi))


def away_from_zero(array, margin):
    """Push entries closer than `margin` to 0 out to ±margin (finite differences must not straddle a kink)."""
    near = np.abs(array) < margin
    return np.where(near, np.where(array < 0, -margin, margin), array)


@st.composite
def classes_and_samples(draw, max_classes=5, max_m=6):
    """(K, m) with K >= 2 classes and m samples."""
    return draw(st.integers(2, max_classes)), draw(st.integers(1, max_m))


@st.composite
def networks(draw, depths, output, max_width=4, max_m=5, square=True):
    """A small network and batch (columns): depth from `depths`, sometimes square layers, batches of 1 included."""
    L = draw(st.sampled_from(sorted(depths)))
    if square and draw(st.booleans()):
        n = draw(st.integers(2, max_width))
        dims = [n] * (L + 1)
        if output == "sigmoid":
            dims[-1] = 1
    else:
        dims = [draw(st.integers(1, max_width)) for _ in range(L)]
        dims.append(1 if output == "sigmoid" else draw(st.integers(2, max_width)))
    m = draw(st.integers(1, max_m))
    seed = draw(st.integers(0, 2**32 - 1))
    return numerics.make_network(tuple(dims), m, output, seed)


def depth_at_most(depths, limit: int) -> int:
    """The deepest supported depth not above `limit`, else the shallowest supported."""
    fitting = [d for d in depths if d <= limit]
    return max(fitting) if fitting else min(depths)


class InLayout:
    """An array drawn in columns, shown (in hypothesis' falsifying example) as the implementation receives it."""

    def __init__(self, columns, rows: bool):
        self.columns, self.rows = columns, rows

    def __repr__(self):
        return repr(np.ascontiguousarray(self.columns.T) if self.rows else self.columns)


def in_layout(strategy, impl):
    """`strategy`'s arrays (or tuples of arrays), drawn in columns, each wrapped in InLayout for `impl`'s layout."""

    def wrap(value):
        if isinstance(value, tuple):
            return tuple(InLayout(v, impl.rows) for v in value)
        return InLayout(value, impl.rows)

    return strategy.map(wrap)


def columns(value):
    """The columns array(s) inside InLayout value(s)."""
    if isinstance(value, tuple):
        return tuple(v.columns for v in value)
    return value.columns
