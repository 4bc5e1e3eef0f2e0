"""python -m reference train moons|patterns: train the reference and report accuracy.

Prints a progress line every epochs // 10 epochs (loss and training
accuracy), then ``test accuracy: 0.xxx`` (for patterns: on all 8 images).
Bad options and invalid values exit with status 2 and an ``error:`` line.
"""

import argparse
import sys

import numpy as np

from . import validation
from .configuration import configure
from .datasets import make_moons, make_patterns, one_hot, train_test_split
from .losses import LOSSES
from .network import _forward
from .training import accuracy

# Per-task defaults, chosen so that a plain run reaches the targets
# (>= 0.97 test accuracy on moons, 8/8 on patterns) in well under a second.
DEFAULTS = {
    # moons: every training seed 0..19 gives >= 0.97 on the seeded 80/20 split.
    "moons": dict(hidden="64", learning_rate=0.1, epochs=200, batch_size=32),
    # patterns: the 4-8-4 network of the 2x2-patterns seed; seeds 0..49 all reach 8/8.
    "patterns": dict(hidden="8", learning_rate=0.5, epochs=500, batch_size=8),
}


def _hidden_sizes(text):
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = None
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(
            f"was {text!r}, must be comma-separated positive layer sizes, e.g. 16,16")
    return sizes


def build_parser():
    parser = argparse.ArgumentParser(
        prog="python -m reference",
        description="Train nnspec's reference numpy network on a small task.")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "train", help="train on moons or patterns and report test accuracy",
        description="Train the reference network and report accuracy. Defaults per task: "
        + "; ".join(f"{task}: " + ", ".join(f"{k} {v}" for k, v in d.items())
                    for task, d in DEFAULTS.items()))
    run.add_argument("task", choices=sorted(DEFAULTS), help="moons (2 features, 2 classes) "
                     "or patterns (2x2 images, 4 classes)")
    run.add_argument("--hidden", type=_hidden_sizes, default=None,
                     help="hidden layer sizes, comma-separated (e.g. 16,16)")
    run.add_argument("--activation", choices=validation.HIDDEN_ACTIVATIONS, default="relu",
                     help="hidden activation (default relu)")
    run.add_argument("--output", choices=validation.OUTPUT_ACTIVATIONS, default="softmax",
                     help="output layer (default softmax; sigmoid needs 2 classes)")
    run.add_argument("--learning-rate", "--lr", type=float, default=None, dest="learning_rate")
    run.add_argument("--epochs", type=int, default=None)
    run.add_argument("--batch-size", type=int, default=None, dest="batch_size")
    run.add_argument("--keep-prob", type=float, default=1.0, dest="keep_prob",
                     help="dropout keep probability on hidden layers, in (0, 1] (default 1: off)")
    run.add_argument("--seed", type=int, default=0, help="training seed (default 0)")
    run.add_argument("--samples", type=int, default=1000, help="moons: number of points")
    run.add_argument("--noise", type=float, default=0.2, help="moons: noise level")
    run.add_argument("--plot", metavar="FILE.png", default=None,
                     help="save the decision boundary (moons) and the loss curve; needs matplotlib")
    return parser


def _load(task, samples, noise, output):
    """-> (X_train, y_train, X_test, y_test, n_classes), samples as columns."""
    if task == "moons":
        X, y = make_moons(samples, noise, random_state=42)
        X_train, X_test, y_train, y_test = train_test_split(X, y, 0.2, seed=42)
        return X_train, y_train, X_test, y_test, 2
    if output == "sigmoid":
        raise ValueError("output was 'sigmoid', must be 'softmax' for patterns (4 classes)")
    X, y = make_patterns()
    # 8 images, 4 classes: train on all of them and report accuracy on all 8.
    return X, y, X, y, 4


def run_train(args):
    options = {k: v for k, v in DEFAULTS[args.task].items()}
    for key in ("learning_rate", "epochs", "batch_size"):
        if getattr(args, key) is not None:
            options[key] = getattr(args, key)
    hidden = args.hidden or _hidden_sizes(options["hidden"])
    # Check the numbers before printing anything, so a bad value gives one error line.
    validation.check_positive_number("--learning-rate", options["learning_rate"])
    validation.check_positive_int("--epochs", options["epochs"])
    validation.check_positive_int("--batch-size", options["batch_size"])
    validation.check_keep_prob(args.keep_prob)
    validation.check_positive_int("--samples", args.samples)
    if args.seed < 0:
        raise ValueError(f"--seed was {args.seed}, must be a non-negative integer")
    plt_needed = args.plot is not None
    if plt_needed:
        from .plot import require_matplotlib
        require_matplotlib()  # fail before training, not after

    X_train, y_train, X_test, y_test, n_classes = _load(args.task, args.samples, args.noise, args.output)
    net = configure(args.activation, args.output)
    n_out = n_classes if args.output == "softmax" else 1
    Y_train = one_hot(y_train, n_classes) if args.output == "softmax" else y_train[None, :].astype(float)
    layer_dims = [X_train.shape[0], *hidden, n_out]
    epochs = options["epochs"]
    every = max(1, epochs // 10)
    print(f"{args.task}: {X_train.shape[1]} training / {X_test.shape[1]} test samples, "
          f"network {'-'.join(map(str, layer_dims))} {args.activation}/{args.output}, "
          f"lr {options['learning_rate']}, batch {options['batch_size']}, "
          f"keep_prob {args.keep_prob}, seed {args.seed}")

    losses = []

    def progress(epoch, parameters):
        Ws = [parameters[f"W{l}"] for l in range(1, len(layer_dims))]
        bs = [parameters[f"b{l}"] for l in range(1, len(layer_dims))]
        A, _ = _forward(X_train, Ws, bs, args.activation, args.output)
        losses.append(LOSSES[args.output](Y_train, A))
        if epoch % every == 0 or epoch == epochs:
            predicted = np.argmax(A, axis=0) if args.output == "softmax" else (A[0] > 0.5)
            print(f"epoch {epoch:4d}/{epochs}  loss {losses[-1]:.4f}  "
                  f"train accuracy {accuracy(y_train, predicted.astype(int)):.3f}", flush=True)

    parameters = net.train(X_train, Y_train, layer_dims, options["learning_rate"], epochs,
                           options["batch_size"], args.seed, keep_prob=args.keep_prob,
                           callback=progress)
    test_accuracy = accuracy(y_test, net.predict(X_test, parameters))
    if plt_needed:
        from .plot import save_training_plot
        if args.task == "moons":
            save_training_plot(args.plot, losses, np.hstack([X_train, X_test]),
                               np.concatenate([y_train, y_test]),
                               lambda grid: net.predict(grid, parameters),
                               title=f"test accuracy {test_accuracy:.3f}")
        else:
            save_training_plot(args.plot, losses)
        print(f"saved plot to {args.plot}")
    print(f"test accuracy: {test_accuracy:.3f}")
    return 0


def main(argv=None):
    """Entry point -> exit status: 0 done, 2 bad option or value, 1 plotting unavailable."""
    from .plot import PlotUnavailable

    args = build_parser().parse_args(argv)  # argparse exits 2 itself on bad options
    try:
        return run_train(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except PlotUnavailable as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
