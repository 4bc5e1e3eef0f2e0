"""Training speed: the reference against scikit-learn's MLPClassifier, side by side.

Both train the same network on moons (n_samples=1000, noise=0.2, 80/20 split):
2-16-1 with tanh hidden units and a logistic output (what MLPClassifier uses for
2 classes), plain SGD (no momentum, no L2), batch 32, the same learning rate and
number of epochs, shuffling every epoch, no early stopping. Reports the median
wall time over several repeats, the speedup, and the time of one SGD step.

    python3 benchmarks/bench_training.py [--repeats 7] [--epochs 100]

A benchmark, not a test: the numbers depend on the machine.
"""

import argparse
import os
import statistics
import sys
import time
import timeit
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import numpy as np  # noqa: E402

import reference  # noqa: E402
from reference.datasets import make_moons, train_test_split  # noqa: E402
from reference.network import _backward, _forward  # noqa: E402

HIDDEN, BATCH, LEARNING_RATE = 16, 32, 0.1


def median_time(run, repeats):
    times = []
    for repeat in range(repeats):
        start = time.perf_counter()
        result = run(repeat)
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=100)
    args = parser.parse_args(argv)

    X, y = make_moons(1000, 0.2, random_state=42)
    X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=42)
    Y_train = y_train[None, :].astype(float)
    net = reference.configure("tanh", "sigmoid")
    layer_dims = [2, HIDDEN, 1]
    steps = args.epochs * -(-X_train.shape[1] // BATCH)

    ref_time, params = median_time(
        lambda r: net.train(X_train, Y_train, layer_dims, LEARNING_RATE, args.epochs, BATCH, r),
        args.repeats)
    ref_accuracy = float(np.mean(net.predict(X_test, params) == y_test))

    # One SGD step of the same network, measured on its own: forward, backward, update.
    p = net.initialize_parameters(layer_dims, seed=0)
    Ws, bs = [p["W1"], p["W2"]], [p["b1"], p["b2"]]
    Xb, Yb = X_train[:, :BATCH], Y_train[:, :BATCH]

    def step():
        _, cache = _forward(Xb, Ws, bs, "tanh", "sigmoid")
        dWs, dbs = _backward(Ws, cache, Xb, Yb, "tanh")
        for W, b, dW, db in zip(Ws, bs, dWs, dbs):
            W -= 1e-9 * dW
            b -= 1e-9 * db

    number = 5000
    step_us = statistics.median(timeit.repeat(step, number=number, repeat=args.repeats)) / number * 1e6

    print(f"moons 2-{HIDDEN}-1 tanh/sigmoid, SGD lr {LEARNING_RATE}, batch {BATCH}, "
          f"{args.epochs} epochs ({steps} steps), median of {args.repeats} runs")
    print(f"reference      {ref_time * 1e3:8.1f} ms   test accuracy {ref_accuracy:.3f}")
    print(f"one SGD step   {step_us:8.1f} us   (whole run: {ref_time / steps * 1e6:.1f} us/step "
          "including the shuffles)")

    try:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
    except ImportError:
        print("scikit-learn is not installed: pip install scikit-learn for the comparison")
        return 0

    def sklearn_run(r):
        model = MLPClassifier(
            hidden_layer_sizes=(HIDDEN,), activation="tanh", solver="sgd", momentum=0.0,
            nesterovs_momentum=False, learning_rate="constant", learning_rate_init=LEARNING_RATE,
            batch_size=BATCH, max_iter=args.epochs, alpha=0.0, tol=0.0,
            n_iter_no_change=args.epochs, shuffle=True, random_state=r)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(X_train.T, y_train)

    sk_time, model = median_time(sklearn_run, args.repeats)
    sk_accuracy = float(np.mean(model.predict(X_test.T) == y_test))
    print(f"MLPClassifier  {sk_time * 1e3:8.1f} ms   test accuracy {sk_accuracy:.3f}   "
          f"({model.n_iter_} epochs run)")
    print(f"speedup        {sk_time / ref_time:8.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
