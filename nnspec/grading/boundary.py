"""Decision boundaries on two-moons: the grid to predict on, and the picture of what was predicted (a PNG)."""

from __future__ import annotations

import base64
import functools
import struct
import zlib

import numpy as np

# The box around make_moons(noise=0.2): x from the outer moon's left tip to the inner moon's right one.
X_RANGE = (-1.75, 2.75)
Y_RANGE = (-1.25, 1.75)
COLOURS = {0: (187, 222, 251), 1: (255, 224, 178)}  # light blue, light orange: class 0 / class 1 regions
POINTS = {0: (21, 101, 192), 1: (230, 81, 0)}  # the moons' points of each class, darker


def moons_grid(resolution: int = 48) -> tuple:
    """(X (2, resolution**2) in columns, meta {x, y, resolution}); rows of the grid go from y_min up to y_max.

    Predict on X (in the implementation's layout), then `boundary(predictions, meta)` gives the entry's field.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, int) or not 2 <= resolution <= 512:
        raise ValueError(f"resolution was {resolution!r}, must be an int from 2 to 512")
    xs = np.linspace(*X_RANGE, resolution)
    ys = np.linspace(*Y_RANGE, resolution)
    gx, gy = np.meshgrid(xs, ys)  # gx[i, j] = xs[j], gy[i, j] = ys[i]
    X = np.vstack([gx.ravel(), gy.ravel()])
    return X, {"x": list(X_RANGE), "y": list(Y_RANGE), "resolution": resolution}


def boundary(predictions, meta: dict) -> dict:
    """The entry's "boundary" field from predictions on moons_grid's X (class indices, 0/1, or probabilities)."""
    n = meta["resolution"]
    p = np.asarray(predictions, dtype=float).reshape(-1)
    if p.size != n * n:
        raise ValueError(f"predictions had {p.size} values, must have resolution**2 = {n * n}")
    labels = (p >= 0.5).astype(int) if np.all((p >= 0) & (p <= 1)) else (p != 0).astype(int)
    return {"x": meta["x"], "y": meta["y"], "labels": labels.reshape(n, n).tolist()}


def png(field: dict, scale: int = 4, points: int = 200) -> bytes:
    """A PNG of the regions in field["labels"], with `points` two-moons samples drawn over them."""
    labels = np.asarray(field["labels"], dtype=int)
    if labels.ndim != 2 or labels.size == 0:
        raise ValueError(f"boundary labels had shape {labels.shape}, must be a 2-d grid")
    rows, cols = labels.shape
    image = np.zeros((rows, cols, 3), dtype=np.uint8)
    for label, colour in COLOURS.items():
        image[labels == label] = colour
    image[(labels != 0) & (labels != 1)] = (224, 224, 224)
    image = np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)[::-1]  # y_max at the top
    if points:
        X, y = _moons(points)
        (x0, x1), (y0, y1) = field["x"], field["y"]
        height, width = image.shape[:2]
        px = np.round((X[0] - x0) / (x1 - x0) * (width - 1)).astype(int)
        py = np.round((y1 - X[1]) / (y1 - y0) * (height - 1)).astype(int)
        for u, v, label in zip(px, py, y):
            if 1 <= u < width - 1 and 1 <= v < height - 1:
                image[v - 1:v + 2, u - 1:u + 2] = POINTS[int(label)]
    return encode_png(image)


@functools.lru_cache(maxsize=4)
def _moons(points: int) -> tuple:
    from reference.datasets import make_moons

    return make_moons(points, 0.2, 0)


def data_uri(field: dict) -> str:
    return "data:image/png;base64," + base64.b64encode(png(field)).decode()


def encode_png(image: np.ndarray) -> bytes:
    """An RGB uint8 array (height, width, 3) as PNG bytes (standard library only)."""
    height, width = image.shape[:2]
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(height))  # filter 0 on every row

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
