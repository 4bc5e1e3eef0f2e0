"""The rename table: a file declares NNSPEC_NAMES = {"forward_propagation": "my_forward", ...}.

Runs inside the implementation's process: stdlib only. Every contract name the table maps is the user's function
of that name; contract names the table leaves out keep their own names. Declarations (LAYOUT, ...) are read as usual.
"""

CONTRACT = (
    "relu", "relu_derivative", "sigmoid", "sigmoid_derivative", "tanh", "tanh_derivative",
    "elu", "elu_derivative", "softmax",
    "cross_entropy_loss", "binary_cross_entropy", "cross_entropy_derivative",
    "initialize_parameters", "forward_propagation", "backward_propagation", "update_parameters",
    "dropout_forward", "dropout_backward", "train", "predict",
)
DECLARATIONS = ("LAYOUT", "HIDDEN_ACTIVATION", "OUTPUT_ACTIVATION", "DEPTHS")


class NamesError(ValueError):
    """NNSPEC_NAMES is malformed; the message says which entry and what it must be."""


def adapt(ns: dict) -> dict:
    """The contract from a namespace with an NNSPEC_NAMES table (and its own names for what the table omits)."""
    table = ns.get("NNSPEC_NAMES") or {}
    if not isinstance(table, dict):
        raise NamesError(f"NNSPEC_NAMES was {type(table).__name__}, must be a dict "
                         f"{{contract name: your function's name}}, e.g. {{'forward_propagation': 'my_forward'}}")
    functions, names = {}, {}
    for contract, own in table.items():
        if contract not in CONTRACT:
            raise NamesError(f"NNSPEC_NAMES has the key {contract!r}, which is not a contract name "
                             f"(one of {', '.join(CONTRACT)})")
        if not isinstance(own, str) or not callable(ns.get(own)):
            raise NamesError(f"NNSPEC_NAMES maps {contract!r} to {own!r}, which this file does not define "
                             f"as a function")
        functions[contract], names[contract] = ns[own], own
    for contract in CONTRACT:
        if contract not in functions and callable(ns.get(contract)):
            functions[contract], names[contract] = ns[contract], contract
    declarations = {key: ns[key] for key in DECLARATIONS if ns.get(key) is not None}
    return {"functions": functions, "declarations": declarations, "names": names, "not_applicable": {}}
