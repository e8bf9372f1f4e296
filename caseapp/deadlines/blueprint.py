"""Blueprint of the deadline watch (issue 19): the office list, the catalogue, the person's
deadlines. Importing it loads the views and the merge hook."""

from flask import Blueprint

bp = Blueprint("deadlines", __name__, url_prefix="/deadlines")

from caseapp.deadlines import merge, views  # noqa: E402,F401
