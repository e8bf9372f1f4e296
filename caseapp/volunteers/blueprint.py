"""Blueprint for volunteers: public sign-up and certificate check, own pages, coordination."""

from flask import Blueprint

bp = Blueprint("volunteers", __name__)

from caseapp.volunteers import views  # noqa: E402,F401
