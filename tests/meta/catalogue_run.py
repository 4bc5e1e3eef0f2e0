"""Run every catalogue entry's expected check, and every base's: `python tests/meta/catalogue_run.py` prints JSON.

{"entries": {name: failure text, or "" when the check passed}, "bases": {base: [failures of the checks the
catalogue expects to fail on it]}}. tests/meta/test_meta_catalogue.py starts it in the background (a process of
its own, on the other core) and asserts on what it prints.

With --replay it runs as a batch's warm worker does (nnspec/replay.py), and only the checks that draw examples
with hypothesis: the bases first, whose passing checks record the examples, then the bases again (replayed, passing)
and every entry, whose check replays them and hands over to hypothesis at the first failing example; it adds
{"bases replayed": ..., "replay": counts}. The texts must be the same as without.
"""

import inspect
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalogue  # noqa: E402
from nnspec import replay, settings  # noqa: E402
from nnspec.checks import by_name  # noqa: E402
from nnspec.report import failure_text  # noqa: E402


def failure(check, implementation) -> str:
    try:
        by_name(check)(implementation)
    except AssertionError as exc:
        return failure_text(exc)
    return ""


def draws_examples(check: str) -> bool:
    """Whether the check's examples come from hypothesis (what nnspec/replay.py records and replays)."""
    return "@given" in inspect.getsource(by_name(check).function)


def run_bases(mistakes) -> dict:
    bases = {}
    for base in sorted({m.base for m in mistakes}):
        implementation = catalogue.base_implementation(base)
        checks = sorted({m.check for m in mistakes if m.base == base})
        bases[base] = [f"{name}: {text}" for name in checks if (text := failure(name, implementation))]
    return bases


def main():
    settings.load()  # the run's hypothesis profile, as pytest's plugin loads it (derandomized by default and in CI)
    replaying = "--replay" in sys.argv[1:]
    replay.enable(replaying)
    mistakes = [m for m in catalogue.CATALOGUE if not replaying or draws_examples(m.check)]
    run_entries = lambda: {m.name: failure(m.check, m.implementation()) for m in mistakes}  # noqa: E731
    entries = None if replaying else run_entries()
    result = {"bases": run_bases(mistakes)}
    if replaying:
        result["bases replayed"] = run_bases(mistakes)  # passing checks, now from the recorded examples
    result["entries"] = entries or run_entries()
    if replaying:
        result["replay"] = dict(replay.stats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
