"""Every deliberately broken implementation in the catalogue is caught, by the check expected, with a message
that names the mistake; and the unbroken example it was made from passes that same check."""

import pytest

import catalogue
from nnspec.checks import all_checks, by_name
from nnspec.report import failure_text

ENTRIES = catalogue.CATALOGUE


def test_the_catalogue_holds_at_least_25_distinct_mistakes():
    names = [m.name for m in ENTRIES]
    assert len(names) >= 25, f"only {len(names)} mistakes"
    assert len(set(names)) == len(names), "two entries share a name"
    assert len({m.code for m in ENTRIES}) == len(ENTRIES), "two entries make the same change"


def test_every_expected_check_exists():
    known = {c.name for c in all_checks()}
    unknown = [(m.name, m.check) for m in ENTRIES if m.check not in known]
    assert not unknown, f"entries expecting checks that do not exist: {unknown}"


@pytest.mark.parametrize("mistake", ENTRIES, ids=[m.name for m in ENTRIES])
def test_a_broken_implementation_is_caught_by_the_expected_check_with_an_explanation(mistake):
    check = by_name(mistake.check)
    with pytest.raises(AssertionError) as caught:
        check(mistake.implementation())
    text = failure_text(caught.value)
    assert mistake.fragment in text, f"{mistake.description}: the message does not say {mistake.fragment!r}:\n{text}"


@pytest.mark.parametrize("base", sorted({m.base for m in ENTRIES}))
def test_the_unbroken_bases_pass_every_check_the_catalogue_expects_to_fail(base):
    # Without this, a check failing on the base itself would "catch" every mistake made in it.
    failures = []
    for name in sorted({m.check for m in ENTRIES if m.base == base}):
        try:
            by_name(name)(catalogue.base_implementation(base))
        except AssertionError as exc:
            failures.append(f"{name}: {failure_text(exc)}")
    assert not failures, f"{base} fails checks it must pass:\n" + "\n".join(failures)
