"""Run every catalogue entry's expected check, and every base's: `python tests/meta/catalogue_run.py` prints JSON.

{"entries": {name: failure text, or "" when the check passed}, "bases": {base: [failures of the checks the
catalogue expects to fail on it]}}. tests/meta/test_meta_catalogue.py starts it in the background (a process of
its own, on the other core) and asserts on what it prints.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import catalogue  # noqa: E402
from nnspec import settings  # noqa: E402
from nnspec.checks import by_name  # noqa: E402
from nnspec.report import failure_text  # noqa: E402


def failure(check, implementation) -> str:
    try:
        by_name(check)(implementation)
    except AssertionError as exc:
        return failure_text(exc)
    return ""


def main():
    settings.load()  # the run's hypothesis profile, as pytest's plugin loads it (derandomized by default and in CI)
    entries = {m.name: failure(m.check, m.implementation()) for m in catalogue.CATALOGUE}
    bases = {}
    for base in sorted({m.base for m in catalogue.CATALOGUE}):
        implementation = catalogue.base_implementation(base)
        checks = sorted({m.check for m in catalogue.CATALOGUE if m.base == base})
        bases[base] = [f"{name}: {text}" for name in checks if (text := failure(name, implementation))]
    print(json.dumps({"entries": entries, "bases": bases}))


if __name__ == "__main__":
    main()
