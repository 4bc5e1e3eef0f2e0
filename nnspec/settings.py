"""Hypothesis profiles: `default` and `ci` are derandomized (same verdict every run); `thorough` explores more.

Importing it also keeps hypothesis from drawing constants out of the source of local modules (see below)."""

import os

from hypothesis import HealthCheck, Phase, settings

_COMMON = dict(
    deadline=None,  # implementations are timed by nnspec's own per-call limit, not by hypothesis
    database=None,  # a replayed failure from an earlier run must not change today's verdict
    print_blob=False,
    # No 'explain' phase: its list of lines run only by failing examples points into the suite, not the bug.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)

settings.register_profile("default", max_examples=12, derandomize=True, **_COMMON)
settings.register_profile("ci", max_examples=12, derandomize=True, **_COMMON)
settings.register_profile("thorough", max_examples=300, derandomize=False, **_COMMON)

PROFILES = ("default", "ci", "thorough")


def _without_local_constants():
    """Hypothesis draws only its own constants, never those it finds in the source of this process's modules.

    Since 6.131 hypothesis sometimes draws a constant found in the source of the "local" modules loaded (those not
    in site-packages): nnspec's own from a checkout or an editable install, none from a wheel, and more as more of
    them are imported. Then the examples, and so a borderline verdict, would depend on how nnspec was installed and
    on what the process had imported before the check: one implementation, two verdicts. No setting turns it off,
    so its pool of local constants is kept empty (tests/meta/test_meta_settings.py proves the examples the same).
    """
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # a hypothesis from before local constants
        return
    if hasattr(providers, "_get_local_constants"):
        providers._get_local_constants = Constants
        cache = getattr(providers, "CONSTANTS_CACHE", None)
        if cache is not None and hasattr(cache, "cache"):
            cache.cache.clear()  # constants chosen from an earlier, non-empty pool


_without_local_constants()


def load(profile: str | None = None) -> str:
    """Load `profile`, else $NNSPEC_PROFILE, else `ci` when $CI is set, else `default`."""
    name = profile or os.environ.get("NNSPEC_PROFILE") or ("ci" if os.environ.get("CI") else "default")
    if name not in PROFILES:
        raise ValueError(f"NNSPEC_PROFILE was {name!r}, must be one of {', '.join(PROFILES)}")
    settings.load_profile(name)
    return name
