"""docs/derivations.md is exactly what the markdown renderer produces."""

from pathlib import Path

from spec.__main__ import render_all

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "derivations.md"
REGENERATE = "python -m spec --all --format markdown > docs/derivations.md"


def test_docs_derivations_md_is_up_to_date():
    assert DOC.exists(), f"{DOC} is missing; generate it with: {REGENERATE}"
    expected = render_all("markdown")
    assert DOC.read_text(encoding="utf-8") == expected, (
        f"docs/derivations.md is stale; regenerate it with: {REGENERATE}"
    )
