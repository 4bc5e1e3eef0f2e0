"""The grading rubric: points per contract name (or per check), which are required, which are hidden, the total.

A rubric is a small TOML file:

    total = 100                    # optional; with [items], it must equal the sum of their points
    [items]
    backward_propagation = 20      # shorthand: 20 points, required, visible
    [items.train]
    points = 15
    required = true                # a required name that is not provided makes the verdict "incomplete"
    hidden = true                  # shown to students only after the deadline

Without [items], the items are the names that apply to the declared configuration, with `total` (default 100)
split equally between them (`default`).
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ImportError:  # Python 3.10: the backport, a dependency there
    import tomli as tomllib

from nnspec.contract import HIDDEN_ACTIVATIONS, LOSS, NETWORK, OUTPUT_ACTIVATIONS, TRAINING_LOOP

DEFAULT_TOTAL = 100.0
# Every configuration is graded on these, after its hidden activation, output activation and their loss.
COMMON = (*NETWORK, TRAINING_LOOP)
TOP_KEYS = ("total", "items")
ITEM_KEYS = ("points", "required", "hidden")


class RubricError(ValueError):
    """A rubric that cannot be used, with what was wrong and what it must be."""


@dataclass(frozen=True)
class Item:
    """One graded name: a contract row (e.g. "backward_propagation", "training loop") or one check's name."""

    name: str
    points: float
    required: bool = True
    hidden: bool = False


@dataclass(frozen=True)
class Rubric:
    """`items` None means the default items of each submission's declared configuration, sharing `total`."""

    items: tuple | None = None
    total: float | None = None
    source: str = "the default rubric"

    def items_for(self, result: dict) -> tuple:
        """The items that grade `result` (a verify result or a batch entry)."""
        if self.items is not None:
            return self.items
        hidden, output = configuration_of(result)
        return default_items(hidden, output, self.total if self.total is not None else DEFAULT_TOTAL)

    def max_score(self, result: dict) -> float:
        return sum(i.points for i in self.items_for(result))


def applicable_names(hidden=("relu",), output=("softmax",)) -> tuple:
    """The rows graded for these activations: hidden and its derivative, output and its loss, then COMMON."""
    hidden, output = _as_tuple(hidden), _as_tuple(output)
    for value, allowed, what in ((hidden, HIDDEN_ACTIVATIONS, "hidden"), (output, OUTPUT_ACTIVATIONS, "output")):
        for one in value:
            if one not in allowed:
                raise RubricError(f"{what} activation was {one!r}, must be one of {', '.join(allowed)}")
    names = []
    for h in hidden:
        names += [h, f"{h}_derivative"]
    for o in output:
        names += [o, LOSS[o]]
    names += COMMON
    return tuple(dict.fromkeys(names))  # in order, without repeats (a sigmoid hidden layer and output)


def default_items(hidden=("relu",), output=("softmax",), total: float = DEFAULT_TOTAL) -> tuple:
    names = applicable_names(hidden, output)
    return tuple(Item(n, total / len(names)) for n in names)


def default(total: float | None = None) -> Rubric:
    """Equal points over the names that apply to each submission's declared configuration."""
    return Rubric(None, total)


def valid_names() -> dict:
    """{name: "contract row" | "check"}: every name an item may have."""
    from nnspec.checks import all_checks

    names = {}
    for check in all_checks():
        names.setdefault(check.contract, "contract row")
        names[check.name] = "check"
    return names


def load(path) -> Rubric:
    """Read and validate a TOML rubric file."""
    path = Path(path)
    if not path.is_file():
        raise RubricError(f"rubric {path} does not exist: name a TOML file (README.md, Grading a course: The rubric)")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RubricError(f"rubric {path} is not valid TOML: {exc}") from None
    return parse(data, str(path))


