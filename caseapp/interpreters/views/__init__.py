"""Views of interpreter dispatch (profiles and settings, rounds, the interpreters' side)."""

from caseapp.interpreters.views import own, profiles, rounds  # noqa: F401
