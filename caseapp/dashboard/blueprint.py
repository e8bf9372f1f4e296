"""Blueprint for the start pages."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from caseapp.dashboard import views  # noqa: E402,F401
