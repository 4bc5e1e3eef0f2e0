"""The gradebook: one CSV row per submission (file, verdict, score, one column per rubric item)."""

from __future__ import annotations

import csv
from pathlib import Path

from nnspec.grading.rubric import coerce
from nnspec.grading.scoring import grade


def rows(entries, rubric=None) -> list:
    """The gradebook as a header row and one row per entry; item columns hold points earned."""
    rubric = coerce(rubric)
    grades = [grade(e, rubric) for e in entries]
    columns = list(dict.fromkeys(item.name for g in grades for item in g.items))
    table = [["file", "verdict", "score", "max_score", *columns, "message"]]
    for entry, g in zip(entries, grades):
        earned = {i.name: i.points for i in g.items}
        table.append([_text(g.name), g.verdict, _number(g.score), _number(g.max_score),
                      *(_number(earned[c]) if c in earned else "" for c in columns),
                      _text(entry.get("message") or entry.get("load_error") or "")])
    return table


def _text(value: str) -> str:
    """A cell of text a submission chose (its file name, its exception's words), never read as a formula.

    A spreadsheet runs a cell that starts with =, +, - or @ (`=HYPERLINK(...)` in a file name, say) when the
    teacher opens the gradebook; a leading apostrophe makes it text, as the spreadsheets themselves do.
    """
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_csv(entries, path, rubric=None) -> Path:
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows(entries, rubric))
    return path


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")
