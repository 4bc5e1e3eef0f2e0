"""Verify results and batch entries as nnspec writes them, for the grading tests (no implementation is run)."""

from nnspec.grading.rubric import applicable_names

BACKWARD = ("backward_propagation: dW1 max |error| 2.8e-01 at [0, 0], must be <= 1e-07 [layer_dims=(2, 2), m=2]\n"
            "  got -0.56153, expected -0.280765\n"
            "  hint: dW1 is m=2 times too large: did you forget to divide by m?")


def rows(status_of=None):
    """Every row graded for relu/softmax, passed unless `status_of` says otherwise."""
    status_of = status_of or {}
    contract = {}
    for name in applicable_names():
        status = status_of.get(name, "passed")
        row = {"status": status, "checks": 2, "passed": 2 if status == "passed" else 0}
        if status == "failed":
            row.update(check=f"{name}_matches_finite_differences", implementation="net.py", message=BACKWARD)
        if status == "not provided":
            row.update(check=f"{name}_matches", implementation="net.py", message=f"not provided: {name}")
        contract[name] = row
    return contract


def result(status_of=None, name="net.py"):
    contract = rows(status_of)
    return {"implementation": name, "configurations": [name], "contract": contract,
            "failed": any(r["status"] == "failed" for r in contract.values()), "seconds": 2.5, "outcomes": []}


def entry(verdict, status_of=None, name="net.py", message="", keep=None):
    """A batch entry; `keep` limits the contract to its first `keep` rows (the rest were not reached)."""
    contract = rows(status_of)
    if keep is not None:
        contract = dict(list(contract.items())[:keep])
    if verdict == "does not import":
        contract = {}
    return {"path": f"submissions/{name}", "sha256": "0" * 64, "seconds": 3.0, "verdict": verdict,
            "message": message, "contract": contract}
