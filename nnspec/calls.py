"""Calling untrusted code: a time limit per call, bounded output, and its own traceback on failure."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import threading
import traceback

DEFAULT_TIMEOUT = 5.0


class CheckFailure(AssertionError):
    """A contract check failed; the message says what was called, what came and what was due."""


class NotProvided(Exception):
    """The implementation does not define a contract name, so the checks that need it are skipped."""

    def __init__(self, name: str, where: str):
        super().__init__(f"not provided: {name}")
        self.name = name
        self.where = where


class ImplementationError(CheckFailure):
    """The implementation raised, timed out or exited while one of its functions ran."""


class _Timeout(BaseException):
    # BaseException, so that a bare `except Exception` in the implementation cannot swallow it.
    pass


class BoundedText(io.TextIOBase):
    """A text sink that keeps the first `limit` characters and counts the rest."""

    def __init__(self, limit: int = 2000):
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.dropped = 0

    def writable(self) -> bool:
        return True

    def write(self, text) -> int:
        text = str(text)
        room = self.limit - self.size
        if room > 0:
            self.kept.append(text[:room])
        self.size += min(len(text), max(room, 0))
        self.dropped += max(len(text) - max(room, 0), 0)
        return len(text)

    def text(self) -> str:
        kept = "".join(self.kept)
        if self.dropped:
            kept += f"\n[... {self.dropped} more characters of output not shown]"
        return kept


_LIBRARY_ROOTS = tuple({os.path.dirname(os.__file__), sys.prefix, sys.base_prefix})


def _is_library(frame) -> bool:
    name = frame.filename
    return "site-packages" in name or name.startswith("<") or name.startswith(_LIBRARY_ROOTS)


def _own_frames(tb):
    """The implementation's frames: the suite's call frame dropped, library frames but the last one dropped."""
    frames = traceback.extract_tb(tb)[1:]
    mine = [f for f in frames if not _is_library(f)]
    if frames and _is_library(frames[-1]):
        mine.append(frames[-1])
    return mine or frames


def describe_exception(name: str, exc: BaseException) -> str:
    """`NAME raised TYPE: message` and the implementation's own frames of the traceback."""
    frames = _own_frames(exc.__traceback__)
    where = "".join(traceback.format_list(frames)).rstrip()
    kind = type(exc).__name__
    return f"{name} raised {kind}: {exc}" + (f"\n{where}" if where else "")


@contextlib.contextmanager
def time_limit(seconds: float | None):
    """Raise _Timeout in the main thread after `seconds` (no limit elsewhere, or for None/0)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Caller:
    """Runs one implementation's functions under a time limit, with their printing kept small."""

    def __init__(self, timeout: float | None = DEFAULT_TIMEOUT, output_limit: int = 2000):
        self.timeout = timeout
        self.output = BoundedText(output_limit)
        self.given_up: dict[str, str] = {}

    def __call__(self, name: str, function, *args, **kwargs):
        if name in self.given_up:
            # A function that hung or exhausted memory once fails at once afterwards: shrinking must not wait again.
            self._give_up(name)
        import numpy as np

        saved_out, saved_err = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = self.output
        try:
            with np.errstate(all="ignore"), time_limit(self.timeout):
                return function(*args, **kwargs)
        except _Timeout:
            self.given_up[name] = f"{name}: timed out after {self.timeout:g} s (set the limit with --impl-timeout)"
            self._give_up(name)
        except SystemExit as exc:
            raise ImplementationError(
                f"{name} called sys.exit({exc.code!r}): an implementation must return or raise, never exit"
            ) from None
        except KeyboardInterrupt:
            raise
        except MemoryError:
            # Remembered like a hang: calling it again would only allocate again.
            self.given_up[name] = (f"{name} ran out of memory (MemoryError): it allocates without bound, or far more "
                               f"than its inputs need")
            self._give_up(name)
        except RecursionError as exc:
            raise ImplementationError(f"{name} raised RecursionError: {exc}") from None
        except Exception as exc:
            raise ImplementationError(describe_exception(name, exc)) from None
        finally:
            sys.stdout, sys.stderr = saved_out, saved_err

    @contextlib.contextmanager
    def scaled(self, factor: float):
        """Multiply the per-call limit by `factor` for the calls inside (train runs a whole training)."""
        saved = self.timeout
        self.timeout = saved and saved * factor
        try:
            yield
        finally:
            self.timeout = saved

    def _give_up(self, name):
        # One raise site for the first failure and its repeats, so hypothesis sees one consistent error.
        raise ImplementationError(self.given_up[name]) from None
