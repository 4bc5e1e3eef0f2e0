"""Profiles: the shared from-scratch APIs (a course's, a book's) recognised by the names a file defines.

Runs in the checking process and executes nothing: it reads names (from `nnspec.notebook`) and hands out the
text of an adapter (`nnspec/adapters/<profile>.py`) for the implementation's own process to exec beside the
user's module. There `adapt(ns)` returns the contract: {"functions", "declarations", "names", "not_applicable"}.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

ADAPTERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "adapters")


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    signatures: tuple  # alternative sets of names: a file defining every name of one set is this profile
    checked: str  # for the README table and the header
    not_applicable: str


PROFILES = {
    "dls": Profile(
        "dls", "Deep Learning Specialization",
        (("L_model_forward", "L_model_backward"), ("initialize_parameters_deep", "linear_activation_forward"),
         ("forward_propagation_with_dropout", "backward_propagation_with_dropout"), ("nn_model", "forward_propagation"),
         ("layer_sizes", "forward_propagation", "backward_propagation")),
        "relu/sigmoid and relu_backward/sigmoid_backward, initialize_parameters_deep, L_model_forward, "
        "L_model_backward, compute_cost, update_parameters, L_layer_model + predict; week 3: initialize_parameters, "
        "forward/backward_propagation, compute_cost, nn_model + predict; course 2: dropout",
        "softmax, categorical cross-entropy, tanh/elu functions; dropout in course 1; helpers from a course module "
        "that is not installed (the course's own are used)"),
    "cs231n": Profile(
        "cs231n", "cs231n layers.py",
        (("affine_forward", "affine_backward"), ("relu_forward", "softmax_loss")),
        "relu_forward/relu_backward, softmax_loss (softmax, cross-entropy, dZ), affine_* + relu_* + softmax_loss "
        "composed into the network (forward, gradients), dropout_forward/dropout_backward, sgd if present",
        "sigmoid, tanh, elu, binary cross-entropy, initialisation, train/predict (the Solver)"),
    "nnfs": Profile(
        "nnfs", "Neural Networks from Scratch (nnfs book)",
        (("Layer_Dense", "Activation_ReLU"), ("Layer_Dense", "Activation_Softmax")),
        "Activation_ReLU/Sigmoid/Softmax, Loss_CategoricalCrossentropy, Loss_BinaryCrossentropy, "
        "Activation_Softmax_Loss_CategoricalCrossentropy, Layer_Dense (initialisation, forward, gradients), "
        "Optimizer_SGD, Layer_Dropout",
        "tanh, elu, train/predict"),
    "nielsen": Profile(
        "nielsen", "Michael Nielsen's network.py / network2.py",
        (("Network", "sigmoid_prime"), ("Network", "CrossEntropyCost")),
        "sigmoid, sigmoid_prime, Network(sizes) initialisation, feedforward, backprop averaged over the batch "
        "(network2's CrossEntropyCost), CrossEntropyCost.fn/delta, SGD + feedforward on the tasks",
        "relu, tanh, elu, softmax, dropout, update_parameters (update_mini_batch computes its own gradients); "
        "network.py's backprop (quadratic cost)"),
    "names": Profile(
        "names", "the rename table NNSPEC_NAMES",
        (("NNSPEC_NAMES",),),
        "every contract name, by the names the table gives",
        "nothing: what the table omits keeps its contract name"),
}
# The order recognition tries them: an explicit table first, then the most distinctive names.
ORDER = ("names", "dls", "cs231n", "nnfs", "nielsen")


class ProfileError(ValueError):
    """--profile named no profile; the message lists the choices."""


WRITTEN_TO_THE_CONTRACT = 10  # contract names a file defines itself from which no profile is guessed


def recognise(defined_names) -> tuple:
    """(profile name or None, reason) from the names a file defines."""
    from nnspec.contract import CONTRACT

    defined = set(defined_names)
    own = [n for n in CONTRACT if n in defined]
    if len(own) >= WRITTEN_TO_THE_CONTRACT and "NNSPEC_NAMES" not in defined:
        # A file written to the contract may share a course's names (layer_sizes, forward_propagation): its own
        # functions are what it offers (--profile NAME still forces an adapter).
        return None, f"defines {len(own)} of the contract's {len(CONTRACT)} names itself: no profile needed"
    for name in ORDER:
        for signature in PROFILES[name].signatures:
            if defined.issuperset(signature):
                found = [n for s in PROFILES[name].signatures for n in s if n in defined]
                return name, "recognised by " + ", ".join(dict.fromkeys(found))
    return None, "no profile recognised: the contract's own names are used"


def choose(defined_names, option: str | None = None) -> tuple:
    """(profile or None, reason) for `--profile NAME|none` (None: recognise from the names)."""
    if option is None:
        return recognise(defined_names)
    if option == "none":
        return None, "profile recognition off (--profile none)"
    if option not in PROFILES:
        raise ProfileError(f"--profile was {option!r}, must be one of {', '.join(PROFILES)} or none")
    return option, f"forced by --profile {option}"


def adapter_source(profile: str) -> str:
    """The text of the profile's adapter, for the implementation's process to exec (it imports numpy only)."""
    if profile not in PROFILES:
        raise ProfileError(f"profile was {profile!r}, must be one of {', '.join(PROFILES)}")
    with open(os.path.join(ADAPTERS, f"{profile}.py"), encoding="utf-8") as handle:
        return handle.read()


def header_line(profile: str | None, reason: str) -> str:
    """`profile dls (Deep Learning Specialization): recognised by L_model_forward, ...`"""
    if profile is None:
        return f"profile none: {reason}"
    return f"profile {profile} ({PROFILES[profile].title}): {reason}"


_LEADING = re.compile(r"^(?P<name>[A-Za-z_]\w*)(?P<sep>:| )")


def user_terms(message: str, names: dict) -> str:
    """The message with its leading contract name replaced by the user's own (`L_model_backward: dW1 ...`)."""
    match = _LEADING.match(message)
    if not match or match.group("name") not in names:
        return message
    own = names[match.group("name")]
    if own == match.group("name"):
        return message
    return own + match.group("sep") + message[match.end():]


