"""The hypothesis profiles: derandomized by default and in CI, more examples when thorough."""

import importlib

import pytest
from hypothesis import given
from hypothesis import settings as hsettings

from nnspec import settings, strategies


@pytest.fixture
def restore_profile():
    name = hsettings.get_current_profile_name()
    yield
    hsettings.load_profile(name)


@pytest.mark.parametrize("name", ["default", "ci"])
def test_the_default_and_ci_profiles_give_the_same_verdict_every_run(name):
    profile = hsettings.get_profile(name)
    assert profile.derandomize, f"{name} must be derandomized"
    assert profile.database is None, f"{name} must not replay failures remembered from earlier runs"


def test_the_thorough_profile_runs_more_examples():
    assert hsettings.get_profile("thorough").max_examples >= 10 * hsettings.get_profile("default").max_examples


def test_the_profile_comes_from_nnspec_profile_then_ci(monkeypatch, restore_profile):
    monkeypatch.setenv("NNSPEC_PROFILE", "thorough")
    assert settings.load() == "thorough"
    monkeypatch.delenv("NNSPEC_PROFILE")
    monkeypatch.setenv("CI", "true")
    assert settings.load() == "ci"
    monkeypatch.delenv("CI")
    assert settings.load() == "default"


def test_an_unknown_profile_is_named_with_the_valid_ones(monkeypatch, restore_profile):
    monkeypatch.setenv("NNSPEC_PROFILE", "fast")
    with pytest.raises(ValueError, match="NNSPEC_PROFILE was 'fast', must be one of default, ci, thorough"):
        settings.load()


def _drawn_matrices() -> list:
    """The matrices a derandomized check's strategy draws, in order (the same function each time: the same seed)."""
    drawn = []

    @hsettings(derandomize=True, max_examples=60, database=None)
    @given(strategies.matrices())
    def draw(matrix):
        drawn.append(matrix.tobytes())

    draw()
    return drawn


def test_the_examples_do_not_depend_on_the_modules_the_checking_process_has_loaded(tmp_path, monkeypatch):
    # Hypothesis may draw constants it finds in the source of local modules: a checkout's nnspec, or anything else
    # imported before the check. The same check must draw the same examples whatever was imported.
    before = _drawn_matrices()
    module = tmp_path / "nnspec_local_constants_probe.py"
    module.write_text("VALUES = [" + ", ".join(f"{k / 7:.17g}" for k in range(-140, 141)) + "]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.import_module(module.stem)
    assert _drawn_matrices() == before, "a module imported by the checking process changed the examples drawn"
