"""An implementation as the checks see it: its declarations, its layout, and calls that cross into its process.

The suite thinks in columns and transposes at the border. The implementation itself lives in a child process
(nnspec/process.py, nnspec/server.py): arguments and results cross as plain data, and what is not plain data
(a forward pass's cache) stays there and comes back as a handle the checks can only hand back.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import threading
import time
import zlib
from dataclasses import dataclass, field, replace

import numpy as np

from nnspec import wire
from nnspec.calls import DEFAULT_TIMEOUT, CheckFailure, ImplementationError, NotApplicable, NotProvided, visible
from nnspec.contract import CONTRACT, DEFAULT_DEPTHS, HIDDEN_ACTIVATIONS, LAYOUTS, OUTPUT_ACTIVATIONS
from nnspec.process import BLOCKED, START_TIMEOUT, Child, ChildError, Limits, Workdir, sandbox_line, track, untrack

DEFAULT_TARGET = "reference"
MAX_RESTARTS = 50  # deaths of one implementation's process before its remaining calls fail at once
SLOW_IMPORT = 5.0  # seconds of importing after which the person waiting is told why it may take long


class LoadError(Exception):
    """The implementation could not be loaded; the message says why in one paragraph."""

    verdict = "does not import"


class NotIndependent(LoadError):
    """The implementation imports nnspec, spec or reference: it is not an independent implementation."""

    verdict = "not independent"


class NotIndependentCall(ImplementationError):
    """A call reached for nnspec, spec or reference."""

    cause = "forbidden"


class WallTimeExceeded(ImplementationError):
    """The implementation used up its whole wall-time budget: no further check can run."""

    cause = "wall"


def describe_target(target: str) -> tuple[bool, str]:
    """(is_file, the name shown in messages)."""
    is_file = target.endswith((".py", ".ipynb")) or os.sep in target or os.path.isfile(target)
    return is_file, (os.path.basename(target) if is_file else target)


def load_request(target: str, profile: str | None = None, definitions_only: bool = False) -> tuple[dict, object]:
    """What the implementation's process is asked to import, found without executing anything of it.

    (request, prepared): `prepared` (nnspec.profiles.Prepared, or None for a module name) says which profile
    adapts the file and, for a notebook or --definitions-only, what was read of it.
    """
    from nnspec import notebook, profiles

    is_file, shown = describe_target(target)
    if os.path.isdir(target) and (is_file or not os.path.isfile(os.path.join(target, "__init__.py"))):
        raise LoadError(f"{target} is a folder: name one .py or .ipynb file in it (python -m nnspec batch {target} "
                        f"verifies each of them)")
    request = {"op": "load", "label": shown, "contract": list(CONTRACT), "blocked": list(BLOCKED), "allowed": []}
    if is_file:
        if not os.path.isfile(target):
            raise LoadError(f"{target}: no such file")
        if not target.endswith((".py", ".ipynb")):
            raise LoadError(f"{target} is not a .py or .ipynb file: nnspec verifies a Python file, a notebook or an "
                            f"importable module")
        path = os.path.abspath(target)
        try:
            prepared = profiles.prepare(path, profile, definitions_only)
        except (notebook.NotebookError, profiles.ProfileError) as exc:
            raise LoadError(str(exc) if str(exc).startswith(shown) else f"{shown}: {exc}") from None
        request.update(path=[os.path.dirname(path)])
        if prepared.definitions is None and prepared.adapter is None:
            request.update(file=path)
        else:
            request.update(source=prepared.source, file=prepared.filename, adapter=prepared.adapter,
                           module_name="nnspec_impl_" + os.path.splitext(shown)[0].replace("-", "_").replace(".", "_"))
        return request, prepared
    top = target.split(".")[0]
    try:
        spec = importlib.util.find_spec(top)  # a top-level name: found, not imported
    except (ImportError, ValueError):
        spec = None
    if spec is None:
        raise LoadError(f"{target}: no module of that name (pass a path to a .py file or an importable module)")
    locations = list(spec.submodule_search_locations or [])
    folder = os.path.dirname(locations[0] if locations else spec.origin)
    request.update(module=target, path=[folder], allowed=[top])
    return request, None


class Session:
    """One implementation process for one target (and its configurations), replaced whenever it dies."""

    def __init__(self, requests: list[dict], shown: str, *, timeout=DEFAULT_TIMEOUT, limits: Limits | None = None,
                 spawn=None, wall: float | None = None, sandbox: str = "off"):
        self.requests = []  # load and configure requests, replayed in order by a fresh process
        self.shown = shown
        self.timeout = timeout
        self.limits = limits or Limits()
        self.spawn = spawn
        self.sandbox = sandbox
        self.lease = contextlib.ExitStack()  # a uid of its own, held while this session lives
        if sandbox == "auto" and self.limits.user is None:
            uid = self.lease.enter_context(_own_uid(requests))
            if uid is not None:
                self.limits = replace(self.limits, user=uid)
        self.sandbox_line = sandbox_line(sandbox, self.limits)
        self.deadline = time.monotonic() + wall if wall else None
        self.wall = wall
        self.workdir = Workdir()
        self.child: Child | None = None
        self.generation = 0
        self.deaths = 0
        self.cpu_spent = 0.0
        self.given_up: dict[tuple, tuple] = {}  # (impl id, function name) -> (why it is not called again, cause)
        self.forbidden: list[str] = []
        self.outputs = []
        self.to_free: list[int] = []
        self.header: list[str] = []  # what was read of a notebook, and which profile adapts it
        self.prepared = None  # nnspec.profiles.Prepared of a file target
        try:
            self.infos = [self._add(r) for r in requests]
        except BaseException:  # nobody gets the session to close: its process and folder go now
            self.close()
            raise

    # -- starting and replacing the process --------------------------------------------------------------------------
    def _add(self, request: dict) -> dict:
        self.requests.append(request)
        if self.child is None:
            self._start()
            return self.infos_started[-1]
        return self._replay(self.child, request)

    def _start(self):
        if self.deaths >= MAX_RESTARTS:
            raise ChildError("crashed", f"died {self.deaths} times; it is not started again")
        if self.cpu_spent >= self.limits.cpu:
            raise ChildError("cpu", f"used up its CPU-time limit of {self.limits.cpu:g} s")
        limits = replace(self.limits, cpu=self.limits.cpu - self.cpu_spent)
        readable = sorted({folder for r in self.requests for folder in r.get("path", ())})
        child = Child(limits, self.workdir.path, spawn=self.spawn, sandbox=self.sandbox, readable=readable)
        track(child)
        self.child = child
        self.outputs.append(child.output)
        self.generation += 1
        self.infos_started = [self._replay(child, r) for r in self.requests]

    def _replay(self, child: Child, request: dict) -> dict:
        try:
            reply = self._exchange(child, request, self._limited(START_TIMEOUT))
        except ChildError as exc:
            words = str(exc) if exc.kind in ("timeout", "protocol") else child.ended()[1]
            self._retire(child, exc)
            if exc.kind == "timeout":
                raise LoadError(f"{self.shown} does not import: importing it took more than "
                                f"{START_TIMEOUT:g} s") from None
            raise LoadError(f"{self.shown} does not import: its process {words} while importing it") from None
        if not reply.get("ok"):
            raise self._load_error(reply.get("error") or {})
        return reply

    def _load_error(self, error: dict) -> LoadError:
        kind, message, shown = error.get("kind"), error.get("message", ""), self.shown
        if kind == "forbidden":
            self.forbidden.append(error.get("name", ""))
            return NotIndependent(f"{shown} imports {error.get('name')}: not an independent implementation "
                                  f"(nnspec, spec and reference cannot be used by the implementation under test)")
        if kind == "SyntaxError":
            return LoadError(f"{shown} does not import: SyntaxError: {message} ({error.get('file')}, line "
                             f"{error.get('line')})")
        if kind == "ModuleNotFoundError":
            name = error.get("name") or "?"
            return LoadError(f"{shown} does not import: it needs the module '{name}', which is not installed "
                             f"(pip install {name.split('.')[0]}, or remove the import)")
        if kind == "SystemExit":
            return LoadError(f"{shown} called sys.exit({message}) while being imported")
        where = f" ({error.get('file')}, line {error.get('line')})" if error.get("file") else ""
        return LoadError(f"{shown} does not import: {kind}: {message}{where}")

    def _retire(self, child: Child, exc: ChildError | None = None):
        """The process ended or must end: kill it, count its CPU time, forget it."""
        self.cpu_spent += child.cpu_seconds()
        child.kill()
        untrack(child)
        if self.child is child:
            self.child = None
        self.deaths += 1

    def _limited(self, timeout: float | None) -> float:
        """`timeout` cut to what is left of the wall-time budget."""
        timeout = timeout or math.inf
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise WallTimeExceeded(f"the implementation exceeded its wall-time limit of {self.wall:g} s")
            timeout = min(timeout, left)
        return timeout if math.isfinite(timeout) else 365 * 86400.0

    def _exchange(self, child: Child, message: dict, timeout: float) -> dict:
        data = child.request(wire.encode(message), timeout)
        try:
            return wire.decode(data, lambda i, k: wire.Handle(i, k, self.generation), visible)
        except wire.WireError as exc:
            raise ChildError("protocol", f"sent an answer that is not plain data ({exc})") from None

    # -- requests ----------------------------------------------------------------------------------------------------
    def request(self, message: dict, timeout: float | None) -> dict:
        """Send `message` (starting a fresh process if needed) and return the answer; ChildError when it died."""
        if self.child is None or not self.child.alive():
            if self.child is not None:
                self._retire(self.child)
            try:
                self._start()
            except LoadError as exc:
                raise ChildError("crashed", f"could not be started again ({exc})") from None
        limit = self._limited(timeout)
        if self.to_free:
            message = {**message, "free": self.to_free}
            self.to_free = []
        child = self.child
        try:
            return self._exchange(child, message, limit)
        except ChildError as exc:
            if exc.kind == "timeout":
                self._retire(child)
                if self.deadline is not None and time.monotonic() >= self.deadline:
                    raise WallTimeExceeded(f"the implementation exceeded its wall-time limit of {self.wall:g} s") \
                        from None
                raise
            kind, words = child.ended() if exc.kind != "protocol" else ("protocol", str(exc))
            self._retire(child)
            raise ChildError(kind, words) from None

    def seed(self, seed: int):
        self.request({"op": "seed", "seed": seed}, None)

    def mark(self):
        """The process remembers its global random state (nnspec/replay.py may rewind to it)."""
        self.request({"op": "mark"}, None)

    def rewind(self):
        self.request({"op": "rewind"}, None)

    def configure(self, impl_id: int, hidden: str, output: str) -> dict:
        return self._add({"op": "configure", "impl": impl_id, "hidden": hidden, "output": output})

    def output_text(self) -> str:
        return visible("".join(o.text() for o in self.outputs))

    def close(self):
        if self.child is not None:
            self.child.kill()
            untrack(self.child)
            self.child = None
        self.workdir.remove()
        self.lease.close()  # only now, with every process of that uid gone, may another session have it


def _own_uid(requests, availability=None):
    """As root where no sandbox can be had: a uid of its own for a file's process, when it can read that file and its
    folder (sandbox.own_uid); a module found on the path keeps this process's user, whose files those are."""
    from nnspec import sandbox

    files = [r["file"] for r in requests if r.get("file") and os.path.isfile(r["file"])]
    if any(r.get("module") for r in requests) or not files:
        return contextlib.nullcontext(None)
    return sandbox.own_uid([folder for r in requests for folder in r.get("path", ())] + files, availability)


