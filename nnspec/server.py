"""The implementation's side of the channel: import it, call it, answer in plain data. Never imports nnspec.

nnspec starts `python -I -c BOOT READ_FD WRITE_FD`; BOOT reads this file's text (after nnspec/wire.py's) over the
channel and runs it. From then on every request is a frame of plain data (nnspec/wire.py) and so is every answer.
Objects that are not plain data (a forward pass's cache, a layer object) stay here, in a table of handles.
"""

import builtins
import copy
import importlib
import importlib.abc
import importlib.util
import os
import random
import sys
import traceback
import types

import numpy as np

if __name__ != "__nnspec_child__":  # imported by nnspec (tests, or reading the source to send); in the child, wire.py's text comes first
    from nnspec.wire import Handle, WireError, decode, encode, read_frame, write_frame  # noqa: F401

SERVER_FILE = "<nnspec-child>"
MAX_HANDLES = 20000  # a safety net: the checks free what they no longer need


class ForbiddenImport(ImportError):
    pass


class Blocker(importlib.abc.MetaPathFinder):
    """Refuses nnspec's own packages: a verified implementation must be independent of the suite and the reference."""

    def __init__(self, names):
        self.names = set(names)
        self.attempts = []

    def find_spec(self, fullname, path=None, target=None):
        top = fullname.partition(".")[0]
        if top in self.names:
            self.attempts.append(top)
            raise ForbiddenImport(
                f"import {fullname}: nnspec verifies independent implementations, so nnspec, spec and reference "
                f"cannot be imported by the implementation under test", name=fullname)
        return None


