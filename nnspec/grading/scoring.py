"""Scoring a verification under a rubric: the verdict, points per item, and messages a student understands."""

from __future__ import annotations

from dataclasses import dataclass, field

from nnspec.grading.rubric import Rubric, coerce

# Verdicts after which some rows were never checked (the process died, or never started).
NOT_REACHED = {
    "does not import": "your file could not be imported, so nothing was checked",
    "crashed": "the checks stopped when your code crashed the process, before this was checked",
    "timed out": "the checks stopped when the time limit ran out, before this was checked",
    "out of memory": "the checks stopped when your code ran out of memory, before this was checked",
}
INDEPENDENT = ("your file imports nnspec's own code (nnspec, spec or reference): a submission must be written "
               "independently, so nothing is graded")


@dataclass
class ItemGrade:
    """One rubric item's points for one submission; `status` is passed | failed | not provided | not reached ..."""

    name: str
    points: float
    max_points: float
    status: str
    message: str  # one paragraph a student understands, plain text
    details: str = ""  # the failure as nnspec printed it (first lines), without the hints
    hints: list = field(default_factory=list)
    hidden: bool = False
    required: bool = True

    @property
    def passed(self) -> bool:
        return self.status == "passed"


@dataclass
class Grade:
    """A submission's grade: verdict, score out of max_score, one ItemGrade per rubric item, a summary."""

    name: str
    verdict: str
    score: float
    max_score: float
    items: list
    summary: str
    seconds: float | None = None
    boundary: dict | None = None


def verdict_of(result: dict, rubric=None) -> str:
    """passed | failed | incomplete | does not import | crashed | ... of a verify result or a batch entry.

    A batch entry's own verdict stands, except that "passed" becomes "incomplete" when a required item of the
    rubric was not provided; a verify result's verdict is derived the same way.
    """
    verdict = result.get("verdict")
    if verdict is None:
        if "load_error" in result:
            return "does not import"
        statuses = [row.get("status") for row in (result.get("contract") or {}).values()]
        verdict = "failed" if result.get("failed") or {"failed", "error"} & set(statuses) else "passed"
    if verdict == "passed" and _missing_required(result, coerce(rubric)):
        return "incomplete"
    return verdict


def grade(result: dict, rubric=None) -> Grade:
    """Score `result` (a verify result or a batch entry) under `rubric` (a Rubric, a TOML path, None: default)."""
    rubric = coerce(rubric)
    verdict = verdict_of(result, rubric)
    items = [_item_grade(item, result, verdict) for item in rubric.items_for(result)]
    score = round(sum(i.points for i in items), 6)
    max_score = round(sum(i.max_points for i in items), 6)
    name = str(result.get("path") or result.get("implementation") or "submission")
    return Grade(name, verdict, score, max_score, items, _summary(verdict, result, items, score, max_score),
                 result.get("seconds"), result.get("boundary"))


def _missing_required(result: dict, rubric: Rubric) -> bool:
    contract = result.get("contract") or {}
    return any(item.required and contract.get(item.name, {}).get("status") == "not provided"
               for item in rubric.items_for(result))


def _status_of(item_name: str, result: dict) -> tuple:
    """(status, check, message) of a contract row, or of one check (from the outcomes, else from its row)."""
    contract = result.get("contract") or {}
    if item_name in contract:
        row = contract[item_name]
        return row.get("status", "failed"), row.get("check", ""), row.get("message", "")
    outcomes = [o for o in result.get("outcomes") or () if o.get("check") == item_name]
    if outcomes:
        order = {"failed": 0, "error": 0, "not provided": 1, "not applicable": 2, "passed": 3}
        worst = min(outcomes, key=lambda o: order.get(o.get("status"), 0))
        return worst.get("status", "failed"), item_name, worst.get("message", "")
    from nnspec.checks import by_name

    try:
        row_name = by_name(item_name).contract
    except (KeyError, LookupError):
        return "not reached", "", ""
    row = contract.get(row_name)
    if row is None:
        return "not reached", "", ""
    if row.get("status") == "failed" and row.get("check") != item_name:
        # A batch entry keeps only the first failure of each row: this check's own outcome is not known.
        return "unknown", "", f"{row_name} failed in another check ({row.get('check')}); this one was not recorded"
    return row.get("status", "failed"), row.get("check", item_name), row.get("message", "")


def _item_grade(item, result: dict, verdict: str) -> ItemGrade:
    def graded(status, points, message, text=""):
        details, hints = _split(text)
        return ItemGrade(item.name, points, item.points, status, message, details, hints, item.hidden,
                         item.required)

    if verdict == "not independent":
        return graded("not graded", 0.0, INDEPENDENT)
    if verdict == "does not import":
        return graded("not reached", 0.0, NOT_REACHED[verdict], result.get("message") or result.get("load_error", ""))
    status, check, text = _status_of(item.name, result)
    if status == "passed":
        return graded("passed", item.points, "passed")
    if status == "not provided":
        return graded(status, 0.0, f"not provided: your file does not define {item.name}"
                      if item.name in _functions() else f"not provided: {_first(text)}")
    if status == "not applicable":
        return graded(status, 0.0, f"not applicable to your declared configuration: {_first(text)} "
                                   f"(this rubric grades it: ask your teacher)")
    if status == "not reached":
        why = NOT_REACHED.get(verdict, "this was not checked")
        message = result.get("message") or ""
        return graded(status, 0.0, why + (f" ({message})" if message else ""))
    if status == "unknown":
        return graded("failed", 0.0, text)
    where = f" in check {check}" if check and check != item.name else ""
    return graded("failed", 0.0, f"failed{where}: {_first(text)}", text)


def _functions() -> set:
    from nnspec.contract import CONTRACT

    return set(CONTRACT)


def _first(text: str) -> str:
    return text.strip().splitlines()[0] if text and text.strip() else ""


def _split(text: str, limit: int = 40) -> tuple:
    """(the failure's lines without hints, at most `limit` of them; the hints)."""
    lines, hints = [], []
    for line in (text or "").strip().splitlines():
        if line.strip().startswith("hint:"):
            hints.append(line.strip().removeprefix("hint:").strip())
        else:
            lines.append(line)
    if len(lines) > limit:
        lines = lines[:limit] + [f"... ({len(lines) - limit} more lines)"]
    return "\n".join(lines), hints


def _summary(verdict, result, items, score, max_score) -> str:
    passed = sum(i.passed for i in items)
    head = f"Score {round(score, 2):g}/{round(max_score, 2):g} ({verdict}): {passed} of {len(items)} items passed."
    if verdict == "not independent":
        return f"{head} {INDEPENDENT[0].upper()}{INDEPENDENT[1:]}."
    if verdict in NOT_REACHED:
        detail = result.get("message") or result.get("load_error") or ""
        return f"{head} {NOT_REACHED[verdict].capitalize()}" + (f": {_first(detail)}" if detail else ".")
    failed = [i.name for i in items if i.status == "failed"]
    missing = [i.name for i in items if i.status == "not provided"]
    parts = [head]
    if failed:
        parts.append(f"Failed: {', '.join(failed)}.")
    if missing:
        parts.append(f"Not provided: {', '.join(missing)}.")
    if not failed and not missing and passed == len(items):
        parts.append("Everything the rubric grades passed.")
    return " ".join(parts)
