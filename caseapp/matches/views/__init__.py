"""Coordinators run rounds, decide proposals and carry matches; caseworkers add waiting people.

Importing the package registers every view on the blueprint.
"""

from caseapp.matches.views import common, lifecycle, rounds, setup, waiting  # noqa: F401