class Server:
    def __init__(self, rfd, wfd):
        self.rfd, self.wfd = rfd, wfd
        self.handles = {}
        self.next_handle = 1
        self.impls = {}
        self.blocker = None
        self.contract = ()
        self.marked = None  # the global random states saved by op_mark

    # -- handles ------------------------------------------------------------------------------------------------
    def keep(self, obj):
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = obj
        if len(self.handles) > MAX_HANDLES:
            for old in list(self.handles)[: len(self.handles) - MAX_HANDLES]:
                del self.handles[old]
        return handle

    def resolve(self, handle, kind):
        try:
            return self.handles[handle]
        except KeyError:
            raise LookupError(f"handle {handle} ({kind}) is not known here: it was freed, or made by a process "
                              f"that has been restarted since") from None

    # -- the loop -----------------------------------------------------------------------------------------------
    def serve(self):
        while True:
            try:
                request = decode(read_frame(self.rfd), self.resolve)
            except WireError:
                return  # the checker went away
            op = request.get("op")
            try:
                reply = getattr(self, "op_" + op)(request)
            except Exception as exc:  # noqa: BLE001 - a request the server cannot serve is answered, not fatal
                reply = {"ok": False, "error": {"kind": "server", "message": f"{type(exc).__name__}: {exc}"}}
            # Handles the checker released ride on whatever request it sends next, whichever op and outcome.
            for handle in request.get("free", ()):
                self.handles.pop(handle, None)
            self.flush()
            try:
                payload = encode(reply, keep=self.keep)
            except Exception as exc:  # noqa: BLE001 - e.g. an array too large to frame
                payload = encode({"ok": False, "error": {"kind": "server", "message": f"the answer could not be "
                                                         f"sent: {type(exc).__name__}: {exc}"}})
            write_frame(self.wfd, payload)

    @staticmethod
    def flush():
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - the implementation may have replaced or closed them
                pass

    # -- operations -----------------------------------------------------------------------------------------------
    def op_seed(self, request):
        seed = int(request["seed"])
        np.random.seed(seed)
        random.seed(seed)
        return {"ok": True}

    def op_mark(self, request):
        self.marked = (np.random.get_state(), random.getstate())
        return {"ok": True}

    def op_rewind(self, request):
        """Back to the global random states of the last mark (a replayed check hands over to hypothesis)."""
        if self.marked is not None:
            np.random.set_state(self.marked[0])
            random.setstate(self.marked[1])
        return {"ok": True}

    def op_generator(self, request):
        return {"ok": True, "value": Handle(self.keep(np.random.default_rng(int(request["seed"]))), "Generator")}

    def op_fetch(self, request):
        return {"ok": True, "value": self.handles[request["handle"]]}

    def op_load(self, request):
        blocked = [n for n in request.get("blocked", ()) if n not in request.get("allowed", ())]
        if self.blocker is None:
            self.blocker = Blocker(blocked)
            sys.meta_path.insert(0, self.blocker)
            for name in list(sys.modules):
                if name.partition(".")[0] in self.blocker.names:
                    del sys.modules[name]
        for folder in reversed(request.get("path", [])):
            if folder not in sys.path:
                sys.path.insert(0, folder)
        try:
            module = self.import_module(request)
        except BaseException as exc:  # noqa: BLE001 - every way an import fails is an answer
            if isinstance(exc, KeyboardInterrupt):
                raise
            return {"ok": False, "error": self.describe_import_error(exc, request)}
        return self.register(module, request)

    def import_module(self, request):
        label = request["label"]
        if request.get("source") is not None:
            module = types.ModuleType(request.get("module_name") or "nnspec_impl")
            module.__file__ = request.get("file") or label
            sys.modules[module.__name__] = module
            exec(compile(request["source"], request.get("file") or label, "exec"), module.__dict__)
            return module
        if request.get("file"):
            path = request["file"]
            name = "nnspec_impl_" + os.path.splitext(os.path.basename(path))[0].replace("-", "_").replace(".", "_")
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                raise ImportError(f"{path} is not a Python file")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            return module
        return importlib.import_module(request["module"])

    def describe_import_error(self, exc, request):
        kind = type(exc).__name__
        if isinstance(exc, ForbiddenImport) or (self.blocker and self.blocker.attempts):
            return {"kind": "forbidden", "message": str(exc), "name": (self.blocker.attempts or [""])[0]}
        if isinstance(exc, SyntaxError):
            return {"kind": "SyntaxError", "message": exc.msg, "file": os.path.basename(exc.filename or ""),
                    "line": exc.lineno}
        if isinstance(exc, ModuleNotFoundError):
            return {"kind": "ModuleNotFoundError", "message": str(exc), "name": exc.name or ""}
        if isinstance(exc, SystemExit):
            return {"kind": "SystemExit", "message": repr(exc.code)}
        frames = traceback.extract_tb(exc.__traceback__)
        last = frames[-1] if frames else None
        return {"kind": kind, "message": str(exc), "file": os.path.basename(last.filename) if last else "",
                "line": last.lineno if last else None}

    def register(self, namespace, request, parent=None):
        contract = request.get("contract") or self.contract
        self.contract = contract
        info = {"ok": True, "impl": len(self.impls)}
        names = {}
        not_applicable = {}
        missing_modules = list(getattr(namespace, "__nnspec_missing_modules__", []) or [])
        if request.get("adapter"):
            adapter = {"__name__": "nnspec_adapter"}
            exec(compile(request["adapter"], "<nnspec adapter>", "exec"), adapter)
            adapted = adapter["adapt"](vars(namespace))  # the module's own globals: an adapter may supply what they lack
            declarations = adapted.get("declarations", {})
            names = dict(adapted.get("names", {}))
            not_applicable = dict(adapted.get("not_applicable", {}))
            namespace = types.SimpleNamespace(**adapted.get("functions", {}), **declarations,
                                              __file__=getattr(namespace, "__file__", None))
        self.impls[info["impl"]] = namespace
        info["declarations"] = {k: self.plain(getattr(namespace, k, None))
                                for k in ("LAYOUT", "HIDDEN_ACTIVATION", "OUTPUT_ACTIVATION", "DEPTHS")}
        info["callables"] = [n for n in contract if callable(getattr(namespace, n, None))]
        info["signatures"] = {n: self.signature(getattr(namespace, n)) for n in info["callables"]}
        info["defined"] = sorted(n for n in dir(namespace) if not n.startswith("__"))
        info["file"] = getattr(namespace, "__file__", None)
        info["missing_modules"] = [str(m) for m in missing_modules]
        info["names"], info["not_applicable"] = names, not_applicable
        configure = getattr(namespace, "configure", None)
        configurations = getattr(namespace, "CONFIGURATIONS", None) if callable(configure) else None
        info["configurations"] = [[str(h), str(o)] for h, o in configurations] if configurations else None
        return info

    @staticmethod
    def plain(value):
        """A declaration as plain data: strings and numbers as they are, ranges and sets as lists."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        if isinstance(value, (range, list, tuple, set, frozenset)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in items):
                return [int(v) for v in items]
        return {"unreadable": repr(value)[:200]}

    @staticmethod
    def signature(function):
        import inspect

        try:
            parameters = inspect.signature(function).parameters.values()
        except (TypeError, ValueError):
            return None
        return [[p.name, p.kind.name, p.default is not p.empty] for p in parameters]

    def op_configure(self, request):
        base = self.impls[request["impl"]]
        configured = base.configure(hidden=request["hidden"], output=request["output"])
        return self.register(configured, {**request, "adapter": None})

    def op_call(self, request):
        namespace = self.impls[request["impl"]]
        name = request["name"]
        function = getattr(namespace, name)
        args, kwargs = list(request.get("args", [])), dict(request.get("kwargs", {}))
        mutable = set(request.get("mutable", ()))
        check = request.get("check", True)
        before = {}
        if check:
            for i, arg in enumerate(args):
                if i not in mutable:
                    try:
                        before[i] = copy.deepcopy(arg)
                    except Exception:  # noqa: BLE001 - an object that cannot be copied is not checked
                        pass
        attempts = self.attempts()
        try:
            with np.errstate(all="ignore"):
                value = function(*args, **kwargs)
        except (SystemExit, Exception) as exc:  # noqa: BLE001 - how the implementation failed is the answer
            return {"ok": False, "error": self.failure(name, exc, attempts)}
        mutated = [i for i, saved in before.items() if not same(args[i], saved)]
        keep = request.get("keep")
        if keep == "all":
            value = self.keep_handle(value)
        elif keep and isinstance(value, (tuple, list)):
            value = type(value)(self.keep_handle(v) if i in keep else v for i, v in enumerate(value))
        return {"ok": True, "value": value, "mutated": mutated}

    def op_epoch(self, request):
        """One epoch of the suite's training loop: forward, backward and update on each mini-batch of `order`.

        The mini-batches are taken along `axis` of the whole training set X, Y; forward and backward each get
        their own copy of the batch's X, as separate calls would.
        """
        namespace = self.impls[request["impl"]]
        forward, backward, update = request["names"]
        X, Y, order, batch, axis = (request[k] for k in ("X", "Y", "order", "batch", "axis"))
        parameters, rate = request["parameters"], request["learning_rate"]
        name = forward
        attempts = self.attempts()
        try:
            with np.errstate(all="ignore"):
                for start in range(0, len(order), batch):
                    index = order[start:start + batch]
                    name = forward
                    result = getattr(namespace, name)(np.take(X, index, axis=axis), parameters)
                    name = backward
                    grads = getattr(namespace, name)(parameters, result[1], np.take(X, index, axis=axis),
                                                     np.take(Y, index, axis=axis))
                    name = update
                    parameters = getattr(namespace, name)(parameters, grads, rate)
        except (SystemExit, Exception) as exc:  # noqa: BLE001 - how the implementation failed is the answer
            return {"ok": False, "name": name, "error": self.failure(name, exc, attempts)}
        return {"ok": True, "value": self.keep_handle(parameters)}

    def attempts(self) -> int:
        """How many imports of nnspec's own packages were refused so far (to tell which a call made)."""
        return len(self.blocker.attempts) if self.blocker else 0

    def failure(self, name, exc, attempts):
        """The error answer for `exc`, raised by the implementation's `name` (after `attempts` refused imports)."""
        if isinstance(exc, SystemExit):
            return {"kind": "exit", "message": repr(exc.code)}
        if isinstance(exc, MemoryError):
            return {"kind": "memory", "message": "MemoryError"}
        if isinstance(exc, RecursionError):
            return {"kind": "recursion", "message": str(exc)}
        forbidden = self.blocker.attempts[attempts:] if self.blocker else []
        if forbidden:
            return {"kind": "forbidden", "name": forbidden[0], "message": describe_exception(name, exc)}
        return {"kind": "exception", "message": describe_exception(name, exc)}

    def keep_handle(self, value):
        return Handle(self.keep(value), type(value).__name__)


def _is_library(frame):
    name = frame.filename
    roots = tuple({os.path.dirname(os.__file__), sys.prefix, sys.base_prefix})
    return "site-packages" in name or name.startswith("<") or name.startswith(roots)


def describe_exception(name, exc):
    """`NAME raised TYPE: message` and the implementation's own frames of the traceback."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename != SERVER_FILE]
    mine = [f for f in frames if not _is_library(f)]
    if frames and _is_library(frames[-1]):
        mine.append(frames[-1])
    where = "".join(traceback.format_list(mine or frames)).rstrip()
    return f"{name} raised {type(exc).__name__}: {exc}" + (f"\n{where}" if where else "")


def same(a, b):
    if isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return True


def main(rfd, wfd):
    # fds 1 and 2 are the implementation's output, read (and bounded) by nnspec; the channel is rfd/wfd only.
    builtins.input = _no_input
    Server(rfd, wfd).serve()


def _no_input(prompt=""):
    raise EOFError("input() during verification: there is no one to answer (remove the call)")
