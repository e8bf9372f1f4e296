"""Blueprint for persons and their case files."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

from caseapp.people import merge, views  # noqa: E402,F401
