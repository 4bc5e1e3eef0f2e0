"""Grades in each platform's own results format: gradescope, prairielearn, github-classroom, junit, json.

`write(result_or_entries, fmt, path, rubric)` always leaves a file behind: when grading itself fails (a bad
rubric, a result it cannot read), the file holds one failed test saying so, in the platform's format.
"""

from __future__ import annotations

import json
import os
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

from nnspec.calls import visible
from nnspec.grading.rubric import RubricError, coerce
from nnspec.grading.scoring import Grade, grade

FORMATS = ("gradescope", "prairielearn", "github-classroom", "junit", "json")
# Gradescope shows a hidden item's points and output only after the due date.
HIDDEN_VISIBILITY = "after_due_date"
NOTE_HIDDEN = "The details of this item are shown after the deadline."


def write(result_or_entries, fmt: str, path, rubric=None) -> list:
    """Write the grade(s) of one verify result / batch entry, or of a list of them, as `fmt` to `path`.

    One result: one file at `path`. A list: one file (json, junit) holding all of them, or, for the per-submission
    platforms, a folder `path` with one file per submission named after it. Returns the paths written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"format was {fmt!r}, must be one of {', '.join(FORMATS)}")
    path = Path(path)
    many = isinstance(result_or_entries, (list, tuple))
    try:
        rubric = coerce(rubric)
        if not many:
            return [save(path, render(grade(result_or_entries, rubric), fmt))]
        grades = [grade(entry, rubric) for entry in result_or_entries]
        if fmt in ("json", "junit"):
            return [save(path, render(grades, fmt))]
        path.mkdir(parents=True, exist_ok=True)
        names = _file_names([g.name for g in grades], ".xml" if fmt == "junit" else ".json")
        return [save(path / name, render(g, fmt)) for name, g in zip(names, grades)]
    except Exception as exc:  # noqa: BLE001 - the platform must get a results file whatever went wrong here
        message = f"nnspec could not grade this submission: {type(exc).__name__}: {exc}"
        target = path / "nnspec-error.json" if many and fmt not in ("json", "junit") and path.is_dir() else path
        detail = "" if isinstance(exc, RubricError) else traceback.format_exc(limit=5)
        return [save(target, failure(fmt, message, detail=detail))]


def render(grades, fmt: str) -> str:
    """The text of one Grade (or, for json and junit, a list of them) in format `fmt`."""
    if fmt == "junit":
        return junit(grades if isinstance(grades, list) else [grades])
    if fmt == "json":
        data = [as_json(g) for g in grades] if isinstance(grades, list) else as_json(grades)
        return json.dumps(data, indent=2)
    return json.dumps({"gradescope": gradescope, "prairielearn": prairielearn,
                       "github-classroom": github_classroom}[fmt](grades), indent=2)


def failure(fmt: str, message: str, detail: str = "") -> str:
    """A results file for when nnspec itself failed: one failed test saying so (PrairieLearn: not gradable)."""
    if fmt == "gradescope":
        data = {"score": 0, "output": message, "output_format": "text",
                "tests": [{"name": "nnspec", "score": 0, "max_score": 0, "status": "failed",
                           "output": f"{message}\n\n{detail}".strip(), "output_format": "text",
                           "visibility": "visible"}]}
    elif fmt == "prairielearn":
        data = {"gradable": False, "score": 0.0, "message": message, "output": detail,
                "tests": [{"name": "nnspec", "points": 0, "max_points": 0, "message": message, "output": detail}]}
    elif fmt == "github-classroom":
        data = {"version": 1, "status": "error", "max_score": 0,
                "tests": [{"name": "nnspec", "status": "error", "score": 0, "message": message}]}
    elif fmt == "junit":
        suites = ET.Element("testsuites", name="nnspec", tests="1", failures="0", errors="1")
        suite = ET.SubElement(suites, "testsuite", name="nnspec", tests="1", failures="0", errors="1",
                              skipped="0", time="0")
        case = ET.SubElement(suite, "testcase", classname="nnspec", name="nnspec", time="0")
        ET.SubElement(case, "error", message=message, type="nnspec").text = detail
        return _xml(suites)
    else:
        data = {"verdict": "error", "score": 0, "max_score": 0, "message": message, "detail": detail, "items": []}
    return json.dumps(data, indent=2)


# -- Gradescope ------------------------------------------------------------------------------------------------
# Documented (Gradescope autograder specifications, results/results.json): top level "score" (optional when the
# tests carry scores; overrides their sum), "execution_time" (seconds), "output", "output_format" (text, html,
# simple_format, md, ansi), "visibility", "stdout_visibility", "extra_data", "tests"; each test "score",
# "max_score", "status" (passed | failed), "name", "number", "output", "output_format", "tags", "visibility"
# (hidden | after_due_date | after_published | visible), "extra_data".

def gradescope(g: Grade) -> dict:
    tests = []
    for number, item in enumerate(g.items, start=1):
        tests.append({"name": item.name, "number": str(number), "score": round(item.points, 4),
                      "max_score": round(item.max_points, 4), "status": "passed" if item.passed else "failed",
                      "output": _markdown(item), "output_format": "md",
                      "visibility": HIDDEN_VISIBILITY if item.hidden else "visible"})
    data = {"score": round(g.score, 4), "output": g.summary, "output_format": "text", "tests": tests,
            "extra_data": {"verdict": g.verdict}}
    if g.seconds is not None:
        data["execution_time"] = int(round(g.seconds))
    return data


# -- PrairieLearn ----------------------------------------------------------------------------------------------
# Documented (PrairieLearn external grading, /grade/results/results.json): "gradable" (false only when the
# submission could not be graded at all), "score" (0..1, required when gradable), "message", "output", "images",
# "tests"; each test "name", "description", "points", "max_points", "message", "output", "images".

def prairielearn(g: Grade) -> dict:
    tests = []
    for item in g.items:
        shown = not item.hidden
        tests.append({"name": item.name, "points": round(item.points, 4), "max_points": round(item.max_points, 4),
                      "message": item.message if shown else NOTE_HIDDEN,
                      "output": _plain(item) if shown else ""})
    score = g.score / g.max_score if g.max_score else 0.0
    return {"gradable": True, "score": round(min(max(score, 0.0), 1.0), 6), "message": g.summary, "tests": tests}


# -- GitHub Classroom ------------------------------------------------------------------------------------------
# Read by classroom-resources/autograding-grading-reporter (from a step output, base64-encoded, see
# docs/github-classroom.yml): "version" (1), "status" (pass | fail | error), "max_score", "tests"; each test
# "name", "status" (pass | fail | error), "score", "message", and optionally "test_code", "filename", "line_no",
# "execution_time".

def github_classroom(g: Grade) -> dict:
    tests = [{"name": item.name, "status": "pass" if item.passed else "fail", "score": round(item.points, 4),
              "message": (_plain(item) if not item.hidden else NOTE_HIDDEN), "test_code": f"nnspec: {item.name}",
              "filename": "", "line_no": 0, "execution_time": ""} for item in g.items]
    return {"version": 1, "status": "pass" if g.score >= g.max_score else "fail",
            "max_score": round(g.max_score, 4), "tests": tests}


# -- JUnit XML -------------------------------------------------------------------------------------------------
# The de-facto schema (Ant's JUnit report, read by Jenkins, GitLab, GitHub actions): <testsuites> of <testsuite
# name tests failures errors skipped time> of <testcase classname name time>, a failed one holding
# <failure message type>text</failure>; <properties> of <property name value> per suite.

def junit(grades: list) -> str:
    suites = ET.Element("testsuites", name="nnspec", tests=str(sum(len(g.items) for g in grades)),
                        failures=str(sum(not i.passed for g in grades for i in g.items)), errors="0")
    for g in grades:
        failures = sum(not i.passed for i in g.items)
        suite = ET.SubElement(suites, "testsuite", name=g.name, tests=str(len(g.items)), failures=str(failures),
                              errors="0", skipped="0", time=f"{g.seconds or 0:.2f}")
        properties = ET.SubElement(suite, "properties")
        for key, value in (("verdict", g.verdict), ("score", f"{g.score:g}"), ("max_score", f"{g.max_score:g}")):
            ET.SubElement(properties, "property", name=key, value=value)
        for item in g.items:
            case = ET.SubElement(suite, "testcase", classname=f"nnspec.{Path(g.name).stem}", name=item.name,
                                 time="0")
            if not item.passed:
                ET.SubElement(case, "failure", message=item.message, type=item.status).text = _plain(item)
        ET.SubElement(suite, "system-out").text = g.summary
    return _xml(suites)


# -- nnspec's own JSON -----------------------------------------------------------------------------------------

def as_json(g: Grade) -> dict:
    return {"submission": g.name, "verdict": g.verdict, "score": g.score, "max_score": g.max_score,
            "summary": g.summary, "seconds": g.seconds,
            "items": [{"name": i.name, "points": i.points, "max_points": i.max_points, "status": i.status,
                       "required": i.required, "hidden": i.hidden, "message": i.message, "details": i.details,
                       "hints": i.hints} for i in g.items]}


# -- helpers ---------------------------------------------------------------------------------------------------

def _markdown(item) -> str:
    if item.passed:
        return "passed"
    text = item.message.replace("\n", " ")
    if item.details and item.details.strip() != item.message.strip():
        text += "\n\n```\n" + item.details.replace("```", "'''") + "\n```"
    for hint in item.hints:
        text += f"\n\n**Hint:** {hint}"
    return text


def _plain(item) -> str:
    if item.passed:
        return "passed"
    text = item.message
    if item.details and item.details.strip() != item.message.strip():
        text += "\n" + item.details
    return text + "".join(f"\nhint: {h}" for h in item.hints)


def _xml(root) -> str:
    for element in root.iter():  # a file name may still hold what XML cannot (the messages are made safe earlier)
        element.attrib.update({k: visible(v) for k, v in element.attrib.items()})
        if element.text:
            element.text = visible(element.text)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def save(path: Path, text: str) -> Path:
    """Write atomically (a platform may read the file the moment the process ends)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    return path


def _file_names(names: list, suffix: str) -> list:
    """One file name per submission: its stem, with a number added when two submissions share one."""
    stems = [Path(n).stem or "submission" for n in names]
    seen, result = {}, []
    for stem in stems:
        seen[stem] = seen.get(stem, 0) + 1
        result.append(stem + (f"-{seen[stem]}" if stems.count(stem) > 1 else "") + suffix)
    return result
