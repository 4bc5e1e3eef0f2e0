"""The whole path from a file to the contract checks, in this process until the child-process loader replaces it.

load_adapted reads the file as the checking process would (a notebook's definitions, or a .py's text), recognises
the profile from the names it defines, execs the module and then the adapter's text, and wraps adapt(ns)'s result
as a module-like object for nnspec.implementation.from_module.
"""

from __future__ import annotations

import contextlib
import functools
import io
from dataclasses import dataclass, field

from nnspec import profiles
from nnspec.calls import NotProvided
from nnspec.checks import all_checks
from nnspec.implementation import load
from nnspec.report import failure_text


@dataclass
class Loaded:
    impls: list
    profile: str | None
    reason: str
    names: dict
    not_applicable: dict
    header: list = field(default_factory=list)


@functools.lru_cache(maxsize=None)
def load_adapted(path: str, profile: str | None = None, definitions_only: bool = False) -> Loaded:
    """The implementations of `path` through its profile's adapter (`profile`: a name, "none", or None to recognise).

    Loaded as `pytest --impl` loads it: read here, run and adapted in a process of its own (once per test run).
    """
    impls = load(path, profile=profile, definitions_only=definitions_only)
    session, info = impls[0].session, impls[0].info
    return Loaded(impls, session.prepared.profile, session.prepared.reason, info["names"], info["not_applicable"],
                  session.header)


def outcomes(loaded: Loaded, chapters=None) -> dict:
    """{check name: run_check's verdict} for every check (of `chapters`, if given)."""
    return {c.name: run_check(loaded, c.name) for c in all_checks() if chapters is None or c.chapter in chapters}


def run_check(loaded: Loaded, name: str) -> str:
    """One check by name: "passed", "not applicable", "not provided: X", or its failure text in the user's terms."""
    check = next(c for c in all_checks() if c.name == name)
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            for impl in loaded.impls if check.per_configuration else loaded.impls[:1]:
                check(impl)
        return "passed"
    except NotProvided as exc:
        applicable = exc.name not in loaded.not_applicable and exc.name != "not applicable"
        return f"not provided: {exc.name}" if applicable else "not applicable"
    except AssertionError as exc:
        return profiles.user_terms(failure_text(exc), loaded.names)
