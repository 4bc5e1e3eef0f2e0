"""Run every catalogue entry's expected check, and every base's: `python tests/meta/catalogue_run.py` prints JSON.

{"bases": {base: [failures of the checks the catalogue expects to fail on it]}, "entries": {name: failure text, or
"" when the check passed}, "bases replayed", "entries replayed", "replay": counts}. The bases run first, as a
batch's warm worker runs them (nnspec/replay.py): their passing checks record hypothesis' examples. The entries then
run as a single run does, without replay, and once more replayed (those whose check draws examples with
hypothesis): each replays the examples and hands over to hypothesis at the first failing one, and its text must be
the same. tests/meta/test_meta_catalogue.py starts it in the background (a process of its own, on the other core)
and asserts on what it prints."""

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
    mistakes = catalogue.CATALOGUE
    drawn = [m for m in mistakes if draws_examples(m.check)]
    replay.enable()
    result = {"bases": run_bases(mistakes)}
    replay.enable(False)
    result["entries"] = {m.name: failure(m.check, m.implementation()) for m in mistakes}
    replay.enable()
    result["bases replayed"] = run_bases(drawn)  # passing checks, now from the recorded examples
    result["entries replayed"] = {m.name: failure(m.check, m.implementation()) for m in drawn}
    result["replay"] = dict(replay.stats)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
