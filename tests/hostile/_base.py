"""The reference's contract in its default configuration, for the hostile files to override one function of."""

from reference import *  # noqa: F401,F403
from reference import HIDDEN_ACTIVATION, LAYOUT, OUTPUT_ACTIVATION  # noqa: F401

del configure, CONFIGURATIONS  # noqa: F821 - one configuration, like a hand-written file
