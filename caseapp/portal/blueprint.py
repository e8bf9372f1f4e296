"""Blueprint for the newcomer portal."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from caseapp.portal import views  # noqa: E402,F401
