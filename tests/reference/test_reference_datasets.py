"""moons (against scikit-learn), the 2x2 patterns, one-hot encoding, the split."""

import json

import numpy as np
import pytest

import background

from reference.datasets import PATTERN_CLASSES, make_moons, make_patterns, one_hot, train_test_split


MOONS = [(1000, 0.2, 42), (100, None, 0), (7, 0.5, 3), (1, 0.1, 1), (250, 0.0, 2**32 - 1)]
SKLEARN_MOONS = """
import json, sys
try:
    from sklearn.datasets import make_moons
except ImportError:
    print(json.dumps(None))
    sys.exit()
cases = json.loads(sys.argv[1])
print(json.dumps([[a.tolist() for a in make_moons(n_samples=n, noise=noise, random_state=seed)]
                  for n, noise, seed in cases]))
"""


def _sklearns_moons():
    """scikit-learn's make_moons of each MOONS case (exact: JSON keeps every float64), or None without it.

    In a process of its own: importing scikit-learn takes seconds of CPU."""
    return background.json_of("-c", SKLEARN_MOONS, json.dumps(MOONS))


BACKGROUND = {"sklearn_moons": _sklearns_moons}
BACKGROUND_SECONDS = {"sklearn_moons": 2.0}


@pytest.mark.parametrize("case", range(len(MOONS)), ids=[str(c) for c in MOONS])
def test_make_moons_yields_exactly_scikit_learns_points(case):
    found = background.result("sklearn_moons", _sklearns_moons)
    if found is None:
        pytest.skip("scikit-learn is not installed")
    n_samples, noise, random_state = MOONS[case]
    expected_X, expected_y = map(np.array, found[case])
    X, y = make_moons(n_samples, noise, random_state)
    assert np.array_equal(X, expected_X.T), "points differ from sklearn.datasets.make_moons"
    assert np.array_equal(y, expected_y), "labels differ from sklearn.datasets.make_moons"


def test_make_moons_is_samples_as_columns_with_balanced_labels():
    X, y = make_moons(101, 0.1, random_state=0)
    assert X.shape == (2, 101) and y.shape == (101,), f"shapes were {X.shape}, {y.shape}"
    assert np.sum(y == 0) == 50 and np.sum(y == 1) == 51, "outer moon must get n // 2 points"


def test_noiseless_moons_lie_on_the_two_half_circles():
    X, y = make_moons(40, None, random_state=0)
    outer, inner = X[:, y == 0], X[:, y == 1]
    assert np.allclose(outer[0] ** 2 + outer[1] ** 2, 1.0), "outer moon not on the unit circle"
    assert np.allclose((inner[0] - 1) ** 2 + (inner[1] - 0.5) ** 2, 1.0), "inner moon off its circle"


def test_patterns_are_the_eight_2x2_images_in_four_classes():
    X, y = make_patterns()
    assert X.shape == (4, 8) and y.shape == (8,), f"shapes were {X.shape}, {y.shape}"
    images = {tuple(map(int, X[:, j])): PATTERN_CLASSES[y[j]] for j in range(8)}
    expected = {
        (0, 0, 0, 0): "solid", (1, 1, 1, 1): "solid",
        (1, 0, 1, 0): "vertical", (0, 1, 0, 1): "vertical",
        (1, 1, 0, 0): "horizontal", (0, 0, 1, 1): "horizontal",
        (1, 0, 0, 1): "diagonal", (0, 1, 1, 0): "diagonal",
    }
    assert images == expected, f"patterns were {images}"


def test_one_hot_puts_a_single_one_in_each_column():
    Y = one_hot(np.array([2, 0, 1]))
    assert np.array_equal(Y, [[0, 1, 0], [0, 0, 1], [1, 0, 0]]), f"one_hot gave {Y}"
    assert one_hot(np.array([0, 1]), n_classes=4).shape == (4, 2), "n_classes ignored"


def test_one_hot_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match=r"labels contains 3, must be < n_classes = 3"):
        one_hot(np.array([0, 3]), n_classes=3)
    with pytest.raises(ValueError, match=r"labels contains -1, must hold class indices >= 0"):
        one_hot(np.array([0, -1]))


def test_train_test_split_is_a_seeded_partition_of_the_columns():
    X = np.arange(20.0).reshape(2, 10)
    y = np.arange(10)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=1)
    assert X_train.shape == (2, 8) and X_test.shape == (2, 2), f"shapes {X_train.shape}, {X_test.shape}"
    assert sorted(np.concatenate([y_train, y_test])) == list(range(10)), "not a partition"
    assert np.array_equal(X_train[0], y_train) and np.array_equal(X_test[1], y_test + 10), \
        "X columns and labels were separated"
    again = train_test_split(X, y, 0.2, seed=1)
    assert np.array_equal(again[3], y_test), "the same seed gave a different split"
    other = train_test_split(X, y, 0.5, seed=2)
    assert other[1].shape == (2, 5), "test_fraction 0.5 did not give 5 test samples"


def test_train_test_split_rejects_a_fraction_outside_zero_one():
    with pytest.raises(ValueError, match=r"test_fraction was 1.5, must be in \(0, 1\)"):
        train_test_split(np.zeros((2, 10)), np.zeros(10), 1.5)
