"""Hostile: connect to 127.0.0.1:PORT, where the test itself listens."""
import socket
import sys

try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).sendall(b"stolen")
    print("connected")
except OSError as exc:
    print(f"no connection: {exc}")
