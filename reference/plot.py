"""Pictures of a training run; matplotlib is an optional extra (pip install nnspec[plot]).

matplotlib is imported only when a picture is asked for, so the reference
itself depends on numpy alone.
"""

import numpy as np


class PlotUnavailable(RuntimeError):
    """matplotlib is not installed; the message says how to install it."""


def require_matplotlib():
    """Import matplotlib with the file-only Agg backend -> pyplot, or raise PlotUnavailable."""
    try:
        import matplotlib
        matplotlib.use("Agg")  # write files only; never needs a display
        import matplotlib.pyplot as plt
    except ImportError:
        raise PlotUnavailable(
            "--plot needs matplotlib, which is not installed: "
            "pip install 'nnspec[plot]' (or pip install matplotlib)"
        ) from None
    return plt


def save_training_plot(path, losses, X=None, y=None, predict=None, title=""):
    """Save the decision boundary over the 2-D data (if X is given) and the loss curve.

    X is (2, m) with labels y (m,); predict maps a (2, k) grid of points to k labels.
    losses holds the training loss after each epoch.
    """
    plt = require_matplotlib()
    panels = 2 if X is not None else 1
    fig, axes = plt.subplots(1, panels, figsize=(4.2 * panels, 3.6), squeeze=False)
    axes = axes[0]
    if X is not None:
        ax = axes[0]
        pad = 0.5
        xs = np.linspace(X[0].min() - pad, X[0].max() + pad, 300)
        ys = np.linspace(X[1].min() - pad, X[1].max() + pad, 300)
        gx, gy = np.meshgrid(xs, ys)
        labels = predict(np.vstack([gx.ravel(), gy.ravel()])).reshape(gx.shape)
        ax.contourf(gx, gy, labels, levels=[-0.5, 0.5, 1.5], colors=["#f4c7c3", "#c6dbef"])
        ax.contour(gx, gy, labels, levels=[0.5], colors="k", linewidths=0.8)
        ax.scatter(X[0], X[1], c=np.where(y == 1, "#2166ac", "#b2182b"), s=6, linewidths=0)
        ax.set_title("decision boundary" + (f": {title}" if title else ""), fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    ax = axes[-1]
    ax.plot(np.arange(1, len(losses) + 1), losses, color="#333333", linewidth=1)
    ax.set_xlabel("epoch", fontsize=9)
    ax.set_ylabel("training loss", fontsize=9)
    ax.set_yscale("log")
    ax.tick_params(labelsize=8)
    ax.set_title("loss curve", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
