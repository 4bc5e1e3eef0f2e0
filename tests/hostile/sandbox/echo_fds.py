"""Not hostile: copy what comes on fd argv[1] to fd argv[2] (the channel a checker uses), uppercased."""
import os
import sys

read_fd, write_fd = int(sys.argv[1]), int(sys.argv[2])
while data := os.read(read_fd, 65536):
    os.write(write_fd, data.upper())
