"""The conformance summary: one row per contract name, passed / failed (first failing check) / not provided."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from nnspec.calls import CheckFailure
from nnspec.contract import CONTRACT, TRAINING_LOOP, applicable

ROWS = (*CONTRACT, TRAINING_LOOP)
ORDER = {"failed": 0, "error": 0, "not reached": 1, "not provided": 2, "not applicable": 3, "passed": 4}


@dataclass
class Outcome:
    """What one check said of one implementation (in one configuration)."""

    check: str
    contract: str
    implementation: str
    status: str  # passed | failed | not provided | not applicable | not reached
    message: str = ""
    cause: str = ""  # for a failure of the implementation's process: timeout, crash, cpu, memory, forbidden, wall


def failure_text(exc: BaseException) -> str:
    """The message of a failed check, with hypothesis's notes (the shrunk input), never the suite's traceback."""
    groups = getattr(exc, "exceptions", None)
    if groups:
        inner = next((e for e in groups if isinstance(e, CheckFailure)), groups[0])
        return failure_text(inner)
    if isinstance(exc, CheckFailure):
        text = str(exc)
    else:
        text = f"the check itself raised {type(exc).__name__}: {exc}"
    notes = [n for n in getattr(exc, "__notes__", ()) if n.strip()]
    if notes:
        text += "\n" + "\n".join(notes)
    return text


def cause_of(exc: BaseException) -> str:
    """The process-level cause of a failure (ImplementationError.cause), looking inside exception groups."""
    groups = getattr(exc, "exceptions", None)
    if groups:
        return next((c for c in map(cause_of, groups) if c), "")
    cause = getattr(exc, "cause", "") or ""
    if not cause and exc.__cause__ is not None and exc.__cause__ is not exc:
        return cause_of(exc.__cause__)
    return cause


# The verdict of a whole implementation, worst first. Process-level causes outrank a plain failed check.
VERDICTS = ("not independent", "does not import", "timed out", "crashed", "failed", "incomplete", "passed")


def verdict(outcomes: list, missing_required=()) -> str:
    """One word for a teacher: what the implementation's run came to."""
    causes = {o.cause for o in outcomes if o.status == "failed"}
    if "forbidden" in causes:
        return "not independent"
    if causes & {"wall", "cpu"}:
        return "timed out"
    if "crash" in causes:
        return "crashed"
    if any(o.status == "failed" for o in outcomes):
        return "failed"
    if missing_required or not any(o.status == "passed" for o in outcomes):
        return "incomplete"
    return "passed"


def applicable_names(impls) -> tuple:
    """The contract names a network of these configurations needs (extra activations are optional)."""
    needed = {name for impl in impls for name in applicable(impl.hidden, impl.output)}
    return tuple(n for n in CONTRACT if n in needed)


def missing_names(impls, required) -> tuple[list, list]:
    """(required names not provided, names its configuration needs that are not provided), leaving out what a
    profile says does not apply to this implementation."""
    info = impls[0].info
    absent = [n for n in CONTRACT if n not in info["callables"] and n not in info.get("not_applicable", {})]
    missing = [n for n in required if n in absent]
    return missing, [n for n in applicable_names(impls) if n in absent and n not in missing]


def parse_require(value: str | None, impls, default: str) -> tuple:
    """--require: "all", "applicable", "provided" or NAME,NAME,...; ValueError naming what is wrong."""
    value = value or default
    if value == "all":
        return tuple(CONTRACT)
    if value == "applicable":
        return applicable_names(impls)
    if value == "provided":
        return impls[0].provided if impls else ()
    # The file's own names too (a profile's L_model_forward, a rename table's): people require what they wrote.
    own = {impls[0].user_name(c): c for c in CONTRACT if impls[0].user_name(c) != c} if impls else {}
    names = tuple(own.get(n.strip(), n.strip()) for n in value.split(",") if n.strip())
    unknown = [n for n in names if n not in CONTRACT]
    if unknown or not names:
        theirs = f"; this file's own names: {', '.join(own)}" if own else ""
        raise ValueError(f"--require was {value!r}, must be all, applicable, provided or contract names separated "
                         f"by commas (unknown: {', '.join(unknown) or 'none given'}; names: {', '.join(CONTRACT)}"
                         f"{theirs})")
    return tuple(dict.fromkeys(names))


def folder_problem(option: str, path) -> str:
    """Why the file `path` given with `option` could not be written at the end of a run, or "": said at the start."""
    folder = Path(path).parent
    return "" if folder.is_dir() else f"{option} {path}: its folder {folder} does not exist (create it, or name another)"


def verdict_line(result: dict) -> str:
    """The last line of a run: the verdict, and what was required but not provided or not provided at all."""
    line = f"nnspec verdict: {result['verdict']}"
    missing = result.get("missing_required") or []
    if missing:
        line += f"; required but not provided: {', '.join(missing)}"
    not_provided = [n for n, e in result.get("contract", {}).items() if e["status"] == "not provided"
                    and n not in missing]
    if not_provided:
        line += f"; not provided: {', '.join(not_provided)}"
    return line


def skip_status(reason: str) -> str:
    """The status of a check that did not run: "not applicable" or "not provided", from its reason."""
    return "not applicable" if reason.startswith("not applicable") else "not provided"


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def summarize(outcomes: list[Outcome]) -> dict:
    """{contract name: {status, check, implementation, message}} with the first failure of each name."""
    summary = {}
    for row in ROWS:
        mine = [o for o in outcomes if o.contract == row]
        if not mine:
            continue
        worst = min(mine, key=lambda o: ORDER.get(o.status, 0))
        entry = {"status": worst.status, "checks": len(mine),
                 "passed": sum(o.status == "passed" for o in mine)}
        if worst.status != "passed":
            entry.update(check=worst.check, implementation=worst.implementation, message=worst.message)
        summary[row] = entry
    return summary


def table(summary: dict) -> str:
    """The summary as aligned text lines."""
    lines = []
    name_width = max((len(n) for n in summary), default=10)
    for name, entry in summary.items():
        status = entry["status"]
        if status == "passed":
            detail = f"passed ({entry['passed']}/{entry['checks']} checks)"
        elif status in ("not provided", "not applicable", "not reached"):
            reason = first_line(entry["message"]).removeprefix("not applicable: ")
            detail = status + (f": {reason}" if status == "not applicable" else "")
        else:
            detail = f"FAILED {entry['check']} [{entry['implementation']}]: {first_line(entry['message'])}"
        lines.append(f"{name:<{name_width}}  {detail}")
    return "\n".join(lines)


def failed(summary: dict) -> bool:
    return any(e["status"] in ("failed", "error") for e in summary.values())


def as_dict(outcomes: list[Outcome]) -> list[dict]:
    return [asdict(o) for o in outcomes]
