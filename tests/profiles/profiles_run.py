"""Verify every faithful profile implementation: `python tests/profiles/profiles_run.py` prints JSON.

{"correct": {file: {"profile": recognised profile, "reason": why, "verdicts": {check: verdict}}}, "broken":
{"file|check": verdict}}: each file of test_profiles_implementations.CORRECT over the chapters that test names, and
each broken file's expected check. The test starts it in the background (a process of its own, on the other core)
and asserts on what it prints. It runs as a batch's warm worker does: hypothesis' examples are recorded by the
first file of a configuration and replayed for the next (nnspec/replay.py; tests/meta/test_meta_catalogue.py
proves the texts the same).
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tests/, for background.py

from nnspec import replay, settings  # noqa: E402

import test_profiles_implementations as tests  # noqa: E402


def main():
    settings.load()  # the run's hypothesis profile, as pytest's plugin loads it
    replay.enable()
    found = {"correct": {}, "broken": {}}
    for filename, _, _ in tests.CORRECT:
        loaded = tests.load_adapted(os.path.join(tests.IMPLS, filename))
        found["correct"][filename] = {"profile": loaded.profile, "reason": loaded.reason,
                                      "verdicts": tests.verdicts(loaded, tests.chapters_of(filename))}
    loaded = {}
    for filename, check, _, _ in tests.BROKEN:
        if filename not in loaded:
            loaded[filename] = tests.load_adapted(os.path.join(tests.IMPLS, filename))
        found["broken"][f"{filename}|{check}"] = tests.run_check(loaded[filename], check)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