def parse(data: dict, source: str = "rubric") -> Rubric:
    """Validate a rubric's data (what tomllib returns) and build it."""
    for key in data:
        if key not in TOP_KEYS:
            raise RubricError(f"{source}: unknown key {key!r}, must be one of {', '.join(TOP_KEYS)}")
    total = data.get("total")
    if total is not None:
        total = _points(f"{source}: total", total)
        if total == 0:
            raise RubricError(f"{source}: total was 0, must be > 0")
    if "items" not in data:
        return Rubric(None, total, source)
    raw = data["items"]
    if not isinstance(raw, dict) or not raw:
        raise RubricError(f"{source}: items was {raw!r}, must be a table of name = points (or name = {{points = ...}})")
    known = valid_names()
    items = []
    for name, spec in raw.items():
        where = f"{source}: items.{_quoted(name)}"
        if name not in known:
            raise RubricError(f"{where}: {name!r} is not a contract row nor a check; must be one of: "
                              f"{', '.join(n for n, kind in known.items() if kind == 'contract row')}, or a check "
                              f"name (python -m nnspec verify --help){_hint(name)}")
        if not isinstance(spec, dict):
            spec = {"points": spec}
        for key in spec:
            if key not in ITEM_KEYS:
                raise RubricError(f"{where}: unknown key {key!r}, must be one of {', '.join(ITEM_KEYS)}")
        if "points" not in spec:
            raise RubricError(f"{where}: points is missing, must be a number >= 0")
        points = _points(f"{where}.points", spec["points"])
        flags = {}
        for key in ("required", "hidden"):
            value = spec.get(key, key == "required")
            if not isinstance(value, bool):
                raise RubricError(f"{where}.{key} was {value!r}, must be true or false")
            flags[key] = value
        items.append(Item(name, points, **flags))
    checks = {i.name for i in items if known[i.name] == "check"}
    from nnspec.checks import by_name

    for name in checks:  # a check and its own row both graded would count one mistake twice
        row = by_name(name).contract
        if row in {i.name for i in items}:
            raise RubricError(f"{source}: items has both the row {row!r} and its check {name!r}; grade one of them")
    sum_points = sum(i.points for i in items)
    if sum_points == 0:
        raise RubricError(f"{source}: the items' points sum to 0, must be > 0")
    if total is not None and not math.isclose(total, sum_points, rel_tol=1e-9, abs_tol=1e-9):
        raise RubricError(f"{source}: total was {total:g}, but the items' points sum to {sum_points:g}; "
                          f"make them equal (or leave total out)")
    return Rubric(tuple(items), sum_points, source)


def coerce(rubric) -> Rubric:
    """A Rubric from a Rubric, a path to a TOML file, or None (the default)."""
    if rubric is None:
        return default()
    if isinstance(rubric, Rubric):
        return rubric
    if isinstance(rubric, (str, Path)):
        return load(rubric)
    raise RubricError(f"rubric was {type(rubric).__name__} {rubric!r}, must be a Rubric, a TOML path or None")


def configuration_of(result: dict) -> tuple:
    """(hidden activations, output activations) of a verify result or a batch entry.

    From, in order: a "configuration" field ({hidden, output} or a list of them), the configuration names
    ("file.py[tanh-sigmoid]"), the file's own HIDDEN_ACTIVATION / OUTPUT_ACTIVATION read statically (never
    imported: it may be hostile), else the contract's defaults relu and softmax.
    """
    declared = result.get("configuration")
    if isinstance(declared, dict):
        declared = [declared]
    if isinstance(declared, list) and declared and all(isinstance(d, dict) for d in declared):
        return (tuple(dict.fromkeys(d.get("hidden", "relu") for d in declared)),
                tuple(dict.fromkeys(d.get("output", "softmax") for d in declared)))
    named = [re.fullmatch(r".*\[(\w+)-(\w+)\]", str(n)) for n in result.get("configurations") or ()]
    if named and all(named):
        return tuple(dict.fromkeys(m[1] for m in named)), tuple(dict.fromkeys(m[2] for m in named))
    path = result.get("path") or result.get("implementation")
    found = _declarations(path) if path else {}
    return (found.get("HIDDEN_ACTIVATION", "relu"),), (found.get("OUTPUT_ACTIVATION", "softmax"),)


def _declarations(path) -> dict:
    """The module-level string constants HIDDEN_ACTIVATION and OUTPUT_ACTIVATION of a .py file, if valid."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return {}
    allowed = {"HIDDEN_ACTIVATION": HIDDEN_ACTIVATIONS, "OUTPUT_ACTIVATION": OUTPUT_ACTIVATIONS}
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            for target in node.targets:
                if isinstance(target, ast.Name) and node.value.value in allowed.get(target.id, ()):
                    found[target.id] = node.value.value
    return found


def _points(where, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise RubricError(f"{where} was {value!r}, must be a number >= 0")
    return float(value)


def _as_tuple(value) -> tuple:
    return (value,) if isinstance(value, str) else tuple(value)


def _quoted(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'"{name}"'


def _hint(name: str) -> str:
    if name == "training_loop":
        return ' (the row is "training loop", with a space: write it quoted)'
    return ""
