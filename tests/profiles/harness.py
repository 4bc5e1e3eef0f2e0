"""The whole path from a file to the contract checks, in this process until the child-process loader replaces it.

load_adapted reads the file as the checking process would (a notebook's definitions, or a .py's text), recognises
the profile from the names it defines, execs the module and then the adapter's text, and wraps adapt(ns)'s result
as a module-like object for nnspec.implementation.from_module.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import types
from dataclasses import dataclass, field

from nnspec import notebook, profiles
from nnspec.calls import NotProvided
from nnspec.checks import all_checks
from nnspec.implementation import from_module
from nnspec.report import failure_text


@dataclass
class Loaded:
    impls: list
    profile: str | None
    reason: str
    names: dict
    not_applicable: dict
    header: list = field(default_factory=list)


def load_adapted(path: str, profile: str | None = None, definitions_only: bool = False) -> Loaded:
    """The implementations of `path` through its profile's adapter (`profile`: a name, "none", or None to recognise)."""
    prepared = profiles.prepare(path, profile, definitions_only)
    label = os.path.basename(path)
    ns = {"__name__": "nnspec_impl_" + label.replace(".", "_").replace("-", "_"), "__file__": os.path.abspath(path)}
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(prepared.source, prepared.filename, "exec"), ns)
    finally:
        sys.path.pop(0)
    header = prepared.header(notebook.missing_modules(ns))
    if prepared.adapter is None:
        adapted = {"functions": {}, "declarations": {}, "names": {}, "not_applicable": {}}
        module = types.SimpleNamespace(**{k: v for k, v in ns.items() if not k.startswith("__")})
    else:
        adapter = {"__name__": f"nnspec_adapter_{prepared.profile}"}
        exec(compile(prepared.adapter, f"nnspec/adapters/{prepared.profile}.py", "exec"), adapter)
        adapted = adapter["adapt"](ns)
        module = types.SimpleNamespace(**adapted["functions"], **adapted["declarations"])
    impls = from_module(module, label)
    return Loaded(impls, prepared.profile, prepared.reason, adapted["names"], adapted["not_applicable"], header)


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
