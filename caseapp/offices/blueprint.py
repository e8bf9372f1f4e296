"""Blueprint for offices and districts."""

from flask import Blueprint

bp = Blueprint("offices", __name__, url_prefix="/offices")

from caseapp.offices import views  # noqa: E402,F401
