"""The platforms' documented results formats, as checks: each returns the list of what is wrong (empty: valid)."""

import xml.etree.ElementTree as ET

NUMBER = (int, float)


def _typed(where, data, fields, problems, required=()):
    for key in required:
        if key not in data:
            problems.append(f"{where}: {key} is missing")
    for key, kinds in fields.items():
        kinds = kinds if isinstance(kinds, tuple) else (kinds,)
        if key in data and (not isinstance(data[key], kinds) or isinstance(data[key], bool) and bool not in kinds):
            problems.append(f"{where}: {key} was {data[key]!r}, must be {kinds}")


def gradescope(data) -> list:
    """Gradescope's results.json: score, execution_time, output, output_format, visibility, tests[...]."""
    problems = []
    formats = ("text", "html", "simple_format", "md", "ansi")
    visibilities = ("hidden", "after_due_date", "after_published", "visible")
    _typed("results", data, {"score": NUMBER, "execution_time": NUMBER, "output": str, "output_format": str,
                             "visibility": str, "stdout_visibility": str, "extra_data": dict, "tests": list},
           problems)
    if "score" not in data and not all("score" in t for t in data.get("tests", [])):
        problems.append("results: score is missing, and not every test has one")
    if data.get("output_format", "text") not in formats:
        problems.append(f"results: output_format was {data['output_format']!r}, must be one of {formats}")
    for i, test in enumerate(data.get("tests", [])):
        where = f"tests[{i}]"
        _typed(where, test, {"score": NUMBER, "max_score": NUMBER, "status": str, "name": str, "number": str,
                             "output": str, "output_format": str, "tags": list, "visibility": str,
                             "extra_data": dict}, problems)
        if test.get("status", "passed") not in ("passed", "failed"):
            problems.append(f"{where}: status was {test['status']!r}, must be passed or failed")
        if test.get("visibility", "visible") not in visibilities:
            problems.append(f"{where}: visibility was {test['visibility']!r}, must be one of {visibilities}")
        if test.get("output_format", "text") not in formats:
            problems.append(f"{where}: output_format was {test['output_format']!r}")
    return problems


def prairielearn(data) -> list:
    """PrairieLearn's results.json: gradable, score in 0..1 (when gradable), message, output, tests[...]."""
    problems = []
    _typed("results", data, {"gradable": bool, "score": NUMBER, "message": str, "output": str, "tests": list,
                             "images": list}, problems, required=("gradable",))
    if data.get("gradable") and not isinstance(data.get("score"), NUMBER):
        problems.append("results: score is missing, and gradable is true")
    if isinstance(data.get("score"), NUMBER) and not 0 <= data["score"] <= 1:
        problems.append(f"results: score was {data['score']}, must be in [0, 1]")
    for i, test in enumerate(data.get("tests", [])):
        _typed(f"tests[{i}]", test, {"name": str, "description": str, "points": NUMBER, "max_points": NUMBER,
                                     "message": str, "output": str, "images": list}, problems, required=("name",))
    return problems


def github_classroom(data) -> list:
    """What the autograding reporter decodes: version 1, status, max_score, tests[name, status, score, message]."""
    problems = []
    statuses = ("pass", "fail", "error")
    _typed("result", data, {"version": int, "status": str, "max_score": NUMBER, "tests": list}, problems,
           required=("version", "status", "max_score", "tests"))
    if data.get("version") != 1:
        problems.append(f"result: version was {data.get('version')!r}, must be 1")
    if data.get("status") not in statuses:
        problems.append(f"result: status was {data.get('status')!r}, must be one of {statuses}")
    for i, test in enumerate(data.get("tests", [])):
        _typed(f"tests[{i}]", test, {"name": str, "status": str, "score": NUMBER, "message": str,
                                     "test_code": str, "filename": str, "line_no": int}, problems,
               required=("name", "status"))
        if test.get("status") not in statuses:
            problems.append(f"tests[{i}]: status was {test.get('status')!r}, must be one of {statuses}")
    return problems


def junit(text) -> list:
    """JUnit XML: testsuites > testsuite[name, tests, failures, errors] > testcase[classname, name], counts agree."""
    problems = []
    root = ET.fromstring(text)
    if root.tag != "testsuites":
        return [f"root was <{root.tag}>, must be <testsuites>"]
    for suite in root.iter("testsuite"):
        for key in ("name", "tests", "failures", "errors"):
            if key not in suite.attrib:
                problems.append(f"testsuite: {key} is missing")
        cases = suite.findall("testcase")
        failed = sum(c.find("failure") is not None for c in cases)
        errors = sum(c.find("error") is not None for c in cases)
        if int(suite.get("tests", -1)) != len(cases):
            problems.append(f"testsuite {suite.get('name')}: tests={suite.get('tests')} but {len(cases)} testcases")
        if int(suite.get("failures", -1)) != failed or int(suite.get("errors", -1)) != errors:
            problems.append(f"testsuite {suite.get('name')}: failures/errors do not match its testcases")
        for case in cases:
            if "name" not in case.attrib or "classname" not in case.attrib:
                problems.append("testcase: name or classname is missing")
            for bad in case.findall("failure") + case.findall("error"):
                if "message" not in bad.attrib:
                    problems.append(f"testcase {case.get('name')}: <{bad.tag}> has no message")
    return problems
