"""Chromium's screenshot of an HTML page, and how many of its pixels have the matrix's two colours.

    python tests/grading/screenshot.py CHROMIUM PAGE.html SHOT.png   (prints one line of JSON)

Run by test_grading_report.py in a process of its own; decode_png is the tests' own PNG reader (standard library and
numpy only), also used directly by the tests of nnspec's PNG encoder.
"""

import json
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import numpy as np

GREEN, RED = (200, 230, 201), (255, 205, 210)  # td.ok and td.bad in nnspec/grading/html.py


def decode_png(data: bytes):
    """(width, height, pixels (height, width, channels)) of an 8-bit RGB or RGBA PNG (standard library and numpy)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, idat = 8, b""
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        body = data[offset + 8:offset + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6), f"PNG depth {depth}, colour type {colour}"
        elif kind == b"IDAT":
            idat += body
        offset += 12 + length
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        if kind in (0, 1, 2):  # None, Sub and Up in numpy: Sub is a running sum of each channel, modulo 256
            pixels = np.frombuffer(bytes(line), dtype=np.uint8).reshape(width, channels).astype(np.int64)
            if kind == 1:
                pixels = np.cumsum(pixels, axis=0)
            elif kind == 2:
                pixels += np.frombuffer(bytes(previous), dtype=np.uint8).reshape(width, channels)
            line = bytearray((pixels & 255).astype(np.uint8).tobytes())
        for i in range(stride if kind in (3, 4) else 0):  # Average and Paeth depend on the byte just decoded
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            else:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, np.frombuffer(b"".join(rows), dtype=np.uint8).reshape(height, width, channels)


def main(chromium, page, shot):
    page, shot = Path(page), Path(shot)
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", f"--user-data-dir={profile}", "--window-size=1400,1000",
                               f"--screenshot={shot}", page.as_uri()], capture_output=True, text=True, timeout=120)
    result = {"file": shot.is_file(), "returncode": done.returncode, "stderr": done.stderr[-2000:], "green": 0, "red": 0}
    if shot.is_file():
        _, _, pixels = decode_png(shot.read_bytes())
        colours = pixels.reshape(-1, pixels.shape[-1])[:, :3]
        result["green"] = int(np.all(colours == GREEN, axis=1).sum())
        result["red"] = int(np.all(colours == RED, axis=1).sum())
        shutil.copy(shot, Path(tempfile.gettempdir()) / "nnspec-report-screenshot.png")  # to look at by hand
    print(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:4])
