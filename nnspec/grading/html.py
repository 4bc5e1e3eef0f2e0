"""A self-contained HTML report of a batch: no network, inline CSS, JS, SVG and PNG only.

The submissions-by-item matrix (coloured by status, sortable by any column), each score, the score distribution
as a small chart, and per submission its messages, hints and, when the entry has one, its decision boundary.
"""

from __future__ import annotations

import datetime
from html import escape
from pathlib import Path

from nnspec.grading.rubric import coerce
from nnspec.grading.scoring import grade

STATUS_CLASS = {"passed": "ok", "failed": "bad", "not provided": "missing", "not reached": "unreached",
                "not applicable": "missing", "not graded": "unreached"}
LEGEND = (("ok", "passed"), ("bad", "failed"), ("missing", "not provided"), ("unreached", "not reached"))

# Nothing may load from anywhere: the page is one file, readable offline, and a submission's text cannot phone home.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
STYLE = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #212121; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
table.matrix { border-collapse: collapse; margin: 1em 0; }
table.matrix th, table.matrix td { border: 1px solid #bdbdbd; padding: 3px 6px; text-align: center; }
table.matrix th { background: #eeeeee; cursor: pointer; user-select: none; white-space: nowrap; }
table.matrix th.item { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; }
table.matrix td.name { text-align: left; font-family: monospace; }
td.ok { background: #c8e6c9; } td.bad { background: #ffcdd2; }
td.missing { background: #e0e0e0; } td.unreached { background: #fff3c4; }
span.key { display: inline-block; padding: 0 .6em; margin-right: .4em; border: 1px solid #bdbdbd; }
.ok { background: #c8e6c9; } .bad { background: #ffcdd2; } .missing { background: #e0e0e0; }
.unreached { background: #fff3c4; }
details { margin: .4em 0; border: 1px solid #e0e0e0; padding: .3em .6em; }
details pre { background: #fafafa; padding: .5em; overflow-x: auto; font-size: 12px; }
.hint { color: #1b5e20; } .boundary { float: right; margin-left: 1em; border: 1px solid #bdbdbd; }
"""

SCRIPT = """
document.querySelectorAll("table.matrix th").forEach(function (th, column) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var ascending = th.dataset.order !== "asc";
    th.dataset.order = ascending ? "asc" : "desc";
    rows.sort(function (a, b) {
      var x = a.cells[column].dataset.sort, y = b.cells[column].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y);
      var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def render(entries, rubric=None, title: str = "nnspec grades") -> str:
    """The page for a batch's entries, as one HTML string."""
    from nnspec.grading.boundary import data_uri

    rubric = coerce(rubric)
    grades = [grade(e, rubric) for e in entries]
    columns = list(dict.fromkeys(item.name for g in grades for item in g.items))
    head = "".join(f'<th class="item" title="{escape(c)}">{escape(c)}</th>' for c in columns)
    body = []
    for number, g in enumerate(grades):
        items = {i.name: i for i in g.items}
        cells = []
        for c in columns:
            item = items.get(c)
            if item is None:
                cells.append('<td data-sort="-1"></td>')
                continue
            css = STATUS_CLASS.get(item.status, "bad")
            cells.append(f'<td class="{css}" data-sort="{item.points:.4f}" title="{escape(item.status)}: '
                         f'{escape(item.message[:300])}">{item.points:.3g}</td>')
        body.append(f'<tr><td class="name" data-sort="{escape(g.name)}"><a href="#s{number}">'
                    f'{escape(Path(g.name).name)}</a></td><td data-sort="{escape(g.verdict)}">{escape(g.verdict)}'
                    f'</td><td data-sort="{g.score:.4f}">{g.score:.3g} / {g.max_score:.3g}</td>{"".join(cells)}</tr>')
    sections = []
    for number, (entry, g) in enumerate(zip(entries, grades)):
        image = ""
        if isinstance(entry.get("boundary"), dict):
            try:
                image = (f'<img class="boundary" alt="decision boundary of {escape(Path(g.name).name)}\'s own train '
                         f'on two-moons" src="{data_uri(entry["boundary"])}">')
            except (ValueError, KeyError, TypeError) as exc:
                image = f"<p>(the decision boundary could not be drawn: {escape(str(exc))})</p>"
        problems = []
        for item in g.items:
            if item.passed:
                continue
            text = f"<li><b>{escape(item.name)}</b> ({escape(item.status)}): {escape(item.message)}"
            if item.details and item.details.strip() != item.message.strip():
                text += f"<pre>{escape(item.details)}</pre>"
            text += "".join(f'<div class="hint">hint: {escape(h)}</div>' for h in item.hints)
            problems.append(text + "</li>")
        listing = f"<ul>{''.join(problems)}</ul>" if problems else "<p>Every item passed.</p>"
        sections.append(f'<details id="s{number}"{" open" if number < 3 else ""}><summary>'
                        f'{escape(Path(g.name).name)}: {escape(g.verdict)}, {g.score:.3g} / {g.max_score:.3g}'
                        f'</summary>{image}<p>{escape(g.summary)}</p>{listing}<div style="clear:both"></div>'
                        f"</details>")
    legend = " ".join(f'<span class="key {css}">{escape(label)}</span>' for css, label in LEGEND)
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<style>{STYLE}</style></head><body>
<h1>{escape(title)}</h1>
<p>{len(grades)} submissions, graded with {escape(rubric.source)}; {stamp}. {summary_line(grades)}</p>
{histogram(grades)}
<p>{legend} Click a column's header to sort by it; each cell holds the points earned.</p>
<table class="matrix"><thead><tr><th>submission</th><th>verdict</th><th>score</th>{head}</tr></thead>
<tbody>{"".join(body)}</tbody></table>
<h2>Each submission</h2>
{"".join(sections)}
<script>{SCRIPT}</script>
</body></html>
"""


def summary_line(grades) -> str:
    if not grades:
        return "Nothing to grade."
    fractions = sorted(g.score / g.max_score if g.max_score else 0.0 for g in grades)
    median = fractions[len(fractions) // 2]
    passed = sum(g.verdict == "passed" for g in grades)
    return f"{passed} passed; median score {median:.0%}."


def histogram(grades, bins: int = 10, width: int = 320, height: int = 90) -> str:
    """The distribution of scores (as a fraction of the maximum) as a small inline SVG bar chart."""
    counts = [0] * bins
    for g in grades:
        fraction = g.score / g.max_score if g.max_score else 0.0
        counts[min(int(fraction * bins), bins - 1)] += 1
    top = max(counts + [1])
    bar = width / bins
    bars = []
    for i, count in enumerate(counts):
        h = (height - 30) * count / top  # room above the tallest bar for its count
        bars.append(f'<rect x="{i * bar + 1:.1f}" y="{height - 15 - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                    f'fill="#5c6bc0"><title>{i * 100 // bins}-{(i + 1) * 100 // bins}%: {count}</title></rect>')
        if count:
            bars.append(f'<text x="{i * bar + bar / 2:.1f}" y="{height - 18 - h:.1f}" font-size="10" '
                        f'text-anchor="middle">{count}</text>')
    axis = (f'<text x="0" y="{height - 2}" font-size="10">0%</text><text x="{width}" y="{height - 2}" '
            f'font-size="10" text-anchor="end">100%</text>')
    return (f'<figure><svg class="histogram" width="{width}" height="{height}" role="img" '
            f'aria-label="distribution of scores">{"".join(bars)}{axis}</svg>'
            f"<figcaption>Scores, as a share of the maximum</figcaption></figure>")


def write_html(entries, path, rubric=None) -> Path:
    path = Path(path)
    path.write_text(render(entries, rubric), encoding="utf-8")
    return path