@dataclass
class Prepared:
    """What the checking process sends to the implementation's process for one file: all text, nothing run."""

    path: str
    source: str  # the module's text to exec (a notebook's or --definitions-only's definitions, or the .py as is)
    filename: str  # the filename to compile `source` under (tracebacks); a notebook's cells carry their own
    profile: str | None
    reason: str
    adapter: str | None  # the adapter's text, exec'd after the module; its adapt(ns) gives the contract
    definitions: object = None  # nnspec.notebook.Definitions, for the header; None for a .py read as is

    def header(self, missing=()) -> list[str]:
        """The header lines; `missing` is what the module recorded in `__nnspec_missing_modules__` when it ran."""
        from nnspec import notebook

        lines = notebook.header_lines(self.definitions, missing) if self.definitions is not None else []
        return lines + [header_line(self.profile, self.reason)]


def prepare(path: str, profile: str | None = None, definitions_only: bool = False) -> Prepared:
    """Read `path` (.ipynb, or .py as is or definitions only) and choose its profile (`--profile NAME|none`)."""
    from nnspec import notebook

    definitions = None
    if path.endswith(".ipynb") or definitions_only:
        definitions = notebook.definitions(path)
        source, defined = definitions.source, definitions.defined
    else:
        try:
            with open(path, encoding="utf-8") as handle:
                source = handle.read()
        except OSError as exc:
            raise notebook.NotebookError(f"{path}: cannot be read ({exc.strerror})") from None
        try:
            defined = notebook.defined_names(path)
        except SyntaxError:
            defined = set()  # the import reports the syntax error in its own words
    chosen, reason = choose(defined, profile)
    adapter = adapter_source(chosen) if chosen else None
    return Prepared(path, source, os.path.abspath(path), chosen, reason, adapter, definitions)
