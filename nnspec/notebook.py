"""The definitions of a notebook (or a script): read as text, never executed here.

From the code cells of an `.ipynb` (or the whole of a `.py` read with --definitions-only), only the definitions
are kept: `def`, `class`, `import`, `from ... import` and assignments of ALL_CAPS names to constants. Everything
else (training loops, plots, data loading, print, input(), IPython magics, shell lines) is skipped and counted,
and so is an import that only those need (`import matplotlib.pyplot as plt` when no definition reads `plt`).
The result is one Python source text that the implementation's own process execs as the module: each cell is
compiled under its own filename (`my.ipynb[cell 7]`, cells counted from 1 over the whole notebook) with its own
line numbers, so that tracebacks point at the cell, and a module that is not installed (a course helper such as
`dnn_utils`, or `h5py` for the data) becomes a stub that records its name in `__nnspec_missing_modules__` and
fails, naming the module, only when something from it is called.
"""

from __future__ import annotations

import ast
import json
import os
import re
from dataclasses import dataclass, field

# Packages a notebook imports to plot, show or load data in the cells that are skipped, and slow to import
# (matplotlib.pyplot about 0.4 s, sklearn about 0.7 s here): a `from` import of one of them whose names no kept
# statement reads is not run (_unused_import).
DISPLAY_PACKAGES = frozenset({"matplotlib", "seaborn", "plotly", "sklearn", "PIL", "cv2", "imageio", "h5py", "pandas",
                              "IPython", "ipywidgets", "tqdm", "scipy", "torchvision", "tensorflow", "keras"})
# Calls allowed in the value of a kept ALL_CAPS assignment: building constants, never running user code.
CONSTANT_BUILDERS = frozenset({"range", "tuple", "list", "dict", "set", "frozenset", "int", "float", "str", "bool"})
_CAPS = re.compile(r"^_*[A-Z][A-Z0-9_]*$")
# IPython syntax that is not Python: line magics, shell lines, `x = !ls`, `obj?` help.
_MAGIC_LINE = re.compile(r"^\s*(%|!)|^\s*[\w.]+\s*=\s*[!%]|^\s*[\w.]+\?\??\s*$|^\s*\?")


class NotebookError(ValueError):
    """The file is not a notebook nnspec can read; the message names the file and why."""


@dataclass
class Definitions:
    """What the implementation's process execs (`source`), and what the report header says about it."""

    path: str
    source: str
    cells_read: int
    names_by_cell: dict = field(default_factory=dict)  # {name: cell number (1-based) of its last definition}
    skipped: int = 0  # top-level statements (and magic or shell lines) not kept
    imports: list = field(default_factory=list)  # module names the kept imports ask for, in order
    unparsable: dict = field(default_factory=dict)  # {cell number: "SyntaxError: ... (line n)"}
    notebook: bool = True
    unused: list = field(default_factory=list)  # modules of the imports not run: no kept statement reads their names

    @property
    def defined(self) -> set:
        return set(self.names_by_cell)


