"""Plain data over a pipe, never pickle: the only language the checker and the checked speak.

A frame is an 8-byte length, then a 4-byte header length, a JSON header and the arrays' raw bytes. Arrays are
numeric or boolean only ({"$a": [dtype, shape, offset, nbytes]}), numpy scalars {"$s": ...}, tuples {"$t": [...]},
dicts whose keys are not all plain strings {"$d": [[key, value], ...]}; anything else stays in the process that
made it and crosses as a handle {"$h": id, "$k": type name}. Decoding is json.loads and np.frombuffer with a
whitelisted dtype: nothing in a frame can make the reader run code.

This file runs on both sides: imported by nnspec, and sent as text to the implementation's process, which
cannot import nnspec. It needs only the standard library and numpy.
"""

import json
import math
import os
import re
import struct

import numpy as np

MAX_FRAME = 512 * 2**20  # bytes: an implementation returning more than this gets a verdict, not the checker's memory
# The JSON part alone: parsed into Python objects it takes 10 to 30 times its size (a list of floats), where arrays'
# bytes take their own. A contract's answer needs kilobytes of it.
MAX_HEADER = 16 * 2**20
_DTYPE = re.compile(r"^[<>|=]?(b1|[iu][1248]|f[248]|c(8|16))$")
_LENGTH = struct.Struct(">Q")
_HEADER = struct.Struct(">I")
# In a JSON header, what any control character, lone surrogate or non-character must be written with: an escape
# (\u, \b, \f, \r) or a raw DEL or the first byte of its UTF-8 form. A header without any has none of them.
_MAY_HIDE = re.compile(rb"\\[ubfr]|[\x7f\xc2\xed\xef]")


class WireError(Exception):
    """A frame that is not plain data, or a channel that closed."""


class Handle:
    """An object that stays in the implementation's process; the checks can only hand it back."""

    __slots__ = ("id", "kind", "generation")

    def __init__(self, id, kind="object", generation=0):
        self.id, self.kind, self.generation = id, kind, generation

    def __repr__(self):
        return f"<{self.kind} kept in the implementation's process>"


def _encode(value, buffers, keep):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value if type(value) is int else int(value)
    if isinstance(value, float):
        return float(value)
    if type(value) is np.ndarray and value.dtype.kind in "biufc" and _DTYPE.match(value.dtype.str):
        array = value if value.flags.c_contiguous else value.copy(order="C")  # ascontiguousarray makes 0-d 1-d
        buffers.append(array)
        return {"$a": [array.dtype.str, list(array.shape), len(buffers) - 1]}
    if isinstance(value, np.generic) and value.dtype.kind in "biufc" and _DTYPE.match(value.dtype.str):
        buffers.append(np.asarray(value).reshape(1))
        return {"$s": [value.dtype.str, len(buffers) - 1]}
    if isinstance(value, Handle):
        return {"$h": value.id, "$k": value.kind}
    if isinstance(value, tuple):
        return {"$t": [_encode(v, buffers, keep) for v in value]}
    if isinstance(value, list):
        return [_encode(v, buffers, keep) for v in value]
    if isinstance(value, dict):
        if all(type(k) is str and not k.startswith("$") for k in value):
            return {k: _encode(v, buffers, keep) for k, v in value.items()}
        return {"$d": [[_encode(k, buffers, keep), _encode(v, buffers, keep)] for k, v in value.items()]}
    if keep is None:
        raise WireError(f"{type(value).__name__} is not plain data")
    return {"$h": keep(value), "$k": type(value).__name__}


def encode(value, keep=None) -> bytes:
    """The payload for `value`; `keep(obj) -> id` stores what is not plain data (None: refuse it)."""
    buffers = []
    tree = _encode(value, buffers, keep)
    # Offsets are implicit: each array's bytes follow the previous one's, in order.
    head = json.dumps({"n": [int(b.nbytes) for b in buffers], "v": tree}, separators=(",", ":")).encode()
    return b"".join([_HEADER.pack(len(head)), head, *(b.tobytes() for b in buffers)])


