"""Hypothesis' examples, generated once per configuration and replayed: what keeps a batch's checking process warm.

Under a derandomized profile, the examples hypothesis runs a passing check with depend only on the check, its
strategies and the configuration (layout, activations, depths: what the strategies are built from), never on what
the implementation returns. A batch's worker records them the first time a check passes and, for the next
submission with the same configuration, calls the check's body with the same examples in the same order, without
hypothesis' engine (about half of the checking process's time per submission). The implementation then receives
exactly the calls it would have received. At the first example that fails, the implementation's global random
state (numpy's and random's) is rewound to where the check began and hypothesis runs the check itself, from its
first example: the failure is found, shrunk and reported as in any other run, word for word for an implementation
whose results depend only on its arguments and those generators. (One that keeps other state between calls, a call
counter say, may be shown another example; never another verdict: if hypothesis does not find the failure again,
the replayed one is the verdict.) Checks that draw interactively (`st.data()`) are not replayed.
"""

from __future__ import annotations

import copy
import functools
from contextlib import contextmanager

import hypothesis
from hypothesis.errors import UnsatisfiedAssumption

_enabled = False
_replaying = False
_examples: dict = {}  # key -> [(args, kwargs) of each example, in the order hypothesis ran them]
_check = None  # (check name, configuration, session) of the check running, set by `checking`
stats = {"replayed": 0, "recorded": 0, "fell back": 0}


def enable(on: bool = True):
    """Record and replay examples from now on (a batch's worker), or not (what was recorded is kept)."""
    global _enabled
    _enabled = on


def forget():
    """Drop every recorded example."""
    _examples.clear()


@contextmanager
def checking(name: str, impl):
    """The check `name` runs against `impl`: its examples are keyed by its configuration."""
    global _check
    configuration = (impl.layout, impl.hidden, impl.output, tuple(impl.depths))
    previous, _check = _check, (name, configuration, impl.session)
    try:
        yield
    finally:
        _check = previous


def assume(condition) -> bool:
    """`hypothesis.assume`, also for a replayed example (outside hypothesis' engine)."""
    if _replaying:
        if not condition:
            raise UnsatisfiedAssumption()
        return True
    return hypothesis.assume(condition)


def given(*strategies):
    """`hypothesis.given`, whose passing runs are recorded, and replayed by a warm worker."""
    interactive = any(repr(s) == "data()" for s in strategies)

    def decorate(test):
        log: list = []
        recording = [False]

        @functools.wraps(test)
        def recorded(*args, **kwargs):
            if recording[0]:
                log.append(copy.deepcopy((args, kwargs)))
            return test(*args, **kwargs)

        under_hypothesis = hypothesis.given(*strategies)(recorded)

        @functools.wraps(test)
        def run():
            if getattr(run, "hypothesis_explicit_examples", None):
                raise TypeError(f"{test.__qualname__}: @example is not carried through nnspec.replay.given; "
                                f"write the example as a plain call of the check's body")
            # A @settings on the check's function, else the profile's.
            settings = getattr(test, "_hypothesis_internal_use_settings", None) or hypothesis.settings.default
            if not _enabled or _check is None or interactive or not settings.derandomize:
                return under_hypothesis()
            name, configuration, session = _check
            key = (name, configuration, test.__qualname__, test.__code__.co_firstlineno, repr(strategies),
                   settings.max_examples)
            examples = _examples.get(key)
            if examples is not None:
                failure = _replay(test, examples, session)
                if failure is None:
                    stats["replayed"] += 1
                    return None
                stats["fell back"] += 1
                session.rewind()
                under_hypothesis()
                # Hypothesis did not find what the replay did (an implementation whose answers change from one
                # call to the next): the replayed failure is the verdict.
                raise failure
            log.clear()
            recording[0] = True
            try:
                under_hypothesis()
            finally:
                recording[0] = False
            _examples[key] = list(log)
            stats["recorded"] += 1
            return None

        return run

    return decorate


def _replay(test, examples, session) -> BaseException | None:
    """Run `test` on each recorded example; the first failure, or None."""
    global _replaying
    session.mark()
    _replaying = True
    try:
        for example in examples:
            args, kwargs = copy.deepcopy(example)
            try:
                test(*args, **kwargs)
            except UnsatisfiedAssumption:
                continue
            except Exception as exc:  # noqa: BLE001 - any failure sends the check back to hypothesis
                return exc
        return None
    finally:
        _replaying = False