# Executed first in the implementation's process (stdlib only): the stub finder for modules that are not installed.
BOOTSTRAP = r'''
import importlib.abc as _nnspec_abc, importlib.machinery as _nnspec_machinery, linecache as _nnspec_linecache
import sys as _nnspec_sys, types as _nnspec_types
__nnspec_missing_modules__ = []


class _NnspecMissing:
    """A name from a module that is not installed: calling it, or anything on it, says which module."""

    def __init__(self, module, name):
        self.__nnspec_missing_module__ = module
        self._nnspec_name = name

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return type(self)(self.__nnspec_missing_module__, f"{self._nnspec_name}.{name}")

    def __call__(self, *args, **kwargs):
        raise ModuleNotFoundError(
            f"{self._nnspec_name} comes from the module '{self.__nnspec_missing_module__}', which is not installed "
            f"(pip install it, or put the file {self.__nnspec_missing_module__.split('.')[0]}.py beside the notebook)")


class _NnspecStubs(_nnspec_abc.MetaPathFinder, _nnspec_abc.Loader):
    """Last on sys.meta_path while the definitions run: a module nobody else finds becomes a recorded stub."""

    def find_spec(self, name, path=None, target=None):
        top = name.split(".")[0]
        if top not in _nnspec_stubbable:
            return None  # only what the kept imports name: a library probing an optional module gets ImportError
        loaded = _nnspec_sys.modules.get(top)
        if loaded is not None and not hasattr(loaded, "__nnspec_missing_module__"):
            return None  # a submodule of an installed package is really missing: the package's own ImportError
        if top not in __nnspec_missing_modules__:
            __nnspec_missing_modules__.append(top)
        return _nnspec_machinery.ModuleSpec(name, self, is_package=True)

    def create_module(self, spec):
        module = _nnspec_types.ModuleType(spec.name)
        module.__path__, module.__all__ = [], []
        module.__nnspec_missing_module__ = spec.name.split(".")[0]

        def missing_attribute(attr, _module=spec.name):
            if attr.startswith("__"):
                raise AttributeError(attr)
            return _NnspecMissing(_module.split(".")[0], f"{_module}.{attr}")

        module.__getattr__ = missing_attribute
        return module

    def exec_module(self, module):
        pass


def __nnspec_cell__(filename, text, lines):
    # the cell's own text for tracebacks; `lines` is what the user wrote, shown beside the line numbers
    _nnspec_linecache.cache[filename] = (len(lines), None, lines.splitlines(True), filename)
    try:
        exec(compile(text, filename, "exec"), globals())
    except BaseException:
        _nnspec_cleanup()  # the import has failed: no stub may outlive it
        raise


def _nnspec_cleanup():
    if _nnspec_finder in _nnspec_sys.meta_path:
        _nnspec_sys.meta_path.remove(_nnspec_finder)
    for name in [n for n, m in list(_nnspec_sys.modules.items()) if hasattr(m, "__nnspec_missing_module__")]:
        del _nnspec_sys.modules[name]  # a later real import must not find the stub


_nnspec_finder = _NnspecStubs()
_nnspec_sys.meta_path.append(_nnspec_finder)
'''

FOOTER = r'''
_nnspec_cleanup()
'''


def _is_constant_value(node) -> bool:
    """No call but to CONSTANT_BUILDERS, no lambda: evaluating it cannot run the user's code."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if not (isinstance(sub.func, ast.Name) and sub.func.id in CONSTANT_BUILDERS):
                return False
        elif isinstance(sub, (ast.Lambda, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr)):
            return False
    return True


def _assigned_caps(stmt) -> list | None:
    """The ALL_CAPS names a constant assignment binds, or None if it is not one."""
    if isinstance(stmt, ast.Assign):
        targets, value = stmt.targets, stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets, value = [stmt.target], stmt.value
    else:
        return None
    names = []
    for target in targets:
        if not (isinstance(target, ast.Name) and _CAPS.match(target.id)):
            return None
        names.append(target.id)
    return names if _is_constant_value(value) else None


def kept_names(stmt) -> list | None:
    """The names a kept top-level statement defines, or None if the statement is skipped."""
    if isinstance(stmt, ast.Try):
        # `try: import cupy as np / except ImportError: import numpy as np`: kept when made of definitions only
        blocks = [stmt.body, stmt.orelse, stmt.finalbody, *(h.body for h in stmt.handlers)]
        inner = [kept_names(s) if not isinstance(s, ast.Pass) else [] for block in blocks for s in block]
        return None if any(n is None for n in inner) else [n for names in inner for n in names]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [stmt.name]
    if isinstance(stmt, ast.Import):
        return [a.asname or a.name.split(".")[0] for a in stmt.names]
    if isinstance(stmt, ast.ImportFrom):
        return [a.asname or a.name for a in stmt.names if a.name != "*"]
    return _assigned_caps(stmt)


def _first_line(stmt) -> int:
    """The statement's first line, its decorators included."""
    decorators = getattr(stmt, "decorator_list", ())
    return min([stmt.lineno, *(d.lineno for d in decorators)])


