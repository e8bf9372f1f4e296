"""Blueprint of interpreter dispatch: profiles, rounds, the interpreters' own pages."""

from flask import Blueprint

bp = Blueprint("interpreters", __name__)

from caseapp.interpreters import views  # noqa: E402,F401
