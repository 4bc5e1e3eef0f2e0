"""A file with its own names, mapped to the contract by NNSPEC_NAMES (columns, softmax output)."""

import numpy as np

NNSPEC_NAMES = {"relu": "rectify", "relu_derivative": "rectify_slope", "softmax": "normalise",
                "cross_entropy_loss": "ce_loss"}


def rectify(Z):
    return np.maximum(Z, 0)


def rectify_slope(Z):
    return (Z > 0).astype(float)


def normalise(Z):
    E = np.exp(Z - Z.max(axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def ce_loss(y_true, y_pred):
    return float(-np.mean(np.sum(y_true * np.log(np.clip(y_pred, 1e-12, 1.0)), axis=0)))
