"""Blueprint for appointments, calendars and rooms."""

from flask import Blueprint

bp = Blueprint("appointments", __name__, url_prefix="/appointments")

from caseapp.appointments import duplicate_evidence, merge, sections, views  # noqa: E402,F401
