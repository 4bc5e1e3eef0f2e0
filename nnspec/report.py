"""The conformance summary: one row per contract name, passed / failed (first failing check) / not provided."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from nnspec.calls import CheckFailure
from nnspec.contract import CONTRACT, TRAINING_LOOP

ROWS = (*CONTRACT, TRAINING_LOOP)
ORDER = {"failed": 0, "error": 0, "not provided": 1, "not applicable": 2, "passed": 3}


@dataclass
class Outcome:
    """What one check said of one implementation (in one configuration)."""

    check: str
    contract: str
    implementation: str
    status: str  # passed | failed | not provided | not applicable
    message: str = ""


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
        elif status in ("not provided", "not applicable"):
            detail = status + (f": {first_line(entry['message'])}" if status == "not applicable" else "")
        else:
            detail = f"FAILED {entry['check']} [{entry['implementation']}]: {first_line(entry['message'])}"
        lines.append(f"{name:<{name_width}}  {detail}")
    return "\n".join(lines)


def failed(summary: dict) -> bool:
    return any(e["status"] in ("failed", "error") for e in summary.values())


def as_dict(outcomes: list[Outcome]) -> list[dict]:
    return [asdict(o) for o in outcomes]