def decode(payload: bytes, handle=None, text=None):
    """The value in `payload`; `handle(id, kind) -> object` resolves handles (None: Handle objects); `text(str) -> str`
    is applied to every string, keys too (the checker's side makes what the implementation wrote safe to print)."""
    try:
        (size,) = _HEADER.unpack_from(payload, 0)
        if size > MAX_HEADER:
            raise WireError(f"{size} bytes of lists, numbers and text, more than the limit of {MAX_HEADER // 2**20} "
                            f"MB (return numpy arrays, not lists)")
        raw = payload[_HEADER.size:_HEADER.size + size]
        head = json.loads(raw)
        sizes, tree = head["n"], head["v"]
        if not isinstance(sizes, list) or not all(type(n) is int and n >= 0 for n in sizes):
            raise WireError("bad array sizes")
        offsets, position = [], _HEADER.size + size
        for n in sizes:
            offsets.append((position, n))
            position += n
        if position != len(payload):
            raise WireError(f"frame of {len(payload)} bytes announces {position}")
        if text is not None and _MAY_HIDE.search(raw):  # most frames are plain ASCII with no escape: no walk
            tree = _strings(tree, text)
        return _decode(tree, payload, offsets, handle or (lambda i, k: Handle(i, k)))
    except WireError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, RecursionError, struct.error) as exc:
        raise WireError(f"malformed frame: {type(exc).__name__}: {exc}") from None


def _strings(tree, text):
    if isinstance(tree, str):
        return text(tree)
    if isinstance(tree, list):
        return [_strings(v, text) for v in tree]
    if isinstance(tree, dict):
        return {text(k): _strings(v, text) for k, v in tree.items()}
    return tree


def _array(payload, offsets, dtype, shape, index):
    if not isinstance(dtype, str) or not _DTYPE.match(dtype):
        raise WireError(f"dtype {dtype!r} is not numeric")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError(f"bad shape {shape!r}")
    start, nbytes = offsets[index]
    dt = np.dtype(dtype)
    count = math.prod(shape)
    if count * dt.itemsize != nbytes:
        raise WireError(f"{nbytes} bytes for shape {shape} of {dtype}")
    return np.frombuffer(payload, dtype=dt, count=count, offset=start).reshape(shape).copy()


def _decode(tree, payload, offsets, handle):
    if tree is None or isinstance(tree, (bool, int, float, str)):
        return tree
    if isinstance(tree, list):
        return [_decode(v, payload, offsets, handle) for v in tree]
    if not isinstance(tree, dict):
        raise WireError(f"unexpected {type(tree).__name__}")
    if "$a" in tree:
        dtype, shape, index = tree["$a"]
        return _array(payload, offsets, dtype, shape, index)
    if "$s" in tree:
        dtype, index = tree["$s"]
        return _array(payload, offsets, dtype, [1], index)[0]
    if "$t" in tree:
        return tuple(_decode(v, payload, offsets, handle) for v in tree["$t"])
    if "$d" in tree:
        return {_key(_decode(k, payload, offsets, handle)): _decode(v, payload, offsets, handle) for k, v in tree["$d"]}
    if "$h" in tree:
        if type(tree["$h"]) is not int:
            raise WireError("bad handle")
        return handle(tree["$h"], str(tree.get("$k", "object")))
    return {k: _decode(v, payload, offsets, handle) for k, v in tree.items()}


def _key(key):
    if isinstance(key, (list, dict, np.ndarray)):
        raise WireError("unhashable dict key")
    return key


def write_frame(fd: int, payload: bytes) -> None:
    data = memoryview(_LENGTH.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exactly(fd: int, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise WireError("the channel closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes:
    (size,) = _LENGTH.unpack(read_exactly(fd, _LENGTH.size))
    if size > MAX_FRAME:
        raise WireError(f"a frame of {size} bytes, more than the limit of {MAX_FRAME // 2**20} MB")
    return read_exactly(fd, size)
