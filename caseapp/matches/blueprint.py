"""Blueprint of the matching workflow (coordinators; caseworkers add people to waiting lists)."""

from flask import Blueprint

bp = Blueprint("matches", __name__, url_prefix="/matching")

from caseapp.matches import merge, sections, views  # noqa: E402,F401
