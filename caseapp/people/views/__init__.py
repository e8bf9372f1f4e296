"""Caseworkers' and administrators' pages for persons and their case files.

Importing the package registers every view on the blueprint.
"""

from caseapp.people.views import admin, casework, common, persons  # noqa: F401
from caseapp.people.views.common import today  # noqa: F401 - the start page dates with it
