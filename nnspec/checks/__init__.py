"""The contract checks: plain callables `check_<subject>_<property>(impl)` that work with or without pytest.

Each raises CheckFailure (an AssertionError) with a message that explains itself, or NotProvided when the
implementation lacks a name the check needs. `CHECKS` lists them in the order the chapters are written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from nnspec import precision, replay
from nnspec.calls import CheckFailure
from nnspec.contract import CONTRACT


@dataclass(frozen=True)
class Check:
    name: str
    contract: str
    needs: tuple
    function: Callable
    per_configuration: bool
    chapter: str

    def __call__(self, impl):
        impl.require(*self.needs)
        # The precision probe calls the implementation once; done before the check's seed, it draws nothing from
        # the random state any check sees, whichever check probes first (a -k selection, a replayed check).
        precision.of(impl)
        impl.begin_check(self.name)
        try:
            with replay.checking(self.name, impl):
                return self.function(impl)
        except BaseExceptionGroup as group:
            # hypothesis reports an implementation that fails inconsistently as a group: keep its first message.
            from nnspec.report import cause_of, failure_text

            failure = CheckFailure(failure_text(group))
            failure.cause = cause_of(group)
            raise failure from None


CHECKS: list[Check] = []


def check(contract: str, *, needs=(), per_configuration=False):
    """Register `check_<name>(impl)` as a contract check of `contract` (which it also needs)."""

    def register(function):
        name = function.__name__.removeprefix("check_")
        chapter = function.__module__.rsplit(".", 1)[-1]
        required = (contract, *needs) if contract in CONTRACT else tuple(needs)
        CHECKS.append(Check(name, contract, required, function, per_configuration, chapter))
        return function

    return register


def all_checks() -> list[Check]:
    """Every check, with the chapters imported in reading order."""
    from nnspec.checks import (  # noqa: F401 - importing registers
        activations,
        losses,
        parameters,
        propagation,
        dropout,
        training,
    )

    return list(CHECKS)


def by_name(name: str) -> Check:
    for item in all_checks():
        if item.name == name:
            return item
    raise KeyError(f"no check named {name!r}")
