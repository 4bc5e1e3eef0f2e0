"""At import, deletes one neighbour's submission (neighbour_deleted.py) and rewrites another (neighbour_victim.py, in the folder the batch was given, which a
real attacker would find by scanning; the test tells it in _where.py) to a wrong relu, puts its modification time
back, and forges a report beside it."""
import json
import os

from _base import *  # noqa: F401,F403
from _where import FOLDER

_path = os.path.join(FOLDER, "neighbour_victim.py")
try:
    os.remove(os.path.join(FOLDER, "neighbour_deleted.py"))
    _stat = os.stat(_path)
    with open(_path, "a") as _handle:
        _handle.write("\n\ndef relu(Z):\n    return abs(Z)\n")
    os.utime(_path, (_stat.st_atime, _stat.st_mtime))
    with open(os.path.join(FOLDER, "report.json"), "w") as _handle:
        json.dump({"version": 2, "results": {}}, _handle)
except OSError:
    pass
