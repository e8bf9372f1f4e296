"""Blueprint for the newcomer portal."""

from flask import Blueprint

bp = Blueprint("portal", __name__, url_prefix="/portal")

from caseapp.portal import merge, views  # noqa: E402,F401
