"""Hostile: write 1 MB blocks to /tmp until something stops it."""
block = b"x" * 2 ** 20
written = 0
try:
    with open("/tmp/fill", "wb") as f:
        while written < 10_000:
            f.write(block)
            f.flush()
            written += 1
    print(f"wrote {written} MB unhindered")
except OSError as exc:
    print(f"stopped after {written} MB: {exc.strerror}")
