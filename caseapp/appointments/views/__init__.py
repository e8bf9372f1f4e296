"""Caseworkers book, move, cancel and close appointments, see calendars and manage rooms.

Importing the package registers every view on the blueprint.
"""

from caseapp.appointments.views import booking, calendar, handouts, rooms  # noqa: F401