def _unbindable(signature, positional: int, keywords) -> str:
    """Why a call with `positional` arguments and `keywords` cannot bind to `signature` (as sent by the child), or ""."""
    if not signature:
        return ""  # a builtin or a callable object: its call will tell
    kinds = {name: kind for name, kind, _ in signature}
    takes = [name for name, kind, _ in signature if kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD")]
    shown = "(" + ", ".join(name for name, _, _ in signature) + ")"
    if positional > len(takes) and "VAR_POSITIONAL" not in kinds.values():
        return f"it takes {shown}, {len(takes)} positional arguments, and is given {positional}"
    for keyword in keywords:
        if kinds.get(keyword) not in ("POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY") and "VAR_KEYWORD" not in kinds.values():
            return f"it takes {shown}, with no argument called {keyword}"
    bound = set(takes[:positional]) | set(keywords)
    missing = [name for name, kind, default in signature if not default and name not in bound
               and kind in ("POSITIONAL_ONLY", "POSITIONAL_OR_KEYWORD", "KEYWORD_ONLY")]
    if missing:
        return f"it takes {shown}, and {', '.join(missing)} would have no value"
    return ""


def _error(text: str, cause: str) -> ImplementationError:
    error = ImplementationError(text)
    error.cause = cause
    return error


def _declared(info, attr, default, choices, where):
    value = info["declarations"].get(attr)
    if value is None:
        return default, False
    if value not in choices:
        shown = value.get("unreadable") if isinstance(value, dict) else repr(value)
        raise LoadError(f"{where}: {attr} was {shown}, must be one of {', '.join(map(repr, choices))}")
    return value, True


def _depths(info, where):
    value = info["declarations"].get("DEPTHS")
    if value is None:
        return DEFAULT_DEPTHS, False
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    depths = tuple(sorted(set(value))) if isinstance(value, list) else ()
    if not depths or depths[0] < 1:
        shown = value.get("unreadable") if isinstance(value, dict) else repr(value)
        raise LoadError(f"{where}: DEPTHS was {shown}, must be numbers of weight layers, e.g. (2,) or range(1, 4)")
    return depths, True


@dataclass
class Implementation:
    """One implementation in one configuration, with adapters between the suite's columns and its layout."""

    name: str
    session: Session
    impl_id: int
    info: dict
    layout: str
    hidden: str
    output: str
    depths: tuple
    declared: dict = field(default_factory=dict)
    artifacts: dict = field(default_factory=dict)  # what a check leaves for the report (the moons boundary)

    # -- what it provides -------------------------------------------------------------------------------------
    @property
    def filename(self) -> str | None:
        return self.info.get("file")

    @property
    def provided(self) -> tuple:
        return tuple(n for n in CONTRACT if n in self.info["callables"])

    @property
    def missing(self) -> tuple:
        return tuple(n for n in CONTRACT if n not in self.provided)

    def require(self, *names):
        """Raise NotProvided (or NotApplicable, with the profile's reason) for the first of `names` it lacks."""
        for name in names:
            if name in self.info.get("not_applicable", {}):
                raise NotApplicable(f"{self.user_name(name)}: {self.info['not_applicable'][name]}")
            if name not in self.info["callables"]:
                raise NotProvided(name, self.name)

    def user_name(self, name: str) -> str:
        """The implementation's own name for a contract name (a profile's, e.g. L_model_backward), else the name."""
        return self.info.get("names", {}).get(name, name)

    def in_user_terms(self, message: str) -> str:
        """A failure message that names the implementation's own functions."""
        from nnspec import profiles

        names = self.info.get("names") or {}
        return profiles.user_terms(message, names) if names else message

    def accepts(self, name: str, parameter: str) -> bool:
        """Whether `name` takes an argument called `parameter` (or **kwargs)."""
        signature = self.info["signatures"].get(name)
        return bool(signature) and any(p == parameter or kind == "VAR_KEYWORD" for p, kind, _ in signature)

    def argument_name(self, name: str, index: int) -> str | None:
        signature = self.info["signatures"].get(name) or []
        return signature[index][0] if index < len(signature) else None

    # -- calls ------------------------------------------------------------------------------------------------------
    def begin_check(self, check_name: str):
        """Seed the process's global random state from the check's name: no verdict depends on the checks before."""
        self.session.seed(zlib.crc32(check_name.encode()))

    def call(self, name, *args, mutable=(), keep=None, **kwargs):
        """Call the implementation's `name`, failing the check if it mutates an argument not in `mutable`.

        `keep`: positions of a returned tuple (or "all") to leave in the implementation's process as handles.
        """
        return self._call(name, args, kwargs, mutable=mutable, keep=keep, check=True)

    def call_fast(self, name, *args, keep=None, **kwargs):
        """Call without the mutation check (training loops), still under the time limit."""
        return self._call(name, args, kwargs, mutable=(), keep=keep, check=False)

    def _call(self, name, args, kwargs, *, mutable, keep, check):
        self.require(name)
        session = self.session
        key = (self.impl_id, name)
        if key not in session.given_up:
            reply = self._request(name, args, kwargs, mutable=mutable, keep=keep, check=check)
            if key not in session.given_up:
                if not reply.get("ok"):
                    raise self._error(name, reply.get("error") or {})
                for i in reply.get("mutated", ()):
                    raise CheckFailure(self._mutation(name, i))
                return reply.get("value")
        # A function that hung, crashed or exhausted memory fails at once afterwards (shrinking must not wait
        # again), and from this one line: hypothesis sees one consistent error.
        raise _error(*session.given_up[key])

    def _request(self, name, args, kwargs, *, mutable, keep, check) -> dict:
        session = self.session
        problem = _unbindable(self.info["signatures"].get(name), len(args), kwargs)
        if problem:
            shown = ", ".join(["..."] * len(args) + [f"{k}=..." for k in kwargs])
            raise CheckFailure(f"{name} cannot be called as {name}({shown}): {problem}; the contract's signature is "
                               f"in README.md (The contract)")
        for value in (*args, *kwargs.values()):
            if isinstance(value, wire.Handle) and value.generation != session.generation:
                raise ImplementationError(f"{name}: its argument was made by an earlier process of the "
                                          f"implementation, which has died since")
        message = {"op": "call", "impl": self.impl_id, "name": name, "args": list(args), "kwargs": kwargs,
                   "mutable": list(mutable), "keep": keep, "check": check}
        try:
            reply = session.request(message, session.timeout)
        except ChildError as exc:
            if exc.kind == "timeout":
                text = f"{name}: timed out after {session.timeout:g} s (set the limit with --impl-timeout)"
                cause = "timeout"
            else:
                text = f"{name}: the implementation {exc} during this call"
                cause = exc.kind if exc.kind in ("cpu", "memory") else "crash"
            session.given_up[self.impl_id, name] = (text, cause)
            return {}
        error = reply.get("error") or {}
        if not reply.get("ok") and error.get("kind") == "memory":
            session.given_up[self.impl_id, name] = (f"{name} ran out of memory (MemoryError): it allocates without "
                                                    f"bound, or far more than its inputs need", "memory")
        return reply

    def _error(self, name, error):
        kind, message = error.get("kind"), error.get("message", "")
        if kind == "exit":
            return ImplementationError(f"{name} called sys.exit({message}): an implementation must return or "
                                       f"raise, never exit")
        if kind == "recursion":
            return ImplementationError(f"{name} raised RecursionError: {message}")
        if kind == "forbidden":
            self.session.forbidden.append(error.get("name", ""))
            return NotIndependentCall(f"{name} imported {error.get('name')}: not an independent implementation "
                                      f"(nnspec, spec and reference cannot be used by the implementation under "
                                      f"test)\n{message}")
        if kind == "exception":
            return ImplementationError(message)
        return ImplementationError(f"{name}: {message}")

    def _mutation(self, name, index):
        argument = self.argument_name(name, index)
        which = f"argument {index + 1}" + (f" ({argument})" if argument else "")
        if name == "update_parameters":
            return (f"update_parameters modified its {which} in place: only its first argument, the parameters, "
                    f"may be changed in place")
        return (f"{name} modified its {which} in place: only update_parameters may change what it is given "
                f"(copy before writing, e.g. Z = Z.copy())")

    def epoch(self, X, Y, order, batch: int, learning_rate: float, parameters, factor: float = 1.0) -> wire.Handle:
        """One epoch of the suite's training loop in one round trip; a handle to the parameters it ends with.

        X, Y: the whole training set in the implementation's layout; `order`: the epoch's permutation of the samples,
        taken `batch` at a time, each mini-batch a forward_propagation, backward_propagation and update_parameters
        call. The limit is the per-call limit times `factor`.
        """
        names = ("forward_propagation", "backward_propagation", "update_parameters")
        self.require(*names)
        session = self.session
        message = {"op": "epoch", "impl": self.impl_id, "names": list(names), "X": X, "Y": Y,
                   "order": np.asarray(order, dtype=np.int64), "batch": int(batch), "axis": 0 if self.rows else 1,
                   "learning_rate": learning_rate, "parameters": parameters}
        calls = 3 * -(-len(order) // batch)
        try:
            reply = session.request(message, session.timeout and session.timeout * factor)
        except ChildError as exc:
            if exc.kind == "timeout":
                raise _error(f"{'/'.join(names)}: timed out after {session.timeout * factor:g} s in one step of the "
                             f"suite's training loop ({calls} calls)", "timeout") from None
            raise _error(f"{'/'.join(names)}: the implementation {exc} during the suite's training loop",
                         exc.kind if exc.kind in ("cpu", "memory") else "crash") from None
        if not reply.get("ok"):
            raise self._error(reply.get("name") or names[0], reply.get("error") or {})
        return reply["value"]

    def reseed(self, seed: int):
        """Seed numpy's and random's global generators in the implementation's process."""
        self.session.seed(seed)

    def generator(self, seed: int) -> wire.Handle:
        """A numpy Generator made in the implementation's process (to pass as an `rng` argument)."""
        return self.session.request({"op": "generator", "seed": seed}, self.session.timeout)["value"]

    def fetch(self, handle: wire.Handle):
        """The value behind a handle, as plain data."""
        reply = self.session.request({"op": "fetch", "handle": handle.id}, self.session.timeout)
        return reply.get("value")

    def release(self, *handles):
        """Let the implementation's process forget these handles (sent with the next request)."""
        self.session.to_free.extend(h.id for h in handles if isinstance(h, wire.Handle))

    @contextlib.contextmanager
    def scaled_timeout(self, factor: float):
        """Multiply the per-call limit by `factor` for the calls inside (train runs a whole training)."""
        saved = self.session.timeout
        self.session.timeout = saved and saved * factor
        try:
            yield
        finally:
            self.session.timeout = saved

    # -- layout adapters: the suite's arrays are columns (features, m) ---------------------------------------------
    @property
    def rows(self) -> bool:
        return self.layout == "rows"

    @property
    def class_axis(self) -> int:
        return 1 if self.rows else 0

    def data(self, A):
        """A (features, m) array in the implementation's layout."""
        return np.ascontiguousarray(A.T) if self.rows else A.copy()

    def from_data(self, A):
        return A.T if self.rows else A

    def data_shape(self, n, m):
        return (m, n) if self.rows else (n, m)

    def weight_shape(self, n_out, n_in):
        return (n_in, n_out) if self.rows else (n_out, n_in)

    def bias_shape(self, n_out):
        return (1, n_out) if self.rows else (n_out, 1)

    def parameters(self, params):
        """Columns parameters {W1: (n1, n0), b1: (n1, 1), ...} in the implementation's layout."""
        return {k: (np.ascontiguousarray(v.T) if self.rows else v.copy()) for k, v in params.items()}

    def from_parameters(self, params):
        return {k: (v.T if self.rows else v) for k, v in params.items()}

    def gradients(self, grads):
        """Columns gradients {dW1: (n1, n0), db1: (n1, 1), ...} in the implementation's layout."""
        return {"d" + k: v for k, v in self.parameters({k[1:]: v for k, v in grads.items()}).items()}

    def describe(self) -> str:
        def mark(key, value):
            return f"{value}" + ("" if self.declared.get(key) else " (assumed)")

        depths = ", ".join(map(str, self.depths))
        return (
            f"layout {mark('LAYOUT', self.layout)}, hidden {mark('HIDDEN_ACTIVATION', self.hidden)}, "
            f"output {mark('OUTPUT_ACTIVATION', self.output)}, depths ({mark('DEPTHS', depths)})"
        )


def _wrap(name, session, info) -> Implementation:
    layout, l_set = _declared(info, "LAYOUT", "columns", LAYOUTS, name)
    hidden, h_set = _declared(info, "HIDDEN_ACTIVATION", "relu", HIDDEN_ACTIVATIONS, name)
    output, o_set = _declared(info, "OUTPUT_ACTIVATION", "softmax", OUTPUT_ACTIVATIONS, name)
    depths, d_set = _depths(info, name)
    declared = {"LAYOUT": l_set, "HIDDEN_ACTIVATION": h_set, "OUTPUT_ACTIVATION": o_set, "DEPTHS": d_set}
    return Implementation(name, session, info["impl"], info, layout, hidden, output, depths, declared)


def configurations(session: Session, info: dict, label: str) -> list[Implementation]:
    """One Implementation per configuration the module offers (CONFIGURATIONS + configure), else one."""
    if info.get("configurations"):
        return [_wrap(f"{label}[{hidden}-{output}]", session, session.configure(info["impl"], hidden, output))
                for hidden, output in info["configurations"]]
    return [_wrap(label, session, info)]


def load(target: str | None = None, timeout: float | None = DEFAULT_TIMEOUT, limits: Limits | None = None,
         wall: float | None = None, spawn=None, sandbox: str = "off", profile: str | None = None,
         definitions_only: bool = False, notice=None) -> list[Implementation]:
    """The implementations to verify, each configuration served by one process of the target's own.

    `notice(line)`, if given, is told once when importing the target takes longer than SLOW_IMPORT seconds.
    """
    target = target or DEFAULT_TARGET
    request, prepared = load_request(target, profile, definitions_only)
    label = describe_target(target)[1]
    waiting = threading.Timer(SLOW_IMPORT, notice or (lambda line: None), [_slow_import_line(label, request)])
    waiting.daemon = True
    waiting.start()
    try:
        session = Session([request], label, timeout=timeout, limits=limits, spawn=spawn, wall=wall, sandbox=sandbox)
    except LoadError as exc:
        hint = _definitions_hint(target, request, exc)
        raise type(exc)(str(exc) + hint) from None
    finally:
        waiting.cancel()
    info = session.infos[0]
    session.prepared = prepared
    session.header = prepared.header(info.get("missing_modules", ())) if prepared is not None else []
    try:
        return configurations(session, info, label)
    except BaseException:
        session.close()
        raise


def _slow_import_line(label: str, request: dict) -> str:
    """What a person waiting on a long import should know: why it may be slow, the limit, the way around it."""
    around = "; --definitions-only runs only its def, class, import and ALL_CAPS lines" \
        if request.get("file") and request.get("source") is None else ""
    return (f"nnspec: still importing {label} after {SLOW_IMPORT:g} s: all of its top-level code runs at import "
            f"(a training loop, a large library?); it has {START_TIMEOUT:g} s{around}")


def _definitions_hint(target, request, exc) -> str:
    """For a .py that fails at import in top-level code: the --definitions-only suggestion."""
    if type(exc) is not LoadError or request.get("source") is not None or not target.endswith(".py"):
        return ""
    from nnspec import notebook

    hint = notebook.import_failure_hint(target)
    return f"\n  hint: {hint}" if hint else ""


def load_source(source: str, label: str, session: Session | None = None, timeout=DEFAULT_TIMEOUT,
                file: str | None = None) -> list[Implementation]:
    """Implementations of Python source text (the catalogue's modules), in `session` if given (one process for many)."""
    request = {"op": "load", "label": label, "source": source, "file": file or f"<{label}>",
               "module_name": "nnspec_source_" + str(zlib.crc32(label.encode())), "contract": list(CONTRACT),
               "blocked": list(BLOCKED), "allowed": [], "path": [os.path.dirname(file)] if file else []}
    if session is None:
        session = Session([request], label, timeout=timeout)
        info = session.infos[0]
    else:
        info = session._add(request)
    return configurations(session, info, label)