def _without_magics(text: str):
    """(the cell's text with IPython-only lines blanked, how many were blanked); None for a `%%` cell magic."""
    if text.lstrip().startswith("%%"):
        return None, 1
    lines, blanked, continued = [], 0, False
    for line in text.split("\n"):
        if continued or _MAGIC_LINE.match(line):
            blanked += 0 if continued else 1
            continued = line.rstrip().endswith("\\")
            lines.append("")
        else:
            lines.append(line)
    return "\n".join(lines), blanked


def _reads(stmts) -> set:
    """Every name the kept statements other than imports read (in bodies, defaults, decorators, bases)."""
    kept = [s for s in stmts if not isinstance(s, (ast.Import, ast.ImportFrom)) and kept_names(s) is not None]
    return {node.id for stmt in kept for node in ast.walk(stmt) if isinstance(node, ast.Name)}


def _unused_import(stmt, read: set) -> list | None:
    """The modules of an import not worth running, as no kept statement reads what it binds; None to run it.

    `import X` binds a module, never a name the contract or a profile looks up. `from X import f` may bind one
    (a course helper that a profile uses), so only `from` a package of DISPLAY_PACKAGES is skipped."""
    if isinstance(stmt, ast.ImportFrom):
        if stmt.level or not stmt.module or stmt.module.split(".")[0] not in DISPLAY_PACKAGES or any(
                a.name == "*" for a in stmt.names):
            return None
    elif not isinstance(stmt, ast.Import):
        return None
    if read.intersection(kept_names(stmt)):
        return None
    return [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else [stmt.module]


def _keep(text: str, stmts, read: set) -> tuple[str, dict, int, list, list]:
    """(the text with only the kept statements, line numbers unchanged; {name: True}; skipped count; imports; the
    modules of the imports not run, as nothing in `read` comes from them)."""
    lines = text.split("\n")
    keep = [False] * len(lines)
    names, skipped, imports, unused = {}, 0, [], []
    for stmt in stmts:
        defined = kept_names(stmt)
        if defined is None:
            skipped += 1
            continue
        modules = _unused_import(stmt, read)
        if modules is not None:
            unused += modules
            continue
        for line in range(_first_line(stmt) - 1, stmt.end_lineno):
            keep[line] = True
        for name in defined:
            names[name] = True
        # imports inside a kept `try` are not stubbed: its `except ImportError` is the user's own fallback
        if isinstance(stmt, ast.Import):
            imports += [a.name for a in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level:
            imports.append(stmt.module)
    return "\n".join(l if k else "" for l, k in zip(lines, keep)), names, skipped, imports, unused


def _code_cells(path: str) -> list[tuple[int, str]]:
    """[(cell number counted from 1 over every cell, source text)] of the notebook's code cells."""
    # Messages name the file, not its path: in a batch that is a private staging folder's.
    try:
        with open(path, encoding="utf-8") as handle:
            notebook = json.load(handle)
    except OSError as exc:
        raise NotebookError(f"{os.path.basename(path)}: cannot be read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise NotebookError(f"{os.path.basename(path)} is not a notebook: not valid JSON ({exc})") from None
    except RecursionError:
        raise NotebookError(f"{os.path.basename(path)} is not a notebook: its JSON nests deeper than Python can "
                            f"read") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        # nbformat 3 kept cells under worksheets; every notebook written since 2015 is nbformat 4
        worksheets = notebook.get("worksheets") if isinstance(notebook, dict) else None
        if isinstance(worksheets, list) and worksheets and isinstance(worksheets[0], dict):
            cells = worksheets[0].get("cells")
        if not isinstance(cells, list):
            raise NotebookError(f"{os.path.basename(path)} is not a notebook: it has no list of 'cells'")
    result = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", cell.get("input", ""))
        result.append((number, "".join(source) if isinstance(source, list) else str(source)))
    return result


def definitions(path: str, filename: str | None = None) -> Definitions:
    """The definitions of a `.ipynb` (its code cells) or of a `.py` (read like one cell), as a source text to exec.

    `filename` is what tracebacks show (default: the file's base name, `[cell n]` added for a notebook).
    """
    is_notebook = path.endswith(".ipynb")
    if is_notebook:
        cells = _code_cells(path)
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                cells = [(0, handle.read())]
        except OSError as exc:
            raise NotebookError(f"{os.path.basename(path)}: cannot be read ({exc.strerror})") from None
    shown = filename or os.path.basename(path)
    parts, parsed = [], []
    defs = Definitions(path=path, source="", cells_read=len(cells), notebook=is_notebook)
    for number, text in cells:
        cleaned, blanked = _without_magics(text)
        defs.skipped += blanked
        if cleaned is None:
            continue
        try:
            parsed.append((number, text, cleaned, ast.parse(cleaned)))
        except SyntaxError as exc:
            where = f"line {exc.lineno}" + (f" of cell {number}" if is_notebook else "")
            if not is_notebook:
                raise NotebookError(f"{shown} does not parse: SyntaxError: {exc.msg} ({where})") from None
            defs.unparsable[number] = f"SyntaxError: {exc.msg} ({where})"
    read = _reads([stmt for *_, tree in parsed for stmt in tree.body])  # over every cell: a def may come later
    for number, text, cleaned, tree in parsed:
        kept, names, skipped, imports, unused = _keep(cleaned, tree.body, read)
        defs.skipped += skipped
        defs.unused += [m for m in unused if m not in defs.unused]
        if not names:
            continue
        for name in names:
            defs.names_by_cell.pop(name, None)  # re-inserted: the order is that of the last definition
            defs.names_by_cell[name] = number
        defs.imports += [m for m in imports if m not in defs.imports]
        cell_file = f"{shown}[cell {number}]" if is_notebook else (filename or os.path.abspath(path))
        parts.append(f"__nnspec_cell__({cell_file!r}, {kept!r}, {text!r})\n")
    stubbable = sorted({m.split(".")[0] for m in defs.imports})
    defs.source = "".join([BOOTSTRAP, f"_nnspec_stubbable = {stubbable!r}\n", *parts, FOOTER])
    return defs


def missing_modules(namespace: dict) -> list[str]:
    """The modules the definitions imported but that were not installed (after the source was exec'd)."""
    return list(namespace.get("__nnspec_missing_modules__", ()))


def header_lines(defs: Definitions, missing=()) -> list[str]:
    """The report header: cells read, definitions, statements skipped, missing modules, where each name came from.

    `missing` is what `missing_modules` found once the source ran (only the child knows which imports fail).
    """
    name = os.path.basename(defs.path)
    what = f"{defs.cells_read} code cells read, " if defs.notebook else "definitions only, "
    line = f"{name}: {what}{len(defs.names_by_cell)} definitions, {defs.skipped} statements skipped"
    if defs.unused:
        line += f"; not imported, as no definition uses them: {', '.join(defs.unused)}"
    if missing:
        line += f"; missing modules: {', '.join(missing)}"
    lines = [line]
    if defs.notebook and defs.names_by_cell:
        by_cell: dict = {}
        for defined, cell in defs.names_by_cell.items():
            by_cell.setdefault(cell, []).append(defined)
        lines.append("  " + "; ".join(f"cell {c}: {', '.join(n)}" for c, n in sorted(by_cell.items())))
    for cell, error in sorted(defs.unparsable.items()):
        lines.append(f"  cell {cell} skipped: it does not parse ({error})")
    return lines


def defined_names(path: str) -> set[str]:
    """The names a `.py` defines at top level (functions, classes, imports, ALL_CAPS constants), found by ast."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    names = set()
    for stmt in tree.body:
        names.update(kept_names(stmt) or ())
    return names


def import_failure_hint(path: str) -> str | None:
    """For a .py that failed at import: the --definitions-only hint, if it has top-level code that would be skipped."""
    try:
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read())
    except (OSError, SyntaxError, ValueError):
        return None
    skipped = [s for s in tree.body if kept_names(s) is None and not _is_docstring(s) and not _is_main_guard(s)]
    if not skipped:
        return None
    return (f"it runs code at import (line {skipped[0].lineno}: training, plots, data loading?): "
            f"--definitions-only reads only its definitions (def, class, import, ALL_CAPS constants), as for a notebook")


def _is_docstring(stmt) -> bool:
    return isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str)


def _is_main_guard(stmt) -> bool:
    return isinstance(stmt, ast.If) and "__main__" in ast.dump(stmt.test)
