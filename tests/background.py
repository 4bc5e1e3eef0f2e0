"""Heavy jobs started as soon as the tests are collected, to run in processes of their own on the machine's other
core while the rest of the suite runs; a test that needs a job's result waits for it.

A test module declares `BACKGROUND = {name: function}` and, for the order, `BACKGROUND_SECONDS = {name: seconds}`
(what the job takes alone on a 2-core machine; only the order matters). conftest.py starts each function of a
module that has a selected test, the heaviest first (in a thread, which only waits for the processes the function
starts), and runs the tests that wait for a result last; `result(name)` returns what it returned, or raises what it
raised. A job that spends its time waiting, not computing (a wall-time limit running out on a sleep), is named in
the module's `BACKGROUND_WAITING` too: it starts at once beside the others instead of holding one of the two places.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Two at a time: with the main run, that keeps both cores busy without crowding them.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="nnspec-background")
_WAITING_POOL = ThreadPoolExecutor(max_workers=4, thread_name_prefix="nnspec-background-waiting")
_JOBS: dict[str, Future] = {}


def start(name: str, function, waiting: bool = False) -> None:
    """Start the job; `waiting`: it costs (almost) no CPU, so it does not take one of the two places."""
    if name not in _JOBS:
        _JOBS[name] = (_WAITING_POOL if waiting else _POOL).submit(function)


def result(name: str, function=None):
    """The job's result; started here if it was not (a test run alone, or selected by its node id)."""
    if name not in _JOBS:
        start(name, function)
    return _JOBS[name].result()


def scratch(prefix: str) -> Path:
    """A new temporary folder for a job's files, removed when the test session's process ends."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def environment(drop=()) -> dict:
    """This process's environment, with the checkout importable and without the variables in `drop`."""
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return env


def run_together(commands: dict, env=None, merge_output=False) -> dict:
    """`python ARGS...` for each {key: ARGS}, all started at once in the checkout: {key: CompletedProcess}.

    `env` defaults to environment(); `merge_output` sends stderr into stdout, as a terminal shows them."""
    procs = {key: subprocess.Popen([sys.executable, *map(str, args)], cwd=ROOT, env=env or environment(),
                                   stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT if merge_output else subprocess.PIPE,
                                   text=True, encoding="utf-8")
             for key, args in commands.items()}
    outputs = {key: proc.communicate(timeout=900) for key, proc in procs.items()}
    return {key: subprocess.CompletedProcess(proc.args, proc.returncode, *outputs[key]) for key, proc in procs.items()}


def json_of(*args):
    """The JSON a python process of its own prints last: `python ARGS...`, with the checkout importable."""
    done = run_together({"json": args})["json"]
    if done.returncode != 0:
        raise RuntimeError(f"python {' '.join(map(str, args))[:200]} failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def verify_in_a_process(paths, **options) -> list[dict]:
    """runner.verify of each path, one after the other, in one python process of its own (imports paid once)."""
    code = ("import json, sys\nfrom nnspec import runner\noptions = json.loads(sys.argv[1])\n"
            "print(json.dumps([runner.verify(p, quiet=True, **options) for p in sys.argv[2:]]))")
    return json_of("-c", code, json.dumps(options), *paths)


def write_executable(path, content: bytes) -> None:
    """Write an executable file from a short-lived process of its own, never from this one.

    Linux refuses to execute a file that any process holds open for writing (ETXTBSY). Written here, the descriptor
    would be inherited by a process another thread forks meanwhile, until that process execs, so executing the file
    right after could fail now and then; written by a child that has exited, no descriptor for writing is left."""
    subprocess.run(["sh", "-c", 'cat > "$1" && chmod 755 "$1"', "sh", str(path)], input=content, check=True,
                   timeout=60)
