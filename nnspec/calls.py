"""What a call into an implementation can end in: a failed check, a name not provided, an error of the implementation."""

from __future__ import annotations

import argparse
import math
import re

DEFAULT_TIMEOUT = 5.0
# What text may not carry from an implementation to a terminal or a results file: C0 and C1 controls but newline
# and tab (an ANSI escape, NUL, BEL, a carriage return), lone surrogates and the two non-characters XML refuses.
_UNSHOWABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """Text that came from an implementation (its exception, its output, its file's name), safe to print and to put
    in a results file: each character that would act on a terminal or break XML is shown as its escape (\\x1b)."""
    text = text.replace("\r\n", "\n")
    return _UNSHOWABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                           else f"\\u{ord(m.group()):04x}", text)


def call_limit(text: str) -> float:
    """The value of --impl-timeout (an argparse type): seconds for one call, 0 for no limit."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"was {text}, must be a number of seconds >= 0 (0: no limit)")
    return value


class CheckFailure(AssertionError):
    """A contract check failed; the message says what was called, what came and what was due."""


class NotProvided(Exception):
    """The implementation does not define a contract name, so the checks that need it are skipped."""

    def __init__(self, name: str, where: str):
        super().__init__(f"not provided: {name}")
        self.name = name
        self.where = where


class NotApplicable(NotProvided):
    """The check does not apply to this implementation (its configuration, or its profile); the reason says why."""

    def __init__(self, reason: str):
        Exception.__init__(self, f"not applicable: {reason}")
        self.name = "not applicable"
        self.where = ""


class ImplementationError(CheckFailure):
    """The implementation raised, timed out, crashed or exited while one of its functions ran.

    `cause` says which, for the verdict: "" (it raised or returned wrongly), timeout, crash, cpu, memory,
    forbidden (it reached for nnspec's own packages) or wall (its whole time budget is spent).
    """

    cause = ""
