"""Every deliberately broken implementation in the catalogue is caught, by the check expected, with a message
that names the guilty function first and explains the mistake; the unbroken example it was made from passes that
same check; and no hint speaks on another entry's mistake."""

import os

import background
import pytest

import catalogue
from nnspec.checks import all_checks

ENTRIES = catalogue.CATALOGUE
BY_NAME = {m.name: m for m in ENTRIES}


def _run_the_catalogue() -> dict:
    """Every entry's expected check and every base's, in a process of its own (tests/meta/catalogue_run.py)."""
    return background.json_of(os.path.join(os.path.dirname(__file__), "catalogue_run.py"))


BACKGROUND = {"catalogue": _run_the_catalogue}
BACKGROUND_SECONDS = {"catalogue": 13.0}


def failure_of(name: str) -> str:
    """The failure text of the entry's expected check ("" when it passed), computed once, in the background."""
    return background.result("catalogue", _run_the_catalogue)["entries"][name]


# Entries that make the same mistake in two places (two layouts, the forward and the backward pass), so one's hint
# rightly says the other's fragment too.
SAME_DIAGNOSIS = {
    frozenset({"softmax_of_a_rows_module_over_axis_0", "softmax_over_the_sample_axis"}),
    frozenset({"softmax_of_a_rows_module_over_axis_0", "float32_softmax_over_the_samples"}),
    frozenset({"dropout_backward_without_the_scale", "dropout_not_rescaled"}),
}


def hint_lines(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if line.startswith("  hint:"))


def test_the_catalogue_holds_at_least_65_distinct_mistakes():
    names = [m.name for m in ENTRIES]
    assert len(names) >= 65, f"only {len(names)} mistakes"
    assert len(set(names)) == len(names), "two entries share a name"
    assert len({m.code for m in ENTRIES}) == len(ENTRIES), "two entries make the same change"


def test_every_expected_check_exists():
    known = {c.name for c in all_checks()}
    unknown = [(m.name, m.check) for m in ENTRIES if m.check not in known]
    assert not unknown, f"entries expecting checks that do not exist: {unknown}"


@pytest.mark.parametrize("mistake", ENTRIES, ids=[m.name for m in ENTRIES])
def test_a_broken_implementation_is_caught_by_the_expected_check_with_an_explanation(mistake):
    text = failure_of(mistake.name)
    assert text, f"{mistake.description}: {mistake.check} passed"
    assert mistake.fragment in text, f"{mistake.description}: the message does not say {mistake.fragment!r}:\n{text}"
    assert text.startswith(mistake.culprit), f"the message must name {mistake.culprit} first:\n{text}"


@pytest.mark.parametrize("mistake", ENTRIES, ids=[m.name for m in ENTRIES])
def test_no_hint_speaks_on_another_entrys_mistake(mistake):
    # Hints are enumerated through the catalogue: an entry whose fragment is said by a hint names that hint. On
    # every other entry (with another diagnosis), that fragment must not appear in any hint line. Two entries whose
    # hints each say the other's fragment make the same mistake (float64 and float32 twins, one overflow in two
    # functions): that is one diagnosis, not a misfire.
    hints = hint_lines(failure_of(mistake.name))
    misfires = [other.name for other in ENTRIES
                if other.fragment != mistake.fragment and frozenset({mistake.name, other.name}) not in SAME_DIAGNOSIS
                and other.fragment in hint_lines(failure_of(other.name))
                and other.fragment in hints
                and mistake.fragment not in hint_lines(failure_of(other.name))]
    assert not misfires, f"{mistake.name} gets the hints of {misfires}:\n{hints}"


@pytest.mark.parametrize("base", sorted({m.base for m in ENTRIES}))
def test_the_unbroken_bases_pass_every_check_the_catalogue_expects_to_fail(base):
    # Without this, a check failing on the base itself would "catch" every mistake made in it.
    failures = background.result("catalogue", _run_the_catalogue)["bases"][base]
    assert not failures, f"{base} fails checks it must pass:\n" + "\n".join(failures)


def test_replayed_examples_give_every_entry_the_failure_text_hypothesis_gives():
    # A batch's worker replays the examples a passing check ran (nnspec/replay.py); at the first failing example
    # hypothesis takes over. Every verdict and every word of every message must be what hypothesis alone gives.
    result = background.result("catalogue", _run_the_catalogue)
    direct, replayed = result["entries"], result["entries replayed"]
    assert len(replayed) >= 45, f"only {len(replayed)} entries' checks draw examples with hypothesis"
    differing = [f"{name}:\n  hypothesis: {direct[name]!r}\n  replayed:   {replayed[name]!r}"
                 for name in replayed if direct[name] != replayed[name]]
    assert not differing, f"{len(differing)} of {len(replayed)} entries differ when replayed:\n" + "\n".join(differing)


def test_replay_records_on_the_bases_and_replays_their_passing_checks_and_the_entries_failing_ones():
    result = background.result("catalogue", _run_the_catalogue)
    counts = result["replay"]
    assert counts["recorded"] >= 20, counts
    failing = {base: failures for base, failures in result["bases replayed"].items() if failures}
    assert not failing and counts["replayed"] >= counts["recorded"], (counts, failing)
    # Every entry fails on a replayed example and is handed back to hypothesis, but those whose check draws
    # interactively (st.data(): initialize_parameters' shapes), which is never replayed.
    assert len(result["entries replayed"]) - 2 <= counts["fell back"] < len(result["entries replayed"]), counts
