"""Moved to tests/factories/matching.py; kept so that older imports still work."""

from tests.factories.matching import *  # noqa: F403
from tests.factories.matching import TODAY, build, consent_to_matching, trained_volunteer  # noqa: F401
