"""Small data sets in the reference's layout: X is (n_features, m), labels are (m,).

make_moons reproduces scikit-learn's make_moons point for point (same
arguments, same numbers) without needing scikit-learn; train_test_split and
one_hot are the two helpers every experiment needs; make_patterns is the 2x2
black/white image task with 4 classes.
"""

import math
import numbers

import numpy as np

from . import validation

PATTERN_CLASSES = ("solid", "vertical", "horizontal", "diagonal")

# Each 2x2 image [[a, b], [c, d]] (1 = black) flattened row by row to [a, b, c, d].
_PATTERNS = (
    ([[0, 0], [0, 0]], 0), ([[1, 1], [1, 1]], 0),  # solid
    ([[1, 0], [1, 0]], 1), ([[0, 1], [0, 1]], 1),  # vertical
    ([[1, 1], [0, 0]], 2), ([[0, 0], [1, 1]], 2),  # horizontal
    ([[1, 0], [0, 1]], 3), ([[0, 1], [1, 0]], 3),  # diagonal
)


def make_moons(n_samples=100, noise=None, random_state=None):
    """Two interleaving half circles -> (X (2, n_samples), y (n_samples,) of 0/1).

    The same points as sklearn.datasets.make_moons(n_samples, shuffle=True,
    noise=noise, random_state=random_state), transposed to samples as columns:
    the outer moon (label 0) gets n_samples // 2 points, the inner moon the
    rest; the samples are shuffled, then N(0, noise^2) noise is added, both
    drawn from numpy.random.RandomState(random_state), which is the generator
    scikit-learn uses (and not numpy's global state when random_state is an int).
    """
    n_samples = validation.check_positive_int("n_samples", n_samples)
    if noise is not None and (
        isinstance(noise, bool) or not isinstance(noise, numbers.Real)
        or not math.isfinite(noise) or noise < 0
    ):
        raise ValueError(f"noise was {noise!r}, must be a finite number >= 0 (or None)")
    if random_state is not None and (
        isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral)
        or not 0 <= random_state < 2**32
    ):
        raise ValueError(
            f"random_state was {random_state!r}, must be an integer in [0, 2**32) (or None)"
        )
    generator = np.random.RandomState(random_state)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0, np.pi, n_out)
    t_in = np.linspace(0, np.pi, n_in)
    points = np.vstack([
        np.append(np.cos(t_out), 1 - np.cos(t_in)),
        np.append(np.sin(t_out), 1 - np.sin(t_in) - 0.5),
    ]).T
    labels = np.hstack([np.zeros(n_out, dtype=np.intp), np.ones(n_in, dtype=np.intp)])
    # scikit-learn's shuffle: RandomState.shuffle of arange(n), then indexing.
    order = np.arange(n_samples)
    generator.shuffle(order)
    points, labels = points[order], labels[order]
    if noise is not None:
        points = points + generator.normal(scale=noise, size=points.shape)
    return np.ascontiguousarray(points.T), labels


def make_patterns():
    """The 8 black/white 2x2 images -> (X (4, 8) of 0/1 floats, y (8,) class indices).

    Classes (PATTERN_CLASSES): 0 solid (all black or all white), 1 vertical,
    2 horizontal, 3 diagonal; two images per class.
    """
    X = np.array([np.ravel(image) for image, _ in _PATTERNS], dtype=float).T
    y = np.array([label for _, label in _PATTERNS], dtype=np.intp)
    return X, y


def one_hot(labels, n_classes=None):
    """Labels (m,) of class indices -> one-hot Y (n_classes, m), samples as columns.

    n_classes defaults to max(labels) + 1.
    """
    labels = np.asarray(labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"labels has shape {labels.shape}, must be a non-empty 1-D array (m,)")
    if not np.issubdtype(labels.dtype, np.integer):
        if not (np.issubdtype(labels.dtype, np.floating) and np.all(labels == np.round(labels))):
            raise ValueError(
                f"labels has dtype {labels.dtype}, must hold integer class indices 0, 1, ..."
            )
        labels = labels.astype(np.intp)
    if labels.min() < 0:
        raise ValueError(f"labels contains {labels.min()}, must hold class indices >= 0")
    if n_classes is None:
        n_classes = int(labels.max()) + 1
    n_classes = validation.check_positive_int("n_classes", n_classes)
    if labels.max() >= n_classes:
        raise ValueError(
            f"labels contains {labels.max()}, must be < n_classes = {n_classes}"
        )
    Y = np.zeros((n_classes, labels.size))
    Y[labels, np.arange(labels.size)] = 1.0
    return Y


def train_test_split(X, y, test_fraction=0.2, seed=0):
    """Split the m columns of X (n, m) and y (m,) or (k, m) -> X_train, X_test, y_train, y_test.

    A permutation from numpy.random.default_rng(seed) picks the
    ceil(test_fraction * m) test samples; the same seed gives the same split.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise ValueError(f"X has shape {X.shape}, must be 2-D (n_features, m)")
    m = X.shape[1]
    if y.shape[-1] != m or y.ndim not in (1, 2):
        raise ValueError(
            f"y has shape {y.shape}, must be ({m},) or (k, {m}) to match X of shape {X.shape}"
        )
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, numbers.Real) \
            or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction was {test_fraction!r}, must be in (0, 1)")
    n_test = math.ceil(test_fraction * m)
    if n_test >= m:
        raise ValueError(
            f"test_fraction was {test_fraction!r}, must leave at least one of the {m} samples for training"
        )
    order = np.random.default_rng(seed).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[:, train], X[:, test], y[..., train], y[..., test]
